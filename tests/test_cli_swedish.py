"""The economy department's CLI speaks Swedish and fails loudly: each mistake, its sentence and exit code."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from rodtrad.consolidator.cli import main

ENGLISH = re.compile(r"Usage:|Options:|Commands:|Error:|Missing|Invalid value|does not exist|Show this message|"
                     r"\[default|\[required|Try '|No such|\bOPTIONS\b|\bDIRECTORY\b|\bINTEGER\b|\bPATH\b")


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="rodtrad")
    assert "Traceback" not in result.output
    assert not ENGLISH.search(result.output), result.output
    return result


def commands(group=main, path=()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


@pytest.mark.parametrize("path, command", list(commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_s_help_is_swedish_and_every_option_has_a_help_text(path, command):
    result = run(*path, "--help")
    assert result.exit_code == 0 and "Användning: rodtrad" in result.output
    assert command.help, path
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, (path, param.name)


def test_the_top_level_help_is_swedish():
    result = run("--help")
    assert result.exit_code == 0 and "Kommandon:" in result.output and "Visa den här hjälpen" in result.output


def test_a_missing_argument_or_option_is_named_in_swedish():
    result = run("validate")
    assert result.exit_code == 2 and "Argument saknas 'SÖKVÄGAR'" in result.output
    result = run("consolidate", ".")
    assert result.exit_code == 2 and "Flagga saknas '--period'" in result.output


def test_a_folder_that_does_not_exist_is_said_so(tmp_path):
    result = run("generate", tmp_path / "finns-inte")
    assert result.exit_code == 2 and "Mappen" in result.output and "finns inte" in result.output
    result = run("validate", tmp_path / "finns-inte.xlsx")
    assert result.exit_code == 2 and "Sökvägen finns inte" in result.output


def test_a_folder_without_workbooks_is_not_a_success(tmp_path):
    (tmp_path / "tom").mkdir()
    result = run("validate", tmp_path / "tom")
    assert result.exit_code == 1 and "Inga arbetsböcker" in result.output


@pytest.fixture(scope="module")
def root(year):
    master, books = year
    return books["plan"].parents[2]


@pytest.mark.parametrize("command", [["generate", "{root}", "--period", "2027-5"],
                                     ["consolidate", "{root}", "--period", "2027-5"],
                                     ["validate", "{inbox}", "--period", "2027-5"]])
def test_an_unknown_period_lists_the_valid_ids_with_their_names_and_blames_no_unit(root, command):
    args = [a.format(root=root, inbox=root / "inkorg" / "2027-plan") for a in command]
    result = run(*args)
    assert result.exit_code == 2
    assert "Perioden '2027-5' finns inte i styrmodellen. Giltiga perioder:" in result.output
    assert re.search(r"2027-05 +Månadsuppföljning 2027-05", result.output)
    assert "meta.period" not in result.output and "FEL " not in result.output


def test_consolidating_a_period_never_generated_says_what_to_run_first(root):
    result = run("consolidate", root, "--period", "2027-10")
    assert result.exit_code == 1
    assert f"kör först rodtrad generate {root} --period 2027-10" in result.output


def test_missing_units_are_named_not_only_numbered(root):
    result = run("consolidate", root, "--period", "2027-05")
    assert re.search(r"\b2112 \S.*: saknas i inkorgen", result.output), result.output


def test_generating_beyond_the_ledger_s_last_month_warns_first(root, tmp_path):
    result = run("generate", root, "--period", "2027-10", "--unit", "2111", "--jobs", "1")
    assert result.exit_code == 0
    warning = "Varning: Huvudboken är importerad t.o.m. augusti 2027, men Månadsuppföljning 2027-10 gäller t.o.m. oktober"
    assert warning in result.output
    assert result.output.index(warning) < result.output.index("arbetsböcker")
    shutil.rmtree(root / "utskick" / "2027-10")


def test_piping_into_head_ends_quietly():
    rodtrad = Path(sys.executable).parent / "rodtrad"
    process = subprocess.Popen([str(rodtrad), "findings"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # as `head` does once it has what it wants
    err = process.stderr.read()
    process.wait(timeout=60)
    assert err == b"" and process.returncode in (0, 1)
