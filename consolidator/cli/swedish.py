"""click in Swedish: its own messages ("Missing option", "Show this message and exit.", "Directory
'x' does not exist.") are translated, so that nothing English reaches the economy department.

click (8.x) looks each message up through `gettext` at the moment it shows it, in each of its
modules (`from gettext import gettext as _, ngettext`); `install()` points those names at this
table. A message missing from it stays English: tests/test_cli_swedish.py renders every mistake.
"""
from __future__ import annotations

import importlib

SV = {
    "Error: {message}": "Fel: {message}",
    "Usage:": "Användning:",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' för hjälp.",
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "Aborted!": "Avbrutet.",
    "Missing {param_type}": "{param_type} saknas",
    "Missing argument": "Argument saknas",
    "Missing option": "Flagga saknas",
    "Missing parameter": "Parameter saknas",
    "Missing parameter: {param_name}": "Parameter saknas: {param_name}",
    "Missing command.": "Kommando saknas.",
    "argument": "Argumentet",
    "option": "Flaggan",
    "parameter": "Parametern",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "No such command {name!r}.": "Kommandot {name!r} finns inte.",
    "No such option {name!r}.": "Flaggan {name!r} finns inte.",
    "No such option: {name}": "Flaggan finns inte: {name}",
    "Option {name!r} does not take a value.": "Flaggan {name!r} tar inget värde.",
    "Option {name!r} requires an argument.": "Flaggan {name!r} kräver ett värde.",
    "Option {name!r} requires {nargs} arguments.": "Flaggan {name!r} kräver {nargs} värden.",
    "Argument {name!r} takes {nargs} values.": "Argumentet {name!r} tar {nargs} värden.",
    "Got unexpected extra argument ({args})": "Oväntat extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Oväntade extra argument ({args})",
    "Did you mean {possibility}?": "Menade du {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Menade du någon av: {possibilities}?)",
    "{value!r} is not {choice}.": "{value!r} är inte {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} är inte någon av {choices}.",
    "Choose from:\n\t{choices}": "Välj bland:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett giltigt {number_type}.",
    "integer": "heltal",
    "float": "decimaltal",
    "{value} is not in the range {range}.": "{value} ligger inte i intervallet {range}.",
    "{value!r} does not match the format {format}.": "{value!r} följer inte formatet {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} följer inte formaten {formats}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en mapp.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} går inte att läsa.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} går inte att skriva.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} går inte att köra.",
    "Could not open file {filename!r}: {message}": "Filen {filename!r} gick inte att öppna: {message}",
    "file": "filen",
    "directory": "mappen",
    "path": "sökvägen",
    "File": "Filen",
    "Directory": "Mappen",
    "Path": "Sökvägen",
    "default: {default}": "standard: {default}",
    "required": "krävs",
    "env var: {var}": "miljövariabel: {var}",
    "deprecated": "utgått",
    "(dynamic)": "(dynamiskt)",
    "Do you want to continue?": "Vill du fortsätta?",
    "Repeat for confirmation": "Upprepa för att bekräfta",
    "Error: The two entered values do not match.": "Fel: de två värdena är olika.",
    "Error: invalid input": "Fel: ogiltig inmatning",
    "Confirm the action without prompting.": "Bekräfta utan att fråga.",
    "unknown error": "okänt fel",
}
MODULES = ("core", "exceptions", "types", "decorators", "formatting", "parser", "termui", "utils", "_termui_impl",
           "shell_completion")


def gettext(message: str) -> str:
    return SV.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Point click's message look-ups at the Swedish table (idempotent)."""
    for name in MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a module another click version does not have
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


NAMES = {"directory": "MAPP", "paths": "SÖKVÄGAR", "path": "SÖKVÄG", "file": "FIL", "files": "FILER", "source": "KÄLLA",
         "old": "FÖRE", "new": "EFTER", "figure": "SIFFRA", "target": "MÅL"}


def _metavar(param) -> str | None:
    import click  # noqa: PLC0415

    if isinstance(param.type, click.Choice):
        return None  # [sv|en] says itself
    if isinstance(param, click.Argument):
        return NAMES.get(param.name, param.name.upper())
    if isinstance(param.type, click.Path):
        return "MAPP" if not param.type.file_okay else "FIL" if not param.type.dir_okay else "SÖKVÄG"
    if isinstance(param.type, click.types.IntParamType):
        return "HELTAL"
    if isinstance(param.type, click.types.FloatParamType):
        return "TAL"
    return "TEXT" if isinstance(param.type, click.types.StringParamType) else None


def usage(group) -> None:
    """Swedish placeholders in every command's usage line: [FLAGGOR], MAPP, HELTAL, KOMMANDO."""
    import click  # noqa: PLC0415

    commands = [group]
    while commands:
        command = commands.pop()
        command.options_metavar = "[FLAGGOR]"
        if isinstance(command, click.Group):
            command.subcommand_metavar = "KOMMANDO [ARGUMENT]..."
            commands.extend(command.commands.values())
        for param in command.params:
            if param.metavar is None and not getattr(param, "is_flag", False):
                param.metavar = _metavar(param)
            _name_in_swedish(param.type)


def _name_in_swedish(kind) -> None:
    """A parameter type's name goes into click's messages ("File 'x' does not exist.", "'x' is not a
    valid integer."); click.Path takes it at construction, i.e. when a command module is imported,
    which may be before `install()`: the name is translated here, once every command is known."""
    kind.name = gettext(kind.name)
