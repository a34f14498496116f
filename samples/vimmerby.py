"""Vimmerby-style model: vision, strategisk plan, inriktningsmål and finansiella mål with indicators,
nämndmål, uppdrag, grunduppdrag per board, budget with two plan years. Structure after the
municipality's published model; all names, goals and numbers are fictional."""
from __future__ import annotations

from .builder import ACCOUNTS, DEFAULT_RULES, budget, closing, goal, indicator, org_tree, periods

YEAR = 2027
Y = (YEAR, YEAR + 2)


def _u(prefix, names):
    return [(f"{prefix}{i}", n, "enhet", []) for i, n in enumerate(names, start=1)]


TREE = [
    ("01", "Kommunstyrelsen", "styrelse", [("011", "Kommunledningskontoret", "förvaltning", _u("011", ["Ekonomi", "Kansli"]))]),
    ("02", "Barn- och utbildningsnämnden", "nämnd", [("021", "Barn- och utbildningsförvaltningen", "förvaltning",
                                                      _u("021", ["Förskola Centrum", "Skola Norr", "Gymnasiet"]))]),
    ("03", "Socialnämnden", "nämnd", [("031", "Socialförvaltningen", "förvaltning", _u("031", ["Äldreomsorg", "IFO"]))]),
    ("04", "Vimmerby Stadshus AB", "koncern", [("041", "Vimmerbybostäder AB", "bolag", [])]),
]


TERMS = {  # the model's own words (master data sheet Begrepp)
    "kf_goal": "Inriktningsmål",
    "board_goal": "Nämndmål",
    "commitment": "Åtagande",
    "unit_goal": "Enhetens mål",
    "perspective": "Perspektiv",
    "kf_report": "Kommunrapport",
}


def build() -> dict:
    org, people = org_tree(("00", "Kommunfullmäktige"), TREE, "vimmerby.example")
    frames = budget(org)
    persp = [{"id": "P1", "name": "Ekonomi"}, {"id": "P2", "name": "Invånare och brukare"},
             {"id": "P3", "name": "Verksamhet och medarbetare"}, {"id": "P4", "name": "Utveckling"}]
    goals = [
        goal("IM1", "kf", "00", "Vimmerby växer med fler invånare och företag.", "P2", kind="inriktningsmål", years=Y, sdg=["8.3"]),
        goal("IM2", "kf", "00", "Barn och unga har goda uppväxtvillkor.", "P2", kind="inriktningsmål", years=Y, sdg=["4.2"], child=True),
        goal("IM3", "kf", "00", "Kommunen är en hållbar och attraktiv arbetsgivare.", "P3", kind="inriktningsmål", years=Y),
        goal("FM1", "kf", "00", "Resultatet ska vara minst 2 procent av skatter och bidrag.", "P1", kind="finansiellt mål", years=Y),
        goal("KS-G", "nämnd", "01", "Grunduppdrag: leda, samordna och ha uppsikt över kommunens verksamhet.", "P3", [], "grunduppdrag", Y),
        goal("KS-M1", "nämnd", "01", "Tiden från förfrågan till etablering för företag kortas.", "P2", ["IM1"], "nämndmål", Y),
        goal("BUN-G", "nämnd", "02", "Grunduppdrag: förskola, skola och vuxenutbildning enligt skollagen.", "P2", [], "grunduppdrag", Y),
        goal("BUN-M1", "nämnd", "02", "Fler elever når målen i alla ämnen.", "P2", ["IM2"], "nämndmål", Y, ["4.1"], True),
        goal("SN-G", "nämnd", "03", "Grunduppdrag: stöd och omsorg enligt socialtjänstlagen och LSS.", "P2", [], "grunduppdrag", Y),
        goal("SN-M1", "nämnd", "03", "Fler äldre kan bo kvar hemma med trygghet.", "P2", ["IM1"], "nämndmål", Y, ["3.8"]),
        goal("SN-M2", "nämnd", "03", "Nämnden bedriver verksamheten inom ram.", "P1", ["FM1"], "nämndmål", Y),
        goal("BOL-M1", "nämnd", "04", "Bostadsbeståndet ökar med 30 lägenheter per år.", "P4", ["IM1"], "ägardirektiv", Y, ["11.1"]),
    ]
    indicators = [
        indicator("NT1", "Befolkningsförändring", "st", "högre", 40, 80, ["IM1"], "kolada", "N01951", aggregation="ingen"),
        indicator("NT2", "Andel elever med godkända betyg i alla ämnen, åk 6", "%", "högre", 74, 80, ["IM2", "BUN-M1"], "kolada", "N15539"),
        indicator("NT3", "Sjukfrånvaro", "%", "lägre", 7.9, 7.0, ["IM3"], aggregation="viktat", weight="antal anställda"),
        indicator("NT4", "Resultat i procent av skatter och bidrag", "%", "högre", 1.1, 2.0, ["FM1"], "ekonomi", aggregation="ingen"),
    ]
    uppdrag = [
        {"id": "KF-U1", "text": "Ta fram en plan för bostadsförsörjning.", "boards": ["01", "04"], "resources": 200_000,
         "start": "2027-01-01", "deadline": "2027-09-30", "status": "ej påbörjat"},
        {"id": "KF-U2", "text": "Samordna insatser för barn i familjer med ekonomiskt bistånd.", "boards": ["02", "03"],
         "resources": 0, "start": "2027-01-01", "deadline": "2028-12-31", "status": "ej påbörjat"},
    ]
    return {
        "municipality": {"name": "Vimmerby (förinställning)", "code": "0884", "budget_year": YEAR,
                         "plan_years": [str(YEAR + 1), str(YEAR + 2)], "vision": "Fiktiv vision för förinställningen Vimmerby.",
                         "values": None, "model": "Vision > strategisk plan > inriktningsmål och finansiella mål > nämndmål > aktiviteter"},
        "org": org, "people": people, "perspectives": persp, "periods": periods(YEAR),
        "goals": goals, "indicators": indicators, "commitments": [], "uppdrag": uppdrag, "locked_activities": [],
        "accounts": ACCOUNTS, "budget": frames, "closing": closing(frames, "NT4"), "terms": TERMS,
        "rules": dict(DEFAULT_RULES),
        # investeringsredovisning (fictional projects of the preset), kr
        "projects": [
            {"id": "INV-01", "name": "Ny skola i Vimmerby tätort, etapp 1", "board": "02", "unit": None,
             "total_sek": 120_000_000, "year_sek": 35_000_000, "start": f"{YEAR - 1}-09-01", "end": f"{YEAR + 2}-07-31"},
            {"id": "INV-02", "name": "Välfärdsteknik i hemtjänsten", "board": "03", "unit": None,
             "total_sek": 3_500_000, "year_sek": 3_500_000, "start": f"{YEAR}-02-01", "end": f"{YEAR}-12-31"},
            {"id": "INV-03", "name": "Exploatering av bostadsområde Norr", "board": "01", "unit": None,
             "total_sek": 18_000_000, "year_sek": 8_000_000, "start": f"{YEAR}-03-01", "end": f"{YEAR + 1}-10-31"},
        ],
    }
