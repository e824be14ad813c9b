"""Triage: workspace + ruleset -> one explained proposal per provider.

Numbers first (numpy, before inference), then one durable_rules session per provider over a
compact profile of what each rule's conditions measure, then the explanation from the same
compiled conditions (``explain.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InputError, Problem, did_you_mean
from ..evidence.coverage import coverage
from ..evidence.hard import standard_breaches
from ..evidence.peer import peer_breaches
from ..evidence.soft import SoftSummary, summarise
from ..evidence.trend import trend_breaches
from ..model.evidence import HardFinding
from ..model.facts import ProviderFacts
from ..model.months import LAST_MONTH, month_end, month_number, month_text
from ..model.proposal import Evidence, Proposal, RulesetRef, Triage
from ..model.vocabulary import Level
from ..ruleset import CompiledRuleset
from ..ruleset.conditions import Measured, atoms
from ..workspace import Workspace
from .durable_adapter import RuleEngine
from .explain import Latest, fired_rule, nearest, template_values


def engine_for(ruleset: CompiledRuleset) -> RuleEngine:
    """The durable_rules engine of a compiled ruleset, built once and kept with it."""
    engine = ruleset.cache.get("engine")
    if not isinstance(engine, RuleEngine):
        engine = RuleEngine([(r.id, r.condition) for r in ruleset.rules])
        ruleset.cache["engine"] = engine
    return engine


def resolve_as_of(workspace: Workspace, as_of: str | None) -> int:
    """The month to triage as of: the one given, else the latest month in the data."""
    if as_of is not None:
        month = month_number(as_of)
        if month is None:
            raise InputError(
                [
                    Problem.for_argument(
                        "as_of",
                        f"bad month {as_of!r}; write YYYY-MM, from 1948-01 to "
                        f"{month_text(LAST_MONTH)}",
                    )
                ]
            )
        return month
    if len(workspace.observations):
        return int(np.max(workspace.observations.period))
    if workspace.intelligence:
        latest = max(i.received for i in workspace.intelligence)
        return latest.year * 12 + latest.month - 1
    raise InputError([Problem("indicators.csv", 1, None, "no data: give --as-of YYYY-MM")])


def _latest_values(workspace: Workspace, as_of: int) -> dict[tuple[str, str], tuple[str, float]]:
    """(provider, indicator) -> (month, value) of the latest row up to ``as_of``."""
    obs = workspace.observations
    rows = np.flatnonzero(obs.period <= as_of)
    if rows.size == 0:
        return {}
    # sorting and comparing integer codes, never strings, is what makes this fast
    p_codes, i_codes = obs.codes[0][rows], obs.codes[1][rows]
    order = np.lexsort((obs.period[rows], i_codes, p_codes))
    p_sorted, i_sorted = p_codes[order], i_codes[order]
    last = rows[
        order[np.r_[(p_sorted[1:] != p_sorted[:-1]) | (i_sorted[1:] != i_sorted[:-1]), True]]
    ]
    providers, indicators = obs.provider[last].tolist(), obs.indicator[last].tolist()
    periods, values = obs.period[last].tolist(), obs.value[last].tolist()
    return {
        (p, i): (month_text(t), v)
        for p, i, t, v in zip(providers, indicators, periods, values, strict=True)
    }


def triage(
    workspace: Workspace,
    ruleset: CompiledRuleset,
    *,
    as_of: str | None = None,
    providers: Sequence[str] | None = None,
) -> Triage:
    """Propose a level for every provider (or those named), each with its explanation."""
    month = resolve_as_of(workspace, as_of)
    codes = sorted(workspace.providers)
    if providers:
        unknown = [c for c in providers if c not in workspace.providers]
        if unknown:
            raise InputError(
                Problem.for_argument(
                    "providers",
                    f"unknown provider code {c!r}{did_you_mean(c, codes)}; see providers.csv",
                )
                for c in unknown
            )
        codes = sorted(set(providers))
    hard = standard_breaches(workspace.observations, ruleset.spec, month)
    for more in (
        trend_breaches(workspace.observations, ruleset.spec, month),
        peer_breaches(workspace.observations, ruleset.spec, month, workspace.providers),
    ):
        for code, findings in more.items():
            hard.setdefault(code, []).extend(findings)
    soft = summarise(workspace.intelligence, ruleset.spec.soft, month)
    latest = _latest_values(workspace, month)
    covered = coverage(workspace.observations, ruleset.spec, month, codes)
    measures: dict[str, Measured] = {}
    for rule in ruleset.rules:
        for atom in atoms(rule.condition):
            measures.setdefault(atom.attr, atom.leaf)
    engine = engine_for(ruleset)
    proposals = []
    for code in codes:
        provider = workspace.providers[code]
        p_soft = soft.get(code, SoftSummary())
        facts = ProviderFacts(
            code=code,
            type=provider.type,
            hard=tuple(sorted(hard.get(code, []), key=lambda f: (f.indicator, f.test))),
            soft=tuple(p_soft.findings),
        )
        profile = {attr: leaf.measure(facts) for attr, leaf in measures.items()}
        fired_ids = {f.rule for f in engine.run(code, [profile])}
        fired = [r for r in ruleset.rules if r.id in fired_ids]
        level = max((r.level for r in fired), default=Level.NO_CONCERNS)
        ordered = sorted(fired, key=lambda r: (-r.level.rank, r.index))
        base = template_values(facts, provider.name, p_soft, latest) if ordered else {}
        proposals.append(
            Proposal(
                provider=code,
                name=provider.name,
                type=provider.type,
                level=level,
                rules=tuple(fired_rule(r, profile, facts, base) for r in ordered),
                evidence=Evidence(hard=facts.hard, soft=facts.soft),
                nearest=None if level is Level.RISK_SUMMIT else nearest(level, ruleset, profile),
                coverage=covered[code],
            )
        )
    proposals.sort(key=lambda p: (-p.level.rank, p.provider))
    return Triage(
        ruleset=RulesetRef(name=ruleset.name, version=ruleset.version, sha256=ruleset.sha256),
        as_of=month_text(month),
        proposals=tuple(proposals),
        notes=_notes(workspace, month, set(codes)),
    )


def _notes(workspace: Workspace, month: int, codes: set[str]) -> tuple[str, ...]:
    """What the triage could not use, in a line each (nothing is dropped without a word)."""
    end = month_end(month)
    later = [i for i in workspace.intelligence if i.received > end and i.provider in codes]
    if not later:
        return ()
    first = min(i.received for i in later).isoformat()
    return (
        f"{len(later)} soft item(s) received after {month_text(month)} (from {first}) are not "
        f"counted as of {month_text(month)}",
    )


__all__ = ["HardFinding", "Latest", "engine_for", "resolve_as_of", "triage"]
