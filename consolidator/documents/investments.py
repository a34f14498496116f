"""The document's investeringsredovisning: the Excel report's Investeringar table (reports/investments.py)
as it was written: budget, outcome to date, forecast and deviation per project, who gave the
forecast and the comment; in the KF report the self-financing degree's sentence."""
from __future__ import annotations

from .numbers import kr
from .render import Heading, Para

TABLE = "Investeringar"
# six columns: with more, a page's width breaks the figures over two lines (test_documents); the
# project's name and who gave its forecast are on the Excel report's sheet
COLUMNS = ["Projekt", "Årets budget (kr)", "Utfall t.o.m. perioden (kr)", "Prognos helår (kr)",
           "Avvikelse mot budget (kr)", "Kommentar"]


def blocks(content) -> list:
    """The part `investeringar` of a node's document (`content`: documents.content.Content); nothing
    when its report has no Investeringar sheet (a plan, or a node without projects)."""
    if TABLE not in content.kept:
        return []
    out = [Heading(1, "Investeringar")]
    table = content.table(TABLE, "Investeringsredovisning per projekt", COLUMNS,
                          keep=lambda row: row[0] != "Summa")
    if table is not None:
        out.append(table)
    total = next((row for row in content.rows(TABLE) if row[0] == "Summa"), None)
    if total is not None:
        budget, spent, forecast, deviation = total[4], total[5], total[6], total[7]
        out.append(Para(f"Årets budget för investeringarna är {kr(budget)} kr; utfallet hittills {kr(spent)} kr och "
                        f"prognosen för helåret {kr(forecast)} kr, en avvikelse på {kr(deviation)} kr mot budget "
                        f"(budget − prognos: positivt är lägre utgifter än budgeterat)."))
    return out
