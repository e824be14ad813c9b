"""Aimed probes: every rule reached on purpose, and every ceiling it turns on crossed.

Before its random examples, ``qsg verify`` aims at each rule alone, with light evidence (the
lightest items that reach what the rule asks, so that no heavier rule fires beside it) and
with heavy, in small workspaces; where the rule fires and decides a provider's level, each
comparison it holds only below a number (``crossings.ceilings``: a `max`, or `not` over
evidence) is taken just past that number by the smallest additions of evidence, and the
level must not fall. The probes draw from a seed of their own (``PROBE_SEED``), so what
they find is the same on every run whatever ``--seed`` says: a rule that an aimed workspace
fires is never reported "never fired" because the random examples missed it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import astuple, dataclass, field

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed

from ..engine.levels import PROVIDER
from ..engine.triage import triage
from ..model.months import month_number
from ..model.proposal import Proposal
from ..ruleset import CompiledRule, CompiledRuleset
from ..strategies import workspaces
from ..strategies._build import rows_of, workspace
from ..strategies.workspaces import _shape
from ..workspace import Workspace
from .checks import MONOTONE, Counterexample, PropertyFailed, facts_of
from .crossings import Crossing, ceilings, crossings, grew
from .ladder import scope_level, without_caps

#: The probes' own seed: the same probes on every run.
PROBE_SEED = 20_130_301
#: Aimed workspaces tried per rule and weight of evidence, at most.
TRIES = 40
#: Providers where a rule decided the level whose ceilings are crossed, per rule.
BASES = 6


@dataclass
class ProbeTally:
    """What the probes reached: rules fired and decided, ceilings crossed."""

    examples: int = 0
    fired: Counter[str] = field(default_factory=Counter)
    decided: Counter[str] = field(default_factory=Counter)
    crossed: Counter[str] = field(default_factory=Counter)  # rule id -> crossings tried
    bases: Counter[str] = field(default_factory=Counter)


class _Enough(Exception):
    """The rule was reached and probed enough: stop drawing."""


def probe(ruleset: CompiledRuleset, as_of: str) -> tuple[ProbeTally, Counterexample | None]:
    """Aim at every rule; the first counterexample a crossing shows (None when none)."""
    tally = ProbeTally()
    for rule in ruleset.rules:
        for evidence in ("light", "heavy"):
            found = _probe_rule(ruleset, rule, evidence, as_of, tally)
            if found is not None:
                return tally, trimmed(found, ruleset)
    return tally, None


def _probe_rule(
    ruleset: CompiledRuleset, rule: CompiledRule, evidence: str, as_of: str, tally: ProbeTally
) -> Counterexample | None:
    month = month_number(as_of)
    assert month is not None
    tops = ceilings(rule)
    peers = _shape(ruleset).min_peers
    strategy = workspaces(
        ruleset=ruleset,
        as_of=as_of,
        rules=[rule.id],
        max_aims=1,
        max_items=0,
        max_providers=max(2, peers),
        evidence="light" if evidence == "light" else "heavy",
    )
    state: dict[str, Counterexample | bool] = {}
    wanted_bases = BASES if tops else 1

    @settings(
        max_examples=TRIES,
        database=None,
        deadline=None,
        verbosity=Verbosity.quiet,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis_seed(PROBE_SEED)
    @given(ws=strategy)
    def run(ws: Workspace) -> None:
        if state:  # Hypothesis replays the example that stopped it: nothing more to learn
            raise _Enough
        tally.examples += 1
        result = triage(ws, ruleset, as_of=as_of)
        for p in result.proposals:
            if rule.id not in {r.id for r in p.rules}:
                continue
            tally.fired[rule.id] += 1
            if scope_level(ruleset, p, rule.domain or PROVIDER) != rule.level:
                continue  # a domain's rule decides its domain's level
            tally.decided[rule.id] += 1
            tally.bases[rule.id] += 1
            for atom in tops:
                for crossing in crossings(ws, ruleset, p, atom, month):
                    _check(ws, ruleset, as_of, p, crossing, rule, tally, state)
        if tally.bases[rule.id] >= wanted_bases * (2 if evidence == "heavy" else 1):
            state["enough"] = True
            raise _Enough

    try:
        run()
    except _Enough:
        pass
    except PropertyFailed:
        pass
    found = state.get("found")
    return found if isinstance(found, Counterexample) else None


def _check(
    ws: Workspace,
    ruleset: CompiledRuleset,
    as_of: str,
    before: Proposal,
    crossing: Crossing,
    rule: CompiledRule,
    tally: ProbeTally,
    state: dict[str, Counterexample | bool],
) -> None:
    code = before.provider
    after = triage(crossing.after, ruleset, as_of=as_of, providers=[code]).proposals[0]
    atom = crossing.atom
    if atom.holds(atom.leaf.measure(facts_of(after))) or not grew(before, after):
        return  # it did not cross, or something was lost: not a fair probe
    tally.crossed[rule.id] += 1
    if after.level >= before.level:
        return
    uncapped = without_caps(ruleset)
    if uncapped is not None:  # a cap lowers a level on purpose (ladder.without_caps)
        plain = [
            triage(w, uncapped, as_of=as_of, providers=[code]).proposals[0].level
            for w in (ws, crossing.after)
        ]
        if plain[1] >= plain[0]:
            return
    found = Counterexample(
        f"{MONOTONE} ({crossing.what})",
        f"{code} was {before.level.value} ({_rules(before)}); after {crossing.what} "
        f"({crossing.detail}), which takes `{atom.text()}` of rule {rule.id} past its "
        f"number, it is {after.level.value} ({_rules(after)})",
        code,
        as_of,
        {"before": ws, "after": crossing.after},
        {"before": before.level.value, "after": after.level.value},
    )
    state["found"] = found
    raise PropertyFailed(found)


def _rules(p: Proposal) -> str:
    return "rules fired: " + (", ".join(r.id for r in p.rules) or "none")


def trimmed(cx: Counterexample, ruleset: CompiledRuleset) -> Counterexample:
    """``cx`` with what does not matter taken out of both workspaces: the other providers,
    then each series the change left alone, each while the levels it shows stay the same
    (one provider and its few series where they suffice)."""
    shown = cx.workspaces
    if set(cx.levels) != set(shown):
        return cx  # the levels it shows are what trimming keeps: none, nothing to keep
    first = next(iter(shown))
    if len(shown[first].providers) > 1:
        shown = _kept(cx, ruleset, shown, {n: _only(ws, cx.provider) for n, ws in shown.items()})
    for indicator in sorted({r.indicator for r in rows_of(shown[first].observations)}):
        series = [_series(ws, indicator) for ws in shown.values()]
        if any(s != series[0] for s in series):
            continue  # the change is in this series
        fewer = {n: _without(ws, indicator) for n, ws in shown.items()}
        shown = _kept(cx, ruleset, shown, fewer)
    return Counterexample(cx.property, cx.message, cx.provider, cx.as_of, shown, cx.levels)


def _kept(
    cx: Counterexample,
    ruleset: CompiledRuleset,
    shown: dict[str, Workspace],
    fewer: dict[str, Workspace],
) -> dict[str, Workspace]:
    """``fewer`` when its levels are those ``cx`` shows, else ``shown``."""
    for name, ws in fewer.items():
        level = triage(ws, ruleset, as_of=cx.as_of, providers=[cx.provider]).proposals[0].level
        if level.value != cx.levels.get(name):
            return shown
    return fewer


def _series(ws: Workspace, indicator: str) -> list[tuple[object, ...]]:
    """The rows of ``indicator``, comparable (a count not given is None, not NaN)."""
    return [
        tuple(None if isinstance(v, float) and math.isnan(v) else v for v in astuple(r))
        for r in rows_of(ws.observations)
        if r.indicator == indicator
    ]


def _without(ws: Workspace, indicator: str) -> Workspace:
    rows = [r for r in rows_of(ws.observations) if r.indicator != indicator]
    return workspace(ws.providers.values(), rows, ws.intelligence, ws.members, ws.root)


def _only(ws: Workspace, code: str) -> Workspace:
    rows = [r for r in rows_of(ws.observations) if r.provider == code]
    items = [i for i in ws.intelligence if i.provider == code]
    return workspace([ws.providers[code]], rows, items, ws.members, ws.root)


__all__ = ["PROBE_SEED", "ProbeTally", "probe", "trimmed"]
