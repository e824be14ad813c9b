"""Changes that take one comparison of a rule across its threshold with as little evidence
as does it: the steered changes of ``qsg verify``'s probes.

A rule turns on a comparison of a measure (breaches counted, a soft score, organisations,
corroborated domains, domains where hard and soft meet) with a number. Where the rule holds
only while the measure stays *at most* the number (a `max`, or `not` over evidence), more
evidence can stop it holding and so lower a level. ``crossings`` builds, for one provider of a
workspace where the rule fires, each smallest addition of evidence that takes such a
comparison past its number: a breach of each indicator in scope (notable, then strong), one
item just heavy enough, the fewest new organisations with the lightest items that count,
two items that corroborate each other, a breach and a concern in one domain. Each is offered
as light and as heavy evidence; the caller keeps those that did cross and added evidence only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..indicators import BY_ID
from ..model.evidence import SoftFinding
from ..model.months import month_end
from ..model.proposal import Proposal
from ..model.vocabulary import Domain, HardTest, Strength
from ..ruleset import CompiledRule, CompiledRuleset
from ..ruleset.conditions import Atom, atoms
from ..ruleset.conditions.kinds import Breach, Corroborated, HardAndSoft, Organisations, Soft
from ..strategies._build import Row, rows_of, workspace
from ..strategies.basic import series_rows
from ..strategies.workspaces import COUNTED, Grading, _gradings, _shape, _span, _tail, good_middle
from ..workspace import SoftItem, Workspace
from .checks import facts_of

#: At most this many changes per comparison (the breaches of every indicator in scope, the
#: domains of a soft scope without one, light and heavy): enough to find a reachable drop.
MOST = 24


@dataclass(frozen=True)
class Crossing:
    """One change meant to take ``atom`` of a rule past its number."""

    atom: Atom
    what: str  # "an added breach", ...
    detail: str
    after: Workspace


def ceilings(rule: CompiledRule) -> list[Atom]:
    """The comparisons of ``rule`` that hold only while evidence stays at most a number."""
    return [
        a
        for a in atoms(rule.condition)
        if a.op in ("<", "<=")
        and not isinstance(a.value, str)
        and bool(getattr(a.leaf, "EVIDENCE", False))
    ]


def needed(atom: Atom, measure: float) -> int:
    """How many whole units the measure must grow by to pass ``atom``'s number."""
    value = float(atom.value)
    top = math.floor(value) + 1 if atom.op == "<=" else math.ceil(value)
    return max(1, top - math.floor(measure))


def crossings(
    ws: Workspace, ruleset: CompiledRuleset, proposal: Proposal, atom: Atom, as_of: int
) -> Iterator[Crossing]:
    """The changes that could take ``atom`` past its number for ``proposal``'s provider."""
    leaf = atom.leaf
    made = 0
    if isinstance(leaf, HardAndSoft):
        gen = _hard_and_soft(ws, ruleset, proposal, leaf, atom, as_of)
    elif isinstance(leaf, Breach):
        gen = _breaches(ws, ruleset, proposal, leaf, atom, as_of)
    elif isinstance(leaf, Organisations):
        gen = _organisations(ws, ruleset, proposal, leaf, atom, as_of)
    elif isinstance(leaf, Corroborated):
        gen = _corroborations(ws, ruleset, proposal, leaf, atom, as_of)
    elif isinstance(leaf, Soft):
        gen = _soft(ws, ruleset, proposal, leaf, atom, as_of)
    else:
        return
    for crossing in gen:
        yield crossing
        made += 1
        if made >= MOST:
            return


# ------------------------------------------------------------------------ hard data


def with_breach(
    ws: Workspace,
    ruleset: CompiledRuleset,
    code: str,
    indicator: str,
    test: HardTest,
    strength: Strength,
    as_of: int,
) -> Workspace:
    """``ws`` with ``code``'s series of ``indicator`` replaced by one aimed at a breach of
    ``test`` at ``strength`` (long enough for every test the ruleset configures)."""
    settings = ruleset.spec.indicators[indicator]
    shape = _shape(ruleset)
    _, _, span = _span(indicator)
    base = good_middle(ruleset, indicator)
    noise = 0.01 * span if (settings.trend or settings.cusum) else 0.0
    if settings.standard is not None:
        noise = min(noise, 0.9 * abs(settings.standard.limit - base))
    tail, sign = _tail(ruleset, indicator, {test: strength}, base, noise)
    old = rows_of(ws.observations)
    counted = BY_ID[indicator].kind in COUNTED and (
        settings.peer is not None
        or any(not math.isnan(r.denominator) for r in old if r.indicator == indicator)
    )
    new = series_rows(
        provider=code,
        indicator=indicator,
        as_of=as_of,
        length=shape.long,
        base=base,
        noise=noise,
        seed=7,
        tail=tail,
        denominator=40000.0 if counted else None,
        tail_sign=sign,
    )
    kept = [r for r in old if not (r.provider == code and r.indicator == indicator)]
    return _with_rows(ws, [*kept, *new])


def _with_rows(
    ws: Workspace, rows: list[Row], items: tuple[SoftItem, ...] | None = None
) -> Workspace:
    return workspace(
        ws.providers.values(),
        rows,
        ws.intelligence if items is None else items,
        ws.members,
        ws.root,
    )


def _breached(proposal: Proposal) -> set[str]:
    return {f.indicator for f in proposal.evidence.hard}


def _breaches(
    ws: Workspace,
    ruleset: CompiledRuleset,
    proposal: Proposal,
    leaf: Breach,
    atom: Atom,
    as_of: int,
) -> Iterator[Crossing]:
    code = proposal.provider
    measure = leaf.measure(facts_of(proposal))
    k = needed(atom, measure)
    done = _breached(proposal)
    # the standard first: the easiest breach to build, and the lightest (notable)
    options = sorted(
        ((i, t) for i, t in leaf.candidates(ruleset) if i not in done),
        key=lambda it: (it[1] is not HardTest.STANDARD, it[0], it[1].value),
    )
    strengths = (
        [leaf.strength]
        if leaf.strength is Strength.STRONG
        else [
            Strength.NOTABLE,
            Strength.STRONG,
        ]
    )
    for strength in strengths:
        for start in range(len(options)):
            chosen = _distinct(options[start:], k)
            if len(chosen) < k:
                break
            after = ws
            for ind, test in chosen:
                after = with_breach(after, ruleset, code, ind, test, strength, as_of)
            what = ", ".join(f"{ind} ({test})" for ind, test in chosen)
            yield Crossing(atom, "an added breach", f"{strength} breach of {what}", after)


def _distinct(options: list[tuple[str, HardTest]], k: int) -> list[tuple[str, HardTest]]:
    out: list[tuple[str, HardTest]] = []
    for ind, test in options:
        if ind not in {i for i, _ in out}:
            out.append((ind, test))
        if len(out) == k:
            break
    return out


# ------------------------------------------------------------------------ soft intelligence


def _item(
    code: str,
    n: int,
    source: str,
    domain: Domain,
    grading: Grading,
    day: dt.date,
    category: str | None,
    age: int = 0,
) -> SoftItem:
    _, severity, rel, info = grading
    return SoftItem.model_validate(
        {
            "id": f"NEW-{n:03d}",
            "provider": code,
            "source": source,
            "received": day - dt.timedelta(days=age),
            "domain": domain,
            "severity": severity,
            "grading": f"{rel}{info}",
            "summary": "A further concern raised with the QSG.",
            "category": category,
        },
        strict=False,
    )


def _sources(ws: Workspace, scope: tuple[str, ...] | None) -> list[str]:
    """Members a scope counts items from: named, by organisation or by kind."""
    out = []
    for name, member in sorted(ws.members.items()):
        org = member.parent or name
        if scope is None or {name, org, member.kind} & set(scope):
            out.append(name)
    return out


def _domains(leaf: Soft | Organisations | Corroborated) -> list[Domain]:
    return [leaf.domain] if leaf.domain else list(Domain)


def _added(ws: Workspace, *items: SoftItem) -> Workspace:
    return _with_rows(ws, rows_of(ws.observations), (*ws.intelligence, *items))


def _soft(
    ws: Workspace,
    ruleset: CompiledRuleset,
    proposal: Proposal,
    leaf: Soft,
    atom: Atom,
    as_of: int,
) -> Iterator[Crossing]:
    day = month_end(as_of)
    measure = float(leaf.measure(facts_of(proposal)))
    wanted = float(atom.value) - measure + (0.001 if atom.op == "<=" else 0.0)
    sources = _sources(ws, leaf.source)
    if not sources or wanted <= 0:
        return
    for domain in _domains(leaf):
        grades = _gradings(ruleset, domain)
        enough = [g for g in grades if g[0] >= wanted]
        picks = ([enough[0], enough[-1]] if enough else []) or grades[-1:]
        for grade in picks:
            # aged so that its weight is just past what is wanted (as light as does it)
            half = ruleset.spec.soft.half_life_days
            heavier = grade[0] >= wanted
            age = min(3650, math.floor(half * math.log2(grade[0] / wanted))) if heavier else 0
            n = 1 if grade[0] >= wanted else min(12, math.ceil(wanted / grade[0]))
            items = [
                _item(proposal.provider, j + 1, sources[j % len(sources)], domain, grade, day,
                      leaf.category, age if n == 1 else 0)
                for j in range(n)
            ]  # fmt: skip
            yield Crossing(
                atom,
                "an added soft item",
                f"{n} {domain} item(s) graded {grade[2]}{grade[3]}, {grade[1]}",
                _added(ws, *items),
            )


def _organisations_of(proposal: Proposal) -> set[str]:
    found: set[str] = set()
    for s in proposal.evidence.soft:
        if s.counted and s.weight > 0:
            found |= {s.organisation or s.source}
    return found


def _new_sources(ws: Workspace, proposal: Proposal, scope: tuple[str, ...] | None) -> list[str]:
    """One member of each organisation in scope that has raised nothing about the provider."""
    used = _organisations_of(proposal)
    out, orgs = [], set()
    for name in _sources(ws, scope):
        org = ws.members[name].parent or name
        if org not in used and org not in orgs:
            out.append(name)
            orgs.add(org)
    return out


def _organisations(
    ws: Workspace,
    ruleset: CompiledRuleset,
    proposal: Proposal,
    leaf: Organisations,
    atom: Atom,
    as_of: int,
) -> Iterator[Crossing]:
    day = month_end(as_of)
    k = needed(atom, float(leaf.measure(facts_of(proposal))))
    fresh = _new_sources(ws, proposal, leaf.source)
    if len(fresh) < k:
        return
    for domain in _domains(leaf):
        grades = _gradings(ruleset, domain)
        for grade in grades[:1] + grades[-1:]:
            items = [
                _item(proposal.provider, j + 1, fresh[j], domain, grade, day, leaf.category)
                for j in range(k)
            ]
            yield Crossing(
                atom,
                "more organisations",
                f"{k} more organisation(s) ({', '.join(fresh[:k])}) raising {domain} concerns, "
                f"graded {grade[2]}{grade[3]}, {grade[1]}",
                _added(ws, *items),
            )


def _corroborations(
    ws: Workspace,
    ruleset: CompiledRuleset,
    proposal: Proposal,
    leaf: Corroborated,
    atom: Atom,
    as_of: int,
) -> Iterator[Crossing]:
    day = month_end(as_of)
    fresh = _new_sources(ws, proposal, leaf.source)
    if len(fresh) < 2:
        return
    for domain in _domains(leaf):
        grade = _gradings(ruleset, domain)[0]
        items = [
            _item(proposal.provider, j + 1, fresh[j], domain, grade, day, leaf.category)
            for j in range(2)
        ]
        yield Crossing(
            atom,
            "a corroborated concern",
            f"{domain} concerns from {fresh[0]} and {fresh[1]}, graded {grade[2]}{grade[3]}",
            _added(ws, *items),
        )


def _hard_and_soft(
    ws: Workspace,
    ruleset: CompiledRuleset,
    proposal: Proposal,
    leaf: HardAndSoft,
    atom: Atom,
    as_of: int,
) -> Iterator[Crossing]:
    day = month_end(as_of)
    sources = _sources(ws, None)
    if not sources:
        return
    weights: dict[str, float] = {}
    for s in proposal.evidence.soft:
        if s.counted:
            weights[s.domain] = weights.get(s.domain, 0.0) + s.weight
    for domain in [leaf.domain] if leaf.domain else list(Domain):
        options = Breach(domain=domain).candidates(ruleset)
        if not options:
            continue
        ind, test = sorted(options, key=lambda it: it[1] is not HardTest.STANDARD)[0]
        after = with_breach(ws, ruleset, proposal.provider, ind, test, Strength.NOTABLE, as_of)
        want = (leaf.soft_min or 0.001) - weights.get(domain, 0.0)
        grades = _gradings(ruleset, domain)
        grade = next((g for g in grades if g[0] >= want), grades[-1])
        n = max(1, min(12, math.ceil(want / grade[0]))) if want > 0 else 1
        items = [
            _item(proposal.provider, j + 1, sources[j % len(sources)], domain, grade, day, None)
            for j in range(n)
        ]
        yield Crossing(
            atom,
            "a breach and a concern in one domain",
            f"a breach of {ind} ({test}) and {n} {domain} item(s)",
            _added(after, *items),
        )


def grew(before: Proposal, after: Proposal) -> bool:
    """True when ``after``'s evidence holds every finding of ``before``'s, as strong, and
    every counted item with at least its weight: evidence was only added."""
    hard = {(f.indicator, f.test): f.strength for f in after.evidence.hard}
    for f in before.evidence.hard:
        if (f.indicator, f.test) not in hard or hard[(f.indicator, f.test)] < f.strength:
            return False
    soft: dict[str, SoftFinding] = {s.id: s for s in after.evidence.soft}
    for s in before.evidence.soft:
        other = soft.get(s.id)
        if other is None or (s.counted and (not other.counted or other.weight < s.weight)):
            return False
    return True


__all__ = ["Crossing", "ceilings", "crossings", "grew", "needed", "with_breach"]
