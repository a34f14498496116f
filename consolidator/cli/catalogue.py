"""The findings catalogue: every code with its severity, messages and an example, for the docs."""
from __future__ import annotations

from rodtrad.consolidator.consolidation import consolidate  # noqa: F401 - importing them registers their codes
from rodtrad.consolidator.reading import grid, validate  # noqa: F401
from rodtrad.consolidator.model import masterdata  # noqa: F401
from rodtrad.consolidator.imports import changes, kolada, ledger, sie, sniff, text  # noqa: F401
from rodtrad.consolidator.documents import pdf, template, texts  # noqa: F401 - the report documents' codes
from rodtrad.consolidator.model.findings import CATALOGUE, Finding
from rodtrad.consolidator.rules import all_rules
from rodtrad.consolidator.model.words import Said

EXAMPLE = {  # parameter -> example value, so every template renders as a user would see it
    "value": "NM9", "field": "Kopplad till", "sheet": "Aktiviteter", "cell": "D8", "expected": "KF3",
    "target": "nämndens mål", "allowed": "1, 2, 3, 4", "detail": Said("zip-arkivet är skadat", "the zip archive is damaged"), "size": 31.5, "limit": 25,
    "example": "2027-03-01", "supported": "1.0", "period": "2027-plan", "files": Said("a.xlsx och b.xlsx", "a.xlsx and b.xlsx"),
    "start": "2027-06-15", "first": 2027, "last": 2029, "account": "5010", "total": "7 475 000",
    "frame": "7 325 000", "diff": "150 000", "count": 1, "minimum": 3, "what": "egna aktiviteter",
    "what_en": "own activities", "line": 42,
}


# Where the defaults above would read oddly, a code's own example (where, value and parameters).
EXAMPLES = {
    "activity.end_before_start": {"field": "Slut", "cell": "G8", "value": "2027-05-15"},
    "activity.outside_years": {"field": "Start", "cell": "F8", "value": "2026-12-01"},
    "batch.duplicate_unit": {"sheet": "", "cell": "", "value": "2111"},
    "budget.frame_mismatch": {"sheet": "Budget", "cell": "P6", "field": "Summa", "value": 7475000},
    "column.missing": {"cell": "A4", "field": "Kommentar"},
    "document.pdf_failed": {"sheet": "", "cell": "", "value": "KF-rapport 2027-delar.docx", "detail": "ingen PDF skrevs"},
    "document.pdf_unavailable": {"sheet": "", "cell": "", "value": "7 st"},
    "document.template_broken": {"sheet": "", "cell": "", "value": "rapportmall.docx",
                                 "detail": "en platshållare med {{ }} eller {% %} är felskriven på rad 3"},
    "document.template_part": {"sheet": "", "cell": "", "value": "rapportmall.docx", "field": "bilaga"},
    "document.template_style": {"sheet": "", "cell": "", "value": "rapportmall.docx", "field": "Rubrik 1 (Heading 1)"},
    "field.required": {"field": "Ansvarig", "cell": "H8", "value": None},
    "file.is_folder": {"sheet": "", "cell": "", "value": "plan.xlsx"},
    "id.duplicate": {"sheet": "Aktiviteter", "cell": "A9", "value": "A01"},
    "link.removed_from_master": {"sheet": "Måluppföljning", "cell": "B6", "value": "BUN1", "what": "Mål",
                                 "what_en": "Goal", "answers": "18 enheters bedömningar",
                                 "answers_en": "18 units' assessments are"},
    "link.unknown": {"sheet": "Enhetens mål", "cell": "C5", "field": "Kopplat till nämndmål", "value": "NM99", "target": "Nämndmål"},
    "locked.missing": {"cell": "", "value": "L1 (Genomföra medarbetarsamtal med samtliga medarbetare.)"},
    "master.duplicate_id": {"sheet": "Mål", "cell": "A3", "value": "LM1"},
    "master.org_cycle": {"sheet": "Organisation", "cell": "C3", "value": "100"},
    "master.org_root": {"sheet": "Organisation", "cell": "", "value": "000, 999"},
    "master.unknown_ref": {"sheet": "Mål", "cell": "E6", "field": "Överordnade mål", "value": "LM9", "target": "målen"},
    "master.wrong_level": {"sheet": "Organisation", "cell": "E7", "field": "Nämnd", "value": "110",
                           "expected": "en nämnd eller styrelse"},
    "meta.period_unexpected": {"sheet": "_meta", "cell": "B5", "value": "2027-plan", "expected": "2027-T1"},
    "meta.period_unknown": {"sheet": "_meta", "cell": "B5", "value": "2026-plan"},
    "meta.template": {"sheet": "_meta", "cell": "B1", "value": "annan.mall"},
    "meta.level_unknown": {"sheet": "_meta", "cell": "B4", "value": "2111", "level": "nämnd"},
    "meta.unit_mismatch": {"sheet": "Översikt", "cell": "B5", "value": "2112", "expected": "2111"},
    "meta.unit_unknown": {"sheet": "_meta", "cell": "B4", "value": "7777"},
    "meta.version": {"sheet": "_meta", "cell": "B2", "value": "0.9", "supported": "1.0, 1.1"},
    "meta.version_newer": {"sheet": "_meta", "cell": "B2", "value": "2.0", "supported": "1.0, 1.1"},
    "plan.too_few": {"cell": "", "field": "egna aktiviteter", "value": 1},
    "prefilled.changed": {"cell": "C5", "field": "Aktivitet", "value": "Medarbetarsamtal om tid finns",
                          "expected": "Genomföra medarbetarsamtal med samtliga medarbetare."},
    "prefilled.row_missing": {"sheet": "Uppdrag", "cell": "", "value": "U3"},
    "responsible.unknown": {"cell": "H8", "field": "Ansvarig", "value": "Okänd Person"},
    "rule.failed": {"sheet": "", "cell": "", "value": "budget"},
    "sheet.merged_cells": {"cell": "C8", "value": "C8:D8"},
    "value.not_allowed": {"sheet": "Organisation", "cell": "D3", "field": "Nivå", "value": "avdelning",
                          "allowed": "kf, styrelse, nämnd, förvaltning, verksamhet, enhet, koncern, bolag"},
    "value.range": {"sheet": "Intern kontroll", "cell": "C5", "field": "Sannolikhet (1–4)", "value": 5, "allowed": "högst 4"},
    "value.unreadable": {"cell": "F10", "field": "Start", "value": "snart", "expected": "datum"},
    "value.excel_error": {"sheet": "Nyckeltal", "cell": "L9", "field": "Utfall", "value": "#DIV/0!",
                          "swedish": " (#DIVISION/0! i svenska Excel)"},
    "plausible.forecast_sign": {"sheet": "Ekonomi", "cell": "G5", "value": "3100 (Taxor och avgifter)",
                                "forecast": "370 000", "rule": "intäkter skrivs med minus", "rule_en": "revenues are negative"},
    "plausible.forecast_tkr": {"sheet": "Ekonomi", "cell": "G6", "value": "5010 (Löner)", "forecast": "7 398",
                               "budget": "7 398 000", "example": "7 398 000"},
    "plausible.percent_as_share": {"sheet": "Nyckeltal", "cell": "L7", "field": "Utfall",
                                   "value": "N7 (Andel heltidsanställda)", "share": "0,693", "percent": "69,3",
                                   "target": "80"},
    "sie.syntax": {"sheet": "", "cell": "", "value": 42, "detail": "#PSALDO: beloppet '000,50' är inget tal"},
    "sie.encoding": {"sheet": "", "cell": "", "detail": "cp437"},
    "sie.cut": {"sheet": "", "cell": "", "value": 41, "detail": "mitt i rad 41 (raden saknar radslut)",
                "detail_en": "in the middle of line 41 (no line end)"},
    "sie.unbalanced": {"sheet": "", "cell": "", "value": 8, "voucher": "K 157", "difference": "0,55"},
    "ledger.unattributed": {"sheet": "", "cell": "", "value": "6100", "amount": "50,00", "account": "6100",
                            "month": "januari 2027"},
    "ledger.unattributed_error": {"sheet": "", "cell": "", "value": "6100", "amount": "50,00", "account": "6100",
                                  "month": "januari 2027"},
    "ledger.from_vouchers": {"sheet": "", "cell": "", "value": "1"},
    "ledger.unknown_project": {"sheet": "", "cell": "", "value": "P999"},
    "kolada.no_values": {"sheet": "", "cell": "", "value": "N15419", "detail": "Andel behöriga till gymnasiet"},
    "kolada.outside_peers": {"sheet": "", "cell": "", "value": 870, "count": 284, "group": "Liknande kommuner",
                             "detail": "0114, 0115, 0117 …"},
    "ledger.csv_header": {"sheet": "", "cell": "", "value": "utfall", "detail": "ar;period;ansvar;konto;belopp"},
    "ledger.csv_duplicate": {"sheet": "", "cell": "", "value": 3, "line": 7},
    "ledger.kept": {"sheet": "", "cell": "", "value": 12, "detail": "augusti 2027"},
    "import.encoding": {"sheet": "", "cell": "", "value": "UTF-8, UTF-16 eller Windows-1252"},
    "ledger.unknown_unit": {"sheet": "", "cell": "", "value": "9999"},
    "ledger.csv_row": {"sheet": "", "cell": "", "value": 4, "detail": "2027;13;2111;410;5010;1;1"},
    "kolada.shape": {"sheet": "", "cell": "", "detail": "'values' saknas"},
    "followup.assessment_missing": {"sheet": "Måluppföljning", "cell": "F6", "value": "BUN2 (Fler barn och elever når kunskapsmålen)"},
    "followup.analysis_missing": {"sheet": "Måluppföljning", "cell": "G6", "value": "BUN2 (Fler barn och elever når kunskapsmålen)"},
    "followup.red_indicator": {"sheet": "Nyckeltal", "cell": "P7", "value": "N3 (Andel nöjda brukare)", "outcome": "75,9"},
    "followup.status_missing": {"sheet": "Aktiviteter", "cell": "J8", "field": "Aktivitet", "value": "A01 (Genomföra en workshop om bemötande)"},
    "followup.late_comment": {"sheet": "Aktiviteter", "cell": "K9", "value": "A02 (Införa e-tjänst för ansökningar)"},
    "followup.overdue": {"sheet": "Aktiviteter", "cell": "K9", "value": "A02 (Införa e-tjänst för ansökningar)",
                         "end": "2027-05-31", "status": "”Pågår”", "or_date": ", eller ändra slutdatumet",
                         "or_date_en": ", or change the end date"},
    "followup.forecast_missing": {"sheet": "Ekonomi", "cell": "G6", "value": "5010 (Löner)"},
    "followup.explanation_missing": {"sheet": "Ekonomi", "cell": "I6", "value": "5010", "deviation": "240 000",
                                     "limit": "50 000"},
    "followup.action_plan_missing": {"sheet": "Åtgärdsplan", "cell": "", "value": "412 000", "limit": "200 000 kr"},
    "followup.action_effect": {"sheet": "Åtgärdsplan", "cell": "D5", "value": "ÅP01 (Minskade inköp)"},
    "followup.action_short": {"sheet": "Åtgärdsplan", "cell": "", "value": "150 000", "deficit": "412 000"},
    "followup.account_unknown": {"sheet": "Åtgärdsplan", "cell": "C5", "value": "9999"},
    "followup.control_missing": {"sheet": "Intern kontroll", "cell": "E5", "value": "R01"},
    "followup.control_action": {"sheet": "Intern kontroll", "cell": "H5", "value": "R01"},
    "followup.carried_deleted": {"sheet": "Aktiviteter", "cell": "", "value": "A03"},
    "followup.relinked": {"sheet": "Aktiviteter", "cell": "D8", "field": "Kopplad till", "value": "BUN2", "expected": "BUN1"},
    "followup.outcome_changed": {"sheet": "Ekonomi", "cell": "E6", "field": "Utfall t.o.m. perioden", "value": 1200000,
                                 "expected": "1 312 450"},
    "prefilled.changed_unseen": {"sheet": "_meta", "cell": "B9", "value": None},
    "kolada.unknown_kpi": {"sheet": "", "cell": "", "value": "N00000"},
    "kolada.value": {"sheet": "", "cell": "", "value": "values[3]", "detail": "okänt kön 'X' (T, K eller M)"},
}
WHERE = ("value", "field", "sheet", "cell")


def kinds() -> list:
    """Every registered code, the rules' included."""
    all_rules()
    return [CATALOGUE[code] for code in sorted(CATALOGUE)]


def example(kind) -> Finding:
    values = {**EXAMPLE, **kind.example, **EXAMPLES.get(kind.code, {})}  # a kind may bring its own example
    params = {k: v for k, v in values.items() if k not in WHERE}
    return kind(file="2111 Förskolan Solrosen 2027-plan.xlsx", params=params, **{k: values[k] for k in WHERE})


def markdown() -> str:
    lines = ["# Findings catalogue", "",
             "Generated from the code by `rodtrad findings --markdown`; do not edit by hand.",
             "Every finding has a stable code, a severity (error: the workbook is not accepted; warning: look at it),",
             "the file, unit, sheet and cell it concerns, and a message in Swedish and English with a hint.",
             "A message names sheets, columns, goal levels and perspectives in the model's own words (the master",
             "data's sheet Begrepp: placeholders such as {board_goal} and {perspective_lc}, model/wording.py);",
             "shown here in Exempelkommun's.", ""]
    for kind in kinds():
        code = kind.code
        f = example(kind)
        lines += [f"## `{code}` — {'fel' if kind.severity == 'error' else 'varning' if kind.severity == 'warning' else 'info'}", "",
                  f"- sv: {f.message('sv')}", f"- en: {f.message('en')}"]
        if kind.hint_sv:
            lines.append(f"- hint: {f.hint('sv')} / {f.hint('en')}")
        lines.append("")
    return "\n".join(lines)
