"""Sollefteå-style model: a målkompass of six areas, locked activities that every workplace must
carry, and delmål written per workplace. Structure after the municipality's published model;
all names, goals and numbers are fictional."""
from __future__ import annotations

from .builder import ACCOUNTS, DEFAULT_RULES, budget, closing, goal, org_tree, periods, indicator

YEAR = 2027
Y = (YEAR, YEAR + 3)  # the målkompass holds for the term of office (2027–2030); the delmål are the workplaces' own


def _u(prefix, names):
    return [(f"{prefix}{i}", n, "enhet", []) for i, n in enumerate(names, start=1)]


TREE = [
    ("1", "Kommunstyrelsen", "styrelse", [("10", "Kommunledningsförvaltningen", "förvaltning", _u("10", ["Ekonomienheten", "Kommunikation"]))]),
    ("2", "Utbildningsnämnden", "nämnd", [("20", "Utbildningsförvaltningen", "förvaltning", _u("20", ["Skola Nipan", "Förskola Ådalen"]))]),
    ("3", "Socialnämnden", "nämnd", [("30", "Socialförvaltningen", "förvaltning", _u("30", ["Hemtjänst Ramsele", "Boende Älvbacken"]))]),
]

AREAS = ["Service", "Tillväxt", "Medborgare", "Ledare och medarbetare", "Livsmiljö", "Arbetsmiljö"]


TERMS = {  # the model's own words (master data sheet Begrepp)
    "kf_goal": "Målkompassens mål",
    "board_goal": "Nämndens mål",
    "commitment": "Åtagande",
    "unit_goal": "Delmål",
    "perspective": "Område",
    "compass": True,
    "kf_report": "Målkompassrapport",
}


def build() -> dict:
    org, people = org_tree(("0", "Kommunfullmäktige"), TREE, "solleftea.example")
    frames = budget(org)
    persp = [{"id": f"K{i}", "name": name} for i, name in enumerate(AREAS, start=1)]
    goals = [goal(f"M{i}", "kf", "0", f"Kommunövergripande mål för {name.lower()}.", f"K{i}", kind="målkompass", years=Y)
             for i, name in enumerate(AREAS, start=1)]
    for board, short in (("1", "KS"), ("2", "UN"), ("3", "SN")):
        goals += [goal(f"{short}-{i}", "nämnd", board, f"{short}: nämndens mål inom {name.lower()}.", f"K{i}", [f"M{i}"], "nämndmål", Y)
                  for i, name in enumerate(AREAS, start=1)]
    locked = [
        {"id": "GEM1", "text": "Arbetsplatsträff varje månad med arbetsmiljö som stående punkt.", "link": "M6", "perspective": "K6",
         "units": ["alla"], "start": "2027-01-01", "end": "2027-12-31"},
        {"id": "GEM2", "text": "Medarbetarsamtal och lönesamtal med alla medarbetare.", "link": "M4", "perspective": "K4",
         "units": ["alla"], "start": "2027-02-01", "end": "2027-06-30"},
        {"id": "GEM3", "text": "Servicemätning: svara på e-post inom två arbetsdagar.", "link": "M1", "perspective": "K1",
         "units": ["alla"], "start": "2027-01-01", "end": "2027-12-31"},
    ]
    indicators = [indicator("NY1", "Sjukfrånvaro", "%", "lägre", 8.0, 7.0, ["M6"], aggregation="viktat", weight="antal anställda"),
                  indicator("NY2", "Nöjd kund-index, service", "index", "högre", 70, 75, ["M1"], "kolada", "U07414")]
    rules = dict(DEFAULT_RULES, min_goals=2)
    return {
        "municipality": {"name": "Sollefteå (förinställning)", "code": "2283", "budget_year": YEAR, "plan_years": [],
                         "vision": "Fiktiv vision för förinställningen Sollefteå.", "values": None,
                         "model": "Målkompass med sex områden > nämndens mål > arbetsplatsens delmål och aktiviteter"},
        "org": org, "people": people, "perspectives": persp, "periods": periods(YEAR),
        "goals": goals, "indicators": indicators, "commitments": [], "uppdrag": [], "locked_activities": locked,
        "accounts": ACCOUNTS, "budget": frames, "closing": closing(frames, None), "terms": TERMS,
        "rules": rules,
    }
