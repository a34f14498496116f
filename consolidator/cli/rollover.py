"""`rodtrad nytt-år`: next year's workspace from this year's."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("nytt-år")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--till", "to", type=int, required=True, help="Det nya budgetåret, t.ex. 2028.")
@click.option("--mapp", "target", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Nästa års arbetsyta (standard: bredvid denna, med året i namnet).")
def nytt_ar(directory: Path, to: int, target: Path | None):
    """Skapa nästa års arbetsyta: styrmodell, historik och förifyllda planer; säger vad som förs vidare och varför."""
    from rodtrad.consolidator.workbooks.rollover import RolloverError, roll

    try:
        folder, summary = roll(directory, to, target)
    except RolloverError as e:
        raise click.ClickException(str(e)) from None
    click.echo(summary.text())
    click.echo(f"Nästa års arbetsyta: {folder}")
