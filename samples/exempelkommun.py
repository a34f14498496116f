"""Exempelkommun: a fictional municipality of five boards and about fifty units (the demo)."""
from __future__ import annotations

from .builder import ACCOUNTS, DEFAULT_RULES, budget, goal, indicator, org_tree, periods, plan_budget

YEAR = 2027


def _units(prefix: str, names: list[str]) -> list[tuple]:
    return [(f"{prefix}{i}", name, "enhet", []) for i, name in enumerate(names, start=1)]


TREE = [
    ("0100", "Kommunstyrelsen", "styrelse", [
        ("0110", "Kommunledningsförvaltningen", "förvaltning", [
            ("0120", "Ekonomi och upphandling", "verksamhet", _units("012", ["Ekonomienheten", "Upphandlingsenheten"])),
            ("0130", "HR", "verksamhet", _units("013", ["HR-enheten", "Löneenheten"])),
            ("0140", "Kommunikation och digitalisering", "verksamhet", _units("014", ["Kommunikationsenheten", "IT-enheten"])),
        ])]),
    ("2000", "Barn- och utbildningsnämnden", "nämnd", [
        ("2100", "Barn- och utbildningsförvaltningen", "förvaltning", [
            ("2110", "Förskola", "verksamhet", _units("211", ["Förskolan Solrosen", "Förskolan Blåklockan",
                                                              "Förskolan Tallbacken", "Förskolan Ekorren", "Pedagogisk omsorg"])),
            ("2120", "Grundskola", "verksamhet", _units("212", ["Norrskolan F-6", "Söderskolan F-6", "Centralskolan 7-9",
                                                                "Byskolan F-3", "Grundsärskolan"])),
            ("2130", "Gymnasie- och vuxenutbildning", "verksamhet", _units("213", ["Älvgymnasiet", "Vuxenutbildningen", "SFI"])),
            ("2140", "Elevhälsa", "verksamhet", _units("214", ["Centrala elevhälsan"])),
        ])]),
    ("3000", "Socialnämnden", "nämnd", [
        ("3100", "Socialförvaltningen", "förvaltning", [
            ("3110", "Äldreomsorg", "verksamhet", _units("311", ["Hemtjänst Norr", "Hemtjänst Söder", "Särskilt boende Lugnet",
                                                                 "Särskilt boende Solgården", "Nattpatrullen"])),
            ("3120", "Funktionsstöd", "verksamhet", _units("312", ["LSS-boendet Granen", "Daglig verksamhet", "Personlig assistans"])),
            ("3130", "Individ- och familjeomsorg", "verksamhet", _units("313", ["Barn och unga", "Vuxen och beroende", "Försörjningsstöd"])),
            ("3140", "Hälso- och sjukvård", "verksamhet", _units("314", ["Sjuksköterskeenheten", "Rehabenheten"])),
        ])]),
    ("4000", "Samhällsbyggnadsnämnden", "nämnd", [
        ("4100", "Samhällsbyggnadsförvaltningen", "förvaltning", [
            ("4110", "Gata och park", "verksamhet", _units("411", ["Gatuenheten", "Parkenheten"])),
            ("4120", "Vatten och avlopp", "verksamhet", _units("412", ["VA-drift"])),
            ("4130", "Bygg och miljö", "verksamhet", _units("413", ["Bygglovsenheten", "Miljö- och hälsoskydd"])),
            ("4140", "Fastighet och service", "verksamhet", _units("414", ["Fastighetsförvaltningen", "Lokalvården", "Kostenheten"])),
        ])]),
    ("5000", "Kultur- och fritidsnämnden", "nämnd", [
        ("5100", "Kultur- och fritidsförvaltningen", "förvaltning", [
            ("5110", "Kultur", "verksamhet", _units("511", ["Biblioteket", "Kulturskolan", "Allmänkultur"])),
            ("5120", "Fritid", "verksamhet", _units("512", ["Fritidsgårdarna", "Idrottsanläggningar", "Simhallen"])),
        ])]),
    ("9000", "Exempelkommun Stadshus AB", "koncern", [
        ("9100", "Exempelbostäder AB", "bolag", []),
        ("9200", "Exempel Energi AB", "bolag", []),
    ]),
]

PERSPECTIVES = [{"id": "P1", "name": "Ekonomi"}, {"id": "P2", "name": "Invånare och brukare"},
                {"id": "P3", "name": "Verksamhet och medarbetare"}, {"id": "P4", "name": "Utveckling"}]

Y = (YEAR, YEAR + 2)
KF_GOALS = [
    goal("KF1", "kf", "0000", "I Exempelkommun är det tryggt att växa upp, leva och åldras.", "P2", kind="inriktningsmål", years=Y, sdg=["3.4", "16.1"], child=True),
    goal("KF2", "kf", "0000", "Alla barn och elever når kunskapsmålen och rustas för framtiden.", "P2", kind="inriktningsmål", years=Y, sdg=["4.1"], child=True),
    goal("KF3", "kf", "0000", "Exempelkommun är en attraktiv arbetsgivare med engagerade medarbetare.", "P3", kind="inriktningsmål", years=Y, sdg=["8.5"]),
    goal("KF4", "kf", "0000", "Kommunens verksamheter minskar sin klimatpåverkan varje år.", "P4", kind="inriktningsmål", years=Y, sdg=["13.2", "11.6"]),
    goal("KF5", "kf", "0000", "Service och bemötande håller hög kvalitet och är digitalt tillgängliga.", "P4", kind="inriktningsmål", years=Y, sdg=["16.6"]),
    goal("FM1", "kf", "0000", "Årets resultat ska uppgå till minst 2 procent av skatter och generella statsbidrag.", "P1", kind="finansiellt mål", years=Y),
    goal("FM2", "kf", "0000", "Investeringarna ska till minst 60 procent finansieras med egna medel.", "P1", kind="finansiellt mål", years=Y),
]

BOARD_GOALS = [
    goal("KS1", "nämnd", "0100", "Kommunens ekonomi är i balans och varje nämnd håller sin budget.", "P1", ["FM1"], "nämndmål", Y),
    goal("KS2", "nämnd", "0100", "Sjukfrånvaron minskar och fler medarbetare rekommenderar kommunen som arbetsgivare.", "P3", ["KF3"], "nämndmål", Y, ["8.8"]),
    goal("KS3", "nämnd", "0100", "Fler e-tjänster gör det enklare för invånare och företag.", "P4", ["KF5"], "nämndmål", Y),
    goal("BUN1", "nämnd", "2000", "Andelen elever med godkända betyg i alla ämnen ökar.", "P2", ["KF2"], "nämndmål", Y, ["4.1"], True),
    goal("BUN2", "nämnd", "2000", "Barn och elever känner sig trygga i förskola och skola.", "P2", ["KF1", "KF2"], "nämndmål", Y, ["4.a", "16.2"], True),
    goal("BUN3", "nämnd", "2000", "Verksamheten bedrivs inom tilldelad ram.", "P1", ["FM1"], "nämndmål", Y),
    goal("SN1", "nämnd", "3000", "Äldre upplever trygghet och inflytande i sin vardag.", "P2", ["KF1"], "nämndmål", Y, ["3.8"]),
    goal("SN2", "nämnd", "3000", "Fler personer med försörjningsstöd kommer i arbete eller studier.", "P2", ["KF1"], "nämndmål", Y, ["1.2", "8.5"]),
    goal("SN3", "nämnd", "3000", "Heltid är norm och sjukfrånvaron minskar.", "P3", ["KF3"], "nämndmål", Y, ["8.5"]),
    goal("SBN1", "nämnd", "4000", "Kommunens fastigheter och fordon använder mindre fossil energi.", "P4", ["KF4"], "nämndmål", Y, ["7.2", "13.2"]),
    goal("SBN2", "nämnd", "4000", "Handläggningen av bygglov sker inom lagstadgad tid.", "P2", ["KF5"], "nämndmål", Y),
    goal("SBN3", "nämnd", "4000", "Gator, parker och lekplatser upplevs trygga och tillgängliga.", "P2", ["KF1"], "nämndmål", Y, ["11.7"], True),
    goal("KFN1", "nämnd", "5000", "Fler barn och unga deltar i kultur- och fritidsaktiviteter.", "P2", ["KF1", "KF2"], "nämndmål", Y, ["11.4"], True),
    goal("KFN2", "nämnd", "5000", "Biblioteken når fler invånare, även digitalt.", "P4", ["KF5"], "nämndmål", Y, ["16.10"]),
    goal("BOL1", "nämnd", "9000", "Bolagen bidrar till bostadsförsörjning och klimatmål med sunda finanser.", "P1", ["KF4", "FM1"], "ägardirektiv", Y, ["11.1"]),
]

COMMITMENTS = [
    {"id": "Å1", "owner": "0110", "goals": ["KS1"], "text": "Månatlig uppföljning med varje chef av ekonomi och prognos."},
    {"id": "Å2", "owner": "0110", "goals": ["KS2"], "text": "Införa ett gemensamt arbetssätt för tidig rehabilitering."},
    {"id": "Å3", "owner": "2100", "goals": ["BUN1"], "text": "Stärka undervisningen i matematik och svenska i alla årskurser."},
    {"id": "Å4", "owner": "2100", "goals": ["BUN2"], "text": "Varje enhet arbetar systematiskt mot kränkande behandling."},
    {"id": "Å5", "owner": "3100", "goals": ["SN1"], "text": "Minska antalet personal som en hemtjänsttagare möter."},
    {"id": "Å6", "owner": "3100", "goals": ["SN3"], "text": "Erbjuda heltid vid alla nyanställningar."},
    {"id": "Å7", "owner": "4100", "goals": ["SBN1"], "text": "Byta till fossilfria fordon när leasingavtal löper ut."},
    {"id": "Å8", "owner": "5100", "goals": ["KFN1"], "text": "Avgiftsfria lovaktiviteter för alla barn och unga."},
    {"id": "Å9", "owner": "9000", "goals": ["BOL1"], "text": "Bolagen redovisar energianvändning per kvartal."},
]

INDICATORS = [
    indicator("N1", "Årets resultat i procent av skatter och statsbidrag", "%", "högre", 1.2, 2.0, ["FM1"], "ekonomi", aggregation="ingen"),
    indicator("N2", "Sjukfrånvaro bland medarbetare", "%", "lägre", 8.1, 7.0, ["KF3", "KS2", "SN3"], aggregation="viktat", weight="antal anställda"),
    indicator("N3", "Andel elever i åk 9 som är behöriga till gymnasiet", "%", "högre", 81.0, 86.0, ["KF2", "BUN1"], "kolada", "N15419"),
    indicator("N4", "Andel elever som känner sig trygga i skolan", "%", "högre", 84.0, 90.0, ["BUN2"]),
    indicator("N5", "Brukarbedömning särskilt boende – trygghet", "%", "högre", 83.0, 88.0, ["SN1"], "kolada", "U23471"),
    indicator("N6", "Antal personal som hemtjänsttagare möter under 14 dagar", "st", "lägre", 16.0, 12.0, ["SN1"], "kolada", "N21812"),
    indicator("N7", "Andel heltidsanställda", "%", "högre", 71.0, 80.0, ["SN3", "KF3"]),
    indicator("N8", "Andel fossilfria fordon i kommunens fordonsflotta", "%", "högre", 45.0, 70.0, ["KF4", "SBN1"], aggregation="ingen"),
    indicator("N9", "Handläggningstid bygglov, mediantid", "dagar", "lägre", 26.0, 28.0, ["SBN2"]),
    indicator("N10", "Antal deltagartillfällen i lovaktiviteter", "st", "högre", 4200, 5000, ["KFN1"], aggregation="summa"),
    indicator("N11", "Antal e-tjänster", "st", "högre", 40, 60, ["KS3", "KF5"], aggregation="summa"),
    indicator("N12", "Utlån per invånare, folkbibliotek", "st", "högre", 4.6, 4.5, ["KFN2"], "kolada", "N09805"),
    indicator("N13", "Andel ekonomiskt bistånd som varar tio månader eller mer", "%", "lägre", 52.0, 40.0, ["SN2"],
              "kolada", "N31807", red=50.0),
]

UPPDRAG = [
    {"id": "U1", "text": "Ta fram en plan för minskad sjukfrånvaro i samtliga förvaltningar.", "boards": ["0100", "2000", "3000"],
     "resources": 500_000, "start": "2027-01-01", "deadline": "2027-10-31", "status": "ej påbörjat"},
    {"id": "U2", "text": "Utreda ett samlat kontaktcenter för invånarnas frågor.", "boards": ["0100"],
     "resources": 300_000, "start": "2027-01-01", "deadline": "2027-06-30", "status": "ej påbörjat"},
    {"id": "U3", "text": "Genomföra en lokalöversyn för förskola och skola.", "boards": ["2000", "4000"],
     "resources": 0, "start": "2027-02-01", "deadline": "2027-12-31", "status": "ej påbörjat"},
    {"id": "U4", "text": "Införa digital nyckelhantering i hemtjänsten.", "boards": ["3000"],
     "resources": 1_200_000, "start": "2027-01-01", "deadline": "2028-06-30", "status": "ej påbörjat"},
    {"id": "U5", "text": "Ta fram en handlingsplan för fler aktiviteter för unga på landsbygden.", "boards": ["5000"],
     "resources": 250_000, "start": "2027-03-01", "deadline": "2027-11-30", "status": "ej påbörjat"},
]

LOCKED = [
    {"id": "L1", "text": "Genomföra medarbetarsamtal med samtliga medarbetare.", "link": "KF3", "perspective": "P3",
     "units": ["alla"], "start": "2027-02-01", "end": "2027-05-31"},
    {"id": "L2", "text": "Genomföra riskanalys inför internkontrollplanen.", "link": "KF5", "perspective": "P1",
     "units": ["alla"], "start": "2027-09-01", "end": "2027-10-31"},
    {"id": "L3", "text": "Göra barnkonsekvensanalys inför beslut som rör barn.", "link": "KF1", "perspective": "P2",
     "units": ["2000", "5000"], "start": "2027-01-01", "end": "2027-12-31"},
]


TERMS = {  # the model's own words (master data sheet Begrepp)
    "kf_goal": "KF-mål",
    "board_goal": "Nämndmål",
    "commitment": "Åtagande",
    "unit_goal": "Enhetens mål",
    "perspective": "Perspektiv",
}


def build() -> dict:
    org, people = org_tree(("0000", "Kommunfullmäktige"), TREE, "exempelkommun.se")
    frames = budget(org)
    return {
        "municipality": {"name": "Exempelkommun", "code": "9999", "budget_year": YEAR,
                         "plan_years": [str(YEAR + 1), str(YEAR + 2)],
                         "vision": "Exempelkommun – där alla kan växa, i en hållbar och trygg bygd.",
                         "values": "Vi är öppna, vi bemöter alla med respekt och vi tar ansvar för helheten.",
                         "model": "Vision > inriktningsmål och finansiella mål > nämndmål > åtaganden > enhetens aktiviteter"},
        "org": org, "people": people, "perspectives": PERSPECTIVES, "periods": periods(YEAR),
        "goals": KF_GOALS + BOARD_GOALS, "indicators": INDICATORS, "commitments": COMMITMENTS,
        "uppdrag": UPPDRAG, "locked_activities": LOCKED, "accounts": ACCOUNTS, "budget": frames,
        "budget_plan": plan_budget(frames, [YEAR + 1, YEAR + 2]),  # the plan years' frames: next year starts from them
        "rules": dict(DEFAULT_RULES),
        "terms": TERMS,
        # the förvaltningsberättelse's balanskrav figures: the year's forecast, updated at helår
        "closing": {"taxes_sek": 762_000_000, "financial_net_sek": -3_500_000, "central_cost_sek": 12_000_000,
                    "realisation_gains_sek": 1_200_000, "exempt_gains_sek": 0, "exempt_losses_sek": 0,
                    "unrealised_losses_sek": 0, "unrealised_reversal_sek": 0, "to_rur_sek": 0, "from_rur_sek": 0,
                    "earlier_deficit_sek": 0, "result_indicator": "N1"},
    }
