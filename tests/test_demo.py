"""The demo end to end: every unit gets a workbook, and validation finds exactly the planted mistakes."""
from rodtrad.samples.demo import run


def test_the_demo_finds_exactly_the_mistakes_the_sample_filler_planted(tmp_path):
    result = run(tmp_path / "exempelkommun", echo=lambda *_: None, periods=())
    assert len(result["outbox"]) == len(result["master"].units()) == 49
    found = sorted((t.file, f.sheet, f.cell, f.code) for t in result["report"].tasks for f in t.findings)
    assert found == sorted(result["planted"])
    assert len({p[0] for p in result["planted"]}) == 6
    assert (tmp_path / "exempelkommun" / "rapporter" / "2027-plan" / "valideringsrapport.xlsx").exists()


def test_the_demo_can_run_again_in_the_same_folder(tmp_path):
    run(tmp_path / "demo", echo=lambda *_: None, periods=())
    result = run(tmp_path / "demo", echo=lambda *_: None, periods=())
    assert len(result["outbox"]) == 49
