"""A mutation check of our own: deliberate bugs in the code whose mistakes a reader cannot see.

Each mutant below is one small source patch (a comparison, a filter, a choice of evidence, a
default) of the kind a careless edit makes: in the rules, evidence and explanations, and in
the register (standings, what a decision carries forward, the audit chain), the web app (the
form token, ``--public``), the pack (``--public``), the columnar indicators loader, coverage
warnings, organisation independence, trend baselines and source weights. The script copies
the project to a temporary folder, applies one mutant at a time and runs the fast tests the
mutant names (by default the default ruleset's scenario suite, then the golden outputs and
the property tests), and reports which test killed each one and which survive. Every mutant
on the list must be killed; exit 1 when one survives, 2 when the list no longer matches the
code or a test it uses fails without any mutant.

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
    # the fast tests most likely to kill it; none: the scenario suite, then BROADER
    tests: tuple[str, ...] = ()


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
        "weighty = [i for i in counted if weigher.weight(i, who[i.source]) > 0]",
        "weighty = counted",
        "an item that weighs nothing corroborates another",
    ),
    Mutant(
        "corroboration-not-weighted",
        "qsgrules/evidence/soft.py",
        "corr = self.settings.corroboration_weight if corroborated_by else 1.0",
        "corr = 1.0",
        "corroborated items count no more",
    ),
    Mutant(
        "no-recency-decay",
        "qsgrules/evidence/soft.py",
        "decay = 0.5 ** (age / half_life)",
        "decay = 1.0",
        "old intelligence weighs as much as new",
    ),
)

# the register: standings, what a decision carries forward, the audit chain
CARRY = ("tests/register/test_carry_forward.py",)
STANDINGS = (
    "tests/register/test_carry_forward.py::test_of_two_meetings_on_one_date_the_later_decision_stands",
    "tests/register/test_carry_forward.py::test_the_standing_on_a_date_includes_that_days_decision",
)
CHAIN = (
    "tests/register/test_audit_anchor.py",
    "tests/register/test_store.py::test_verify_finds_a_record_deleted_from_the_middle_or_the_end",
)
WEB = ("tests/web/test_forms.py", "tests/web/test_pages.py", "tests/web/test_record_room.py")
PUBLIC = ("tests/test_confidential.py", "tests/test_pack.py")
LOADER = ("tests/test_intake.py", "tests/test_input_cases.py", "tests/test_workspace_cases.py")
COVERAGE = ("tests/test_coverage.py",)
ORGANISATIONS = ("tests/test_organisations.py", "tests/test_soft.py")
BASELINES = ("tests/test_trend_baseline.py",)
WEIGHTS = ("tests/test_soft.py", "tests/test_organisations.py")

MUTANTS += (
    Mutant(
        "carried-across-a-level-change",
        "qsgrules/register/decisions.py",
        "if held is None or held.level != final:\n        return None, None",
        "if held is None:\n        return None, None",
        "review date and exit criteria are carried to a different level",
        CARRY,
    ),
    Mutant(
        "kept-from-the-last-meeting",
        "qsgrules/register/decisions.py",
        'return value, getattr(held, f"{name}_from") or held.meeting',
        "return value, held.meeting",
        "a carried value names the last meeting, not the one that set it",
        CARRY,
    ),
    Mutant(
        "standing-ignores-record-order",
        "qsgrules/register/state.py",
        "if held is None or (d.decided_on, d.seq) > (held.decided_on, held.seq):",
        "if held is None or d.decided_on > held.decided_on:",
        "of two decisions on one date the first stands, not the later",
        STANDINGS,
    ),
    Mutant(
        "standing-on-a-date-sees-that-days-decision-late",
        "qsgrules/register/state.py",
        "if on is not None and d.decided_on > on:",
        "if on is not None and d.decided_on >= on:",
        "a decision taken on the date asked about is not yet standing",
        STANDINGS,
    ),
    Mutant(
        "last-record-deleted-unnoticed",
        "qsgrules/register/store.py",
        "if top and top[0] > last_seq:",
        "if top and top[0] > last_seq + 1:",
        "the last record deleted from the register goes unnoticed",
        CHAIN,
    ),
    Mutant(
        "hmac-checked-from-the-last",
        "qsgrules/register/store.py",
        "first = min(macs)",
        "first = max(macs)",
        "HMACs are checked from the last record that carries one only",
        CHAIN,
    ),
    Mutant(
        "hash-not-chained",
        "qsgrules/register/store.py",
        'return hashlib.sha256(canonical([*row, prev_hash]).encode("utf-8")).hexdigest()',
        'return hashlib.sha256(canonical(list(row)).encode("utf-8")).hexdigest()',
        "a record's hash does not cover its predecessor's: an edit recomputed is not found",
        CHAIN,
    ),
    Mutant(
        "csrf-token-defaults-to-itself",
        "qsgrules/web/app.py",
        'sent = request.form.get("csrf", "")',
        'sent = request.form.get("csrf", token)',
        "a form sent without the token is accepted",
        WEB,
    ),
    Mutant(
        "public-page-writable",
        "qsgrules/web/live.py",
        "writable = m is not None and not m.locked and not self.public",
        "writable = m is not None and not m.locked",
        "a --public page shows the recording forms",
        WEB,
    ),
    Mutant(
        "public-post-with-token-accepted",
        "qsgrules/web/app.py",
        "if live.public:\n                abort(403,",
        'if live.public and request.form.get("csrf") != token:\n                abort(403,',
        "a --public page records a form that carries the token",
        WEB,
    ),
    Mutant(
        "public-page-shows-shared-summaries",
        "qsgrules/web/app.py",
        'if live.public and d.get("handling") == "confidential"',
        'if live.public and d.get("handling") == "restricted"',
        "a --public page shows a confidential shared item's summary",
        WEB,
    ),
    Mutant(
        "public-note-leaks",
        "qsgrules/reports/public.py",
        'update={"summary": WITHHELD, "note": WITHHELD if finding.note else ""}',
        'update={"summary": WITHHELD}',
        "a confidential item's note (why closed, what it duplicates) is published",
        PUBLIC,
    ),
    Mutant(
        "publishable-keeps-soft-text",
        "qsgrules/reports/public.py",
        "hard=p.evidence.hard, soft=tuple(public_finding(s) for s in p.evidence.soft)",
        "hard=p.evidence.hard, soft=p.evidence.soft",
        "a public triage keeps every confidential summary",
        PUBLIC,
    ),
    Mutant(
        "public-pack-not-withheld",
        "qsgrules/api/pack.py",
        "publishable(result) if public else result,",
        "result,",
        "qsg pack --public writes confidential summaries",
        PUBLIC,
    ),
    Mutant(
        "columnar-lines-off-by-one",
        "qsgrules/workspace/indicator_columns.py",
        "np.arange(2, table.num_rows + 2, dtype=np.int64)",
        "np.arange(1, table.num_rows + 1, dtype=np.int64)",
        "a problem in indicators.csv names the line above it",
        LOADER,
    ),
    Mutant(
        "columnar-infinity-accepted",
        "qsgrules/workspace/indicator_columns.py",
        "    out[~np.isfinite(out)] = np.nan\n    return out, empty",
        "    return out, empty",
        "inf and nan in indicators.csv are read as numbers",
        LOADER,
    ),
    Mutant(
        "columnar-trusts-quoted-line-breaks",
        "qsgrules/workspace/indicator_columns.py",
        "or (quoted and table.num_rows != lines - 1)",
        "or (quoted and table.num_rows > lines)",
        "a quoted line break shifts every later row's line number",
        LOADER,
    ),
    Mutant(
        "stale-one-month-late",
        "qsgrules/evidence/coverage.py",
        "stale=seen is None or when - seen >= spec.stale_after_months,",
        "stale=seen is None or when - seen > spec.stale_after_months,",
        "data stale_after_months old are not marked stale",
        COVERAGE,
    ),
    Mutant(
        "no-data-is-not-stale",
        "qsgrules/evidence/coverage.py",
        "stale=seen is None or when - seen >= spec.stale_after_months,",
        "stale=seen is not None and when - seen >= spec.stale_after_months,",
        "a provider with no data at all reads as current",
        COVERAGE,
    ),
    Mutant(
        "window-counts-one-month-more",
        "qsgrules/evidence/coverage.py",
        "who, weights=(when_rows > when - window), minlength=n_names",
        "who, weights=(when_rows >= when - window), minlength=n_names",
        "a month before the window counts as present in it",
        COVERAGE,
    ),
    Mutant(
        "trend-window-not-in-coverage",
        "qsgrules/evidence/coverage.py",
        "    if settings.trend is not None:\n        windows.append(settings.trend.months)\n",
        "",
        "months missing from a trend test's window are not reported",
        COVERAGE,
    ),
    Mutant(
        "sub-body-is-independent",
        "qsgrules/evidence/soft.py",
        "out[item.source] = Source(chain[-1], kind, weight, key)",
        "out[item.source] = Source(chain[0], kind, weight, key)",
        "a part of an organisation counts as an organisation of its own",
        ORGANISATIONS,
    ),
    Mutant(
        "alias-compared-exactly",
        "qsgrules/workspace/members.py",
        "index.setdefault(visible_form(alias), member.name)",
        "index.setdefault(alias, member.name)",
        "one body under an alias written differently counts twice",
        ORGANISATIONS,
    ),
    Mutant(
        "baseline-months-ignored",
        "qsgrules/evidence/trend.py",
        "base = np.minimum(before, test.baseline_months) if fixed else lengths",
        "base = before if fixed else lengths",
        "the baseline takes every month before the window, not baseline_months",
        BASELINES,
    ),
    Mutant(
        "baseline-one-point-too-few",
        "qsgrules/evidence/trend.py",
        "tested = j > 0 and b >= test.min_points",
        "tested = j > 0 and b > test.min_points",
        "a baseline of exactly min_points is not tested",
        BASELINES,
    ),
    Mutant(
        "baseline-from-the-series-start",
        "qsgrules/evidence/trend.py",
        "start = bounds[:-1] + (before - base if fixed else 0)",
        "start = bounds[:-1]",
        "the baseline is the oldest months, not those just before the window",
        BASELINES,
    ),
    Mutant(
        "kind-weight-beats-organisation-weight",
        "qsgrules/evidence/soft.py",
        "weight, key = settings.source_weights[name], name\n                break",
        "weight, key = settings.source_weights[name], name",
        "a kind's source weight overrides the organisation's own",
        WEIGHTS,
    ),
    Mutant(
        "parent-weight-not-inherited",
        "qsgrules/evidence/soft.py",
        "for name in (*chain, kind):",
        "for name in (item.source, kind):",
        "a part of an organisation does not take the organisation's source weight",
        WEIGHTS,
    ),
    Mutant(
        "source-weight-not-applied",
        "qsgrules/evidence/soft.py",
        "weight = product * decay * dom * source.weight * cat * corr",
        "weight = product * decay * dom * cat * corr",
        "a source weight is shown but not applied",
        WEIGHTS,
    ),
    Mutant(
        "zero-source-weight-corroborates",
        "qsgrules/evidence/soft.py",
        "            * source.weight\n            * self._category",
        "            * self._category",
        "an item from a source weighted 0 corroborates another",
        WEIGHTS,
    ),
)


def _copy(to: Path) -> None:
    ignore = shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", "qsg-counterexample"
    )
    shutil.copytree(ROOT, to, ignore=ignore, dirs_exist_ok=True)


def _pytest(copy: Path, targets: list[str]) -> tuple[bool, str]:
    """(whether the tests pass, so the mutant survives them; the first test that failed)."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-n0",
            "-rfE",
            "-p",
            "no:cacheprovider",
            *targets,
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    failed = [
        line.split(" ")[1]
        for line in done.stdout.splitlines()
        if line.startswith(("FAILED ", "ERROR ")) and " " in line
    ]
    return done.returncode == 0, failed[0] if failed else f"pytest exit {done.returncode}"


def check(mutant: Mutant, copy: Path) -> tuple[bool, str]:
    """(killed, by what): the mutant's own tests when it names them (the first that failed),
    else the scenario suite, then the golden outputs and property tests."""
    path = copy / mutant.file
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
    try:
        if mutant.tests:
            passed, failed = _pytest(copy, list(mutant.tests))
            return not passed, "" if passed else failed
        if not _pytest(copy, [SCENARIOS])[0]:
            return True, "the scenario suite"
        if not _pytest(copy, list(BROADER))[0]:
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
        # a kill must be the mutant's, not the copy's: every test used passes without one
        named = sorted({t for m in chosen for t in m.tests})
        for targets in ([SCENARIOS], named):
            passed, failed = _pytest(copy, targets) if targets else (True, "")
            if not passed:
                print(f"{failed} fails without any mutant: fix that first", file=sys.stderr)
                return 2
        for mutant in chosen:
            began = time.perf_counter()
            killed, by = check(mutant, copy)
            took = time.perf_counter() - began
            verdict = f"killed by {by}" if killed else "SURVIVED"
            print(f"{mutant.name:<48} {verdict} ({took:.0f} s): {mutant.why}", flush=True)
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
