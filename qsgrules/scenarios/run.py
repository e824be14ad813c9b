"""Run a scenario: triage its workspace and compare the proposals with what it expects."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.levels import Held
from ..engine.triage import triage
from ..model.proposal import ConditionMet, FiredRule, HardRef, Proposal, SoftRef
from ..ruleset.conditions import compile_condition, flatten
from ..ruleset.criteria import condition_text
from .load import Scenario
from .schema import ProviderExpectation


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    differences: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def where(self) -> str:
        return f"{self.scenario.file}:{self.scenario.line}"


def _words(text: str) -> str:
    return " ".join(text.split())


def _set(label: str, expected: list[str], actual: list[str]) -> list[str]:
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    out = []
    if missing:
        out.append(f"{label}: expected but not there: {', '.join(missing)}")
    if extra:
        out.append(f"{label}: there but not expected: {', '.join(extra)}")
    return out


def _hard_refs(rule: FiredRule, expected: list[str]) -> list[str]:
    """The rule's cited findings, written as the expectation writes each of them."""
    with_strength = {e for e in expected if e.count(":") == 2}
    refs = []
    for e in rule.evidence:
        if isinstance(e, HardRef):
            full = f"{e.indicator}:{e.test}:{e.strength}"
            refs.append(full if full in with_strength else f"{e.indicator}:{e.test}")
    return refs


def compare(code: str, exp: ProviderExpectation, p: Proposal) -> list[str]:
    """Every way the proposal differs from the expectation, in words."""
    out = []
    if p.level.value != exp.level:
        out.append(f"{code}: level: expected {exp.level}, got {p.level.value}")
    if exp.domains is not None:
        got = {d: lv.value for d, lv in p.domains.items()}
        for d in sorted(set(exp.domains) | set(got)):
            want, have = exp.domains.get(d), got.get(d)
            if want != have and not (want is not None and have is None and _lowest(p, want)):
                out.append(f"{code}: {d}: expected {want or 'the lowest level'}, got {have}")
    if exp.exits is not None:
        got_exits = {e.scope: "met" if e.met else "not_met" for e in p.exits}
        if got_exits != exp.exits:
            out.append(f"{code}: exits: expected {exp.exits}, got {got_exits}")
    if exp.limits is not None:
        out += [f"{code}: {d}" for d in _set("limits", exp.limits, [x.id for x in p.limits])]
    fired = {r.id: r for r in p.rules}
    if exp.rules is not None:
        out += [f"{code}: {d}" for d in _set("rules fired", exp.rules, list(fired))]
    for rule_id, cites in exp.cites.items():
        rule = fired.get(rule_id)
        if rule is None:
            out.append(f"{code}: {rule_id} did not fire, so it cites nothing")
            continue
        hard = _hard_refs(rule, cites.hard)
        soft = [e.id for e in rule.evidence if isinstance(e, SoftRef)]
        out += [f"{code}: {rule_id} cites {d}" for d in _set("hard", cites.hard, hard)]
        out += [f"{code}: {rule_id} cites {d}" for d in _set("soft", cites.soft, soft)]
    for rule_id, conditions in exp.met.items():
        rule = fired.get(rule_id)
        if rule is None:
            out.append(f"{code}: {rule_id} did not fire, so it met nothing")
            continue
        met = [e.condition for e in rule.evidence if isinstance(e, ConditionMet)]
        out += [f"{code}: {rule_id} met {d}" for d in _set("conditions", conditions, met)]
    for rule_id, text in exp.because.items():
        rule = fired.get(rule_id)
        if rule is None:
            out.append(f"{code}: {rule_id} did not fire, so it says nothing")
        elif _words(rule.because) != _words(text):
            out.append(
                f"{code}: {rule_id} because:\n    expected: {_words(text)}\n"
                f"    got:      {_words(rule.because)}"
            )
    return out


def _lowest(p: Proposal, name: str) -> bool:
    return p.level.ladder_ids[:1] == (name,)


def _standing(scenario: Scenario) -> dict[str, Held]:
    ladder = scenario.ruleset.ladder
    return {
        code: Held(
            level=ladder.rung(s.level) if s.level is not None else None,
            domains={d: ladder.rung(lv) for d, lv in s.domains.items()},
            since=s.since,
            criteria={k: flatten(compile_condition(c)) for k, c in s.exit_when.items()},
            agreed={
                k: condition_text(c.model_dump(mode="json", by_alias=True, exclude_unset=True))
                for k, c in s.exit_when.items()
            },
        )
        for code, s in scenario.spec.standing.items()
    }


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Triage the scenario's workspace as of its month and compare each expected provider."""
    result = triage(
        scenario.workspace,
        scenario.ruleset,
        as_of=scenario.as_of,
        standing=_standing(scenario),
    )
    by_code = {p.provider: p for p in result.proposals}
    differences: list[str] = []
    for code, exp in scenario.spec.expect.items():
        differences += compare(code, exp, by_code[code])
    return ScenarioResult(scenario, tuple(differences))
