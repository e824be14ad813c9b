"""A mutation check of our own: deliberate bugs in the rule, evidence and explanation code.

Each mutant below is one small source patch (a comparison, a filter, a choice of evidence)
of the kind a careless edit makes. The script copies the project to a temporary folder,
applies one mutant at a time, runs the tests most likely to notice (the default ruleset's
scenario suite first, then the golden outputs and the property tests), and reports which
mutants survive. Every mutant on the list must be killed; exit 1 when one survives, 2 when
the list no longer matches the code.

    python scripts/mutation_check.py            # every mutant
    python scripts/mutation_check.py --only closed-on-the-as-of-date-still-counts
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = "tests/test_scenarios.py::test_the_default_suite_passes"
BROADER = (
    "tests/test_golden.py",
    "tests/test_soft.py",
    "tests/test_triage_properties.py",
    "tests/test_engine_oracle.py",
)


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str
    new: str
    why: str


MUTANTS = (
    Mutant(
        "cited-min-evidence",
        "qsgrules/ruleset/conditions/tree.py",
        'return self.op in (">", ">=") and',
        'return self.op == ">" and',
        "a minimum (>=) met cites no evidence",
    ),
    Mutant(
        "met-minimum-not-shown",
        "qsgrules/ruleset/conditions/tree.py",
        'if op == ">=":\n        return a >= e',
        'if op == ">=":\n        return a > e',
        "a value exactly at a minimum is not shown as met",
    ),
    Mutant(
        "breached-lists-every-breach",
        "qsgrules/engine/explain.py",
        "breached = cited_hard or list(facts.hard)",
        "breached = list(facts.hard)",
        "{breached} names breaches the rule did not cite",
    ),
    Mutant(
        "hard-and-soft-cites-every-breach",
        "qsgrules/ruleset/conditions/kinds.py",
        "[f for f in facts.hard if f.domain in domains],",
        "list(facts.hard),",
        "hard_and_soft cites breaches in other domains",
    ),
    Mutant(
        "strength-ignored",
        "qsgrules/ruleset/conditions/kinds.py",
        "and f.strength >= self.strength",
        "and f.strength >= Strength.NOTABLE",
        "a strong-breach condition counts notable breaches",
    ),
    Mutant(
        "lowest-level-proposed",
        "qsgrules/engine/levels.py",
        "return Levels(ladder.highest(r.level for r in fired), {}, (), ())",
        "return Levels(min((r.level for r in fired), default=ladder.lowest), {}, (), ())",
        "the proposal takes the lowest fired level",
    ),
    Mutant(
        "limit-itself-is-a-breach",
        "qsgrules/evidence/hard.py",
        "beyond = sub.value > std.limit if",
        "beyond = sub.value >= std.limit if",
        "a value equal to the standard is a breach",
    ),
    Mutant(
        "one-month-too-few",
        "qsgrules/evidence/hard.py",
        "counts >= std.min_months",
        "counts > std.min_months",
        "a breach needs one month more than min_months",
    ),
    Mutant(
        "strong-after-one-strong-month",
        "qsgrules/evidence/hard.py",
        "strong_months >= std.min_months",
        "strong_months >= 1",
        "one month beyond the strong limit makes a strong breach",
    ),
    Mutant(
        "trend-window-one-month-longer",
        "qsgrules/evidence/trend.py",
        "in_window[:, group.rows.shape[1] - group.judged :] = True",
        "in_window[:, group.rows.shape[1] - group.judged - 1 :] = True",
        "the trend test looks one month further back than its window",
    ),
    Mutant(
        "peer-notable-reported-strong",
        "qsgrules/evidence/peer.py",
        "strength=Strength.STRONG if strong[j] else Strength.NOTABLE,",
        "strength=Strength.STRONG if notable[j] else Strength.NOTABLE,",
        "outside the 95% funnel limit is reported as strong",
    ),
    Mutant(
        "peer-direction-flipped",
        "qsgrules/evidence/peer.py",
        'side = 1 if direction == "above" else -1',
        'side = -1 if direction == "above" else 1',
        "the funnel looks for outliers on the good side",
    ),
    Mutant(
        "closed-on-the-as-of-date-still-counts",
        "qsgrules/evidence/soft.py",
        "item.closed_on <= as_of:",
        "item.closed_on < as_of:",
        "an item closed on the as-of date still counts",
    ),
    Mutant(
        "expired-on-the-as-of-date-still-counts",
        "qsgrules/evidence/soft.py",
        "item.expires <= as_of:",
        "item.expires < as_of:",
        "an item expiring on the as-of date still counts",
    ),
    Mutant(
        "zero-weight-items-corroborate",
        "qsgrules/evidence/soft.py",
        "weighty = [i for i in counted if _weight(i, settings, as_of, who[i.source]) > 0]",
        "weighty = counted",
        "an item that weighs nothing corroborates another",
    ),
    Mutant(
        "corroboration-not-weighted",
        "qsgrules/evidence/soft.py",
        "corr = settings.corroboration_weight if corroborated_by else 1.0",
        "corr = 1.0",
        "corroborated items count no more",
    ),
    Mutant(
        "no-recency-decay",
        "qsgrules/evidence/soft.py",
        "decay = 0.5 ** (age / settings.half_life_days)",
        "decay = 1.0",
        "old intelligence weighs as much as new",
    ),
)


def _copy(to: Path) -> None:
    ignore = shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", "qsg-counterexample"
    )
    shutil.copytree(ROOT, to, ignore=ignore, dirs_exist_ok=True)


def _pytest(copy: Path, targets: list[str]) -> bool:
    """True when the tests pass (the mutant survives them)."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *targets],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0


def check(mutant: Mutant, copy: Path) -> tuple[bool, str]:
    """(killed, by what)."""
    path = copy / mutant.file
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
    try:
        if not _pytest(copy, [SCENARIOS]):
            return True, "the scenario suite"
        if not _pytest(copy, list(BROADER)):
            return True, "golden outputs or property tests"
        return False, ""
    finally:
        path.write_text(original, encoding="utf-8")


def stale() -> list[str]:
    """Mutants whose code is no longer there exactly once (the list must follow the code)."""
    return [m.name for m in MUTANTS if (ROOT / m.file).read_text().count(m.old) != 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    unknown = sorted(set(args.only) - {m.name for m in MUTANTS})
    changed = [name for name in stale() if name in {m.name for m in chosen}]
    if unknown or changed:
        print(f"unknown mutants: {unknown}; stale (code changed): {changed}", file=sys.stderr)
        return 2
    survived = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qsg-mutants-") as folder:
        copy = Path(folder)
        _copy(copy)
        if not _pytest(copy, [SCENARIOS]):  # a kill must be the mutant's, not the copy's
            print("the scenario suite fails without any mutant: fix that first", file=sys.stderr)
            return 2
        for mutant in chosen:
            began = time.perf_counter()
            killed, by = check(mutant, copy)
            took = time.perf_counter() - began
            verdict = f"killed by {by}" if killed else "SURVIVED"
            print(f"{mutant.name:<40} {verdict} ({took:.0f} s): {mutant.why}", flush=True)
            if not killed:
                survived.append(mutant.name)
    print(
        f"{len(chosen) - len(survived)} of {len(chosen)} mutants killed "
        f"in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
