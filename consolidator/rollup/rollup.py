"""Roll units up the organisation: every node gets the same roll-up, so a förvaltning is a board is KF."""
from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from rodtrad.consolidator.rollup import closing
from rodtrad.consolidator.rollup.facts import Source, UnitFacts
from rodtrad.consolidator.model.grading import (
    GREEN,
    NONE,
    RED,
    YELLOW,
    activity_status,
    combine,
    light,
    risk_class,
    score,
)  # noqa: F401
from rodtrad.consolidator.rollup.investments import self_financing
from rodtrad.consolidator.model.masterdata import FILE_NAME as MASTER_FILE, Indicator, MasterData
from rodtrad.consolidator.model.values import tidy

DECIMALS = 2  # an indicator's mean or weighted mean over units, as the reports and level workbooks show it


def shown(mean: float) -> float:
    """A mean as the reports show it: DECIMALS decimals, half away from zero, of its decimal value
    (73.575 is 73.58 whichever order the units were added in, though the float sum may end in ...4999)."""
    exact = Decimal(f"{mean:.14g}").quantize(Decimal(1).scaleb(-DECIMALS), rounding=ROUND_HALF_UP)
    return tidy(float(exact))


class Economy:
    """Summed figures of a node or account. In a plan the deviation is budget − frame; in a
    follow-up it is forecast − budget (a positive deviation is a worse result), months are outcomes.

    Sums are kept in whole öre: a total is then the amount itself whatever order the amounts were
    added in (a float sum of öre amounts ends in ...579999 or ...580001 depending on the order,
    and the reports would show it), and adding needs no rounding."""

    __slots__ = ("follow", "ore")  # ore: frame, budget, outcome, forecast, then the twelve months

    def __init__(self, follow: bool = False):
        self.follow = follow
        self.ore = [0] * 16

    frame = property(lambda self: _kr(self.ore[0]))
    budget = property(lambda self: _kr(self.ore[1]))
    outcome = property(lambda self: _kr(self.ore[2]))
    forecast = property(lambda self: _kr(self.ore[3]))
    months = property(lambda self: [_kr(x) for x in self.ore[4:]])

    @property
    def deviation(self) -> float:
        return _kr(self.ore[3] - self.ore[1] if self.follow else self.ore[1] - self.ore[0])

    @property
    def deviation_pct(self) -> float | None:
        base = self.budget if self.follow else self.frame
        return None if not base else self.deviation / abs(base)

    @staticmethod
    def ore_of(b: dict) -> list[int]:
        """A unit's budget row (an account) in öre, in the order Economy keeps its sums."""
        forecast = b["total"] if b.get("forecast") is None else b["forecast"]  # none (an included invalid file): budget
        return [x * 100 if type(x) is int else round(x * 100)
                for x in (b["frame"], b["total"], b.get("outcome") or 0, forecast, *b["months"])]

    def add(self, b: dict) -> None:
        self.ore = _columns([self.ore, self.ore_of(b)])


def _columns(ores) -> list[int]:
    """Öre lists (an Economy's sums) added column by column."""
    ores = list(ores)
    return [sum(column) for column in zip(*ores)] if ores else [0] * 16


def _kr(ore: int) -> int | float:
    """Öre as kronor: a whole amount as an integer (as a unit's own figures are read)."""
    return ore // 100 if ore % 100 == 0 else ore / 100


class Outcomes(dict):
    """Indicator id -> outcome, with `sources`: indicator id -> the Sources the outcome came from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources: dict[str, list[Source]] = {}
        self.invested: dict[str, float] | None = None  # project id -> outcome to date (kr) the consolidation used
        self.used = None  # snapshot.Used: the Kolada comparison and last year's outcome the consolidation used


class Rollup:
    """The roll-up of one consolidation: facts of the included units over the master data."""

    def __init__(self, master: MasterData, facts: dict[str, UnitFacts], outcomes: dict | None = None,
                 follow: bool | None = None, own: dict[str, UnitFacts] | None = None):
        self.master = master
        self.facts = facts
        # A förvaltning's or board's own follow-up (levels.py): its judgement beside its units' sum.
        self.own = own or {}
        self.follow = any(f.follow for f in facts.values()) if follow is None else follow
        # Indicator outcomes: in a plan period, the latest known value (the baseline); in a
        # follow-up, what consolidation worked out (see `follow_outcomes`).
        self.outcomes = outcomes if outcomes is not None else {i.id: i.baseline for i in master.indicators}

    # -- the tree ---------------------------------------------------------------------------

    @cached_property
    def units_under(self) -> dict[str, list[str]]:
        """Node id -> the units (leaves) under it, in master-data order."""
        under: dict[str, list[str]] = {n.id: [] for n in self.master.org}
        for unit in self.master.unit_ids:
            under[unit].append(unit)
            for node in self.master.ancestors(unit):
                under[node.id].append(unit)
        return under

    def included(self, node_id: str) -> tuple[UnitFacts, ...]:
        """The facts of the units under a node that were taken in (worked out once per node: a
        report asks for them per indicator, uppdrag and sheet)."""
        done = self._included.get(node_id)
        if done is None:
            done = self._included[node_id] = tuple(self.facts[u] for u in self.units_under[node_id] if u in self.facts)
        return done

    def subtree(self, node_id: str) -> tuple[tuple[int, str], ...]:
        """(depth, node id) in tree order, the node itself first (worked out once per node)."""
        done = self._subtrees.get(node_id)
        if done is not None:
            return done
        out = []

        def walk(nid, depth):
            out.append((depth, nid))
            for child in self.master.children.get(nid, []):
                walk(child.id, depth + 1)
        walk(node_id, 0)
        done = self._subtrees[node_id] = tuple(out)
        return done

    @cached_property
    def _included(self) -> dict[str, tuple[UnitFacts, ...]]:
        return {}

    @cached_property
    def _subtrees(self) -> dict[str, tuple[tuple[int, str], ...]]:
        return {}

    # -- economy ----------------------------------------------------------------------------

    def economy(self, node_id: str) -> Economy:
        """A node's economy, summed once bottom-up: a unit its own accounts, every other node its
        children. Only the nodes under the one asked for are summed (a board report's roll-up never
        sums the rest of the tree)."""
        done = self._totals.get(node_id)
        if done is not None:  # summed already (or, in master data with a cycle, which is refused, under way)
            return done
        e = self._totals[node_id] = Economy(follow=self.follow)
        if self.master.is_unit(node_id):
            e.ore = _columns(self._unit_ore(node_id).values())
        else:
            e.ore = _columns([self.economy(child.id).ore for child in self.master.children.get(node_id, [])])
        return e

    def economy_by_account(self, node_id: str) -> dict[str, Economy]:
        """A node's economy per account: its units' accounts summed (asked for of few nodes, so
        not kept for every node on the way)."""
        done = self._by_account.get(node_id)
        if done is None:
            grouped: dict[str, list[list[int]]] = {}
            for unit in self.units_under[node_id]:
                for account, ore in self._unit_ore(unit).items():
                    grouped.setdefault(account, []).append(ore)
            done = self._by_account[node_id] = {}
            for account, ores in grouped.items():
                e = done[account] = Economy(follow=self.follow)
                e.ore = _columns(ores)
        return done

    def _unit_ore(self, unit_id: str) -> dict[str, list[int]]:
        """A unit's accounts in öre (none when it was not taken in)."""
        done = self._ore.get(unit_id)
        if done is None:
            facts = self.facts.get(unit_id)
            done = self._ore[unit_id] = ({account: Economy.ore_of(b) for account, b in facts.budget.items()}
                                         if facts is not None else {})
        return done

    @cached_property
    def _totals(self) -> dict[str, Economy]:
        return {}

    @cached_property
    def _by_account(self) -> dict[str, dict[str, Economy]]:
        return {}

    @cached_property
    def _ore(self) -> dict[str, dict[str, list[int]]]:
        return {}

    def unit_budget_source(self, unit_id: str) -> list[Source]:
        """The cells a unit's reported total is made of: its budget's months (plan) or forecasts (follow-up)."""
        facts = self.facts.get(unit_id)
        if facts is None:
            return []
        key = "forecast" if facts.follow else "total"
        return [facts.source(facts.economy_sheet, facts.budget_range, sum(b[key] or 0 for b in facts.budget.values()))]

    def unit_account_source(self, unit_id: str, account: str) -> list[Source]:
        facts = self.facts.get(unit_id)
        if facts is None or account not in facts.budget:
            return []
        b = facts.budget[account]
        return [facts.source(facts.economy_sheet, facts.budget_src[account][1], b["forecast"] if facts.follow else b["total"])]

    def actions(self, node_id: str) -> list[tuple[UnitFacts, dict]]:
        """The units' åtgärdsplan rows."""
        return [(f, a) for f in self.included(node_id) for a in f.actions]

    # -- indicators and goals ---------------------------------------------------------------

    def indicator_targets(self, node_id: str, indicator: Indicator) -> tuple[float | None, list[Source]]:
        """The units' own target values aggregated as the master data says (sum, mean, weighted),
        and the cells they came from."""
        pairs = self._indicator_values(node_id).get(indicator.id, [])
        return self.indicator_value(node_id, indicator)[0], [f.source("Nyckeltal", cell, value)
                                                             for f, (value, cell) in pairs]

    def indicator_value(self, node_id: str, indicator: Indicator) -> tuple[float | None, int]:
        """`indicator_targets` without the cells: the value and how many units gave one."""
        pairs = self._indicator_values(node_id).get(indicator.id, [])
        values = [value for _, (value, _) in pairs]
        if not values or indicator.aggregation == "ingen":
            return None, len(values)
        if indicator.aggregation == "summa":
            return tidy(sum(values)), len(values)
        if indicator.aggregation == "viktat":
            weights = [self.weight(f.unit, indicator) for f, _ in pairs]
            if sum(weights):
                return shown(sum(v * w for v, w in zip(values, weights)) / sum(weights)), len(values)
        return shown(sum(values) / len(values)), len(values)

    def _indicator_values(self, node_id: str) -> dict[str, list[tuple[UnitFacts, tuple]]]:
        """Indicator id -> (unit facts, (value, cell)) of the units under a node, in unit order (once per node)."""
        done = self._indicator_index.get(node_id)
        if done is None:
            done = self._indicator_index[node_id] = {}
            for f in self.included(node_id):
                for ind, pair in f.indicators.items():
                    done.setdefault(ind, []).append((f, pair))
        return done

    @cached_property
    def _indicator_index(self) -> dict[str, dict[str, list[tuple[UnitFacts, tuple]]]]:
        return {}

    def weight(self, unit_id: str, indicator: Indicator) -> float:
        """A unit's weight: its staff (people in the master data) or its gross cost budget."""
        what = (indicator.weight or "").lower()
        if "budget" in what or "kostnad" in what:
            facts = self.facts.get(unit_id)
            return sum(b["total"] for b in facts.budget.values() if b["total"] > 0) if facts else 0
        return len(self.master.people_for(unit_id))

    def indicator_light(self, indicator: Indicator) -> str:
        return light(indicator, self.outcomes.get(indicator.id))

    def outcome_sources(self, indicator_id: str) -> list[Source]:
        """Where a follow-up's outcome of an indicator came from (Outcomes.sources; none known: [])."""
        return list(getattr(self.outcomes, "sources", {}).get(indicator_id, []))

    def goal_light(self, goal_id: str) -> str:
        return combine([self.indicator_light(i) for i in self.master.indicators if goal_id in i.goals])

    def board_goal_of_link(self, link: str | None) -> list[str]:
        """The goals an activity's link serves: a goal itself, or a commitment's goals."""
        if link in self.master.goal_by_id:
            return [link]
        return list(self._commitment_goals.get(link, ()))

    @cached_property
    def _commitment_goals(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for c in self.master.commitments:
            out.setdefault(c.id, tuple(c.goals))  # the first of a (refused) duplicate id, as before
        return out

    def unit_goals_under(self, node_id: str) -> dict[str, list[tuple[UnitFacts, dict]]]:
        """Board goal id -> the units' own goals serving it (worked out once per node)."""
        cache = self.__dict__.setdefault("_unit_goals", {})
        if node_id not in cache:
            out: dict[str, list] = {}
            for facts in self.included(node_id):
                for goal in facts.goals:
                    out.setdefault(goal.get("parent"), []).append((facts, goal))
            cache[node_id] = out
        return cache[node_id]

    def assessments(self, node_id: str, goal_id: str) -> Counter:
        """How units assessed a goal (plan: nobody has yet). A unit that assessed the board goal
        itself counts once, by that assessment; otherwise each of its own goals under it counts."""
        counts = Counter({GREEN: 0, YELLOW: 0, RED: 0, NONE: 0})
        by_unit: dict[str, list] = {}
        for facts, goal in self.unit_goals_under(node_id).get(goal_id, []):
            by_unit.setdefault(facts.unit, []).append(goal)
        for goals in by_unit.values():
            own = [g for g in goals if g.get("board_row")] or goals
            for goal in own:
                counts[goal.get("assessment") or NONE] += 1
        return counts

    def follow_outcomes(self, kolada: dict | None = None, final: bool = False,
                        kolada_from: dict | None = None, net_investments: float | None = None) -> "Outcomes":
        """Indicator outcomes of a follow-up: the municipality's Kolada value where there is one,
        else the units' outcomes aggregated over the whole organisation, else the baseline. The
        indicator the master data names for årets resultat in % of taxes is computed (closing.py)
        from the units' forecasts, or at helår (`final`) their outcome.

        Each outcome's true source is kept in `.sources`: the imported Kolada file, KPI, municipality
        and year (`kolada_from`: id -> (file, sha256, kpi, municipality, year), followdocs.sources),
        the units' cells, or the baseline's cell in styrmodell.xlsx."""
        root = next(n.id for n in self.master.org if not n.parent)
        out = Outcomes()
        e = self.economy(root)
        share = closing.result_share(self.master.closing, e.outcome if final else e.forecast)
        for ind in self.master.indicators:
            value, _ = self.indicator_value(root, ind)
            if ind.aggregation == "ingen":  # listed per unit: the organisation has no single value
                value = None
            known = (kolada or {}).get(ind.id)
            if known is not None:
                out[ind.id] = known
                file, digest, kpi, code, year = (kolada_from or {}).get(ind.id) or ("historik.sqlite", "", ind.kolada, "", "")
                out.sources[ind.id] = [Source("", file, digest, f"Kolada {kpi}", f"kommun {code}, år {year}", known)]
            elif value is not None:
                out[ind.id] = value
                out.sources[ind.id] = self.indicator_targets(root, ind)[1]
            else:
                out[ind.id] = ind.baseline
                out.sources[ind.id] = [Source("", MASTER_FILE, "", *self.master.cell("indicators", ind.id, "baseline"),
                                              ind.baseline)]
            if ind.id == self.master.closing.get("result_indicator") and share is not None:
                out[ind.id] = round(share, 2)
                out.sources[ind.id] = []  # worked out from the economy (the KF report's Balanskrav)
        degree = self_financing(self.master, e.outcome if final else e.forecast, net_investments)
        indicator = self.master.closing.get("self_financing_indicator")
        if indicator in out and degree is not None:  # investments.py: (result + depreciation) / net investments
            out[indicator] = round(degree, 2)
            out.sources[indicator] = []  # worked out from the economy and the projects (the KF report's Investeringar)
        return out

    # -- each level's own judgement (levels.py) ----------------------------------------------

    def own_under(self, node_id: str) -> list[tuple[str, UnitFacts]]:
        """The own follow-ups of the node and the levels under it, in tree order."""
        return [(nid, self.own[nid]) for _, nid in self.subtree(node_id) if nid in self.own]

    def own_goal(self, node_id: str, goal_id: str) -> dict | None:
        """A level's own assessment of a goal (with its analysis as "comment"), when it answered."""
        facts = self.own.get(node_id)
        return next((g for g in facts.goals if g["id"] == goal_id), None) if facts else None

    def own_economy(self, node_id: str) -> Economy | None:
        facts = self.own.get(node_id)
        if facts is None:
            return None
        e = Economy(follow=True)
        for b in facts.budget.values():
            e.add(b)
        return e

    # -- activities, uppdrag, risks ---------------------------------------------------------

    def activities(self, node_id: str) -> list[tuple[UnitFacts, dict]]:
        return [(f, a) for f in self.included(node_id) for a in f.activities]

    def locked(self, unit_id: str, activity: dict) -> bool:
        """Whether an activity is locked: as the plan says, and in a follow-up (whose workbook has no
        Låst column) as the master data's locked activities for the unit say, which the plan carried."""
        if activity.get("locked"):
            return True
        ids = self._locked_ids.get(unit_id)
        if ids is None:
            ids = self._locked_ids[unit_id] = frozenset(a.id for a in self.master.locked_for(unit_id))
        return activity.get("id") in ids

    @cached_property
    def _locked_ids(self) -> dict[str, frozenset]:
        return {}

    def activity_counts(self, node_id: str) -> dict[str, Counter]:
        """Activities by status ("status"), by (goal, status) ("goal": every goal an activity serves,
        directly or through the goals its goal serves; "uppdrag" and "utan koppling" for the rest)
        and by (perspective, status) ("perspective"). A unit counts its own, every other node sums
        its children's: each activity is looked at once however many reports count it."""
        done = self._activity_counts.get(node_id)
        if done is not None:
            return done
        counts = {"status": Counter(), "goal": Counter(), "perspective": Counter()}
        self._activity_counts[node_id] = counts
        if self.master.is_unit(node_id):
            facts = self.facts.get(node_id)
            for a in facts.activities if facts is not None else []:
                status = activity_status(a)
                counts["status"][status] += 1
                for goal in self.goals_served(a.get("link")) or ["uppdrag" if a.get("link") else "utan koppling"]:
                    counts["goal"][goal, status] += 1
                counts["perspective"][a.get("perspective") or "-", status] += 1
        else:
            for child in self.master.children.get(node_id, []):
                for key, counter in self.activity_counts(child.id).items():
                    counts[key].update(counter)
        return counts

    @cached_property
    def _activity_counts(self) -> dict[str, dict[str, Counter]]:
        return {}

    def goals_served(self, link: str | None) -> list[str]:
        """The goals an activity's link serves, and the goals those serve in turn (a nämndmål's KF goals)."""
        done = self._served.get(link)
        if done is None:
            out, todo = [], list(self.board_goal_of_link(link))
            while todo:
                goal = todo.pop(0)
                if goal in out:
                    continue
                out.append(goal)
                g = self.master.goal_by_id.get(goal)
                todo += list(g.parents) if g else []
            done = self._served[link] = out
        return done

    @cached_property
    def _served(self) -> dict[str | None, list[str]]:
        return {}

    def uppdrag(self, node_id: str) -> list[dict]:
        # the uppdrag addressed to a board in this node's subtree, or above it
        boards = {i for _, i in self.subtree(node_id)} | {a.id for a in self.master.ancestors(node_id)}
        answering: dict[str, list[UnitFacts]] = {}  # uppdrag id -> the units that list it
        for f in self.included(node_id):
            for uid in f.uppdrag:
                answering.setdefault(uid, []).append(f)
        rows = []
        for u in self.master.uppdrag:
            if not boards & set(u.boards):
                continue
            units = answering.get(u.id, [])
            answered = [(f, f.uppdrag[u.id]) for f in units if f.uppdrag[u.id][0]]
            statuses = Counter(f.uppdrag_status[u.id] for f in units if f.uppdrag_status.get(u.id))
            rows.append({"uppdrag": u, "units": len(units), "answered": answered, "statuses": statuses})
        return rows

    def risks(self, node_id: str) -> list[tuple[UnitFacts, dict]]:
        return [(f, r) for f in self.included(node_id) for r in f.risks]

    def risk_counts(self, node_id: str) -> Counter:
        return Counter(risk_class(score(r)) for _, r in self.risks(node_id))
