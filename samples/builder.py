"""Helpers that build fictional master data for the presets: deterministic, no randomness."""
from __future__ import annotations

FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per", "Lena", "Mikael",
         "Emma", "Nils", "Ingrid", "Oskar", "Elin", "Jonas", "Sofia", "Fredrik", "Malin", "Gustav", "Åsa", "Björn"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Holm", "Ström", "Sjöberg", "Öberg", "Lundqvist", "Åberg"]
ROLES = ["Samordnare", "Handläggare", "Pedagog", "Undersköterska", "Controller", "Specialist"]

ACCOUNTS = [
    {"id": "3100", "name": "Taxor och avgifter", "kind": "intäkt"},
    {"id": "3600", "name": "Bidrag och ersättningar", "kind": "intäkt"},
    {"id": "5010", "name": "Löner", "kind": "kostnad"},
    {"id": "5400", "name": "Personalomkostnader (PO)", "kind": "kostnad"},
    {"id": "6100", "name": "Lokalkostnader", "kind": "kostnad"},
    {"id": "6400", "name": "Förbrukningsmaterial", "kind": "kostnad"},
    {"id": "7000", "name": "Köp av tjänster", "kind": "kostnad"},
]


def person(n: int) -> str:
    return f"{FIRST[(n * 7) % len(FIRST)]} {LAST[(n * 11 + n // len(FIRST)) % len(LAST)]}"


def email(name: str, domain: str) -> str:
    table = str.maketrans("åäöÅÄÖé", "aaoAAOe")
    return name.lower().translate(table).replace(" ", ".") + "@" + domain


def org_tree(root: tuple, tree: list, domain: str) -> tuple[list[dict], list[dict]]:
    """Flatten (id, name, level, children) tuples into org rows (with board ids) and people."""
    org, people, counter = [], [], [0]

    def walk(node, parent, board):
        node_id, name, level, children = node
        if level in ("nämnd", "styrelse", "koncern"):
            board = node_id
        counter[0] += 1
        manager = person(counter[0])
        org.append({"id": node_id, "name": name, "parent": parent, "level": level, "board": board,
                    "manager": manager, "email": email(manager, domain)})
        if not children and parent:
            for k in range(1, 3):
                people.append({"unit": node_id, "name": person(counter[0] * 5 + k), "role": ROLES[(counter[0] + k) % len(ROLES)]})
        for child in children:
            walk(child, node_id, board)

    root_id, root_name = root
    org.append({"id": root_id, "name": root_name, "parent": None, "level": "kf", "board": None,
                "manager": None, "email": None})
    for board in tree:
        walk(board, root_id, None)
    return org, people


def periods(year: int, kinds=("månad", "tertial", "delår", "helår"), months=True) -> list[dict]:
    rows = [{"id": f"{year}-plan", "name": f"Plan {year}", "date": f"{year - 1}-10-31",
             "deadline": f"{year - 1}-12-15", "kind": "plan", "asks": "Enhetsplan: mål, aktiviteter, budget, intern kontroll"}]
    if months and "månad" in kinds:
        for m in (1, 2, 3, 5, 6, 7, 9, 10, 11):
            last = 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31
            rows.append({"id": f"{year}-{m:02d}", "name": f"Månadsuppföljning {year}-{m:02d}", "date": f"{year}-{m:02d}-{last}",
                         "deadline": f"{year}-{m + 1:02d}-10" if m < 12 else f"{year + 1}-01-10",
                         "kind": "månad", "asks": "Ekonomi: utfall, prognos, avvikelse"})
    if "tertial" in kinds:
        rows.append({"id": f"{year}-T1", "name": f"Tertial 1 {year}", "date": f"{year}-04-30", "deadline": f"{year}-05-12",
                     "kind": "tertial", "asks": "Budgetuppföljning och årsprognos, mål, aktiviteter, uppdrag"})
    if "delår" in kinds:
        rows.append({"id": f"{year}-delar", "name": f"Delårsrapport {year}", "date": f"{year}-08-31", "deadline": f"{year}-09-15",
                     "kind": "delår", "asks": "Allt: ekonomi, mål, nyckeltal, aktiviteter, uppdrag, intern kontroll"})
    if "helår" in kinds:
        rows.append({"id": f"{year}-helar", "name": f"Årsredovisning {year}", "date": f"{year}-12-31", "deadline": f"{year + 1}-01-31",
                     "kind": "helår", "asks": "Allt: ekonomi, mål, nyckeltal, aktiviteter, uppdrag, intern kontroll"})
    return sorted(rows, key=lambda p: p["date"])


def budget(org: list[dict], accounts=ACCOUNTS) -> list[dict]:
    """Frames per leaf unit: salaries drive the rest, so units differ but stay plausible."""
    parents = {r["parent"] for r in org}
    rows = []
    for n, unit in enumerate(r for r in org if r["parent"] and r["id"] not in parents):
        salaries = 3_000_000 + (n * 733_000) % 14_000_000
        amounts = {"3100": -(salaries // 20) if n % 3 == 0 else 0, "3600": -(salaries // 15) if n % 4 == 1 else 0,
                   "5010": salaries, "5400": round(salaries * 0.4), "6100": 400_000 + (n * 97_000) % 1_500_000,
                   "6400": 80_000 + (n * 13_000) % 300_000, "7000": (n * 151_000) % 900_000}
        for account in accounts:
            if amounts.get(account["id"]):
                rows.append({"unit": unit["id"], "account": account["id"], "amount": amounts[account["id"]]})
    return rows


def goal(id, level, owner, text, perspective, parents=(), kind=None, years=(None, None), sdg=(), child=False):
    return {"id": id, "level": level, "kind": kind, "owner": owner, "parents": list(parents), "perspective": perspective,
            "text": text, "from_year": years[0], "to_year": years[1], "agenda2030": list(sdg), "child_rights": child}


def indicator(id, name, unit, direction, baseline, target, goals, source="manuell", kolada=None, aggregation="medel",
              weight=None, red=None):
    # Red lies twice the distance from baseline to target beyond the target, so a baseline between
    # is yellow; an indicator whose baseline already meets its target is green.
    step = abs(target - baseline) or 1
    if red is None:
        red = round(target - 2 * step if direction == "högre" else target + 2 * step, 6)  # 2 - 1.6 is 0.4, not 0.3999999999999999
    return {"id": id, "name": name, "unit": unit, "direction": direction, "baseline": baseline, "target": target,
            "green": target, "red": red, "source": source, "kolada": kolada, "aggregation": aggregation,
            "weight": weight, "goals": list(goals)}


DEFAULT_RULES = {"action_plan_sek": 200_000, "action_plan_pct": 2, "explain_sek": 50_000, "budget_must_match_frame": True,
                 "min_activities": 3, "min_goals": 1}


def closing(frames: list[dict], result_indicator: str | None = None) -> dict:
    """The balanskrav figures (sheet Balanskrav) for a preset: taxes and general state grants 4 % above
    the units' budgeted net cost, a small financial net and central costs, in kronor."""
    net = sum(f["amount"] for f in frames)
    return {"taxes_sek": round(net * 1.04, -5), "financial_net_sek": -round(net * 0.004, -4),
            "central_cost_sek": round(net * 0.015, -5), "realisation_gains_sek": 0, "exempt_gains_sek": 0,
            "exempt_losses_sek": 0, "unrealised_losses_sek": 0, "unrealised_reversal_sek": 0, "to_rur_sek": 0,
            "from_rur_sek": 0, "earlier_deficit_sek": 0, "result_indicator": result_indicator}


def plan_budget(frames: list[dict], years: list, growth: float = 0.02) -> list[dict]:
    """The plan years' frames (sheet Budget planår): each budget-year frame grown by `growth` a year,
    in whole thousands of kronor."""
    return [{"unit": f["unit"], "account": f["account"], "year": int(y), "amount": round(f["amount"] * (1 + growth) ** n, -3)}
            for n, y in enumerate(years, start=1) for f in frames]
