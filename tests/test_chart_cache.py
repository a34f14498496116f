"""The documents' charts kept between runs (documents/charts.py): the same bytes drawn or kept, a
broken or foreign file never used, a bounded folder, and no matplotlib when every chart is kept."""
import os
import subprocess
import sys
import time

import pytest

from rodtrad.consolidator.documents import charts
from rodtrad.consolidator.documents.charts import Charts

SERIES = [("Nyckeltal med ett långt namn", [("2026-helar", 50.0), ("2027-T1", 55.0)], 70.0)]
CALLS = [  # (method, args): one of each kind of chart
    ("lights", ({"grön": 5, "gul": 3, "röd": 1, "ej bedömt": 2}, "Mål")),
    ("controls", ([("utförda", 20), ("ej utförda", 3), ("ej svar", 2), ("avvikelser", 1)],)),
    ("budget_forecast", ([("Socialnämnden", 1e8, 1.1e8), ("Kommunstyrelsen", 5e7, 4.8e7)], "Budget", "Prognos helår")),
    ("forecast_over_time", ([("T1", 7e8, 2e8, 7.1e8), ("Delår", 7e8, None, 7.2e8)],)),
    ("indicator_trends", (SERIES, ["2026-helar", "2027-T1"])),
    ("risk_matrix", ({(1, 2): 3, (3, 3): 1},)),
]


@pytest.mark.parametrize("method, args", CALLS, ids=[c[0] for c in CALLS])
def test_a_kept_chart_is_the_drawn_chart_byte_for_byte_with_the_same_words(tmp_path, method, args):
    drawn = getattr(charts, method)(*args)  # no cache: drawn
    first = Charts(tmp_path)
    assert getattr(first, method)(*args) == drawn and (first.drawn, first.kept) == (1, 0)
    again = Charts(tmp_path)
    assert getattr(again, method)(*args) == drawn and (again.drawn, again.kept) == (0, 1)
    assert len(list(tmp_path.glob("*.png"))) == 1


def test_other_figures_other_words_or_another_drawing_version_are_drawn_anew(tmp_path, monkeypatch):
    c = Charts(tmp_path)
    c.lights({"grön": 5}, "Mål")
    c.lights({"grön": 6}, "Mål")  # other figures
    c.lights({"grön": 5}, "Nyckeltal")  # the same picture: the words are in the alternative text only
    assert (c.drawn, c.kept) == (2, 1)
    monkeypatch.setattr(charts, "_VERSION", "another matplotlib")
    c.lights({"grön": 5}, "Mål")
    assert (c.drawn, c.kept) == (3, 1)


@pytest.mark.parametrize("damage", ["cut short", "not a png", "empty"])
def test_a_broken_kept_file_is_drawn_anew_and_mended(tmp_path, damage):
    png, _ = Charts(tmp_path).risk_matrix({(2, 2): 1})
    kept = next(tmp_path.glob("*.png"))
    kept.write_bytes({"cut short": png[: len(png) // 2], "not a png": b"GIF89a" + png[6:], "empty": b""}[damage])
    c = Charts(tmp_path)
    assert c.risk_matrix({(2, 2): 1})[0] == png and c.drawn == 1
    assert kept.read_bytes() == png


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path):
    blocked = tmp_path / "diagram"
    blocked.write_text("en fil där mappen skulle vara")
    c = Charts(blocked)
    png, alt = c.lights({"röd": 2}, "Mål")
    assert png.startswith(b"\x89PNG") and "2 röd" in alt and c.drawn == 1


def test_prune_keeps_the_most_recently_used_and_removes_stray_files(tmp_path):
    for i in range(12):
        path = tmp_path / f"{i:02}.png"
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / ".abc.tmp").write_bytes(b"half")
    os.utime(tmp_path / "03.png", (2_000_000, 2_000_000))  # used again lately
    assert charts.prune(tmp_path, keep=5) == 8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["03.png", "08.png", "09.png", "10.png", "11.png"]
    assert charts.prune(tmp_path / "saknas") == 0


def test_using_a_kept_chart_marks_it_recently_used(tmp_path):
    Charts(tmp_path).lights({"grön": 1}, "Mål")
    kept = next(tmp_path.glob("*.png"))
    os.utime(kept, (1_000_000, 1_000_000))
    Charts(tmp_path).lights({"grön": 1}, "Mål")
    assert kept.stat().st_mtime > time.time() - 60


def test_a_run_whose_charts_are_all_kept_never_loads_matplotlib(tmp_path):
    code = f"""
import sys
from rodtrad.consolidator.documents.charts import Charts
c = Charts({str(tmp_path)!r})
c.lights({{"grön": 3}}, "Mål"); c.risk_matrix({{(1, 1): 1}})
print(c.drawn, c.kept, "matplotlib" in sys.modules)
"""
    run = lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert run() == ["2", "0", "True"]  # drawn: matplotlib loaded
    assert run() == ["0", "2", "False"]  # kept: never loaded
