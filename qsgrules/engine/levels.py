"""From the rules that fired to a provider's levels: per scope, held, limited, combined.

A ruleset's rules apply to the provider as a whole (``scope: provider``, the default) or to
one domain (``scope: domain``). For each scope, in this order:

1. **entry**: the highest level of the rules that fired in that scope;
2. **hold** (hysteresis): where the provider stands (the QSG's last decision) above that
   level, and the rules at the standing level in that scope declare ``exit:`` criteria, the
   standing level is kept until every one of them holds (it is never lowered merely
   because the entry rule stopped firing; nor raised by it);
3. **limits**: each cap (``at_most``) then each floor (``at_least``) whose condition holds
   and that names the scope. A floor wins over a cap (``qsg check`` flags the pair): the
   tool never reassures beyond what its rules allow.

The overall level is the highest of the provider scope and every domain, after which the
limits that name no domain apply to it. A ruleset with no domain rules, no ``exit:`` and no
``limits:`` gives exactly the highest level of the rules that fired, as before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..model.ladder import AnyRung, Ladder
from ..model.proposal import ConditionMet, ExitStatus, Lacking, LimitApplied
from ..ruleset import CompiledRule, CompiledRuleset
from ..ruleset.conditions import Node, evaluate, held, shortfall
from ..ruleset.loader import CompiledLimit

Profile = Mapping[str, float | str]
PROVIDER = "provider"


def exit_id(rule_id: str) -> str:
    """The engine's name for a rule's exit criteria (rule ids have no colon)."""
    return f"exit:{rule_id}"


def limit_id(limit: str) -> str:
    return f"limit:{limit}"


def engine_rules(ruleset: CompiledRuleset) -> list[tuple[str, Node]]:
    """Everything the engine matches: the rules, their exit criteria and the limits."""
    out: list[tuple[str, Node]] = [(r.id, r.condition) for r in ruleset.rules]
    out += [(exit_id(r.id), r.exit) for r in ruleset.rules if r.exit is not None]
    out += [(limit_id(lim.id), lim.condition) for lim in ruleset.limits]
    return out


@dataclass(frozen=True)
class Held:
    """Where a provider stands (the QSG's last decision): overall and per domain, and the
    exit criteria the QSG agreed there as conditions, by scope (``criteria``: compiled,
    with their text in ``agreed``)."""

    level: AnyRung | None = None
    domains: Mapping[str, AnyRung] = field(default_factory=dict)
    since: str | None = None
    criteria: Mapping[str, Node] = field(default_factory=dict)
    agreed: Mapping[str, str] = field(default_factory=dict)

    def at(self, scope: str) -> AnyRung | None:
        return self.level if scope == PROVIDER else self.domains.get(scope)


@dataclass(frozen=True)
class Levels:
    level: AnyRung
    domains: dict[str, AnyRung]
    exits: tuple[ExitStatus, ...]
    limits: tuple[LimitApplied, ...]


def _met(node: Node, profile: Profile) -> tuple[ConditionMet, ...]:
    return tuple(
        ConditionMet(condition=a.text(), value=profile[a.attr]) for a in held(node, profile)
    )


def _lacking(node: Node, profile: Profile) -> list[Lacking]:
    return [
        Lacking(
            condition=lack.atom.text(),
            needs=lack.atom.value,
            value=lack.actual,
            text=lack.text(),
        )
        for lack in shortfall(node, profile)
    ]


def _exit_status(
    scope: str,
    standing: AnyRung,
    rules: Sequence[CompiledRule],
    ids: Collection[str],
    profile: Profile,
    held_at: Held,
) -> ExitStatus:
    agreed = held_at.criteria.get(scope)
    since = held_at.since
    conditions: list[ConditionMet] = []
    lacks: list[Lacking] = []
    for r in rules:
        assert r.exit is not None
        if exit_id(r.id) in ids:
            conditions.extend(_met(r.exit, profile))
        else:
            lacks.extend(_lacking(r.exit, profile))
    # agreed at the decision: not matched by the engine (it is no rule of the ruleset), so
    # evaluated here, on the same profile (its measures are in it: engine.triage.prepare)
    if agreed is not None:
        if evaluate(agreed, profile):
            conditions.extend(_met(agreed, profile))
        else:
            lacks.extend(_lacking(agreed, profile))
    met = all(exit_id(r.id) in ids for r in rules) and (agreed is None or evaluate(agreed, profile))
    where = "" if scope == PROVIDER else f" for {scope.replace('_', ' ')}"
    dated = f" since {since}" if since else ""
    names = ", ".join(
        [r.id for r in rules] + (["agreed at the decision"] if agreed is not None else [])
    )
    if met:
        text = (
            f"Exit criteria met{where}: standing {standing.label}{dated} ({names}); "
            "the level may come down."
        )
    else:
        text = (
            f"Exit criteria not yet met{where}: standing {standing.label}{dated} is held "
            f"({names}); not yet: " + "; and ".join(lack.text for lack in lacks) + "."
        )
    return ExitStatus(
        scope=scope,
        level=standing,
        since=since,
        met=met,
        rules=tuple(r.id for r in rules),
        conditions=tuple(conditions),
        lacks=tuple(lacks),
        text=text,
        agreed=held_at.agreed.get(scope) if agreed is not None else None,
    )


def _limit(
    lim: CompiledLimit, scope: str, before: AnyRung, profile: Profile
) -> tuple[AnyRung, LimitApplied]:
    floor = lim.limit.floor
    after = max(before, lim.level) if floor else min(before, lim.level)
    kind: Literal["floor", "cap"] = "floor" if floor else "cap"
    where = "" if scope == PROVIDER else f" ({scope.replace('_', ' ')})"
    bound = "at least" if floor else "at most"
    if after != before:
        text = (
            f"{lim.id}: {bound} {lim.level.label}{where}, whatever the rules propose; "
            f"{before.label} became {after.label}. {' '.join(lim.limit.description.split())}"
        )
    else:
        text = (
            f"{lim.id}: {bound} {lim.level.label}{where} holds; the level "
            f"({before.label}) is within it. {' '.join(lim.limit.description.split())}"
        )
    applied = LimitApplied(
        id=lim.id,
        kind=kind,
        level=lim.level,
        scope=scope,
        description=" ".join(lim.limit.description.split()),
        before=before,
        after=after,
        conditions=_met(lim.condition, profile),
        text=text,
    )
    return after, applied


def _limited(
    ruleset: CompiledRuleset, scope: str, level: AnyRung, ids: Collection[str], profile: Profile
) -> tuple[AnyRung, list[LimitApplied]]:
    out: list[LimitApplied] = []
    # caps first, then floors: where both hold, the floor stands
    chosen = [
        lim
        for lim in ruleset.limits
        if (lim.limit.domain or PROVIDER) == scope and limit_id(lim.id) in ids
    ]
    for lim in sorted(chosen, key=lambda x: (x.limit.floor, x.index)):
        level, applied = _limit(lim, scope, level, profile)
        out.append(applied)
    return level, out


def _scope_level(
    ruleset: CompiledRuleset,
    scope: str,
    fired: Sequence[CompiledRule],
    ids: Collection[str],
    held_at: Held | None,
    profile: Profile,
) -> tuple[AnyRung, ExitStatus | None]:
    ladder: Ladder = ruleset.ladder
    entry = ladder.highest(r.level for r in fired)
    standing = held_at.at(scope) if held_at is not None else None
    if standing is None or not standing.placed or standing.ladder_ids != ladder.ids:
        return entry, None
    criteria = [
        r
        for r in ruleset.rules
        if (r.domain or PROVIDER) == scope and r.level == standing and r.exit is not None
    ]
    assert held_at is not None
    if not criteria and scope not in held_at.criteria:
        return entry, None
    status = _exit_status(scope, standing, criteria, ids, profile, held_at)
    if entry >= standing or status.met:
        return entry, status if entry < standing else None
    return standing, status


def resolve(
    ruleset: CompiledRuleset,
    fired: Sequence[CompiledRule],
    ids: Collection[str],
    profile: Profile,
    held_at: Held | None = None,
) -> Levels:
    """A provider's levels from the rules that fired (``fired``) and every engine id that
    matched (``ids``: rules, exit criteria, limits)."""
    ladder = ruleset.ladder
    plain = not ruleset.limits and held_at is None
    if plain and all(r.domain is None for r in fired):
        return Levels(ladder.highest(r.level for r in fired), {}, (), ())
    exits: list[ExitStatus] = []
    limits: list[LimitApplied] = []
    # a domain has a level of its own when a rule or a limit names it, or the QSG agreed
    # exit criteria for it at its decision
    agreed = held_at.criteria if held_at is not None else {}
    scopes = [d for d in ruleset.spec.all_domains if _scoped(ruleset, d) or d in agreed]
    domains: dict[str, AnyRung] = {}
    for scope in scopes:
        level, status = _scope_level(
            ruleset, scope, [r for r in fired if r.domain == scope], ids, held_at, profile
        )
        level, applied = _limited(ruleset, scope, level, ids, profile)
        exits += [status] if status is not None else []
        limits += applied
        if not level.lowest:
            domains[scope] = level
    level, status = _scope_level(
        ruleset, PROVIDER, [r for r in fired if r.domain is None], ids, held_at, profile
    )
    exits += [status] if status is not None else []
    level = ladder.highest([level, *domains.values()])
    level, applied = _limited(ruleset, PROVIDER, level, ids, profile)
    limits += applied
    return Levels(level, domains, tuple(exits), tuple(limits))


def _scoped(ruleset: CompiledRuleset, domain: str) -> bool:
    """A domain has a level of its own when a rule or a limit names it."""
    return any(r.domain == domain for r in ruleset.rules) or any(
        lim.limit.domain == domain for lim in ruleset.limits
    )


__all__ = ["Held", "Levels", "engine_rules", "exit_id", "limit_id", "resolve"]
