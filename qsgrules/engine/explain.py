"""Explanations: for each rule that fired, the conditions it met and exactly the evidence
behind them; for a provider below risk summit, the nearest rule above that did not fire."""

from __future__ import annotations

from collections.abc import Mapping

from ..evidence.soft import SoftSummary
from ..indicators import BY_ID
from ..model.evidence import HardFinding, SoftFinding
from ..model.facts import ProviderFacts
from ..model.ladder import AnyRung
from ..model.proposal import ConditionMet, FiredRule, HardRef, Lacking, Nearest, SoftRef
from ..model.vocabulary import DOMAINS
from ..ruleset import CompiledRule, CompiledRuleset
from ..ruleset.conditions import AllOf, Atom, Lack, Node, gap, held, shortfall
from ..ruleset.template import render

Profile = Mapping[str, float | str]
Latest = Mapping[tuple[str, str], tuple[str, float]]


def fired_rule(
    rule: CompiledRule, profile: Profile, facts: ProviderFacts, base: Mapping[str, object]
) -> FiredRule:
    """One fired rule: its conditions met, with values, and the evidence each of them cites."""
    evidence: list[ConditionMet | HardRef | SoftRef] = []
    hard_refs: dict[tuple[str, str], HardFinding] = {}
    soft_refs: dict[str, SoftFinding] = {}
    for atom in held(rule.condition, profile):
        evidence.append(ConditionMet(condition=atom.text(), value=profile[atom.attr]))
        if not atom.asks_for_presence:
            continue  # a ceiling or an exclusion holds for what is absent: nothing to cite
        hard, soft = atom.leaf.cite(facts)
        for f in hard:
            hard_refs[(f.indicator, f.test)] = f
        for s in soft:
            soft_refs[s.id] = s
    cited_hard = sorted(hard_refs.values(), key=lambda f: (f.indicator, f.test))
    cited_soft = sorted(soft_refs.values(), key=lambda s: s.id)
    evidence.extend(
        HardRef(
            indicator=f.indicator,
            test=f.test,
            strength=f.strength,
            period=f.period,
            value=f.value,
            limit=f.limit,
            detail=f.detail,
        )
        for f in cited_hard
    )
    evidence.extend(
        SoftRef(id=s.id, source=s.source, domain=s.domain, weight=s.weight, formula=s.formula)
        for s in cited_soft
    )
    values = dict(base)
    breached = cited_hard or list(facts.hard)
    values["breached"] = ", ".join(sorted({f.title for f in breached})) or "none"
    values["tests"] = ", ".join(f"{f.test} ({f.strength})" for f in cited_hard) or "none"
    values["alerts"] = "; ".join(f.detail for f in cited_hard if f.cusum is not None) or "none"
    values["cited_soft"] = round(sum(s.weight for s in cited_soft), 2)
    values["cited_sources"] = ", ".join(sorted({s.source for s in cited_soft})) or "none"
    return FiredRule(
        id=rule.id,
        level=rule.level,
        description=" ".join(rule.rule.description.split()),
        because=" ".join(render(rule.rule.because, values).split()),
        evidence=tuple(evidence),
        domain=rule.domain,
    )


def template_values(
    facts: ProviderFacts, name: str, soft: SoftSummary, latest: Latest
) -> dict[str, object]:
    """The placeholders every rule of a provider shares (counts are of indicators)."""
    hard = facts.hard
    values: dict[str, object] = {
        "provider": facts.code,
        "name": name,
        "type": facts.type,
        "soft": round(soft.total, 2),
        "organisations": len(soft.organisations),
        "sources": soft.named(soft.organisations),
        "breaches": len({f.indicator for f in hard}),
    }
    for d in DOMAINS:
        values[f"soft.{d}"] = round(soft.by_domain[d], 2)
        values[f"organisations.{d}"] = len(soft.organisations_by_domain[d])
        values[f"sources.{d}"] = soft.named(soft.organisations_by_domain[d])
        values[f"breaches.{d}"] = len({f.indicator for f in hard if f.domain == d})
    breached = {f.indicator for f in hard}
    for ind in BY_ID:
        values[f"breaches.{ind}"] = int(ind in breached)
        if (facts.code, ind) in latest:
            period, value = latest[(facts.code, ind)]
            values[f"value.{ind}"] = value
            values[f"period.{ind}"] = period
    for f in hard:
        if f.test == "standard":
            values[f"limit.{f.indicator}"] = f.limit
            values[f"value.{f.indicator}"] = f.value
            values[f"period.{f.indicator}"] = f.period
    return values


def _absent(lack: Lack, facts: ProviderFacts) -> bool:
    """A lack that asks for evidence of a kind the provider has none of (or another type)."""
    if isinstance(lack.actual, str) or isinstance(lack.atom.value, str):
        return True
    if not lack.atom.asks_for_presence or float(lack.actual) != 0:
        return False
    return not lack.atom.leaf.grounded(facts)


def reachable(node: Node, profile: Profile, facts: ProviderFacts) -> list[Lack] | None:
    """The smallest change in the evidence the provider has that would make ``node`` hold.

    None when every way to make it hold needs evidence of a kind the provider has none of
    (a first never event, a first safety concern) or a different provider type.
    """
    if isinstance(node, Atom):
        lacks = shortfall(node, profile)
        return None if any(_absent(x, facts) for x in lacks) else lacks
    options = [reachable(p, profile, facts) for p in node.parts]
    if isinstance(node, AllOf):
        if any(o is None for o in options):
            return None
        return [lack for o in options for lack in o or []]
    found = [o for o in options if o is not None]
    return min(found, key=lambda lacks: (len(lacks), gap(lacks))) if found else None


def nearest(
    level: AnyRung, ruleset: CompiledRuleset, profile: Profile, facts: ProviderFacts
) -> Nearest | None:
    """The closest rule above ``level`` that did not fire, by the smallest change in the
    evidence the provider has; None when every rule above needs evidence of a new kind."""
    best: tuple[int, float, int, int] | None = None
    chosen = None
    for rule in ruleset.rules:
        if rule.level <= level:
            continue
        lacks = reachable(rule.condition, profile, facts)
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
