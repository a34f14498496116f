"""Write a styrmodell.xlsx from master data, for `rodtrad init` and the presets."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from rodtrad.consolidator.model import contract
from rodtrad.consolidator.workbooks import workbook as wbk
from rodtrad.consolidator.model.masterdata import NAME
from rodtrad.consolidator.model.workspace import Workspace

GUIDE = [
    "Styrmodell – kommunens masterdata för Röd tråd",
    "Den här arbetsboken beskriver styrmodellen: organisation, perspektiv, perioder, mål, nyckeltal,",
    "åtaganden, uppdrag, låsta aktiviteter, konton, budgetramar och regler. Ekonomiavdelningen underhåller den.",
    "Varje blad har en rubrikrad; byt inte namn på blad eller rubriker. Id:n ska vara unika och får inte ändras",
    "när de väl är utskickade – kopplingar görs med id. Listor (t.ex. överordnade mål) skrivs med kommatecken.",
    "Ansvarskoder skrivs som text så att inledande nollor behålls (t.ex. 0101).",
    "Kör `rodtrad check-master` efter ändringar: fel visas med blad och cell.",
    "Bladet Balanskrav fylls i inför delårsrapporten (prognos) och årsredovisningen (utfall): skatteintäkter,",
    "finansnetto och nettokostnad utanför enheterna, realisationsvinster och övriga balanskravsjusteringar.",
    "Kostnader och avsättningar skrivs som positiva belopp; finansnetto med tecken (nettokostnad negativ).",
]


def write(data: dict, path: Path) -> None:
    spec = contract.layout(NAME)
    wb = Workbook()
    guide = wb.active
    guide.title = "Läs mig"
    wbk.write_title(guide, GUIDE[0])
    for i, line in enumerate(GUIDE[1:], start=3):
        guide.cell(row=i, column=1, value=line)
    guide.column_dimensions["A"].width = 110
    for sheet in spec["sheets"]:
        ws = wb.create_sheet(sheet["name"])
        content = data.get(sheet["key"])
        if sheet["kind"] == "keyvalue":
            content = content or {}
            for row, field in enumerate(sheet["fields"], start=1):
                wbk.style(ws.cell(row=row, column=1, value=field["label"]), "label")
                wbk.style(wbk.put(ws.cell(row=row, column=2), wbk.cell_value(field, content.get(field["key"]))), wbk.style_name("in", field))
            ws.column_dimensions["A"].width = 40
            ws.column_dimensions["B"].width = 90
            continue
        wbk.write_header(ws, sheet["columns"], 1)
        styles = {c["key"]: wbk.style_name("in", c) for c in sheet["columns"]}
        for r, record in enumerate(content or [], start=2):
            for c, col in enumerate(sheet["columns"], start=1):
                cell = wbk.put(ws.cell(row=r, column=c), wbk.cell_value(col, record.get(col["key"])))
                wbk.style(cell, styles[col["key"]])
        ws.auto_filter.ref = f"A1:{wbk.letters(sheet['columns'])[sheet['columns'][-1]['key']]}{max(2, len(content or []) + 1)}"
    wbk.save_atomic(wb, Path(path))


def init(root: Path, data: dict) -> Workspace:
    """Create the folders and a filled styrmodell.xlsx; an existing master file is never overwritten."""
    ws = Workspace(Path(root))
    for sub in ("ekonomi", "kolada", "utskick", "inkorg", "rapporter"):
        (ws.root / sub).mkdir(parents=True, exist_ok=True)
    if ws.master_file.exists():
        raise FileExistsError(ws.master_file)
    write(data, ws.master_file)
    _document_files(ws.root / "dokument")
    return ws


def _document_files(folder: Path) -> None:
    """The report documents' template and an example of the economy department's texts
    (documents/): copied once, never over the municipality's own."""
    import shutil  # noqa: PLC0415
    from importlib.resources import files  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("rapportmall.docx", "texter-exempel.md"):
        if not (folder / name).exists():
            shutil.copyfile(str(files("rodtrad.templates") / name), folder / name)
