"""Writing a node's document beside its Excel report, and choosing the template once per run."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docxtpl  # noqa: F401  # loaded with this module, which consolidation imports before its workers fork: they share it

from . import template as tpl, texts as texts_file
from .charts import Charts
from .content import TABLES, Content
from .render import render

MODES = ("pdf", "docx", "inga")  # what a consolidation writes besides the workbooks
CHARTS = Path(".cache") / "diagram"  # in the workspace: the charts kept between runs (charts.py)


@dataclass(frozen=True)
class Options:
    """What the report workers need to write documents (picklable: it crosses to the workers)."""

    template: str  # a template `template.check` accepted
    texts: str | None = None  # the folder with texter-<period>.md (the workspace's dokument/)
    nodes: frozenset | None = None  # the nodes to write documents for; None: those with an Excel report
    municipality: str = ""
    charts: str | None = None  # the folder charts are kept in (charts.Charts); None: every chart drawn

    def wants(self, node_id: str) -> bool:
        return self.nodes is None or node_id in self.nodes


def prepare(root: Path | None, nodes=None, keep_charts: bool = False,
            period: str | None = None) -> tuple[Options, list]:
    """Options for a run in workspace `root`: its own template (dokument/rapportmall.docx) when it can
    be used, else the shipped one (also in place of an earlier version's default that was never
    changed: template.untouched_default); findings say why a workspace template was not used and, with
    `period` (its id), which headings of dokument/texter-<period>.md are no section. `keep_charts`:
    charts are kept in the workspace's CHARTS folder and taken from it (never for an auditor's rebuild)."""
    findings: list = []
    chosen = tpl.shipped()
    if root is not None:
        own = tpl.in_workspace(root)
        if own.exists() and not tpl.untouched_default(own):
            usable, findings = tpl.check(own)
            if usable:
                chosen = own
    texts = str(Path(root) / tpl.FOLDER) if root is not None else None
    if texts is not None and period is not None:  # the period's own texts: a heading that is no section
        findings = findings + texts_file.check(Path(texts), period)
    charts = str(Path(root) / CHARTS) if root is not None and keep_charts else None
    return Options(str(chosen), texts, frozenset(nodes) if nodes else None, charts=charts), findings


def name_for(report: Path) -> Path:
    """The document beside an Excel report: the same name, .docx."""
    return Path(report).with_suffix(".docx")


def keep() -> frozenset:
    """The Excel report's tables a document is made of (ReportBook.keep)."""
    return TABLES


def write(rollup, node_id: str, period, kept: dict, report: Path, history, options: Options) -> Path:
    """The document of `node_id` for `period`, next to its Excel report `report` (whose kept tables
    are `kept`); returns its path. Byte for byte the same for the same figures and template."""
    content = Content(rollup, node_id, period, kept, Path(report).name, history,
                      Path(options.texts) if options.texts else None, options.municipality, Charts(options.charts))
    return render(content.document(), Path(options.template), name_for(report))
