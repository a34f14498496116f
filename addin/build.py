"""Build `rodtrad_excel.xlam` without writing VBA: xlwings' own ribbon add-in (what
`xlwings quickstart --addin --ribbon` copies) with our ribbon XML swapped in as a zip edit.

The xlwings VBA's RunMain runs `import <file name>; <file name>.main()`, hence the file name
`rodtrad_excel.xlam` and the module `rodtrad_excel`. Its ribbon callback cannot tell buttons apart,
so the ribbon has one button."""
from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

import xlwings

NAME = "rodtrad_excel.xlam"
RIBBON_PART = "customUI/customUI.xml"


def template() -> Path:
    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def ribbon() -> bytes:
    return resources.files("rodtrad.addin").joinpath("ribbon.xml").read_bytes()


def build(folder: Path) -> Path:
    target = Path(folder) / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(template()) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = ribbon() if item.filename == RIBBON_PART else zin.read(item.filename)
            zout.writestr(item, data)
    return target
