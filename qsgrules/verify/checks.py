"""The properties ``qsg verify`` checks, one example at a time.

Built in, for every sound ruleset: more or worse *current* evidence about a provider (an
added soft item, a higher severity, an added breach, a worse judged month) never lowers that
provider's level; the order of rows, items and providers changes nothing; the same inputs
give the same triage. Declared in the ruleset (``properties:``): where a condition holds,
the level is at least, at most, or never a given level.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from hypothesis import strategies as st

from ..engine.triage import triage
from ..indicators import BY_ID
from ..model.facts import ProviderFacts
from ..model.ladder import AnyRung
from ..model.months import month_end, month_number, month_text
from ..model.proposal import Proposal, Triage
from ..model.vocabulary import Domain, ProviderType, Severity
from ..reports.render import to_json
from ..ruleset import CompiledRuleset
from ..ruleset.conditions import (
    Node,
    Soft,
    atoms,
    compile_condition,
    evaluate,
    flatten,
    profile_of,
)
from ..ruleset.schema import Expectation
from ..strategies import shuffled, soft_items, with_items, with_severity, worsen_month
from ..strategies._build import value_range
from ..strategies.basic import concern_sign
from ..workspace import SoftItem, Workspace

MONOTONE = "more or worse current evidence never lowers a provider's level"
ORDER = "the order of rows, items and providers changes nothing"
DETERMINISM = "the same inputs give the same triage"


@dataclass(frozen=True)
class Counterexample:
    """A property that failed, with the workspaces (one, or before and after) that show it."""

    property: str
    message: str
    provider: str
    as_of: str
    workspaces: dict[str, Workspace]
    levels: dict[str, str] = field(default_factory=dict)  # workspace name -> level seen


class PropertyFailed(AssertionError):
    def __init__(self, counterexample: Counterexample) -> None:
        super().__init__(counterexample.message)
        self.counterexample = counterexample


@dataclass(frozen=True)
class Declared:
    """A property from the ruleset's ``properties:``, compiled."""

    index: int
    kind: str  # at_least, at_most, never
    expectation: Expectation
    node: Node
    want: AnyRung  # the expectation's level, on the ruleset's ladder

    @property
    def text(self) -> str:
        what = self.expectation.description or f"{self.kind} {self.expectation.level}"
        return f"property {self.index + 1} ({what})"

    def holds_for(self, level: AnyRung) -> bool:
        want = self.want
        if self.kind == "at_least":
            return level >= want
        if self.kind == "at_most":
            return level <= want
        return level != want


def declared(ruleset: CompiledRuleset) -> list[Declared]:
    out = []
    for i, prop in enumerate(ruleset.spec.properties):
        for kind in ("at_least", "at_most", "never"):
            exp = getattr(prop, kind)
            if isinstance(exp, Expectation):
                node = flatten(compile_condition(exp.when))
                out.append(Declared(i, kind, exp, node, ruleset.ladder.rung(exp.level)))
    return out


def facts_of(p: Proposal) -> ProviderFacts:
    """What the rules saw of a provider, from its proposal's evidence."""
    return ProviderFacts(p.provider, ProviderType(p.type), p.evidence.hard, p.evidence.soft)


def condition_holds(node: Node, p: Proposal) -> bool:
    return evaluate(node, profile_of(node, facts_of(p)))


# ------------------------------------------------------------------ perturbations


@dataclass(frozen=True)
class Change:
    what: str  # "an added soft item", ...
    detail: str
    after: Workspace


def _judged_rows(
    ws: Workspace, ruleset: CompiledRuleset, code: str, month: int
) -> list[tuple[str, int]]:
    """(indicator, period, window) rows of ``code`` inside some test's judged window."""
    found = []
    obs = ws.observations
    providers = [str(x) for x in obs.provider.tolist()]
    indicators = [str(x) for x in obs.indicator.tolist()]
    periods = [int(x) for x in obs.period.tolist()]
    for p, ind, t in zip(providers, indicators, periods, strict=True):
        settings = ruleset.spec.indicators.get(ind)
        if p != code or settings is None or t > month:
            continue
        tests = (settings.standard, settings.trend, settings.cusum)
        windows = [s.months for s in tests if s is not None] + (
            [1] if settings.peer is not None else []
        )
        if windows and t > month - max(windows):
            found.append((ind, t))
    return sorted(found)


def _direction(ruleset: CompiledRuleset, indicator: str) -> str | None:
    settings = ruleset.spec.indicators[indicator]
    for test in (settings.standard, settings.trend, settings.peer, settings.cusum):
        if test is not None and test.direction is not None:
            return test.direction
    return None


def _soft_thresholds(
    ruleset: CompiledRuleset, *, ceilings: bool
) -> list[tuple[Domain | None, float]]:
    """(domain or None for all, threshold) of the rules' soft-score comparisons; with
    ``ceilings``, only those that hold for less (from a `not` or a `max`): where more
    evidence can lower a level."""
    found = {
        (a.leaf.domain, float(a.value))
        for r in ruleset.rules
        for a in atoms(r.condition)
        if isinstance(a.leaf, Soft)
        and not isinstance(a.value, str)
        and (not ceilings or a.op in ("<", "<="))
    }
    return sorted(found, key=lambda t: (str(t[0]), t[1]))


@st.composite
def _seeking_item(
    draw: st.DrawFn, ws: Workspace, ruleset: CompiledRuleset, current: Proposal, day: dt.date
) -> SoftItem | None:
    """An item whose weight takes the provider's soft score just to (or past) one of the
    ruleset's thresholds: where a `not` or a `max` would make more evidence lower a level."""
    ceilings = _soft_thresholds(ruleset, ceilings=True)
    use_ceilings = bool(ceilings) and draw(st.integers(0, 3)) > 0
    thresholds = ceilings if use_ceilings else _soft_thresholds(ruleset, ceilings=False)
    if not thresholds:
        return None
    scope, threshold = draw(st.sampled_from(thresholds))
    domain = scope or draw(st.sampled_from(list(Domain)))
    score = sum(s.weight for s in current.evidence.soft if s.counted and scope in (None, s.domain))
    wanted = threshold - score + draw(st.sampled_from([0.0, 0.001, 0.3]))
    soft = ruleset.spec.soft
    combos = sorted(
        (
            soft.severity_points[sev]
            * soft.source_reliability[rel]
            * soft.information_assessment[info]
            * soft.domain_weights.get(domain, 1.0),
            sev,
            rel,
            info,
        )
        for sev in Severity
        for rel in soft.source_reliability
        for info in soft.information_assessment
    )
    enough = [c for c in combos if c[0] >= wanted > 0]
    if not enough:
        return None
    base, sev, rel, info = draw(st.sampled_from(enough[:6]))
    age = min(3650, math.floor(soft.half_life_days * math.log2(base / wanted)))
    return SoftItem.model_validate(
        {
            "id": "NEW-1",
            "provider": current.provider,
            "source": draw(st.sampled_from(sorted(ws.members))),
            "received": day - dt.timedelta(days=age),
            "domain": domain,
            "severity": sev,
            "grading": f"{rel}{info}",
            "summary": "A further concern raised with the QSG.",
        },
        strict=False,
    )


@st.composite
def changes(
    draw: st.DrawFn,
    ws: Workspace,
    ruleset: CompiledRuleset,
    current: Proposal,
    as_of: str,
) -> Change:
    """One change that adds to or worsens a provider's current evidence."""
    code = current.provider
    month = month_number(as_of)
    assert month is not None
    day = month_end(month)
    own = [i for i in ws.intelligence if i.provider == code]
    judged = _judged_rows(ws, ruleset, code, month)
    kinds = ["an added soft item"]
    if any(i.severity < Severity.CRITICAL for i in own):
        kinds.append("a higher severity")
    if judged:
        kinds += ["an added breach", "a worse judged month"]
    focus: bool = draw(st.booleans())
    if focus and _soft_thresholds(ruleset, ceilings=True):
        kinds = kinds[:1]  # a soft ceiling: try items that reach it more often
    kind = draw(st.sampled_from(kinds))
    if kind == "an added soft item":
        item = draw(_seeking_item(ws, ruleset, current, day)) if draw(st.booleans()) else None
        if item is None:
            item = draw(
                soft_items(
                    provider_codes=[code],
                    as_of=day,
                    sources=sorted(ws.members),
                    max_age_days=60,
                    id_prefix="NEW",
                )
            )
        detail = (
            f"{item.id}: {item.source}, {item.domain}, {item.severity} ({item.grading}), "
            f"received {item.received}"
        )
        return Change(kind, detail, with_items(ws, item))
    if kind == "a higher severity":
        item = draw(st.sampled_from([i for i in own if i.severity < Severity.CRITICAL]))
        higher = draw(st.sampled_from([s for s in Severity if s > item.severity]))
        return Change(
            kind, f"{item.id}: {item.severity} -> {higher}", with_severity(ws, item.id, higher)
        )
    ind, period = draw(st.sampled_from(judged))
    lo, hi = value_range_of(ind)
    if kind == "an added breach":
        by = hi - lo  # as far towards concern as the indicator goes
    else:
        by = draw(st.sampled_from([0.01, 0.1, 1.0, 10.0])) * (hi - lo) / 100
    after = worsen_month(
        ws, provider=code, indicator=ind, period=period, by=by, direction=_direction(ruleset, ind)
    )
    sign = concern_sign(ind, _direction(ruleset, ind))
    word = "up" if sign > 0 else "down"
    return Change(kind, f"{ind} in {month_text(period)} moved {word} by {by:g}", after)


def value_range_of(indicator: str) -> tuple[float, float]:
    lo, hi = value_range(BY_ID[indicator])
    return lo, min(hi, lo + 1000.0)


# ------------------------------------------------------------------ the checks


def check_monotone(
    ws: Workspace,
    ruleset: CompiledRuleset,
    as_of: str,
    current: Proposal,
    change: Change,
    uncapped: CompiledRuleset | None = None,
) -> tuple[str, ...]:
    """Raise when ``change`` lowers the provider's level. A ruleset's caps (``at_most``)
    lower a level on purpose when their condition comes to hold: with ``uncapped`` (the
    ruleset without its caps, ``ladder.without_caps``) a fall that the same triage without
    the caps does not show is the caps' doing, and returned as the ids of the caps that
    lowered it; anything else that falls is a failure."""
    code = current.provider
    proposal = triage(change.after, ruleset, as_of=as_of, providers=[code]).proposals[0]
    before, after = current.level, proposal.level
    if after >= before:
        return ()
    why = ""
    if uncapped is not None:
        plain = [
            triage(w, uncapped, as_of=as_of, providers=[code]).proposals[0].level
            for w in (ws, change.after)
        ]
        if plain[1] >= plain[0]:
            return tuple(
                lim.id for lim in proposal.limits if lim.kind == "cap" and lim.after != lim.before
            )
        why = f"; without the ruleset's caps it falls too ({plain[0].value} -> {plain[1].value})"
    raise PropertyFailed(
        Counterexample(
            f"{MONOTONE} ({change.what})",
            f"{code} was {before.value} ({_rules(current)}); after {change.what} "
            f"({change.detail}) it is {after.value} ({_rules(proposal)}){why}",
            code,
            as_of,
            {"before": ws, "after": change.after},
            {"before": before.value, "after": after.value},
        )
    )


def _rules(p: Proposal) -> str:
    return "rules fired: " + (", ".join(r.id for r in p.rules) or "none")


def check_order_and_determinism(
    ws: Workspace, ruleset: CompiledRuleset, as_of: str, seed: int
) -> Triage:
    """The triage of ``ws``, checked against the triage of the same workspace in another
    order (and, when they differ, against a second triage of ``ws`` to say which failed)."""
    first = triage(ws, ruleset, as_of=as_of)
    other = shuffled(ws, seed)
    if to_json(first) == to_json(triage(other, ruleset, as_of=as_of)):
        return first
    again = triage(ws, ruleset, as_of=as_of)
    code = _first_difference(first, again)
    if to_json(first) != to_json(again):
        raise PropertyFailed(
            Counterexample(
                DETERMINISM,
                f"{code}: two triages of the same workspace differ",
                code,
                as_of,
                {"workspace": ws},
            )
        )
    code = _first_difference(first, triage(other, ruleset, as_of=as_of))
    raise PropertyFailed(
        Counterexample(
            ORDER,
            f"{code}: the triage differs when the same rows and items are read in another order",
            code,
            as_of,
            {"workspace": ws, "shuffled": other},
        )
    )


def check_declared(ws: Workspace, result: Triage, props: list[Declared]) -> list[Declared]:
    """Raise on a declared property that fails; return those whose condition held."""
    exercised = []
    for prop in props:
        for p in result.proposals:
            if not condition_holds(prop.node, p):
                continue
            exercised.append(prop)
            if not prop.holds_for(p.level):
                raise PropertyFailed(
                    Counterexample(
                        prop.text,
                        f"{p.provider}: the condition holds and the level is {p.level.value}, "
                        f"but the ruleset says {prop.kind.replace('_', ' ')} "
                        f"{prop.expectation.level}",
                        p.provider,
                        result.as_of,
                        {"workspace": ws},
                        {"workspace": p.level.value},
                    )
                )
    return exercised


def _first_difference(a: Triage, b: Triage) -> str:
    pb = {p.provider: p for p in b.proposals}
    for p in a.proposals:
        if p != pb.get(p.provider):
            return p.provider
    return a.proposals[0].provider if a.proposals else "?"


__all__ = [
    "Counterexample",
    "Declared",
    "PropertyFailed",
    "changes",
    "check_declared",
    "check_monotone",
    "check_order_and_determinism",
    "declared",
]
