"""The CLI is thin: what it prints and its exit codes follow the library's report."""
import json

from click.testing import CliRunner
from openpyxl import load_workbook

from rodtrad.consolidator.cli import main
from rodtrad.consolidator.reading.validate import validate_paths

from conftest import copy


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_init_then_check_master_then_generate(tmp_path):
    ws = tmp_path / "vimmerby"
    assert run("init", ws, "--preset", "vimmerby").exit_code == 0
    result = run("check-master", ws)
    assert result.exit_code == 0 and "styrmodellen är giltig" in result.output
    result = run("generate", ws, "--jobs", "1")
    assert result.exit_code == 0
    assert len(list((ws / "utskick" / "2027-plan").glob("*.xlsx"))) == 8


def test_init_never_overwrites_a_styrmodell(tmp_path):
    assert run("init", tmp_path / "k").exit_code == 0
    result = CliRunner().invoke(main, ["init", str(tmp_path / "k")])
    assert result.exit_code == 2 and "skrivs inte över" in result.output


def test_a_broken_styrmodell_lists_sheet_and_cell_without_a_traceback(tmp_path):
    ws = tmp_path / "k"
    run("init", ws, "--preset", "solleftea")
    wb = load_workbook(ws / "styrmodell.xlsx")
    wb["Mål"]["A3"] = "M1"
    wb.save(ws / "styrmodell.xlsx")
    result = CliRunner().invoke(main, ["check-master", str(ws)])
    assert result.exit_code == 1 and "Mål!A3 [master.duplicate_id]" in result.output
    assert "Traceback" not in result.output
    assert CliRunner().invoke(main, ["generate", str(ws)]).exit_code == 1


def test_generate_refuses_an_unknown_period_as_a_usage_error(tmp_path):
    run("init", tmp_path / "k", "--preset", "ostersund")
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "k"), "--period", "1999"])
    assert result.exit_code == 2 and "finns inte" in result.output


def test_validate_json_is_exactly_the_library_report(workspace, master, returned, tmp_path):
    inbox = workspace / "inkorg" / "cli-json"
    inbox.mkdir(parents=True)
    copy(returned, inbox / returned.name)
    (inbox / "tom.xlsx").write_bytes(b"")
    result = CliRunner().invoke(main, ["validate", str(inbox), "--json", "--jobs", "1"])
    assert result.exit_code == 1
    assert json.loads(result.output) == validate_paths([inbox], master, jobs=1).to_dict()


def test_validate_exit_codes_and_human_output(workspace, returned, edit, tmp_path):
    ok = CliRunner().invoke(main, ["validate", str(returned), "--workspace", str(workspace)])
    assert ok.exit_code == 0 and "godkänd" in ok.output
    bad = edit({"Aktiviteter": {"H8": None}}, name="fel.xlsx")
    result = CliRunner().invoke(main, ["validate", str(bad), "--workspace", str(workspace), "--lang", "en"])
    assert result.exit_code == 1
    assert "ERROR Aktiviteter!H8 [field.required] Ansvarig must be filled in." in result.output
    usage = CliRunner().invoke(main, ["validate", str(returned)])  # no styrmodell above a temp folder
    assert usage.exit_code == 2


def test_validate_report_workbook_links_each_finding_to_its_cell(workspace, returned, tmp_path):
    wb = load_workbook(returned)
    wb["Aktiviteter"]["H8"] = '=HYPERLINK("http://x")'
    wb["Aktiviteter"]["H8"].data_type = "s"  # typed as text, e.g. with a leading apostrophe
    bad = tmp_path / "länk.xlsx"
    wb.save(bad)
    target = tmp_path / "rapport.xlsx"
    result = CliRunner().invoke(main, ["validate", str(bad), "--workspace", str(workspace), "--report", str(target)])
    assert result.exit_code == 0  # an unknown responsible person is a warning
    ws = load_workbook(target)["Fynd"]
    row = [c.value for c in ws[5]]
    assert row[:6] == ["länk.xlsx", "2111", "Varning", "Aktiviteter", "H8", "responsible.unknown"]
    assert ws["A5"].hyperlink.target == "länk.xlsx#'Aktiviteter'!H8"
    assert ws["I5"].data_type == "s" and ws["I5"].value.startswith("=HYPERLINK")  # text from units stays inert
    assert "Fynd" in ws.tables


def test_an_unforeseen_error_ends_in_one_swedish_line_and_exit_code_2(tmp_path, monkeypatch):
    """A full disk while consolidating: no traceback, the reports that were there stay."""
    import errno

    from rodtrad.consolidator.rollup import facts

    ws = tmp_path / "k"
    run("init", ws, "--preset", "vimmerby")
    run("generate", ws, "--jobs", "1")
    inbox = ws / "inkorg" / "2027-plan"
    inbox.mkdir(parents=True)
    for sent in (ws / "utskick" / "2027-plan").glob("*.xlsx"):
        copy(sent, inbox / sent.name)
    assert run("consolidate", ws, "--period", "2027-plan").exit_code in (0, 1)  # blank workbooks: 1
    before = sorted(p.name for p in (ws / "rapporter" / "2027-plan").iterdir())

    def full(self, path):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(facts.FactFile, "__init__", full)
    result = CliRunner().invoke(main, ["consolidate", str(ws), "--period", "2027-plan"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Fel: disken är full. Kommandot avbröts." in result.output
    assert sorted(p.name for p in (ws / "rapporter" / "2027-plan").iterdir()) == before
