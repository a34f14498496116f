"""`rodtrad nytt-år`: next year's workspace from this year's.

What is carried, from the master data and the year's last consolidated follow-up (its
`export/dokument.jsonl`, the documents every unit and level returned):

- ids are kept everywhere; the budget year becomes the new year and the plan years move with it;
- periods: the same calendar, a year on (ids, names and dates);
- goals whose years (Från år–Till år) cover the new year; references to the others are removed, and an
  indicator or commitment left without a goal is dropped with it;
- uppdrag not closed, with their status (pågår when anyone reported work on it); an uppdrag is closed
  when its status in the master data says so (genomfört, avslutat) or when every unit and level
  answering for it at the last follow-up said Klart;
- locked activities, a year on, when their goal link is still there;
- frames: the sheet Budget planår's figures for the new year where there are any, else this year's;
- activities still open at the last follow-up (not Klar, not Avbruten) become prefilled rows in the
  unit's plan workbook for the new year, under the same id, inside the new year, for the unit to keep,
  change or clear;
- the history store (historik.sqlite) with this year's periods, so next year's reports show them.

The summary (Swedish, one line per thing carried or dropped with the reason) is returned and written
to the new workspace as `nytt-år-<year>.txt`.
"""
from __future__ import annotations

import calendar
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model import document
from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.workbooks import carried
from rodtrad.consolidator.model.words import count

CLOSED = {"genomfört", "avslutat"}  # the master data's uppdrag statuses that end an uppdrag
OPEN_ACTIVITY = {"Ej påbörjad", "Pågår", "Försenad"}  # an activity still going at the year's end
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RolloverError(Exception):
    """The roll-over cannot be made (message in Swedish)."""


@dataclass
class Summary:
    """What the roll-over carried and dropped, and why (Swedish lines)."""
    year: int
    carried: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    activities: dict[str, list[dict]] = field(default_factory=dict)  # unit -> rows prefilled in its plan
    to_do: list[str] = field(default_factory=list)  # what next year's master data needs before plans go out

    def text(self) -> str:
        lines = [f"Nytt år {self.year}", "", "Förs vidare:"] + [f"- {x}" for x in self.carried]
        lines += ["", "Tas inte med:"] + [f"- {x}" for x in self.dropped or ["inget"]]
        if self.to_do:
            lines += ["", "Att komplettera i nästa års styrmodell innan planerna skickas ut "
                      "(sedan: rodtrad check-master och rodtrad generate):"] + [f"- {x}" for x in self.to_do]
        return "\n".join(lines) + "\n"


def _shift(text, years: int):
    """Every year in a text (id, name, ISO date) moved on by `years`. A date on the last day of its
    month stays on the last day (a month period ending 28 February 2027 ends 29 February 2028); 29
    February becomes the 28th in a year without it."""
    if not isinstance(text, str):
        return text
    if ISO_DATE.match(text) and 1 <= int(text[5:7]) <= 12:
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
        last = calendar.monthrange(year, month)[1]
        if day <= last:
            new_last = calendar.monthrange(year + years, month)[1]
            return f"{year + years:04d}-{month:02d}-{new_last if day == last else min(day, new_last):02d}"
    out = YEAR.sub(lambda m: str(int(m.group(1)) + years), text)
    return out.replace("-02-29", "-02-28")


def last_documents(root: Path, master) -> tuple[str | None, list[dict]]:
    """The year's last consolidated follow-up (helår when there is one) and its returned documents."""
    follow = sorted((p for p in master.periods if p.kind != "plan"), key=lambda p: p.date, reverse=True)
    for period in follow:
        path = Workspace(root).reports(period.id) / "export" / "dokument.jsonl"
        if path.exists():
            docs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
            return period.id, [d for d in docs if d.get("valid")]
    return None, []


def next_year(data: dict, to: int, docs: list[dict], summary: Summary) -> dict:
    """The master data for year `to` from this year's (`data`, the styrmodell as a dict) and the last
    follow-up's documents; what was carried and dropped goes into `summary`."""
    this = int(data["municipality"]["budget_year"])
    step = to - this
    if step < 1:
        raise RolloverError(f"Året {to} ligger inte efter budgetåret {this}.")
    new = json.loads(json.dumps(data, default=str))
    plan_years = data["municipality"].get("plan_years") or []
    new["municipality"].update(budget_year=to, plan_years=[str(to + i) for i in range(1, len(plan_years) + 1)])
    summary.carried.append(f"Budgetår {to}, planår {', '.join(new['municipality']['plan_years']) or 'inga'} "
                           f"(förut {this} och {', '.join(map(str, plan_years)) or 'inga'})")
    new["periods"] = [{k: _shift(v, step) for k, v in p.items()} for p in data.get("periods") or []]
    summary.carried.append(f"{len(new['periods'])} perioder, samma kalender ett år senare")

    kept, gone = [], {}
    for g in data.get("goals") or []:
        first, last = g.get("from_year"), g.get("to_year")
        if (first is None or int(first) <= to) and (last is None or int(last) >= to):
            kept.append(dict(g))
        else:
            gone[g["id"]] = f"gäller {first or '…'}–{last or '…'}"
    for g in kept:
        g["parents"] = [p for p in g.get("parents") or [] if p not in gone]
    new["goals"] = kept
    summary.carried.append(f"{len(kept)} mål som gäller {to}")
    summary.dropped += [f"Mål {gid}: {why}, inte {to}" for gid, why in gone.items()]
    new["indicators"] = _without(data.get("indicators"), "goals", gone, "Nyckeltal", summary)
    new["commitments"] = _without(data.get("commitments"), "goals", gone, "Åtagande", summary)

    new["uppdrag"] = _uppdrag(data.get("uppdrag") or [], docs, to, summary)
    links = {g["id"] for g in kept} | {c["id"] for c in new["commitments"]} | {u["id"] for u in new["uppdrag"]}
    locked = []
    for a in data.get("locked_activities") or []:
        if a.get("link") and a["link"] not in links:
            summary.dropped.append(f"Låst aktivitet {a['id']}: kopplad till {a['link']}, som inte finns {to}")
            continue
        locked.append({**a, "start": _shift(a.get("start"), step), "end": _shift(a.get("end"), step)})
    new["locked_activities"] = locked
    if locked:
        summary.carried.append(f"{len(locked)} låsta aktiviteter ({', '.join(a['id'] for a in locked)}), ett år senare")

    known = ({r["id"] for r in data.get("org") or []}, {a["id"] for a in data.get("accounts") or []})
    planned = [b for b in data.get("budget_plan") or [] if int(b.get("year") or 0) == to]
    unknown = [b for b in planned if b["unit"] not in known[0] or b["account"] not in known[1]]
    if unknown:
        summary.dropped.append(f"Budget planår: {count(len(unknown), 'rad', 'rader')} för {to} med en ansvarskod eller ett konto som inte "
                               f"finns ({', '.join(sorted({b['unit'] for b in unknown})[:5])} …)")
        planned = [b for b in planned if b not in unknown]
    if planned:
        new["budget"] = [{"unit": b["unit"], "account": b["account"], "amount": b["amount"]} for b in planned]
        summary.carried.append(f"Budgetramar {to} ur bladet Budget planår ({count(len(planned), 'rad', 'rader')})")
    else:
        summary.carried.append(f"Budgetramar: årets ramar (bladet Budget planår har inga belopp för {to}); "
                               "uppdatera dem innan planerna skickas ut")
    new["budget_plan"] = [b for b in data.get("budget_plan") or [] if int(b.get("year") or 0) > to]
    if data.get("closing"):
        summary.carried.append("Balanskravets belopp (bladet Balanskrav) som de var: uppdatera dem med nästa års prognos")
    return new


def _without(rows, key: str, gone: dict, what: str, summary: Summary) -> list[dict]:
    out = []
    for row in rows or []:
        left = [g for g in row.get(key) or [] if g not in gone]
        if row.get(key) and not left:
            summary.dropped.append(f"{what} {row['id']}: alla dess mål har upphört")
            continue
        out.append({**row, key: left})
    return out


def _uppdrag(uppdrag: list[dict], docs: list[dict], to: int, summary: Summary) -> list[dict]:
    answers: dict[str, list[str]] = {}
    for d in docs:
        for u in d["document"].get("uppdrag") or []:
            if u.get("status"):
                answers.setdefault(u["id"], []).append(u["status"])
    out = []
    for u in uppdrag:
        said = answers.get(u["id"], [])
        if (u.get("status") or "") in CLOSED or (said and all(s == "Klart" for s in said)):
            why = f"status {u['status']}" if u.get("status") in CLOSED else f"alla {len(said)} som svarade sa Klart"
            summary.dropped.append(f"Uppdrag {u['id']}: avslutat ({why})")
            continue
        status = "pågår" if said else (u.get("status") or "ej påbörjat")
        out.append({**u, "status": status})
        late = f"; sista dag {u['deadline']} har passerat, KF beslutar om förlängning" \
            if u.get("deadline") and str(u["deadline"])[:10] < f"{to}-01-01" else ""
        summary.carried.append(f"Uppdrag {u['id']}: inte avslutat, status {status} "
                               f"({len(said)} svar: {', '.join(sorted(set(said))) or 'inga'}){late}")
    return out


def open_activities(docs: list[dict], to: int, links: set[str] | None, locked: set[str]) -> dict[str, list[dict]]:
    """Unit -> its own activities (not the `locked` ones, which the master data carries) still open at
    the last follow-up, as rows for next year's plan:
    inside the new year (a start before it becomes 1 January; an end before it, 30 June), the link kept
    when it is in `links` (None: every link kept, for carried.for_plan to judge against next year's)."""
    first = f"{to}-01-01"
    out: dict[str, list[dict]] = {}
    for d in docs:
        doc = d["document"]
        if (doc.get("meta") or {}).get("level", document.UNIT_LEVEL) != document.UNIT_LEVEL:
            continue
        for a in doc.get("activities") or []:
            if a.get("locked") or a["id"] in locked or a.get("status") not in OPEN_ACTIVITY or not a.get("text"):
                continue
            start, end = str(a.get("start") or first)[:10], str(a.get("end") or "")[:10]
            link = a.get("link") if links is None or a.get("link") in links else None
            row = {"id": a["id"], "text": a["text"], "link": link,
                   "perspective": a.get("perspective"), "start": max(start, first),
                   "end": end if end >= first else f"{to}-06-30", "responsible": a.get("responsible"),
                   "comment": f"Fortsätter från {to - 1} ({a['status'].lower()}, {start}–{end or '?'})."}
            out.setdefault(d["unit"], []).append(row)
    return out


def roll(root: Path, to: int, target: Path | None = None, now: str | None = None) -> tuple[Path, Summary]:
    """Write next year's workspace (default: beside this one, named `<name>-<year>`) with its master
    data, the history store and every unit's plan workbook for the new year, prefilled with the
    activities still open. When next year's master data has findings (say every goal ended with the
    year), the workspace is written without plans and `summary.to_do` lists the findings, sheet and
    cell, to complete first. Raises RolloverError (Swedish) when this year's master data cannot be read
    or the target exists."""
    from rodtrad.consolidator.rollup.store import FILE_NAME  # noqa: PLC0415
    from rodtrad.consolidator.workbooks.generate import generate  # noqa: PLC0415
    from rodtrad.consolidator.workbooks.masterbook import init  # noqa: PLC0415

    root = Path(root)
    master, findings = masterfile.load(Workspace(root).master_file)
    if master is None:
        raise RolloverError("Styrmodellen har fel: " + "; ".join(f.message() for f in findings[:5]))
    target = Path(target) if target else root.parent / f"{root.name}-{to}"
    if target.exists() and any(target.iterdir()):
        raise RolloverError(f"{target} finns redan; välj en annan mapp.")
    summary = Summary(to)
    period_id, docs = last_documents(root, master)
    summary.carried.append(f"Underlag: {'uppföljningen ' + period_id if period_id else 'ingen sammanställd uppföljning'}"
                           f" ({count(len(docs), 'godkänt svar', 'godkända svar')})")
    data = next_year(master.data, to, docs, summary)
    ws = init(target, data)
    new, findings = masterfile.load(ws.master_file)
    if (root / FILE_NAME).exists():
        shutil.copyfile(root / FILE_NAME, target / FILE_NAME)
        summary.carried.append(f"Historiken ({FILE_NAME}): årets perioder syns i nästa års rapporter")
    # every open activity with its link as it was: kept in the new workspace (carried.py) and written
    # into each unit's plan whenever the plan is generated, now or after the master data is completed
    everything = open_activities(docs, to, None, {a.id for a in master.locked_activities})
    carried.save(target, to, {u: rows for u, rows in everything.items() if master.is_unit(u)})
    if new is None:  # e.g. every goal ended with the year: the council decides next year's before plans go out
        summary.to_do = [f"{f.sheet}{'!' + f.cell if f.cell else ''}: {f.message()}" for f in findings]
        summary.activities = {u: rows for u, rows in everything.items() if master.is_unit(u)}
        summary.to_do += [f"Enhet {u}: pågående aktivitet {r['id']} ({r['text']}) förs in i enhetens plan för {to} "
                          "när planerna genereras (rodtrad generate)"
                          for u, rows in summary.activities.items() for r in rows]
        summary.carried.append("Inga planarbetsböcker ännu: nästa års styrmodell behöver kompletteras (se nedan)")
        (target / f"nytt-år-{to}.txt").write_text(summary.text(), encoding="utf-8")
        return target, summary
    plan = new.period(None)
    now = now or f"{to - 1}-11-01 08:00:00"
    paths = generate(new, plan.id, ws.outbox(plan.id), now=now, jobs=1, root=target)  # prefilled (carried.py)
    summary.activities = {u: rows for u, rows in carried.for_plan(new, everything).items()}
    n = sum(len(r) for r in summary.activities.values())
    summary.carried.append(f"{count(n, 'pågående aktivitet', 'pågående aktiviteter')} hos {count(len(summary.activities), 'enhet', 'enheter')} "
                           "förifyllda i planerna "
                           f"för {plan.id}; enheten behåller, ändrar eller tar bort dem")
    summary.carried.append(f"{count(len(paths), 'planarbetsbok', 'planarbetsböcker')} i {ws.outbox(plan.id)}")
    (target / f"nytt-år-{to}.txt").write_text(summary.text(), encoding="utf-8")
    return target, summary
