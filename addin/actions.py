"""The add-in's actions, each a function of an xlwings Book: validate, refresh, submit, and the
ribbon's one button (`run_main`). Every failure reaches the user as a Swedish alert, never a
traceback."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.model import document, masterdata, terms
from rodtrad.consolidator.model.findings import ERROR
from rodtrad.consolidator.reading.validate import Task, validate_grid
from rodtrad.consolidator.workbooks.workbook import INPUT_FILL, LOCKED_FILL
from rodtrad.consolidator.model.workspace import Workspace, workbook_name
from rodtrad.consolidator.model.values import inert

from . import config as cfg, livebook
from rodtrad.consolidator.model.words import count, explain

FINDINGS_SHEET = "Fel"
HEADER_ROW = 4
ERROR_COLOUR, WARNING_COLOUR = "#FFC7CE", "#FFEB9C"
TITLE = "Röd tråd"
BUTTONS = {"rodtradMain": "run_main"}  # ribbon button id -> the action it runs (the ribbon has one)


# -- validate ---------------------------------------------------------------------------------

def validate(book, master: masterdata.MasterData, now: dt.datetime | None = None) -> Task:
    """Run the consolidator's validator on the open workbook; mark cells and list findings on 'Fel'."""
    far: list = []
    sheets = livebook.grid(book, far)
    task = validate_grid(sheets, master, file=book.name)
    task.findings = far + task.findings
    _clear_marks(book, sheets, terms.of(master))
    for f in task.findings:
        if f.sheet in sheets and f.cell and ":" not in f.cell:
            rng = book.sheets[f.sheet][f.cell]
            rng.color = ERROR_COLOUR if f.severity == ERROR else WARNING_COLOUR
            _note(rng, f"{f.message()}\n{f.hint()}".strip())
    _write_findings(book, task, now or dt.datetime.now())
    return task


def _previous_marks(book) -> list[tuple[str, str]]:
    """The cells the last run marked: they are listed on the Fel sheet (columns Blad and Cell)."""
    if FINDINGS_SHEET not in [s.name for s in book.sheets]:
        return []
    rows = book.sheets[FINDINGS_SHEET].used_range.value or []
    rows = rows if rows and isinstance(rows[0], list) else []
    return [(r[1], r[2]) for r in rows[HEADER_ROW:] if len(r) > 2 and r[1] and r[2] and ":" not in str(r[2])]


def _clear_marks(book, sheets, words=None) -> None:
    for sheet, cell in _previous_marks(book):
        if sheet in sheets:
            rng = book.sheets[sheet][cell]
            rng.color = _original_fill(sheet, cell, sheets, words)
            _note(rng, None)


def _original_fill(sheet_name: str, cell: str, sheets: dict, words=None) -> str | None:
    """The fill a cell had when the workbook was generated, from the layout: input cells yellow,
    a locked activity's cells grey, others none."""
    from openpyxl.utils.cell import coordinate_to_tuple

    spec = next((s for s in document.spec(*document.template_of(sheets), words=words)["sheets"] if s["name"] == sheet_name), None)
    if spec is None:
        return None
    if spec["kind"] == "keyvalue":
        label = sheets[sheet_name][coordinate_to_tuple(cell)[0] - 1][0] if sheets[sheet_name] else None
        field = next((f for f in spec["fields"] if f["label"] == label), None)
        return "#" + INPUT_FILL if field and field.get("input") else None
    row, col = coordinate_to_tuple(cell)
    rows = sheets[sheet_name]
    header = next((r for r in rows[:30] if spec["columns"][0]["header"] in r), None)
    if header is None or col > len(header):
        return None
    column = next((c for c in spec["columns"] if c["header"] == header[col - 1]), None)
    locked_row = "locked" in [c["key"] for c in spec["columns"]] and row - 1 < len(rows) and "Ja" in rows[row - 1][:3]
    if column and (column.get("input") is True or (column.get("input") == "unless_locked" and not locked_row)):
        return "#" + INPUT_FILL
    return "#" + LOCKED_FILL if locked_row else None


def _note(rng, text: str | None) -> None:
    """A note on the cell where the platform allows it (Excel on Windows and macOS)."""
    try:
        if rng.note is not None:
            rng.note.delete()
        if text:
            rng.add_note(text[:250])
    except Exception:  # noqa: BLE001 - notes are a courtesy: the Fel sheet lists everything anyway
        pass


def _write_findings(book, task: Task, now: dt.datetime) -> None:
    names = [s.name for s in book.sheets]
    sheet = book.sheets[FINDINGS_SHEET] if FINDINGS_SHEET in names else book.sheets.add(FINDINGS_SHEET, after=book.sheets[-1])
    sheet.clear()
    stamp = now.strftime("%Y-%m-%d %H:%M")
    if not task.findings:
        sheet["A1"].value = [["Inga fel"], [f"Kontrollerad {stamp}. Arbetsboken kan lämnas in."]]
        return
    rows = [["Fel och varningar", None, None, None, None, None],
            [f"Kontrollerad {stamp}: {task.errors} fel, {count(task.warnings, 'varning', 'varningar')}. Klicka på cellen för att gå dit.",
             None, None, None, None, None],
            [None] * 6,
            ["Allvar", "Blad", "Cell", "Kod", "Meddelande", "Gör så här"]]
    # Excel parses a value assigned to a live cell as if typed: the findings carry unit text
    rows += [[inert(v) for v in ("Fel" if f.severity == ERROR else "Varning", f.sheet, f.cell, f.code, f.message(), f.hint())]
             for f in task.findings]
    sheet["A1"].value = rows
    for i, f in enumerate(task.findings, start=HEADER_ROW + 1):
        if f.sheet and f.cell:
            sheet[f"C{i}"].add_hyperlink(f"#'{f.sheet}'!{f.cell.split(':')[0]}", f.cell)


# -- refresh ----------------------------------------------------------------------------------

def lists_for(book, master) -> tuple[str, dict[str, list], list[str]]:
    """The unit, its dropdown lists as the master data has them now, and the lists' order in _listor
    (a plan's and a follow-up's lists differ)."""
    got = document.from_grid(livebook.grid(book), words=terms.of(master))
    unit = (got.data.get("meta") or {}).get("unit")
    if unit not in master.by_id:
        raise ActionError("Arbetsboken är inte en enhetsplan eller uppföljning från Röd tråd för den här kommunen.")
    if got.template == document.FOLLOW:
        from rodtrad.consolidator.workbooks import followdocs  # noqa: PLC0415

        return unit, followdocs.lists(master, unit), list(got.layout["lists"])
    return unit, document.lists(master, unit), list(got.layout["lists"])


def needs_refresh(book, master) -> bool:
    """Whether the hidden lists differ from what the master data says now."""
    _, lists, keys = lists_for(book, master)
    rows = book.sheets["_listor"].used_range.value or []
    current = {key: [r[i] for r in rows[1:] if i < len(r) and r[i] not in (None, "")] for i, key in enumerate(keys)}
    return any(current.get(k, []) != [v for v in lists.get(k, [])] for k in keys)


def refresh(book, master) -> None:
    """Rewrite the dropdown lists (goals, uppdrag, perspectives, people) from the master data.
    Only the hidden _listor sheet and its names change; nothing the unit typed is touched."""
    _, lists, keys = lists_for(book, master)
    sheet = book.sheets["_listor"]
    longest = max([len(lists.get(k) or []) for k in keys] + [1])
    old = sheet.used_range.shape[0] if sheet.used_range.value is not None else 1
    body = [[inert((lists.get(k) or [])[r]) if r < len(lists.get(k) or []) else None for k in keys]
            for r in range(max(longest, old - 1))]
    sheet["A2"].value = body
    from openpyxl.utils import get_column_letter

    for i, key in enumerate(keys, start=1):
        letter, last = get_column_letter(i), max(len(lists.get(key) or []), 1) + 1
        try:
            book.names[f"lista_{key}"].refers_to = f"='_listor'!${letter}$2:${letter}${last}"
        except Exception:  # noqa: BLE001 - where names cannot be changed, the generated size stands
            pass


# -- submit -----------------------------------------------------------------------------------

class ActionError(Exception):
    """Something the user must be told, in Swedish."""


def submission_path(book, master, config: cfg.Config) -> Path:
    meta = document.from_grid(livebook.grid(book)).data.get("meta") or {}
    unit, period = meta.get("unit"), meta.get("period")
    if unit not in master.by_id or not period:
        raise ActionError("Arbetsboken saknar enhet eller period och kan inte lämnas in.")
    return config.submit_folder(period) / workbook_name(unit, master.by_id[unit].name, period)


def save_copy(book, target: Path) -> None:
    """Excel's own 'save a copy' (Windows); elsewhere 'save as', after which the open file is the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    api = book.api
    if hasattr(api, "SaveCopyAs"):
        api.SaveCopyAs(str(target))
    else:
        book.save(str(target))


def submit(book, master, config: cfg.Config, now=None) -> Path | None:
    """Validate; only a workbook without errors is saved, as a copy, into the submission folder."""
    task = validate(book, master, now)
    if task.errors:
        book.app.alert(f"Arbetsboken har {task.errors} fel och lämnas inte in. Se bladet Fel.", title=TITLE)
        return None
    target = submission_path(book, master, config)
    save_copy(book, target)
    book.app.alert(f"Inlämnad: {target}", title=TITLE)
    return target


# -- the ribbon's button ----------------------------------------------------------------------

def load_master(config: cfg.Config) -> masterdata.MasterData:
    path = Workspace(config.workspace).master_file
    if not path.exists():
        raise ActionError(f"Hittar inte styrmodellen {path}. Kontrollera att den delade mappen är ansluten.")
    master, findings = masterfile.load(path)
    if master is None:
        raise ActionError("Kommunens styrmodell har fel och kan inte användas. Kontakta ekonomiavdelningen.")
    return master


def run_main(book, config: cfg.Config | None = None, now=None) -> str:
    """Validate (refreshing the lists first when the master data has changed); when there are no
    errors, ask whether to hand the workbook in. Returns what happened, for logs and tests."""
    try:
        config = config or cfg.load()
        master = load_master(config)
        if needs_refresh(book, master):
            refresh(book, master)
        task = validate(book, master, now)
        if task.errors:
            book.app.alert(f"{task.errors} fel och {count(task.warnings, 'varning', 'varningar')}. Se bladet Fel – de markerade cellerna "
                           "behöver rättas.", title=TITLE)
            return "fel"
        answer = book.app.alert("Inga fel. Vill du lämna in arbetsboken nu?", title=TITLE, buttons="yes_no")
        if answer == "yes":
            return "inlämnad" if submit(book, master, config, now) else "fel"
        return "godkänd"
    except (ActionError, cfg.ConfigError) as exc:
        book.app.alert(str(exc), title=TITLE)
        return "avbruten"
    except Exception as exc:  # noqa: BLE001 - the user gets a sentence, never a traceback
        book.app.alert(f"Något gick fel i Röd tråd ({explain(exc)}). Spara arbetsboken och kontakta "
                       "ekonomiavdelningen.", title=TITLE)
        return "avbruten"
