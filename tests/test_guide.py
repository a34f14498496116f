"""The auditors' guide runs as written: every command in docs/revisorer.md, against the demo, and
what the guide says about its output holds."""
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rodtrad.consolidator.cli import main

GUIDE = Path(__file__).parents[1] / "docs" / "revisorer.md"


def commands() -> list[str]:
    """Every `rodtrad …` line of the guide's sh blocks, comments removed."""
    text = GUIDE.read_text("utf-8")
    lines = [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith("rodtrad ")]


@pytest.fixture(scope="module")
def place(demo_cycle, tmp_path_factory):
    """A copy of the demo's workspace, the working folder as the guide's relative paths assume; the
    two submissions of one unit to compare as GAMMAL.xlsx and NY.xlsx (tertial 1 and delår)."""
    root = tmp_path_factory.mktemp("revisor") / "kommun"
    shutil.copytree(demo_cycle["workspace"].root, root)
    (old,) = (root / "inkorg" / "2027-T1").glob("2111 *.xlsx")
    (new,) = (root / "inkorg" / "2027-delar").glob("2111 *.xlsx")
    shutil.copyfile(old, root / "GAMMAL.xlsx")
    shutil.copyfile(new, root / "NY.xlsx")
    return root


def run(args: list[str], place: Path, out: Path, monkeypatch):
    monkeypatch.chdir(place)
    args = [{"ARBETSYTA": ".", "MAPP": str(out)}.get(a, a) for a in args[1:]]
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize("args", commands(), ids=lambda a: " ".join(a[1:4]))
def test_every_command_of_the_guide_runs_and_does_what_the_guide_says(args, place, tmp_path, monkeypatch):
    result = run(args, place, tmp_path / "utlatande", monkeypatch)
    assert result.exit_code == 0, result.output
    out = result.output
    command = args[1]
    if command == "verify":
        assert "Resultat: allt stämmer." in out
        folder = tmp_path / "utlatande" if "--out" in args else (
            place / "arkiv" / "granskning-2027-plan" if args[2].endswith(".zip") else place / "granskning" / "2027-plan")
        assert (folder / "verifiering.xlsx").is_file() and (folder / "verifiering.json").is_file()
    elif command == "trace":
        first, second = out.splitlines()[:2]
        shown = first.rsplit(" = ", 1)[1]
        combined = re.search(r"\((summa|medel) ([^;]+);", second)
        assert combined and combined.group(2) == shown, out  # the sources make the figure, rounded as shown
        cells = [line for line in out.splitlines()[2:] if line.startswith("  ")]
        assert cells and all(re.search(r"sha256 [0-9a-f]{16}…$", c) for c in cells)
    elif command == "diff":
        section = GUIDE.read_text("utf-8").split("## Jämföra")[1].split("\n## ")[0]
        for example in re.findall(r"`((?:Mål|Aktivitet|Konto) [^`]+)`", section):
            if example.endswith("(…)"):  # a new row, its text left out in the guide
                assert any(line.startswith(example[:-3]) for line in out.splitlines()), example
            elif "dec" not in example:  # the plan's example is not in these two files
                assert example in out.splitlines(), example
    elif command == "archive":
        assert re.search(r"SHA-256: [0-9a-f]{64}$", out.strip())
        again = run(args, place, tmp_path, monkeypatch)
        assert again.output == out  # the same consolidation, the same archive


def test_the_guides_cell_and_name_of_a_figure_are_the_same_figure(place, tmp_path, monkeypatch):
    by_name, by_cell = ([a for a in args] for args in commands() if args[1] == "trace" and
                        args[-1] in ("budget/2000", "Ekonomi!E11"))
    named, celled = (run(a, place, tmp_path, monkeypatch).output for a in (by_name, by_cell))
    assert named == celled
