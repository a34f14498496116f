"""Östersund-style model: perspectives personal / medborgare / ekonomi / miljö;
långsiktiga mål > nämndsmål > åtaganden > aktiviteter; follow-up 30 April, 31 August, 31 December.
Structure after the municipality's published model; all names, goals and numbers are fictional."""
from __future__ import annotations

from .builder import ACCOUNTS, DEFAULT_RULES, budget, closing, goal, indicator, org_tree, periods

YEAR = 2027
Y = (YEAR, YEAR + 3)


def _u(prefix, names):
    return [(f"{prefix}{i}", n, "enhet", []) for i, n in enumerate(names, start=1)]


TREE = [
    ("100", "Kommunstyrelsen", "styrelse", [("110", "Kommunledningsförvaltningen", "förvaltning",
                                             _u("11", ["Ekonomi", "Personal", "Näringsliv"]))]),
    ("300", "Barn- och utbildningsnämnden", "nämnd", [("310", "Barn- och utbildningsförvaltningen", "förvaltning",
                                                       _u("31", ["Förskoleområde Centrum", "Förskoleområde Öst", "Skolområde Väst", "Gymnasieskolan"]))]),
    ("500", "Vård- och omsorgsnämnden", "nämnd", [("510", "Vård- och omsorgsförvaltningen", "förvaltning",
                                                   _u("51", ["Hemtjänst", "Vård- och omsorgsboende", "Stöd och service LSS"]))]),
]


TERMS = {  # the model's own words (master data sheet Begrepp)
    "kf_goal": "Långsiktigt mål",
    "board_goal": "Nämndsmål",
    "commitment": "Åtagande",
    "unit_goal": "Enhetens åtaganden",  # a unit commits to åtaganden under the nämndsmål
    "perspective": "Perspektiv",
    "kf_report": "Kommunrapport",
    "board_report": "Nämndsrapport",
}


def build() -> dict:
    org, people = org_tree(("000", "Kommunfullmäktige"), TREE, "ostersund.example")
    frames = budget(org)
    persp = [{"id": "PE", "name": "Personal"}, {"id": "ME", "name": "Medborgare"},
             {"id": "EK", "name": "Ekonomi"}, {"id": "MI", "name": "Miljö"}]
    goals = [
        goal("LM1", "kf", "000", "Invånarna har goda förutsättningar för ett bra liv hela livet.", "ME", kind="långsiktigt mål", years=Y, sdg=["3.4"], child=True),
        goal("LM2", "kf", "000", "Kommunen är en attraktiv arbetsgivare.", "PE", kind="långsiktigt mål", years=Y),
        goal("LM3", "kf", "000", "Kommunen har en långsiktigt hållbar ekonomi.", "EK", kind="långsiktigt mål", years=Y),
        goal("LM4", "kf", "000", "Kommunen är fossilfri till 2030.", "MI", kind="långsiktigt mål", years=Y, sdg=["13.2"]),
        goal("KS-N1", "nämnd", "100", "Fler företag etablerar sig i kommunen.", "ME", ["LM1"], "nämndsmål", Y, ["8.3"]),
        goal("KS-N2", "nämnd", "100", "Nämnderna håller sina budgetramar.", "EK", ["LM3"], "nämndsmål", Y),
        goal("BUN-N1", "nämnd", "300", "Alla elever lämnar grundskolan med godkända betyg.", "ME", ["LM1"], "nämndsmål", Y, ["4.1"], True),
        goal("BUN-N2", "nämnd", "300", "Medarbetarna är friska och stannar kvar.", "PE", ["LM2"], "nämndsmål", Y),
        goal("VON-N1", "nämnd", "500", "Brukarna är nöjda med stöd och omsorg.", "ME", ["LM1"], "nämndsmål", Y, ["3.8"]),
        goal("VON-N2", "nämnd", "500", "Verksamheten minskar sina transporter med fossila bränslen.", "MI", ["LM4"], "nämndsmål", Y, ["13.2"]),
    ]
    commitments = [
        {"id": "ÅT1", "owner": "110", "goals": ["KS-N1"], "text": "Snabbare besked i företagsärenden genom en väg in."},
        {"id": "ÅT2", "owner": "310", "goals": ["BUN-N1"], "text": "Tidiga insatser i läsning och matematik från förskoleklass."},
        {"id": "ÅT3", "owner": "310", "goals": ["BUN-N2"], "text": "Chefer följer upp korttidsfrånvaro varje månad."},
        {"id": "ÅT4", "owner": "510", "goals": ["VON-N1"], "text": "Genomförandeplaner upprättas tillsammans med varje brukare."},
        {"id": "ÅT5", "owner": "510", "goals": ["VON-N2"], "text": "Samordnad ruttplanering och elbilar i hemtjänsten."},
    ]
    indicators = [
        indicator("I1", "Nöjd medborgar-index", "index", "högre", 52, 58, ["LM1"], "kolada", "U00408"),
        indicator("I2", "Sjukfrånvaro", "%", "lägre", 8.4, 7.0, ["LM2", "BUN-N2"], aggregation="viktat", weight="antal anställda"),
        indicator("I3", "Andel elever behöriga till yrkesprogram", "%", "högre", 82, 88, ["BUN-N1"], "kolada", "N15419"),
        indicator("I4", "Nöjdhet med hemtjänsten", "%", "högre", 88, 92, ["VON-N1"]),
        indicator("I5", "Körda mil med fossilt bränsle", "mil", "lägre", 52000, 40000, ["VON-N2", "LM4"], aggregation="summa"),
    ]
    uppdrag = [{"id": "UP1", "text": "Ta fram en kompetensförsörjningsplan för vård och skola.", "boards": ["300", "500"],
                "resources": 400_000, "start": "2027-01-01", "deadline": "2027-12-31", "status": "ej påbörjat"}]
    return {
        "municipality": {"name": "Östersund (förinställning)", "code": "2380", "budget_year": YEAR,
                         "plan_years": [str(YEAR + 1), str(YEAR + 2)], "vision": "Fiktiv vision för förinställningen Östersund.",
                         "values": None, "model": "Långsiktiga mål > nämndsmål > åtaganden > aktiviteter"},
        "org": org, "people": people, "perspectives": persp,
        "periods": periods(YEAR, kinds=("tertial", "delår", "helår"), months=False),
        "goals": goals, "indicators": indicators, "commitments": commitments, "uppdrag": uppdrag,
        "locked_activities": [{"id": "LÅ1", "text": "Följa upp åtagandena i nämndens verksamhetsplan.", "link": "LM3",
                               "perspective": "EK", "units": ["alla"], "start": "2027-01-01", "end": "2027-12-31"}],
        "accounts": ACCOUNTS, "budget": frames, "closing": closing(frames, None), "terms": TERMS,
        "rules": dict(DEFAULT_RULES),
    }
