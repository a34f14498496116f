"""A period's reports replaced whole: staged beside the old ones, then swapped in by two renames.

The old reports move to `.<period>.gammal-<id>` (a name of their own each time, so a folder left
behind never blocks the next swap) and are then deleted. On a shared drive that may fail: a report
open in Excel on another computer cannot be deleted (Windows, SMB). That never stops a run: the
folder is named in a note, and every later run tries again. A run stopped between the two renames
leaves no reports and an old folder: the next run puts the old folder back first (`recover`).
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from rodtrad.consolidator.model.words import explain


class SwapError(Exception):
    """The reports could not be swapped; the message is Swedish and names the folder."""


def _old_folders(final: Path) -> list[Path]:
    prefix = f".{final.name}.gammal"
    return sorted((p for p in final.parent.glob(prefix + "*") if p.is_dir()), key=lambda p: p.stat().st_mtime)


def _why(exc: OSError) -> str:
    """Why, in Swedish (exc.strerror is the C library's English: "Permission denied")."""
    return explain(exc)


def remove(folder: Path) -> str | None:
    """Delete a folder; None when gone, else a Swedish note naming it and why."""
    problems: list[str] = []
    shutil.rmtree(folder, onerror=lambda _f, path, info: problems.append(f"{Path(path).name}: {_why(info[1])}"))
    if not folder.exists():
        return None
    return (f"Mappen {folder} kunde inte tas bort ({'; '.join(problems[:2]) or 'okänt skäl'}); troligen är en fil "
            "där öppen, t.ex. i Excel på en annan dator. Den stör inga körningar; ta bort den när filen är stängd.")


def recover(final: Path) -> list[str]:
    """Undo a swap that stopped between its renames (the old reports back in place) and clear old
    folders left behind; notes for folders that cannot be deleted."""
    notes = []
    olds = _old_folders(final)
    if olds and not final.exists():
        newest = olds.pop()
        try:
            os.rename(newest, final)
        except OSError as exc:
            raise SwapError(
                f"En tidigare körning avbröts mitt i bytet av rapporter: de förra rapporterna ligger i {newest} och "
                f"kunde inte flyttas tillbaka till {final} ({_why(exc)}). Byt namn på mappen till {final.name} "
                "(eller ta bort den) och kör igen.") from None
    for old in olds:
        note = remove(old)
        if note:
            notes.append(note)
    return notes


def stage_folder(final: Path, period: str) -> Path:
    """A fresh, empty folder for the new reports beside the old ones."""
    stage = final.parent / f".{period}.ny-{uuid.uuid4().hex[:8]}"
    stage.mkdir(parents=True)
    return stage


def clear_stages(final: Path, period: str) -> list[str]:
    """Stage folders that earlier runs left (they are never read): deleted, or named in a note."""
    return [n for p in final.parent.glob(f".{period}.ny*") if p.is_dir() for n in [remove(p)] if n]


def swap(stage: Path, final: Path) -> list[str]:
    """`stage` becomes `final`; the old reports are deleted (a note when they cannot be)."""
    old = final.parent / f".{final.name}.gammal-{uuid.uuid4().hex[:8]}"
    if final.exists():
        try:
            os.rename(final, old)
        except OSError as exc:
            raise SwapError(
                f"De förra rapporterna i {final} kan inte ersättas ({_why(exc)}): troligen är en fil där öppen, "
                "t.ex. i Excel på en annan dator. Stäng den och kör igen; inget har ändrats.") from None
    try:
        os.rename(stage, final)
    except OSError as exc:
        if old.exists() and not final.exists():
            os.rename(old, final)
        raise SwapError(f"De nya rapporterna kunde inte flyttas till {final} ({_why(exc)}); de förra ligger kvar.") from None
    note = remove(old) if old.exists() else None
    return [note] if note else []
