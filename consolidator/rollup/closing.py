"""Årets resultat and the balanskrav: the förvaltningsberättelse's economy, line by line.

The units' net cost comes from the consolidation (their forecasts at delår, the ledger's outcome
at helår); taxes, finance net, costs outside the units and the balanskrav adjustments are the
economy department's figures on the master data's sheet Balanskrav. The structure follows the
balanskravsutredning of LKBR 11 kap. and RKR's recommendations: årets resultat, less realisation
gains, adjusted for the exemptions and unrealised losses on securities, then the
resultatutjämningsreserv, gives the balanskravsresultat.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    text: str
    amount: float | None
    key: str | None = None  # the master data field it comes from (None: computed, or the units')
    total: bool = False


ADJUSTMENTS = (("Samtliga realisationsvinster", -1, "realisation_gains_sek"),
               ("Vissa realisationsvinster enligt undantagsmöjlighet", 1, "exempt_gains_sek"),
               ("Vissa realisationsförluster enligt undantagsmöjlighet", -1, "exempt_losses_sek"),
               ("Orealiserade förluster i värdepapper", 1, "unrealised_losses_sek"),
               ("Återföring av orealiserade förluster i värdepapper", -1, "unrealised_reversal_sek"))
UNITS = "Verksamhetens nettokostnad, enheterna"


def result(closing: dict, units_net_cost: float) -> float | None:
    """Årets resultat: taxes and general grants + finance net − the units' and the central net cost."""
    taxes = closing.get("taxes_sek")
    if taxes is None:
        return None
    return taxes + closing.get("financial_net_sek", 0) - units_net_cost - closing.get("central_cost_sek", 0)


def result_share(closing: dict, units_net_cost: float) -> float | None:
    """Årets resultat in per cent of taxes and general grants (the usual financial goal)."""
    r, taxes = result(closing, units_net_cost), closing.get("taxes_sek")
    return None if r is None or not taxes else 100 * r / taxes


def balance(closing: dict, units_net_cost: float, final: bool) -> list[Line]:
    """The balanskravsutredning; amounts signed as they affect the result (costs negative)."""
    c = closing
    year = result(c, units_net_cost)
    lines = [Line("Skatteintäkter och generella statsbidrag", c.get("taxes_sek"), "taxes_sek"),
             Line("Finansnetto", c.get("financial_net_sek", 0), "financial_net_sek"),
             Line(f"{UNITS} ({'utfall' if final else 'prognos'})", -units_net_cost),
             Line("Nettokostnad utanför enheterna", -c.get("central_cost_sek", 0), "central_cost_sek"),
             Line("Årets resultat", year, total=True)]
    lines += [Line(text, sign * c.get(key, 0), key) for text, sign, key in ADJUSTMENTS]
    after = None if year is None else year + sum(sign * c.get(key, 0) for _, sign, key in ADJUSTMENTS)
    lines.append(Line("Årets resultat efter balanskravsjusteringar", after, total=True))
    lines += [Line("Medel till resultatutjämningsreserv", -c.get("to_rur_sek", 0), "to_rur_sek"),
              Line("Medel från resultatutjämningsreserv", c.get("from_rur_sek", 0), "from_rur_sek")]
    final_result = None if after is None else after - c.get("to_rur_sek", 0) + c.get("from_rur_sek", 0)
    lines.append(Line("Årets balanskravsresultat", final_result, total=True))
    earlier = c.get("earlier_deficit_sek", 0)
    lines.append(Line("Balanskravsunderskott från tidigare år", -earlier, "earlier_deficit_sek"))
    left = None if final_result is None else max(0, -final_result) + max(0, earlier - max(final_result, 0))
    lines.append(Line("Balanskravsunderskott att återställa", left, total=True))
    return lines
