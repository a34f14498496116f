"""Lights and grades: how an indicator's value, a goal, a risk and an assessment become a traffic-light
word. One place for the words, so rules, roll-up, workbooks and reports say the same."""
from __future__ import annotations

from rodtrad.consolidator.model import wording
from rodtrad.consolidator.model.masterdata import Indicator

GREEN, YELLOW, RED, NONE = "grön", "gul", "röd", "ej bedömt"
RISK_CLASSES = ((9, RED), (4, YELLOW), (0, GREEN))


def light(indicator: Indicator, value) -> str:
    """The traffic light of an indicator's value: green at or beyond the green threshold (the target
    when none is set), red at or beyond the red threshold in the wrong direction, else yellow."""
    if value is None:
        return NONE
    green = indicator.green if indicator.green is not None else indicator.target
    if green is None:
        return NONE
    better = (lambda a, b: a >= b) if indicator.direction == "högre" else (lambda a, b: a <= b)
    if better(value, green):
        return GREEN
    if indicator.red is not None and better(indicator.red, value):
        return RED
    return YELLOW


def combine(lights: list[str]) -> str:
    """A goal's light from its indicators': red if any is red, green if all are green."""
    judged = [x for x in lights if x != NONE]
    if not judged:
        return NONE
    if RED in judged:
        return RED
    return GREEN if all(x == GREEN for x in judged) else YELLOW


def risk_class(score) -> str:
    if score is None:
        return NONE
    return next(name for floor, name in RISK_CLASSES if score >= floor)


def activity_status(activity: dict) -> str:
    """An activity's status; a plan's activities have none yet: locked (from the board) or planned."""
    return activity.get("status") or ("låst" if activity.get("locked") else "planerad")


def score(risk: dict):
    """Risk value = probability × consequence, recomputed (the workbook's formula is never trusted)."""
    p, c = risk.get("probability"), risk.get("consequence")
    return p * c if isinstance(p, int) and isinstance(c, int) else None


OWN_GOAL = wording.OWN_GOAL  # a unit's own goal in a follow-up's Måluppföljning (shown in the model's word)
GRADES = {"Uppfyllt": "grön", "Delvis uppfyllt": "gul", "Ej uppfyllt": "röd", "Ej bedömt": "ej bedömt"}
DONE = {"Klar", "Avbruten"}
SHORT = ((GREEN, "uppfyllt"), (YELLOW, "delvis"), (RED, "ej uppfyllt"), (NONE, "ej bedömt"))


def grade(assessment: str | None) -> str:
    """A unit's assessment as the reports' traffic-light word."""
    return GRADES.get(assessment or "", "ej bedömt")


def distribution(counts) -> str:
    """How the units assessed a goal, in words: "3 uppfyllt · 2 delvis · 0 ej uppfyllt · 1 ej bedömt"."""
    return " · ".join(f"{counts[word]} {name}" for word, name in SHORT)
