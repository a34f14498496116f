"""LibreOffice headless as the real spreadsheet engine: open, recalculate, save as .xlsx."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, workdir: Path, target: str) -> Path:
    """Open `src` in a fresh LibreOffice profile that always recalculates, and save it as `target`
    (a LibreOffice filter such as "xls", "ods" or "xlsx:Calc MS Excel 2007 XML")."""
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_XCU, encoding="utf-8")
    out = workdir / "converted"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out), str(src)],
        check=True, capture_output=True, timeout=180)
    result = out / f"{src.stem}.{target.split(':')[0]}"
    assert result.exists(), f"LibreOffice wrote nothing for {src}"
    return result


def recalculate(src: Path, workdir: Path) -> Path:
    """Open, recalculate and save as .xlsx, as a unit's LibreOffice would."""
    return convert(src, workdir, "xlsx:Calc MS Excel 2007 XML")


def recalculate_many(paths: list[Path], workdir: Path) -> dict[Path, Path]:
    """`recalculate` for several files in ONE LibreOffice run (one start-up): {original: saved .xlsx}.
    Stems must be unique."""
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_XCU, encoding="utf-8")
    out = workdir / "converted"
    out.mkdir(exist_ok=True)
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=300)
    result = {p: out / f"{p.stem}.xlsx" for p in paths}
    missing = [p.name for p, r in result.items() if not r.exists()]
    assert not missing, f"LibreOffice wrote nothing for {missing}"
    return result
