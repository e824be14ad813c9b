"""``qsg verify``: check a ruleset's soundness with Hypothesis on generated workspaces.

``verify(ruleset)`` runs Hypothesis programmatically (not through pytest) over workspaces
from ``qsgrules.strategies.workspaces(ruleset=...)``, which aim at every rule and declared
property. Each example checks determinism, order independence, that a later date with no new row
removes no hard finding (``absence.py``), the declared properties and one change that adds
to or worsens a provider's current evidence (``checks.py``). Before them, aimed probes
(``probes.py``, with a seed of their own) reach every rule on purpose and take every ceiling
a rule turns on (a `max`, `not` over evidence) just past its number. Across
examples it records which levels were proposed and which rules fired and decided a level,
so that a level or a rule never reached is reported too. A failing property is shrunk by
Hypothesis to a small counterexample, which ``write_counterexample`` writes as workspace
folders that ``qsg triage --workspace`` reproduces.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from ..engine.levels import PROVIDER
from ..model.vocabulary import Level
from ..ruleset import CompiledRuleset
from ..ruleset.conditions import atoms
from ..strategies import workspaces
from ..workspace import Workspace
from ..workspace.writer import workspace_files, write_workspace
from .absence import ABSENCE, check_absence
from .checks import (
    DETERMINISM,
    MONOTONE,
    ORDER,
    Counterexample,
    Declared,
    PropertyFailed,
    changes,
    check_declared,
    check_monotone,
    check_order_and_determinism,
    declared,
)
from .crossings import ceilings
from .ladder import (
    CAPS,
    EXITS,
    FLOORS,
    HOLD,
    check_exits_and_floors,
    check_hold,
    scope_level,
    uses_ladder,
    without_caps,
)
from .probes import ProbeTally, probe, trimmed

#: The month generated workspaces end in (any past month would do).
AS_OF = "2019-03"
#: The seed of the random examples when none is given: a run is repeatable by default (a
#: CI gate on verify must not fail one run in ten); give --seed to explore further.
DEFAULT_SEED = 0


@dataclass
class Tally:
    """What the examples reached."""

    examples: int = 0
    levels: Counter[str] = field(default_factory=Counter)
    fired: Counter[str] = field(default_factory=Counter)
    decided: Counter[str] = field(default_factory=Counter)
    changes: Counter[str] = field(default_factory=Counter)
    declared: Counter[str] = field(default_factory=Counter)
    exits_met: Counter[str] = field(default_factory=Counter)  # rule -> exit criteria held
    held: int = 0  # standing levels drawn and checked (ladder.check_hold)
    capped: Counter[str] = field(default_factory=Counter)  # cap -> falls it caused
    # trend tests whose baseline hid a signal or was too short (evidence.baseline), by kind,
    # and the first few providers whose baseline hid one
    baseline: Counter[str] = field(default_factory=Counter)
    hid: list[str] = field(default_factory=list)


#: Shrinking stops this long after the first failure (the smallest example so far is kept).
SHRINK_SECONDS = 20.0


class _Smallest:
    """The smallest counterexample seen (fewest rows, items and providers)."""

    def __init__(self) -> None:
        self.found: Counterexample | None = None
        self.first = 0.0

    def spent(self) -> float:
        return time.perf_counter() - self.first

    @staticmethod
    def size(cx: Counterexample) -> tuple[int, int]:
        sizes = [
            len(ws.observations) + len(ws.intelligence) + len(ws.providers)
            for ws in cx.workspaces.values()
        ]
        return (max(sizes), sum(sizes))

    def offer(self, cx: Counterexample) -> None:
        if self.found is None:
            self.first = time.perf_counter()
        if self.found is None or self.size(cx) <= self.size(self.found):
            self.found = cx


@dataclass(frozen=True)
class Outcome:
    """One property and whether it held."""

    ok: bool
    text: str
    note: bool = False  # said for the analyst to read, neither a pass nor a failure


@dataclass(frozen=True)
class VerifyReport:
    ruleset: str
    examples: int
    seed: int
    seconds: float
    outcomes: tuple[Outcome, ...]
    counterexample: Counterexample | None
    aimed: int = 0  # the probes' workspaces (``probes.py``)

    @property
    def ok(self) -> bool:
        return self.counterexample is None and all(o.ok for o in self.outcomes)


def verify(
    ruleset: CompiledRuleset,
    *,
    examples: int = 200,
    seed: int | None = None,
    shrink_seconds: float = SHRINK_SECONDS,
) -> VerifyReport:
    """Check ``ruleset``'s built-in and declared properties on aimed probes and on
    ``examples`` random workspaces (drawn from ``seed``, ``DEFAULT_SEED`` when None).

    The probes run first and do not depend on the seed: a counterexample they find is
    reported as it is; one found among the random examples is shrunk for at most
    ``shrink_seconds`` after it is first found, and the smallest seen is reported."""
    chosen = DEFAULT_SEED if seed is None else seed
    props = declared(ruleset)
    tally = Tally()
    start = time.perf_counter()
    probed, found = probe(ruleset, AS_OF)
    if found is not None:
        seconds = time.perf_counter() - start
        return VerifyReport(ruleset.source, 0, chosen, seconds, (), found, aimed=probed.examples)

    # sparse workspaces (one aim per provider, little else) show what one rule does alone;
    # rich ones show rules together
    sparse = workspaces(ruleset=ruleset, as_of=AS_OF, max_aims=1, max_items=1)
    rich = workspaces(ruleset=ruleset, as_of=AS_OF)
    # rules with a ceiling (`not` over evidence, a `max`) are where more can mean less
    ceiling = [r.id for r in ruleset.rules if any(a.op in ("<", "<=") for a in atoms(r.condition))]
    if ceiling:
        focused = workspaces(ruleset=ruleset, as_of=AS_OF, max_aims=1, max_items=1, rules=ceiling)
        sparse = st.one_of(sparse, focused)

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
    )
    @hypothesis_seed(chosen)
    @given(ws=st.one_of(sparse, rich), data=st.data())
    def run(ws: object, data: st.DataObject) -> None:
        assert isinstance(ws, Workspace)
        if shrinking.found is not None and shrinking.spent() > shrink_seconds:
            return  # enough shrinking: the smallest counterexample so far is reported
        try:
            check(ws, data)
        except PropertyFailed as exc:
            shrinking.offer(exc.counterexample)
            raise

    def check(ws: Workspace, data: st.DataObject) -> None:
        tally.examples += 1
        seed = data.draw(st.integers(0, 2**32 - 1), label="order")
        result = check_order_and_determinism(ws, ruleset, AS_OF, seed)
        check_absence(ws, ruleset, result, data.draw(st.integers(1, 24), label="months later"))
        by_id = {r.id: r for r in ruleset.rules}
        for p in result.proposals:
            tally.levels[p.level.value] += 1
            for note in p.baseline:
                tally.baseline[note.kind] += 1
                if note.kind == "hides_signal" and len(tally.hid) < 3:
                    tally.hid.append(
                        f"{p.provider} {note.indicator}: {note.month} hid {note.period}"
                    )
            for fired in p.rules:
                tally.fired[fired.id] += 1
                # a domain's rule decides its domain's level
                if by_id[fired.id].level == scope_level(ruleset, p, fired.domain or PROVIDER):
                    tally.decided[fired.id] += 1
        if ladder_rules:
            check_exits_and_floors(ws, ruleset, result, tally.exits_met)
        for prop in check_declared(ws, result, props):
            tally.declared[prop.text] += 1
        # a provider some rule raised is where a level can fall: chosen more often
        raised = [p for p in result.proposals if p.rules]
        prefer: int = data.draw(st.integers(0, 3), label="raised")
        pool = raised if raised and prefer else list(result.proposals)
        current = data.draw(st.sampled_from(pool), label="provider")
        change = data.draw(changes(ws, ruleset, current, AS_OF), label="change")
        tally.changes[change.what] += 1
        for cap in check_monotone(ws, ruleset, AS_OF, current, change, uncapped):
            tally.capped[cap] += 1
        if ladder_rules:
            tally.held += check_hold(ws, ruleset, current, AS_OF, data)

    ladder_rules = uses_ladder(ruleset)
    uncapped = without_caps(ruleset)
    shrinking = _Smallest()
    try:
        run()
    except Exception:  # the failure, or Hypothesis' Flaky when shrinking was cut short
        if shrinking.found is None:
            raise
    counterexample = shrinking.found
    if counterexample is not None and counterexample.property.startswith(MONOTONE):
        # Hypothesis shrinks rows and items, not whole providers: one where one suffices
        counterexample = trimmed(counterexample, ruleset)
    seconds = time.perf_counter() - start
    outcomes = () if counterexample else _outcomes(ruleset, tally, props, probed)
    return VerifyReport(
        ruleset.source,
        tally.examples,
        chosen,
        seconds,
        tuple(outcomes),
        counterexample,
        aimed=probed.examples,
    )


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counter.items()))


def _outcomes(
    ruleset: CompiledRuleset, tally: Tally, props: list[Declared], probed: ProbeTally
) -> list[Outcome]:
    n = tally.examples
    modulo = ""
    if any(not lim.limit.floor for lim in ruleset.limits):
        # a cap lowers a level on purpose: say how often it did, by which cap
        modulo = "; modulo the ruleset's caps, " + (
            f"which lowered a level {tally.capped.total()} times ({_counts(tally.capped)})"
            if tally.capped
            else "which lowered no level here"
        )
    out = [
        Outcome(True, f"{MONOTONE}: {n} changes ({_counts(tally.changes)}){modulo}"),
        *([Outcome(True, f"{CAPS}: {n} examples")] if modulo else []),
        Outcome(True, f"{ORDER}: {n} examples"),
        Outcome(True, f"{DETERMINISM}: {n} examples"),
        Outcome(True, f"{ABSENCE}: {n} examples"),
    ]
    if uses_ladder(ruleset):
        out += [
            Outcome(True, f"{EXITS}: {n} examples"),
            Outcome(True, f"{FLOORS}: {n} examples"),
            Outcome(True, f"{HOLD}: {tally.held} standing levels drawn"),
        ]
        for rule in ruleset.rules:
            if rule.exit is None:
                continue
            k = tally.exits_met[rule.id]
            out.append(
                Outcome(
                    k > 0,
                    f"rule {rule.id}'s exit criteria hold ({k}): a provider placed at "
                    f"{rule.level.value} can come down"
                    if k
                    else f"rule {rule.id}'s exit criteria never held in {n} examples: a "
                    f"provider placed at {rule.level.value} could never come down",
                )
            )
    named = sorted({r.level for r in ruleset.rules}, reverse=True)
    # a level some aimed workspace reached (a rule of it decided there) was proposed too
    reached = {r.level.value for r in ruleset.rules if probed.decided[r.id]}
    missing = [lv.value for lv in named if not tally.levels[lv.value] and lv.value not in reached]
    seen = ", ".join(f"{lv.value} {tally.levels[lv.value]}" for lv in named)
    out.append(
        Outcome(
            not missing,
            f"every level the ruleset names is proposed: {seen} (provider proposals)"
            + (f"; never proposed: {', '.join(missing)}" if missing else ""),
        )
    )
    for rule in ruleset.rules:
        fired = tally.fired[rule.id] + probed.fired[rule.id]
        decided = tally.decided[rule.id] + probed.decided[rule.id]
        if not fired:
            text = (
                f"rule {rule.id} never fired in {n} examples nor in {probed.examples} "
                "workspaces aimed at it"
            )
        elif not decided:
            text = (
                f"rule {rule.id} fired {fired} times but never decided the level (a rule "
                f"above {rule.level.value} always fired with it)"
            )
        else:
            text = f"rule {rule.id} fires ({fired}) and decides the level ({decided})"
        out.append(Outcome(bool(fired and decided), text))
        if ceilings(rule):
            # what `qsg check` warns of (QSG104), sought on purpose and not found
            out.append(
                Outcome(
                    True,
                    f"rule {rule.id}: not monotone as `qsg check` suspects (QSG104)? "
                    f"suspected, not found: {probed.crossed[rule.id]} crossings of its "
                    f"ceilings from {probed.bases[rule.id]} aimed workspaces where it decided "
                    f"the level, and {n} random changes",
                )
            )
    if any(s.trend is not None for s in ruleset.spec.indicators.values()):
        out.append(Outcome(True, _baseline_words(tally), note=True))
    for prop in props:
        held = tally.declared[prop.text]
        text = (
            f"{prop.text}: its condition held for {held} providers"
            if held
            else f"{prop.text}: its condition never held in {n} examples, so it was not checked"
        )
        out.append(Outcome(bool(held), text))
    return out


def _baseline_words(tally: Tally) -> str:
    """What the trend tests' baselines did in the examples (``evidence.baseline``): data,
    not the ruleset, so a note; it says what each explanation says."""
    hid, short = tally.baseline["hides_signal"], tally.baseline["too_short"]
    said = (
        f"baseline: a month of a trend test's baseline hid a signal for {hid} providers "
        f"({'; '.join(tally.hid)})"
        if hid
        else "baseline: no trend test's baseline hid a signal"
    )
    return (
        f"{said}, and {short} charts had too short a baseline to judge, in "
        f"{tally.examples} examples; each is said in its explanation, never read as no "
        "concern"
    )


def write_counterexample(cx: Counterexample, folder: str | Path) -> dict[str, Path]:
    """Write each workspace of ``cx`` into its own subfolder of ``folder``."""
    root = Path(folder)
    return {name: write_workspace(ws, root / name) for name, ws in cx.workspaces.items()}


def counterexample_files(cx: Counterexample) -> dict[str, dict[str, str]]:
    """Workspace name -> file name -> text (what ``write_counterexample`` writes)."""
    return {name: workspace_files(ws) for name, ws in cx.workspaces.items()}


__all__ = [
    "AS_OF",
    "DEFAULT_SEED",
    "Counterexample",
    "Level",
    "Outcome",
    "VerifyReport",
    "counterexample_files",
    "verify",
    "write_counterexample",
]
