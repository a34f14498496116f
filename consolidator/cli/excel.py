"""`rodtrad excel ...`: the add-in's actions against the workbook open in Excel."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from rodtrad.consolidator.cli.common import print_findings
from rodtrad.consolidator.model.words import count


@click.group()
def excel():
    """Tilläggets åtgärder mot arbetsboken som är öppen i Excel (kräver rodtrad[addin])."""


def _active_book():
    try:
        import xlwings as xw

        return xw.books.active
    except ImportError:
        raise click.UsageError("Tillägget är inte installerat (pip install 'rodtrad[addin]'); "
                               "se docs/tillagg.md.") from None
    except Exception:  # noqa: BLE001 - no Excel on this machine, or none running
        raise click.UsageError("Hittar ingen öppen arbetsbok i Excel. Öppna arbetsboken i Excel och försök igen.") from None


@excel.command("validate")
def excel_validate():
    """Kontrollera den aktiva arbetsboken i Excel: markera fel och lista dem på bladet Fel."""
    from rodtrad.addin import actions, config

    book = _active_book()
    try:
        task = actions.validate(book, actions.load_master(config.load()))
    except (actions.ActionError, config.ConfigError) as exc:
        raise click.UsageError(str(exc)) from None
    print_findings(task.findings)
    click.echo(f"{task.errors} fel, {count(task.warnings, 'varning', 'varningar')}")
    sys.exit(0 if task.valid else 1)


@excel.command("submit")
def excel_submit():
    """Kontrollera och, om inga fel finns, lämna in den aktiva arbetsboken."""
    from rodtrad.addin import actions, config

    book = _active_book()
    try:
        conf = config.load()
        target = actions.submit(book, actions.load_master(conf), conf)
    except (actions.ActionError, config.ConfigError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Inlämnad: {target}" if target else "Inte inlämnad: se bladet Fel.")
    sys.exit(0 if target else 1)


@excel.command("build-addin")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Mappen som tillägget skrivs till.")
def excel_build_addin(out: Path):
    """Bygg tillägget rodtrad_excel.xlam (för IT: se docs/tillagg.md)."""
    from rodtrad.addin.build import build

    click.echo(f"Tillägg: {build(out)}")
