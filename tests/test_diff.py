"""diff: every field of every template and period kind, compared by its own layout, in domain words."""
import datetime as dt
import itertools

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rodtrad.consolidator.model import document
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.audit.diff import diff, editable, fields
from rodtrad.consolidator.reading.validate import validate_file

LAYOUTS = [(document.PLAN, None, None)] + [(document.FOLLOW, kind, level)
                                           for kind, level in itertools.product(document.KINDS, document.LEVELS)]
TEMPLATE_IDS = {v: k for k, v in document.TEMPLATES.items()}


def _value(item: dict, which: int):
    kind = item.get("type")
    if kind == "bool":
        return bool(which)
    if kind in ("number", "int"):
        return 1000 + which
    if kind == "date":
        return dt.date(2027, 1, 1 + which)
    if kind == "list":
        return [f"V{which}"]
    return f"värde {which}"


def _document(name, kind, level, period="P1"):
    """A document with one row per table, every field filled, made from the layout alone."""
    layout = document.spec(name, kind, level)
    doc = {"meta": {"template": TEMPLATE_IDS[name], "kind": kind, "level": level, "period": period}}
    for sheet in layout["sheets"]:
        if sheet["key"] == "meta":
            continue
        if sheet["kind"] == "keyvalue":
            doc[sheet["key"]] = {f["key"]: _value(f, 0) for f in sheet["fields"]}
        else:
            row = {c["key"]: _value(c, 0) for c in sheet["columns"]}
            row["id" if "id" in row else "account"] = "X7"
            doc[sheet["key"]] = [row]
    return layout, doc


def _every_field(same_period: bool):
    for name, kind, level in LAYOUTS:
        layout, _ = _document(name, kind, level)
        for sheet in layout["sheets"]:
            if sheet["key"] == "meta":
                continue
            for item in fields(sheet, same_period):
                yield pytest.param(name, kind, level, sheet["key"], item["key"],
                                   id=f"{name}-{kind}-{level}-{sheet['key']}-{item['key']}")


@pytest.mark.parametrize("name, kind, level, sheet, key", list(_every_field(same_period=True)))
def test_every_field_of_every_layout_changed_is_one_change_named_by_row_and_field_and_between_periods_if_written(name, kind, level, sheet, key):
    layout, old = _document(name, kind, level)
    _, new = _document(name, kind, level)
    spec = next(s for s in layout["sheets"] if s["key"] == sheet)
    item = next(i for i in spec.get("columns") or spec.get("fields") if i["key"] == key)
    if spec["kind"] == "keyvalue":
        new[sheet][key] = _value(item, 1)
    else:
        new[sheet][0][key] = _value(item, 1)
    (change,) = diff(old, new)
    line = change.line()
    label = (item.get("header") or item.get("label")).replace("(kr)", "").strip()
    assert label[1:] in line and "→" in line
    if spec["kind"] == "table":
        assert line.startswith(f"{change.noun} X7: ")
    assert diff(old, old) == []
    old["meta"]["period"] = "föregående period"  # between periods, only what the unit or level writes
    assert len(diff(old, new)) == (1 if editable(item) else 0)


def test_a_new_row_is_new_and_a_removed_row_removed_and_resorting_is_no_change():
    _, old = _document(document.FOLLOW, "delår", "enhet")
    _, new = _document(document.FOLLOW, "delår", "enhet")
    new["activities"].append({**new["activities"][0], "id": "A12", "text": "Läsa med barnen"})
    old["activities"].insert(0, {**old["activities"][0], "id": "A02"})
    lines = [c.line() for c in diff(old, new)]
    assert lines == ["Aktivitet A02: borttagen (var värde 0)", "Aktivitet A12: ny (Läsa med barnen)"]
    new["activities"].reverse()
    assert [c.line() for c in diff(old, new)] == lines


def _edit(src, dst, changes: dict):
    """Change cells found by the row's id in column A (or B) and the column's header."""
    wb = load_workbook(src)
    for (sheet, rid, header), value in changes.items():
        ws = wb[sheet]
        head = next(r for r in ws.iter_rows(min_row=1, max_row=8) if any(c.value == header for c in r))
        col = next(c.column for c in head if c.value == header)
        row = next(r[0].row for r in ws.iter_rows(min_row=head[0].row + 1) if rid in (r[0].value, r[1].value))
        ws.cell(row, col).value = value
    wb.save(dst)
    return dst


@pytest.mark.parametrize("period, grade", [("2027-T1", "Ej uppfyllt"), ("2027-delar", "Uppfyllt")])
def test_two_submissions_of_a_follow_up_show_assessment_status_forecast_outcome_uppdrag_and_control(
        demo_cycle, tmp_path, period, grade):
    root = demo_cycle["workspace"].root
    (old,) = (root / "inkorg" / period).glob("2111 *.xlsx")
    new = _edit(old, tmp_path / old.name, {
        ("Måluppföljning", "EM01", "Bedömning"): grade,
        ("Aktiviteter", "A01", "Status"): "Avbruten",
        ("Ekonomi", "5010", "Helårsprognos"): 7500000,
        ("Nyckeltal", "N11", "Utfall"): 12.5,
        ("Uppdrag", "U1", "Status"): "Ej påbörjat",
        ("Intern kontroll", "R01", "Resultat"): "Kontrollen visade brister.",
    })
    master = demo_cycle["master"]
    docs = [validate_file(p, master, keep_document=True).document for p in (old, new)]
    lines = [c.line() for c in diff(*docs)]
    assert len(lines) == 6, lines
    assert any(line.startswith("Mål EM01: bedömning ") and line.endswith(f"→ {grade}") for line in lines)
    assert any(line.startswith("Aktivitet A01: status ") and line.endswith("→ Avbruten") for line in lines)
    assert any(line.startswith("Konto 5010: helårsprognos ") and line.endswith("→ 7 500 000 kr") for line in lines)
    assert any(line.startswith("Nyckeltal N11: utfall ") and line.endswith("→ 12,5") for line in lines)
    assert any(line.startswith("Uppdrag U1: status ") for line in lines)
    assert any(line.startswith("Kontroll R01: resultat ") and line.endswith("→ ”Kontrollen visade brister.”")
               for line in lines)
    out = CliRunner().invoke(main, ["diff", str(old), str(new), "-w", str(root)])
    assert out.exit_code == 0 and "6 ändringar" in out.output, out.output


def test_t1_against_delar_of_one_unit_shows_the_assessments_statuses_and_forecasts(demo_cycle):
    root, master = demo_cycle["workspace"].root, demo_cycle["master"]
    (t1,) = (root / "inkorg" / "2027-T1").glob("2111 *.xlsx")
    (delar,) = (root / "inkorg" / "2027-delar").glob("2111 *.xlsx")
    docs = [validate_file(p, master, keep_document=True).document for p in (t1, delar)]
    expected = []
    for key, field, label in (("assessments", "assessment", "bedömning"), ("activities", "status", "status"),
                              ("economy", "forecast", "helårsprognos")):
        before = {r.get("id") or r["account"]: r for r in docs[0][key]}
        for row in docs[1][key]:
            rid = row.get("id") or row["account"]
            if rid in before and before[rid].get(field) != row.get(field):
                expected.append(f"{rid}: {label} ")
            elif rid not in before:
                expected.append(f"{rid}: ny")
    assert expected  # the demo's units do change between T1 and delår
    out = CliRunner().invoke(main, ["diff", str(t1), str(delar), "-w", str(root)])
    assert out.exit_code == 0, out.output
    for piece in expected:
        assert piece in out.output, piece
    assert "Mål EM01: bedömning Uppfyllt → Ej uppfyllt" in out.output
    assert "Inga ändringar" not in out.output


@pytest.mark.parametrize("period", ["2027-T1", "2027-delar"])
def test_a_boards_own_follow_up_is_compared_by_the_boards_layout(demo_cycle, tmp_path, period):
    root, master = demo_cycle["workspace"].root, demo_cycle["master"]
    (old,) = (root / "inkorg" / period / "nämnd").glob("2000 *.xlsx")
    wb = load_workbook(old)
    ws = wb["Måluppföljning"]
    head = next(r for r in ws.iter_rows(min_row=1, max_row=8) if any(c.value == "Bedömning" for c in r))
    col = next(c.column for c in head if c.value == "Bedömning")
    row = next(r[0].row for r in ws.iter_rows(min_row=head[0].row + 1) if r[1].value)
    goal = ws.cell(row, 2).value
    ws.cell(row, col).value = "Delvis uppfyllt" if ws.cell(row, col).value != "Delvis uppfyllt" else "Uppfyllt"
    wb.save(tmp_path / old.name)
    docs = [validate_file(p, master, keep_document=True).document for p in (old, tmp_path / old.name)]
    (change,) = diff(*docs)
    assert change.line().startswith(f"Mål {goal}: bedömning ")
