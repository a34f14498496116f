"""The findings catalogue in the docs is the one the code generates."""
from pathlib import Path

from rodtrad.consolidator.cli.catalogue import markdown


def test_docs_findings_md_is_up_to_date():
    committed = (Path(__file__).parent.parent / "docs" / "findings.md").read_text(encoding="utf-8")
    assert committed.strip() == markdown().strip(), "run: rodtrad findings --markdown > docs/findings.md"


def test_every_code_renders_in_both_languages_with_every_parameter_given():
    import string

    from rodtrad.consolidator.cli.catalogue import EXAMPLE, EXAMPLES, WHERE, kinds
    from rodtrad.consolidator.model import wording

    assert len(kinds()) >= 45
    for kind in kinds():  # the model's words (wording.words) are always given
        known = set(EXAMPLE) | set(WHERE) | set(EXAMPLES.get(kind.code, {})) | set(kind.example) | set(wording.words())
        for template in (kind.sv, kind.en, kind.hint_sv, kind.hint_en):
            names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
            assert names <= known, (kind.code, names - known)
