"""The målkompass: a model that draws itself as a compass of areas (Sollefteå's six) gets, in its
reports, per area the units' own goals (delmål) and the share of their activities done, as a table
and two native Excel charts (a radar of the share done, bars of the delmål)."""
from __future__ import annotations

from openpyxl.chart import BarChart, RadarChart, Reference

from rodtrad.consolidator.reports.book import PCT, col

DONE = "Klar"  # an activity's status when it is done (rollup.activity_status)


def rows(report) -> list[list]:
    """[area, delmål, activities, done, share done (0–1)] per perspective of the master data, in its
    order. A delmål (a unit's own goal) belongs to the area of the board goal it is linked to; an
    activity to its own. A follow-up's assessments of the board goals themselves are not delmål."""
    r, m, node = report.r, report.m, report.node
    counts = r.activity_counts(node.id)["perspective"]
    area_of = {g.id: g.perspective for g in m.goals}
    out = []
    for p in m.perspectives:
        goals = sum(1 for goal_id, pairs in r.unit_goals_under(node.id).items() if area_of.get(goal_id) == p.id
                    for _, goal in pairs if not goal.get("board_row"))  # a follow-up's rows of the board goals are no delmål
        total = sum(n for (area, _), n in counts.items() if area == p.id)
        done = counts.get((p.id, DONE), 0)
        out.append([p.name, goals, total, done, done / total if total else 0.0])
    return out


def write(report) -> None:
    """The sheet Målkompass of a node's report (reports/node.py calls it when the terms ask for it)."""
    book, t = report.book, report.t
    data = rows(report)
    sheet = book.sheet("Målkompass", f"Målkompass: {t.lower(t.unit_goal)} och andel klara aktiviteter per "
                       f"{t.lower(t.perspective)}",
                       f"{t.unit_goal} räknas under det {t.lower(t.perspective)} som målet de är kopplade till hör till; "
                       "aktiviteter under sitt eget.")
    first = book.table(sheet, [col(t.perspective, 28), col(t.unit_goal, 10, "0"), col("Aktiviteter", 12, "0"),
                               col("Klara", 10, "0"), col("Andel klara", 12, PCT)], data, name="Malkompass", freeze=False)
    ws, last = sheet.ws, first + len(data) - 1
    areas = Reference(ws, min_col=1, min_row=first, max_row=last)
    radar = RadarChart()
    radar.type = "marker"
    radar.title = f"Andel klara aktiviteter per {t.lower(t.perspective)}"
    radar.add_data(Reference(ws, min_col=5, min_row=first - 1, max_row=last), titles_from_data=True)
    radar.set_categories(areas)
    radar.y_axis.numFmt = PCT
    radar.height, radar.width = 9, 12
    ws.add_chart(radar, f"H{first - 1}")
    bars = BarChart()
    bars.type = "bar"
    bars.title = f"{t.unit_goal} per {t.lower(t.perspective)}"
    bars.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    bars.set_categories(areas)
    bars.height, bars.width = 9, 12
    ws.add_chart(bars, f"H{first + 18}")
