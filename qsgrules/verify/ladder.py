"""What ``qsg verify`` checks of a ruleset's ladder features (issue 19): exit criteria that
contradict their own rule or never hold, floors undercut, caps exceeded, a standing level
lowered while its exit criteria do not hold.

A cap (``at_most``) is a deliberate non-monotonicity: more evidence that makes its condition
hold lowers a level. Monotonicity is therefore checked modulo the caps (``without_caps``):
a level that falls must not fall in the same triage without them, and each fall a cap
caused is counted and reported, not hidden."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hypothesis import strategies as st

from ..engine.levels import PROVIDER, Held
from ..engine.triage import triage
from ..model.ladder import AnyRung
from ..model.proposal import Proposal, Triage
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from .checks import Counterexample, PropertyFailed, condition_holds

EXITS = "exit criteria never hold while their own rule fires"
FLOORS = "a floor is never undercut"
HOLD = "a standing level is never lowered while its exit criteria do not hold"
CAPS = "a cap is never exceeded where no floor of its scope holds"


def uses_ladder(ruleset: CompiledRuleset) -> bool:
    """Whether the ruleset has exit criteria or limits (what these checks are about)."""
    return bool(ruleset.limits) or any(r.exit is not None for r in ruleset.rules)


def without_caps(ruleset: CompiledRuleset) -> CompiledRuleset | None:
    """The ruleset with its caps taken out (its floors kept), to check monotonicity modulo
    the caps; None when it has no cap."""
    floors = tuple(lim for lim in ruleset.limits if lim.limit.floor)
    if len(floors) == len(ruleset.limits):
        return None
    kept = ruleset.cache.get("without_caps")
    if not isinstance(kept, CompiledRuleset):
        # a cache of its own: the engine compiled for the ruleset matches the caps too
        kept = replace(ruleset, limits=floors, cache={})
        ruleset.cache["without_caps"] = kept
    return kept


def scope_level(ruleset: CompiledRuleset, p: Proposal, scope: str) -> AnyRung:
    if scope == PROVIDER:
        return p.level
    return p.domains.get(scope, ruleset.ladder.lowest)


def _failed(name: str, message: str, p: Proposal, ws: Workspace, as_of: str) -> PropertyFailed:
    return PropertyFailed(
        Counterexample(name, message, p.provider, as_of, {"workspace": ws}, {"workspace": p.level})
    )


def check_exits_and_floors(
    ws: Workspace, ruleset: CompiledRuleset, result: Triage, met: Counter[str]
) -> None:
    """Raise when a rule fires with its exit criteria met, a floor is undercut or a cap
    exceeded (where no floor of its scope holds); count in
    ``met`` each rule whose exit criteria held somewhere."""
    for p in result.proposals:
        fired = {r.id for r in p.rules}
        for rule in ruleset.rules:
            if rule.exit is None or not condition_holds(rule.exit, p):
                continue
            met[rule.id] += 1
            if rule.id in fired:
                raise _failed(
                    EXITS,
                    f"{p.provider}: rule {rule.id} fires and its exit criteria hold at once: "
                    f"a provider at {rule.level.value} could come down while the rule that "
                    "put it there still holds",
                    p,
                    ws,
                    result.as_of,
                )
        floored = {
            lim.limit.domain or PROVIDER
            for lim in ruleset.limits
            if lim.limit.floor and condition_holds(lim.condition, p)
        }
        for lim in ruleset.limits:
            if not condition_holds(lim.condition, p):
                continue
            scope = lim.limit.domain or PROVIDER
            if not lim.limit.floor:
                level = scope_level(ruleset, p, scope)
                # a provider-wide cap applies after the domains: only that scope is bound
                if scope not in floored and level > lim.level:
                    raise _failed(
                        CAPS,
                        f"{p.provider}: limit {lim.id} holds (at most {lim.level.value}), no "
                        f"floor of {scope} holds, and the level ({scope}) is {level.value}",
                        p,
                        ws,
                        result.as_of,
                    )
                continue
            if scope_level(ruleset, p, scope) < lim.level:
                raise _failed(
                    FLOORS,
                    f"{p.provider}: limit {lim.id} holds (at least {lim.level.value}) and the "
                    f"level ({scope}) is {scope_level(ruleset, p, scope).value}",
                    p,
                    ws,
                    result.as_of,
                )


def check_hold(
    ws: Workspace, ruleset: CompiledRuleset, p: Proposal, as_of: str, data: st.DataObject
) -> bool:
    """Stand ``p``'s provider at a drawn level in each scope that has exit criteria, triage
    it again and raise when a scope's level fell below its standing level while the exit
    criteria (evaluated here, independently of the engine) do not hold. True when checked."""
    ladder = ruleset.ladder
    scopes = sorted({r.domain or PROVIDER for r in ruleset.rules if r.exit is not None})
    if not scopes:
        return False
    chosen = {s: data.draw(st.sampled_from(list(ladder)), label=f"standing {s}") for s in scopes}
    held = Held(
        level=chosen.get(PROVIDER), domains={s: v for s, v in chosen.items() if s != PROVIDER}
    )
    again = triage(ws, ruleset, as_of=as_of, providers=[p.provider], standing={p.provider: held})
    after = again.proposals[0]
    capped = {lim.scope for lim in after.limits if lim.kind == "cap"}
    for scope, standing in chosen.items():
        rules = [
            r
            for r in ruleset.rules
            if (r.domain or PROVIDER) == scope and r.level == standing and r.exit is not None
        ]
        if not rules or scope in capped:
            continue
        exits_hold = all(r.exit is not None and condition_holds(r.exit, after) for r in rules)
        level = scope_level(ruleset, after, scope)
        if not exits_hold and level < standing:
            raise _failed(
                HOLD,
                f"{p.provider}: standing at {standing.value} ({scope}), whose exit criteria "
                f"({', '.join(r.id for r in rules)}) do not hold, and proposed {level.value}",
                after,
                ws,
                as_of,
            )
    return True


__all__ = [
    "CAPS",
    "EXITS",
    "FLOORS",
    "HOLD",
    "check_exits_and_floors",
    "check_hold",
    "scope_level",
    "uses_ladder",
    "without_caps",
]
