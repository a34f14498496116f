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

# Words of click's and Python's English, an exception's class name, a Python list/dict/tuple repr.
LEAK = re.compile(
    r"Usage:|Options:|Commands:|Error:|Missing|Invalid value|does not exist|is a directory|is a file|"
    r"is not a valid|is not one of|No such|Got unexpected|\b(File|Directory|Path) '|Traceback|Errno|"
    r"\b[A-Z][A-Za-z]+(Error|Exception|Warning)\b|BadZipFile|Expecting|char \d|\bline \d|"
    r"\[['\"(\[{]|\{['\"]|\(\(|\bNone\b|\b(integer|float|file|directory|path)\b")


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="rodtrad")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert not LEAK.search(result.output), result.output
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
