"""No English library text, no Python repr, no exception class name and no traceback reaches a user
of the CLI: every command with every kind of bad argument, and the import commands with every kind
of bad file."""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from rodtrad.consolidator.cli import main
from rodtrad.consolidator.cli.swedish import NAMES

# Words of click's and Python's English; an exception's class name, a Python repr, a traceback.
ENGLISH = re.compile(
    r"Usage:|Options:|Commands:|Error:|Missing|Invalid value|does not exist|is a directory|is a file|"
    r"is not a valid|is not one of|No such|Got unexpected|\b(File|Directory|Path) '|Expecting|char \d|\bline \d|"
    r"\b(integer|float|file|directory|path)\b")
PYTHON = re.compile(r"Traceback|Errno|\b[A-Z][A-Za-z]+(Error|Exception|Warning)\b|BadZipFile|\['|\{'|\[\d+, \d+|"
                    r"\(\(|\bNone\b")
LEAK = re.compile(f"{ENGLISH.pattern}|{PYTHON.pattern}")


def run(*args, english=False):
    """The command's result; its output has no Python in it, and no English unless asked for."""
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="rodtrad")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert not (PYTHON if english else LEAK).search(result.output), result.output
    return result


def commands(group=main, path=()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """A file and a folder that exist, and a name that does not."""
    root = tmp_path_factory.mktemp("platser")
    (root / "fil.xlsx").write_bytes(b"")
    (root / "mapp").mkdir()
    return {"file": root / "fil.xlsx", "folder": root / "mapp", "missing": root / "finns-inte"}


def bad_arguments(places):
    """(command path, arguments, what is wrong) for every parameter of every command: a path that
    does not exist, a file where a folder is wanted and the reverse, a word for a number, an unknown
    choice; then an unknown option and an extra argument for each command. Each is refused while
    the arguments are parsed, before the command does anything."""
    for path, command in commands():
        for param in command.params:
            kind = param.type
            flag = [] if isinstance(param, click.Argument) else [param.opts[0]]
            values = []
            if isinstance(kind, click.Path):
                if kind.exists:
                    values.append(("finns inte", places["missing"]))
                if not kind.file_okay:
                    values.append(("en fil, inte en mapp", places["file"]))
                if not kind.dir_okay:
                    values.append(("en mapp, inte en fil", places["folder"]))
            elif isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
                values.append(("inget tal", "tolv"))
            elif isinstance(kind, click.Choice):
                values.append(("inget av valen", "klingonska"))
            for what, value in values:
                yield path, [*flag, value], f"{param.name}: {what}"
        yield path, ["--finns-inte"], "okänd flagga"
        if not any(isinstance(p, click.Argument) and p.nargs == -1 for p in command.params):
            args = [places["folder"]] * (sum(isinstance(p, click.Argument) for p in command.params) + 1)
            yield path, args, "ett argument för mycket"


def _cases():
    fake = {"file": "FIL", "folder": "MAPP", "missing": "SAKNAS"}
    return [(p, a, w) for p, a, w in bad_arguments(fake)]


@pytest.mark.parametrize("path, args, what", _cases(), ids=lambda x: " ".join(x) if isinstance(x, tuple) else
                         x if isinstance(x, str) else "")
def test_every_bad_argument_of_every_command_is_refused_in_swedish(places, path, args, what):
    real = {"FIL": places["file"], "MAPP": places["folder"], "SAKNAS": places["missing"]}
    result = run(*path, *[real.get(a, a) if isinstance(a, str) else a for a in args])
    assert result.exit_code == 2, result.output
    assert "Fel: " in result.output


@pytest.mark.parametrize("path, command", list(commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_placeholder_a_help_text_names_is_one_its_usage_line_shows(path, command):
    result = run(*path, "--help")
    usage, _, body = result.output.partition("\n")
    english = {name.upper() for name in NAMES} - set(NAMES.values())
    for word in set(re.findall(r"\b[A-ZÅÄÖ]{4,}\b", body)) & english:
        assert word in usage, (word, usage)


# -- counts and what went wrong, said in Swedish ----------------------------------------------

@pytest.mark.parametrize("n, one, many, said", [(0, "arbetsbok", "arbetsböcker", "0 arbetsböcker"),
                                                (1, "arbetsbok", "arbetsböcker", "1 arbetsbok"),
                                                (2, "varning", "varningar", "2 varningar"),
                                                (1, "godkänd", "godkända", "1 godkänd"),
                                                (12345, "rad", "rader", "12\u00a0345 rader")])
def test_a_count_agrees_with_its_noun(n, one, many, said):
    from rodtrad.consolidator.model.words import count

    assert count(n, one, many) == said


def _raised(action):
    try:
        action()
    except BaseException as exc:  # noqa: BLE001 - the exception is what is tested
        return exc
    raise AssertionError("nothing raised")


def _failures(tmp_path):
    """Exceptions as the libraries really raise them, each with what its explanation must say."""
    import json
    import urllib.error
    import urllib.request
    import zipfile
    import zlib

    junk = tmp_path / "skräp.zip"
    junk.write_bytes(b"inte en zip")
    yield "JSON", _raised(lambda: json.loads('{"values": [1,]}')), "ogiltig JSON på rad 1"
    yield "teckenkodning", _raised(lambda: "å".encode("cp1252").decode("utf-8")), "tecknen går inte att läsa som utf-8"
    yield "zip", _raised(lambda: zipfile.ZipFile(junk)), "ingen hel zip-fil"
    yield "zlib", _raised(lambda: zlib.decompress(b"inte packat")), "skadad"
    yield "saknad fil", _raised(lambda: open(tmp_path / "saknas.json")), "finns inte"
    yield "mapp", _raised(lambda: open(tmp_path)), "en mapp"
    yield "anslutning", _raised(lambda: urllib.request.urlopen("http://127.0.0.1:9/", timeout=5)), "nekades"
    yield "HTTP", urllib.error.HTTPError("http://x", 404, "Not Found", {}, None), "404 (finns inte)"
    yield "nyckel", _raised(lambda: {}["values"]), "fältet values saknas"


def test_every_kind_of_library_failure_is_said_in_swedish_without_its_english_or_class_name(tmp_path):
    from rodtrad.consolidator.model.words import explain

    for what, exc, said in _failures(tmp_path):
        text = explain(exc)
        assert said in text, (what, text)
        assert not LEAK.search(text) and type(exc).__name__ not in text, (what, text)
        assert text.en != text and not PYTHON.search(text.en) and type(exc).__name__ not in text.en, (what, text.en)
        place = str(getattr(exc, "filename", None) or "\0")  # the file's own name may be said
        english = set(re.findall(r"[A-Za-z]{5,}", str(exc).replace(place, ""))) - {"values"}
        assert not english & set(re.findall(r"[A-Za-z]{5,}", text.replace(place, ""))), (what, text)


# -- the commands that read a user's file: each kind of bad file -------------------------------

@pytest.fixture(scope="module")
def ws(workspace, tmp_path_factory):
    """A copy of the session's workspace with a year's ledger imported, and a bad file of each kind."""
    import shutil

    from rodtrad.samples import ledgerdata

    root = tmp_path_factory.mktemp("lackor") / "ws"
    shutil.copytree(workspace, root, ignore=shutil.ignore_patterns("utskick", "inkorg", "*.sqlite"))
    assert run("import", "ledger", ledgerdata.shipped(ledgerdata.SIE_FILE), "-w", root).exit_code == 0
    return root


def bad_files(folder):
    """(name, bytes): files a user may give an import by mistake."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "konto"
    wb.save(folder / "blad.xlsx")
    lines = "".join(f"rad {i};{i}\n" for i in range(300)).encode()
    return {"tom": b"", "binär": bytes(range(256)) * 40, "kalkylblad": (folder / "blad.xlsx").read_bytes(),
            "json-trasig": b'{"values": [1,]}', "json-fel-form": b'{"values": {"kpi": 1}}',
            "text": "Hej! Här är huvudboken.\n".encode() * 200, "csv-skräp": lines, "pdf": b"%PDF-1.7\n" + b"x" * 100}


@pytest.mark.parametrize("command", ["ledger", "kolada"])
@pytest.mark.parametrize("suffix", [".se", ".csv", ".json"])
def test_every_kind_of_bad_file_given_to_an_import_is_a_few_swedish_lines_and_nothing_imported(ws, tmp_path, command,
                                                                                               suffix):
    for name, content in bad_files(tmp_path).items():
        path = tmp_path / f"{name}{suffix}"
        path.write_bytes(content)
        result = run("import", command, path, "-w", ws)
        assert result.exit_code == 1, (name, result.output)
        assert "inget importerades" in result.output, (name, result.output)
        assert len(result.output.splitlines()) <= 16, (name, result.output)


def test_a_file_that_is_not_a_ledger_export_is_one_finding_saying_what_it_looks_like(ws, tmp_path):
    said = {"binär": "en binär fil", "kalkylblad": "ett Excel-kalkylblad", "json-trasig": "en JSON-fil",
            "pdf": "en PDF", "tom": "en tom fil"}
    for name, content in bad_files(tmp_path).items():
        if name in said:
            (tmp_path / f"{name}.se").write_bytes(content)
            result = run("import", "ledger", tmp_path / f"{name}.se", "-w", ws)
            assert result.output.count("[ledger.not_ledger]") == 1 and said[name] in result.output, result.output
            assert result.output.count("FEL") == 1


def test_a_long_list_of_one_finding_is_cut_with_the_count_of_the_rest(ws, tmp_path):
    path = tmp_path / "halv.se"
    path.write_text("#FLAGGA 0\n#SIETYP 4\n" + "".join(f"#PSALDO 0 {i} 5010 x\n" for i in range(200)), "cp437")
    result = run("import", "ledger", path, "-w", ws)
    assert re.search(r"… och \d+ till av samma slag \[sie\.\w+\]", result.output), result.output
    assert len(result.output.splitlines()) < 40


def test_a_two_row_csv_lists_the_two_months_it_changes_not_every_unit_of_the_year(ws, tmp_path):
    path = tmp_path / "två.csv"
    path.write_text("ar;period;ansvar;verksamhet;konto;utfall;budget\n2027;202701;2111;Förskola;5010;616 500,00;0\n"
                    "2027;202702;2111;Förskola;5010;-1 234,50;0\n", "cp1252")
    result = run("import", "ledger", path, "-w", ws, "--dry-run")
    assert result.exit_code == 0, result.output
    assert re.findall(r"^  2111 (\w+) 2027: 0 tillagda, 1 ersatt,", result.output, re.M) == ["januari", "februari"]
    units = set(re.findall(r"^  (\d{4}) \w+ 2027:", result.output, re.M))
    assert units == {"2111"}, result.output  # only what the file changes: no line for another unit
    assert len(result.output.splitlines()) < 16, result.output  # each month's old → new amounts, not the year


def test_import_list_says_its_lists_in_words(ws, tmp_path):
    from rodtrad.samples.ledgerdata import shipped

    run("import", "kolada", shipped("kolada-exempelkommun.json"), "-w", ws)
    result = run("import", "list", "-w", ws)
    assert re.search(r"nyckeltal N\d+, N\d+", result.output), result.output


@pytest.mark.parametrize("url, said", [("http://127.0.0.1:9/v3", "anslutningen nekades"),
                                       ("http://rodtrad-finns-inte.invalid/v3", "adressen går inte att slå upp")])
def test_fetching_without_a_network_says_why_in_swedish(ws, url, said):
    result = run("fetch", "kolada", "-w", ws, "--url", url, "--year", "2026")
    assert result.exit_code == 1 and said in result.output, result.output


@pytest.mark.parametrize("lang, words, other", [("sv", ["arbetsbok:", "godkänd", "ignorerade"], ["workbook", "ignored"]),
                                                ("en", ["workbook:", "valid", "ignored"], ["arbetsbok", "ignorerade",
                                                                                          "godkänd", "varning"])])
def test_validate_and_check_master_speak_the_language_asked_for(ws, returned, tmp_path, lang, words, other):
    import shutil

    shutil.copy(returned, tmp_path / returned.name)
    (tmp_path / "anteckning.txt").write_text("x")
    report = tmp_path.parent / f"rapport-{lang}.xlsx"
    result = run("validate", tmp_path, "--workspace", ws, "--lang", lang, "--report", report, english=lang == "en")
    for word in words:
        assert word in result.output, (word, result.output)
    for word in other:
        assert word not in result.output, (word, result.output)
    from openpyxl import load_workbook

    book = load_workbook(report)
    said = " ".join([*book.sheetnames, *(str(c.value) for s in book for row in s.iter_rows() for c in row
                                         if isinstance(c.value, str) and not c.value.endswith((".xlsx", ".txt")))])
    swedish = {"Sammanfattning", "Ansvarskod", "Varningar", "Meddelande", "Godkänd", "Ignorerade", "arbetsbok"}
    found = {w for w in swedish if w in said}
    assert found == (swedish if lang == "sv" else set()), found
    master = run("check-master", ws, "--lang", lang, english=lang == "en").output
    assert ("the master data is valid" in master) == (lang == "en") and ("styrmodellen är giltig" in master) == (lang == "sv")


@pytest.fixture(scope="module")
def master_file(workspace):
    from rodtrad.consolidator.model import masterdata

    return workspace / masterdata.FILE_NAME


def test_a_far_cell_in_any_sheet_of_the_master_data_is_its_one_finding_naming_sheet_and_cell(master_file, tmp_path):
    from test_hostile import FAR, far_value, rezip, sheet_members

    members = sheet_members(master_file)
    assert len(members) > 10
    for sheet, member in members.items():
        root = tmp_path / sheet.replace(" ", "_")
        root.mkdir()
        rezip(master_file, root / master_file.name, {member: far_value})
        result = run("check-master", root)
        assert result.exit_code == 1
        assert result.output.splitlines()[1:] == [
            f"  FEL {sheet}!{FAR} [sheet.far_value] Bladet {sheet} har ett värde i {FAR}, långt utanför arbetsbokens "
            "tabeller; bladet läses inte.",
            f"      → Gå till cellen (Ctrl+G, skriv {FAR}), ta bort värdet och spara igen. Ctrl+End visar bladets sista "
            "använda cell."], result.output


@pytest.mark.parametrize("action", ["validate", "submit"])
def test_the_excel_commands_without_excel_say_so_in_swedish(action):
    result = run("excel", action)
    assert result.exit_code == 2 and ("Excel" in result.output or "Tillägget" in result.output), result.output


def test_kolada_values_of_the_wrong_kind_are_shown_as_the_file_writes_them(ws, tmp_path):
    import json

    from rodtrad.samples.ledgerdata import shipped

    data = json.loads(shipped("kolada-exempelkommun.json").read_text(encoding="utf-8"))
    entry = data["values"][0]
    entry["values"] = [{"gender": None, "value": 1.0}, {"gender": "T", "value": ["12", None]}]
    path = tmp_path / "kolada.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("import", "kolada", path, "-w", ws)
    assert "okänt kön inget" in result.output and 'värdet ["12", null] är inget tal' in result.output, result.output


def test_a_parameter_said_in_both_languages_is_shown_in_the_language_of_the_message():
    import pickle

    from rodtrad.consolidator.imports import sniff

    finding = sniff.NOT_LEDGER(file="x.se", params={"detail": sniff.of_bytes(b"%PDF-1.7")[1]})
    again = pickle.loads(pickle.dumps(finding))  # as a reading worker hands it back
    assert again.message("sv").endswith("den ser ut som en PDF.")
    assert again.message("en").endswith("it looks like a PDF.")
    assert again.to_dict("en")["message"] == again.message("en")


def test_two_files_for_one_unit_are_named_with_and_in_english(ws, returned, tmp_path):
    import json
    import shutil

    for name in ("a.xlsx", "b.xlsx"):
        shutil.copy(returned, tmp_path / name)
    result = run("validate", tmp_path, "--workspace", ws, "--lang", "en", "--json", english=True)
    messages = [f["message"] for t in json.loads(result.output)["tasks"] for f in t["findings"]]
    assert any("a.xlsx and b.xlsx" in m for m in messages), messages


def test_a_value_that_breaks_a_schema_rule_is_said_in_words_not_in_jsonschema_s_english():
    import copy

    from rodtrad.consolidator.model import contract, masterdata
    from rodtrad.samples import build

    data = copy.deepcopy(build("exempelkommun"))
    data["municipality"]["name"] = 12
    (finding,) = contract.schema_findings(masterdata.NAME, data, contract.Read(), {"sheets": []}, "styrmodell.xlsx")
    assert finding.message() == "name: värdet följer inte mallen (fel typ av värde)."
    assert finding.message("en") == "name: the value does not follow the contract (the wrong kind of value)."


@pytest.mark.parametrize("command, name, line, limit", [
    ("ledger", "stor.se", "#TRANS 5010 {} 100.00\n", "1024 MB för SIE"),
    ("ledger", "stor.csv", "2027;202701;2111;Förskola;5010;1;0\n", "256 MB för CSV"),
    ("kolada", "stor.json", '{"values": [\n', "256 MB för Koladas JSON")])
def test_an_import_file_larger_than_its_kind_may_be_is_refused_before_it_is_read(ws, tmp_path, command, name, line,
                                                                                 limit):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8") as f:
        f.write(("#FLAGGA 0\n" if name.endswith(".se") else "ar;period;ansvar;verksamhet;konto;utfall;budget\n"
                 if name.endswith(".csv") else "") + line * 4000)
        f.truncate(int(limit.split()[0]) * 2**20 + 1)  # sparse: large on the file system, nothing on the disk
    result = run("import", command, path, "-w", ws)
    assert result.exit_code == 1 and "[import.too_large]" in result.output and limit in result.output, result.output


def test_a_long_flood_of_sie_errors_is_kept_to_its_first_thousand_and_a_count(ws, tmp_path):
    from rodtrad.consolidator.imports import sie

    path = tmp_path / "trasig.se"
    path.write_text("#FLAGGA 0\n" + "inte sie\n" * 5000, "cp437")
    read = sie.read(path)
    assert len(read.findings) == sie.MAX_SYNTAX + 1
    assert read.findings[-1].message() == "Ytterligare 4000 rader har fel; bara de första 1000 visas."


def test_a_csv_row_the_csv_module_cannot_read_is_a_finding_on_its_line(ws, tmp_path):
    path = tmp_path / "lång.csv"
    path.write_text("ar;period;ansvar;verksamhet;konto;utfall;budget\n2027;202701;2111;" + "x" * 200_000 + ";5010;1;0\n",
                    "utf-8")
    result = run("import", "ledger", path, "-w", ws)
    assert result.exit_code == 1 and "[ledger.csv_row] Rad 2: raden går inte att läsa som CSV" in result.output, result.output


def test_a_workspace_without_master_data_is_said_so_by_every_command_that_needs_one(tmp_path):
    for args in (["check-master", tmp_path], ["generate", tmp_path], ["consolidate", tmp_path, "--period", "x"],
                 ["import", "list", "-w", tmp_path]):
        result = run(*args)
        assert result.exit_code in (0, 2), (args, result.output)
        assert result.exit_code == 0 or "Hittar ingen styrmodell.xlsx" in result.output, (args, result.output)
    result = run("nytt-år", tmp_path, "--till", "2028")
    assert "Filen går inte att läsa (filen eller mappen finns inte)" in result.output, result.output


@pytest.mark.parametrize("items, said", [(3, ["0", "1", "2"]), (4, ["0", "1", "2", "… och 1 enhet till"]),
                                         (9, ["0", "1", "2", "… och 6 enheter till"])])
def test_a_long_list_is_cut_with_the_rest_counted_in_agreement(items, said):
    from rodtrad.consolidator.model.words import capped, count

    assert capped([str(i) for i in range(items)], 3, lambda n: f"… och {count(n, 'enhet', 'enheter')} till") == said


def test_consolidating_with_most_units_missing_lists_twenty_and_counts_the_rest(year):
    master, books = year
    root = books["plan"].parents[2]
    result = run("consolidate", root, "--period", "2027-05", "--dokument", "inga")
    assert result.exit_code == 1
    missing = [line for line in result.output.splitlines() if line.endswith(": saknas i inkorgen")]
    assert len(missing) == 20, result.output
    assert re.search(r"^… och \d+ enheter till saknas \(alla i inlamning\.xlsx\)$", result.output, re.M), result.output
