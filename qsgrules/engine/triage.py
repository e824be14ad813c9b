"""Triage: workspace + ruleset -> one explained proposal per provider.

Numbers first (numpy, before inference), then one durable_rules session per provider over a
compact profile, then the explanation from the same compiled conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, Problem, did_you_mean
from ..evidence.hard import standard_breaches
from ..evidence.peer import peer_breaches
from ..evidence.profile import build_profile, matching_breaches
from ..evidence.soft import SoftSummary, summarise
from ..evidence.trend import trend_breaches
from ..indicators import BY_ID
from ..model.evidence import HardFinding
from ..model.proposal import (
    ConditionMet,
    Evidence,
    FiredRule,
    HardRef,
    Lacking,
    Nearest,
    Proposal,
    RulesetRef,
    SoftRef,
    Triage,
)
from ..model.vocabulary import DOMAINS, Level
from ..progress import Progress
from ..ruleset import CompiledRule, CompiledRuleset
from ..ruleset.conditions import AllOf, Atom, Node, Subject, atoms, evaluate, gap, shortfall
from ..ruleset.template import PLACEHOLDER, render
from ..workspace import Workspace
from ..workspace.loader import month_number, month_text

if TYPE_CHECKING:
    from .durable_adapter import RuleEngine

#: The last month qsgrules will triage as of (dates beyond it are not calendar arithmetic).
LAST_MONTH = 2100 * 12 + 11
_ENGINES: dict[int, tuple[CompiledRuleset, RuleEngine]] = {}


def engine_for(ruleset: CompiledRuleset) -> RuleEngine:
    """One durable_rules engine per compiled ruleset, reused across triages."""
    from .durable_adapter import RuleEngine  # deferred: only a triage needs the engine

    key = id(ruleset)
    cached = _ENGINES.get(key)
    if cached is None or cached[0] is not ruleset:
        cached = (ruleset, RuleEngine([(r.id, r.condition) for r in ruleset.rules]))
        _ENGINES[key] = cached
    return cached[1]


def resolve_as_of(workspace: Workspace, as_of: str | None) -> int:
    if as_of is not None:
        month = month_number(as_of)
        if month is None or month > LAST_MONTH:
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


def _quoted_indicators(ruleset: CompiledRuleset) -> set[str]:
    """The indicators whose latest value or month some rule's ``because`` quotes."""
    return {
        m.group(2)
        for rule in ruleset.rules
        for m in PLACEHOLDER.finditer(rule.rule.because)
        if m.group(1) in ("value", "period") and m.group(2)
    }


def _latest_values(
    workspace: Workspace, as_of: int, indicators: Collection[str] | None = None
) -> dict[tuple[str, str], tuple[str, float]]:
    """(provider, indicator) -> (month, value) of the latest row up to ``as_of``, for every
    indicator or only ``indicators`` (those a template quotes: the rest would go unread)."""
    obs = workspace.observations
    wanted = obs.period <= as_of
    if indicators is not None:
        quoted = np.zeros(len(obs), dtype=np.bool_)
        for indicator in sorted(indicators):
            quoted |= obs.indicator_mask(indicator)
        wanted &= quoted
    rows = np.flatnonzero(wanted)
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


def _every_percent(progress: Progress | None, stage: str, total: int) -> Callable[[int], None]:
    """A counter that tells ``progress`` at the start, every 1% and at the end."""
    step = max(1, total // 100)

    def tell(done: int) -> None:
        if progress is not None and (done % step == 0 or done == total):
            progress(stage, done, total)

    return tell


def triage(
    workspace: Workspace,
    ruleset: CompiledRuleset,
    *,
    as_of: str | None = None,
    providers: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Triage:
    """Propose a level for every provider (or those named), each with its explanation.

    ``progress`` (optional) is told how many providers are done (``qsgrules.progress``).
    """
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
    latest = _latest_values(workspace, month, _quoted_indicators(ruleset))
    subjects = sorted(
        {(a.attr, a.subject) for r in ruleset.rules for a in atoms(r.condition)}, key=lambda x: x[0]
    )
    engine = engine_for(ruleset)
    proposals: list[Proposal] = []
    tell = _every_percent(progress, "providers", len(codes))
    for code in codes:
        tell(len(proposals))
        provider = workspace.providers[code]
        p_hard = sorted(hard.get(code, []), key=lambda f: (f.indicator, f.test))
        p_soft = soft.get(code, SoftSummary())
        profile = build_profile(subjects, provider.type, p_hard, p_soft)
        fired_ids = {f.rule for f in engine.run(code, [profile])}
        fired = [r for r in ruleset.rules if r.id in fired_ids]
        proposals.append(
            _proposal(
                provider.code,
                provider.name,
                provider.type,
                fired,
                ruleset,
                profile,
                p_hard,
                p_soft,
                latest,
            )
        )
    tell(len(proposals))
    proposals.sort(key=lambda p: (-p.level.rank, p.provider))
    return Triage(
        ruleset=RulesetRef(name=ruleset.name, version=ruleset.version, sha256=ruleset.sha256),
        as_of=month_text(month),
        proposals=tuple(proposals),
    )


def _proposal(
    code: str,
    name: str,
    ptype: str,
    fired: list[CompiledRule],
    ruleset: CompiledRuleset,
    profile: dict[str, float | str],
    hard: list[HardFinding],
    soft: SoftSummary,
    latest: dict[tuple[str, str], tuple[str, float]],
) -> Proposal:
    level = max((r.level for r in fired), key=lambda lv: lv.rank, default=Level.NO_CONCERNS)
    ordered = sorted(fired, key=lambda r: (-r.level.rank, r.index))
    base = _template_values(code, name, ptype, hard, soft, latest) if ordered else {}
    rules = tuple(_fired_rule(r, profile, hard, soft, base) for r in ordered)
    nearest = None if level is Level.RISK_SUMMIT else _nearest(level, ruleset, profile)
    return Proposal(
        provider=code,
        name=name,
        type=ptype,
        level=level,
        rules=rules,
        evidence=Evidence(hard=tuple(hard), soft=tuple(soft.findings)),
        nearest=nearest,
    )


def _held(node: Node, profile: dict[str, float | str]) -> list[Atom]:
    """The atoms that made ``node`` true: every part of an `all`, the true parts of an `any`."""
    if isinstance(node, Atom):
        return [node] if node.holds(profile[node.attr]) else []
    if isinstance(node, AllOf):
        return [a for p in node.parts for a in _held(p, profile)]
    return [a for p in node.parts if evaluate(p, profile) for a in _held(p, profile)]


def _positive(atom: Atom) -> bool:
    """An atom that asks for something present (so it has findings behind it)."""
    return atom.op in (">", ">=") and atom.subject.kind != "provider_type"


def _fired_rule(
    rule: CompiledRule,
    profile: dict[str, float | str],
    hard: list[HardFinding],
    soft: SoftSummary,
    base: dict[str, object],
) -> FiredRule:
    held = _held(rule.condition, profile)
    evidence: list[Any] = []
    hard_refs: dict[tuple[str, str], HardFinding] = {}
    soft_refs: dict[str, Any] = {}
    for atom in held:
        evidence.append(ConditionMet(condition=atom.text(), value=profile[atom.attr]))
        if not _positive(atom):
            continue
        for f in _hard_for(atom.subject, hard, soft):
            hard_refs[(f.indicator, f.test)] = f
        for s in _soft_for(atom.subject, soft, hard):
            soft_refs[s.id] = s
    for f in sorted(hard_refs.values(), key=lambda f: (f.indicator, f.test)):
        evidence.append(
            HardRef(
                indicator=f.indicator,
                test=f.test,
                strength=f.strength,
                period=f.period,
                value=f.value,
                limit=f.limit,
                detail=f.detail,
            )
        )
    for s in sorted(soft_refs.values(), key=lambda s: s.id):
        evidence.append(
            SoftRef(id=s.id, source=s.source, domain=s.domain, weight=s.weight, formula=s.formula)
        )
    values = dict(base)
    breached = list(hard_refs.values()) or hard
    values["breached"] = ", ".join(sorted({f.title for f in breached})) or "none"
    values["tests"] = (
        ", ".join(
            f"{f.test} ({f.strength})"
            for f in sorted(hard_refs.values(), key=lambda f: (f.indicator, f.test))
        )
        or "none"
    )
    cited = list(soft_refs.values())
    values["cited_soft"] = round(sum(s.weight for s in cited), 2)
    values["cited_sources"] = ", ".join(sorted({s.source for s in cited})) or "none"
    return FiredRule(
        id=rule.id,
        level=rule.level,
        description=" ".join(rule.rule.description.split()),
        because=" ".join(render(rule.rule.because, values).split()),
        evidence=tuple(evidence),
    )


def _hard_for(subject: Subject, hard: list[HardFinding], soft: SoftSummary) -> list[HardFinding]:
    if subject.kind == "breach":
        return matching_breaches(subject, hard)
    if subject.kind == "hard_and_soft":
        with_soft = {d for d in DOMAINS if soft.by_domain[d] > 0}
        return [f for f in hard if subject.domain in (None, f.domain) and f.domain in with_soft]
    return []


def _soft_for(subject: Subject, soft: SoftSummary, hard: list[HardFinding]) -> list[Any]:
    if subject.kind in ("soft", "organisations"):
        return [s for s in soft.findings if s.counted and subject.domain in (None, s.domain)]
    if subject.kind == "corroborated":
        return [
            s
            for s in soft.findings
            if s.counted and s.corroborated_by and subject.domain in (None, s.domain)
        ]
    if subject.kind == "hard_and_soft":
        breached = {f.domain for f in hard}
        return [
            s
            for s in soft.findings
            if s.counted and s.domain in breached and subject.domain in (None, s.domain)
        ]
    return []


def _template_values(
    code: str,
    name: str,
    ptype: str,
    hard: list[HardFinding],
    soft: SoftSummary,
    latest: dict[tuple[str, str], tuple[str, float]],
) -> dict[str, object]:
    """The placeholders every rule of a provider shares (counts are of indicators)."""
    values: dict[str, object] = {
        "provider": code,
        "name": name,
        "type": ptype,
        "soft": round(soft.total, 2),
        "organisations": len(soft.organisations),
        "sources": ", ".join(sorted(soft.organisations)) or "none",
        "breaches": len({f.indicator for f in hard}),
    }
    for d in DOMAINS:
        values[f"soft.{d}"] = round(soft.by_domain[d], 2)
        values[f"organisations.{d}"] = len(soft.organisations_by_domain[d])
        values[f"sources.{d}"] = ", ".join(sorted(soft.organisations_by_domain[d])) or "none"
        values[f"breaches.{d}"] = len({f.indicator for f in hard if f.domain == d})
    breached = {f.indicator for f in hard}
    for ind in BY_ID:
        values[f"breaches.{ind}"] = int(ind in breached)
        if (code, ind) in latest:
            period, value = latest[(code, ind)]
            values[f"value.{ind}"] = value
            values[f"period.{ind}"] = period
    for f in hard:
        if f.test == "standard":
            values[f"limit.{f.indicator}"] = f.limit
            values[f"value.{f.indicator}"] = f.value
            values[f"period.{f.indicator}"] = f.period
    return values


def _nearest(
    level: Level, ruleset: CompiledRuleset, profile: dict[str, float | str]
) -> Nearest | None:
    best: tuple[Any, ...] | None = None
    chosen = None
    for rule in ruleset.rules:
        if rule.level.rank <= level.rank:
            continue
        lacks = shortfall(rule.condition, profile)
        if not lacks:
            continue
        key = (len(lacks), round(gap(lacks), 9), rule.level.rank, rule.index)
        if best is None or key < best:
            best, chosen = key, (rule, lacks)
    if chosen is None:
        return None
    rule, lacks = chosen
    items = tuple(
        Lacking(
            condition=lack.atom.text(), needs=lack.atom.value, value=lack.actual, text=lack.text()
        )
        for lack in lacks
    )
    text = f"{rule.level.label} ({rule.id}) would need " + "; and ".join(i.text for i in items)
    return Nearest(rule=rule.id, level=rule.level, lacks=items, text=text)
