"""Outputs are independent of how the workspace was named: no output holds the workspace's own
path, and the same consolidation run as `ws`, `.`, an absolute path or through a link is byte-identical."""
import os
import shutil
import zipfile
from pathlib import Path

from rodtrad.consolidator.consolidation.consolidate import consolidate

PERIOD = "2027-plan"


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def texts(data: bytes) -> list[bytes]:
    """A file's bytes, and for a workbook every part of it unpacked."""
    if data[:2] != b"PK":
        return [data]
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [zf.read(n) for n in zf.namelist()]


def test_the_same_consolidation_named_four_ways_is_byte_identical_and_holds_no_path_of_its_own(
        demo_cycle, tmp_path, monkeypatch):
    base = tmp_path / "hemlig-mapp-123"
    root = base / "ws"
    shutil.copytree(demo_cycle["workspace"].root, root,
                    ignore=shutil.ignore_patterns("2027-0*", "2027-T1", "2027-delar", "rapporter"))
    inbox = root / "inkorg" / PERIOD
    for path in sorted(inbox.glob("*.xlsx"))[6:]:  # a few units show it as well as all of them, faster
        path.unlink()
    (inbox / "~$2111 Förskolan Solrosen 2027-plan.xlsx").write_bytes(b"lock")  # ignored, and listed as such
    (inbox / "tom.xlsx").write_bytes(b"")
    (base / "länk").symlink_to(root)
    runs = {}
    for name, how, cwd in (("ws", Path("ws"), base), (".", Path("."), root), ("absolut", root, tmp_path),
                           ("länk", base / "länk", tmp_path)):
        monkeypatch.chdir(cwd)
        consolidate(how, PERIOD, jobs=1)
        runs[name] = outputs(root / "rapporter" / PERIOD)
    first = runs.pop("ws")
    for name, files in runs.items():
        assert files.keys() == first.keys(), name
        assert [f for f in files if files[f] != first[f]] == [], name
    secret = str(base).encode()
    for name, data in first.items():
        for part in texts(data):
            assert secret not in part and b"hemlig-mapp" not in part, name
