"""Master data integrity: ids unique, every link resolves, one organisation tree."""
from __future__ import annotations

from functools import lru_cache

from rodtrad.consolidator.model import contract
from rodtrad.consolidator.model.findings import ERROR, WARNING, define

BOARD_LEVELS = ("nämnd", "styrelse")
LEVELS = ("kf", "styrelse", "nämnd", "förvaltning", "verksamhet", "enhet", "koncern", "bolag")

DUPLICATE = define("master.duplicate_id", ERROR, "Id {value} finns flera gånger på bladet {sheet}.",
                   "The id {value} occurs more than once on sheet {sheet}.",
                   "Ge varje rad ett eget id.", "Give every row its own id.")
UNKNOWN_REF = define("master.unknown_ref", ERROR, "{field}: {value} finns inte bland {target}.",
                     "{field}: {value} does not exist among {target}.",
                     "Rätta hänvisningen eller lägg till det som saknas.", "Fix the reference or add what is missing.")
WRONG_LEVEL = define("master.wrong_level", ERROR, "{field}: {value} är inte {expected}.",
                     "{field}: {value} is not {expected}.")
ORG_ROOT = define("master.org_root", ERROR, "Organisationen ska ha exakt en topp (utan överordnad); nu {value}.",
                  "The organisation must have exactly one top (without a parent); found {value}.")
ORG_CYCLE = define("master.org_cycle", ERROR, "Organisationen har en slinga vid {value}.",
                   "The organisation tree has a cycle at {value}.")
NO_PLAN_PERIOD = define("master.no_plan_period", ERROR, "Det finns ingen period av typen plan.",
                        "There is no period of kind plan.", "Lägg till en planperiod på bladet Perioder.")


SUMMED_SHARE = define(
    "master.summed_share", WARNING,
    "Nyckeltalet {value} mäts i {unit} men summeras över enheterna: en summa av andelar är ingen andel.",
    "The indicator {value} is measured in {unit} but summed over the units: a sum of shares is no share.",
    "Välj Aggregering medel (eller viktat, med en vikt) för ett nyckeltal i procent; summa passar antal och belopp.",
    "Choose the aggregation medel (or viktat, with a weight) for an indicator in per cent; summa suits counts and amounts.",
    example={"value": "N3", "unit": "%", "sheet": "Nyckeltal", "cell": "G4"})
SHARES = ("procent", "andel")  # an indicator's unit (Enhet) that says it is a share, besides any with "%"


def integrity(data: dict, got: contract.Read, file: str) -> list:
    """Ids unique, links resolve, one organisation tree."""
    out = []

    def at(pointer, kind, **kw):
        sheet, cell = got.where(pointer)
        out.append(kind(file=file, sheet=sheet, cell=cell, **kw))

    ids = {}
    for key in ("org", "perspectives", "periods", "goals", "indicators", "commitments", "uppdrag",
                "locked_activities", "accounts"):
        seen = set()
        for i, rec in enumerate(data.get(key) or []):
            if rec.get("id") in seen:
                at(f"/{key}/{i}/id", DUPLICATE, value=rec["id"])
            seen.add(rec.get("id"))
        ids[key] = seen
    org = {r["id"]: r for r in data.get("org") or [] if r.get("id")}
    # a node whose level is itself invalid is reported once, not again by everything pointing at it
    boards = {i for i, r in org.items() if r.get("level") in BOARD_LEVELS + ("koncern",) or r.get("level") not in LEVELS}
    goal_ids, link_ids = ids["goals"], ids["goals"] | ids["commitments"] | ids["uppdrag"]

    def ref(key, i, fld, value, known, target, label):
        if value and value not in known:
            at(f"/{key}/{i}/{fld}", UNKNOWN_REF, value=value, field=label, params={"target": target})

    roots = [r["id"] for r in org.values() if not r.get("parent")]
    if len(roots) != 1:
        out.append(ORG_ROOT(file=file, sheet="Organisation", value=", ".join(roots) or "ingen"))
    for i, r in enumerate(data.get("org") or []):
        ref("org", i, "parent", r.get("parent"), org, "organisationens ansvarskoder", "Överordnad")
        if r.get("board") and r["board"] in org and r["board"] not in boards:
            at(f"/org/{i}/board", WRONG_LEVEL, value=r["board"], field="Nämnd", params={"expected": "en nämnd eller styrelse"})
        else:
            ref("org", i, "board", r.get("board"), org, "organisationens ansvarskoder", "Nämnd")
        seen, node = set(), r
        while node and node.get("parent") and node["id"] not in seen:
            seen.add(node["id"])
            node = org.get(node["parent"])
        if node and node["id"] in seen:
            at(f"/org/{i}/parent", ORG_CYCLE, value=r["id"])
    for i, r in enumerate(data.get("people") or []):
        ref("people", i, "unit", r.get("unit"), org, "organisationens ansvarskoder", "Ansvarskod")
    for i, g in enumerate(data.get("goals") or []):
        ref("goals", i, "owner", g.get("owner"), org, "organisationens ansvarskoder", "Ägare")
        ref("goals", i, "perspective", g.get("perspective"), ids["perspectives"], "perspektiven", "Perspektiv")
        for parent in g.get("parents") or []:
            ref("goals", i, "parents", parent, goal_ids, "målen", "Överordnade mål")
        for target in g.get("agenda2030") or []:
            ref("goals", i, "agenda2030", target, agenda2030_ids(), "Agenda 2030:s mål och delmål", "Agenda 2030")
    for i, ind in enumerate(data.get("indicators") or []):
        for goal in ind.get("goals") or []:
            ref("indicators", i, "goals", goal, goal_ids, "målen", "Mål")
        unit = str(ind.get("unit") or "").strip()
        if ind.get("aggregation") == "summa" and (unit.lower() in SHARES or "%" in unit):
            at(f"/indicators/{i}/aggregation", SUMMED_SHARE, value=ind.get("id"), params={"unit": unit})
    for i, c in enumerate(data.get("commitments") or []):
        ref("commitments", i, "owner", c.get("owner"), org, "organisationens ansvarskoder", "Ägare")
        for goal in c.get("goals") or []:
            ref("commitments", i, "goals", goal, goal_ids, "målen", "Mål")
    for i, u in enumerate(data.get("uppdrag") or []):
        for board in u.get("boards") or []:
            ref("uppdrag", i, "boards", board, boards, "nämnderna och styrelserna", "Nämnder")
    for i, a in enumerate(data.get("locked_activities") or []):
        ref("locked_activities", i, "link", a.get("link"), link_ids, "mål, åtaganden och uppdrag", "Kopplad till")
        ref("locked_activities", i, "perspective", a.get("perspective"), ids["perspectives"], "perspektiven", "Perspektiv")
        for unit in a.get("units") or []:
            ref("locked_activities", i, "units", unit, set(org) | {"alla"}, "organisationens ansvarskoder", "Enheter")
    for key in ("budget", "budget_plan"):  # this year's frames and the plan years'
        for i, b in enumerate(data.get(key) or []):
            ref(key, i, "unit", b.get("unit"), org, "organisationens ansvarskoder", "Ansvarskod")
            ref(key, i, "account", b.get("account"), ids["accounts"], "kontona", "Konto")
    for i, p in enumerate(data.get("projects") or []):
        ref("projects", i, "board", p.get("board"), boards, "nämnderna och styrelserna", "Nämnd")
        ref("projects", i, "unit", p.get("unit"), org, "organisationens ansvarskoder", "Ansvarskod")
    for key, what in (("result_indicator", "Nyckeltal för årets resultat"),
                      ("self_financing_indicator", "Nyckeltal för självfinansieringsgrad")):
        indicator = (data.get("closing") or {}).get(key)
        if indicator and indicator not in ids["indicators"]:
            at(f"/closing/{key}", UNKNOWN_REF, value=indicator, field=what, params={"target": "nyckeltalen"})
    if data.get("periods") and not any(p.get("kind") == "plan" for p in data["periods"]):
        out.append(NO_PLAN_PERIOD(file=file, sheet="Perioder"))
    return out


@lru_cache(maxsize=1)
def agenda2030_ids() -> frozenset[str]:
    ref = contract.load_json("agenda2030.json")
    return frozenset({g["id"] for g in ref["goals"]} | {t["id"] for g in ref["goals"] for t in g["targets"]})
