"""qsg verify finds what `qsg check` suspects (QSG104) with aimed probes, and never flakes:
a fixed default seed, every rule reached on purpose, broken pipes ended quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.engine.triage import triage
from qsgrules.ruleset import parse_ruleset
from qsgrules.verify import DEFAULT_SEED, verify

SOFT = """
soft:
  severity_points: {low: 1, moderate: 2, high: 5, critical: 10}
  source_reliability: {A: 1.0, B: 0.8, C: 0.6, D: 0.4, E: 0.2}
  information_assessment: {1: 1.0, 2: 0.9, 3: 0.7, 4: 0.4, 5: 0.0}
  half_life_days: 182
  categories: [maternity]
"""
INDICATORS = """
indicators:
  infections_rate:
    standard: {limit: 0.5, strong_limit: 1.0, months: 3, min_months: 2}
  cancer_2wk:
    standard: {limit: 7, strong_limit: 15, months: 3, min_months: 2}
"""
ANY_BREACH = """
  - id: any-breach
    level: further_information
    description: Any breach.
    when: {breach: {}}
    because: "Standards breached: {breached}."
"""
WEIGHTY = """
  - id: weighty-soft
    level: regular_review
    description: Weighty soft intelligence.
    when: {soft: {min: 8}}
    because: "Soft intelligence weighing {soft}."
"""
MATERNITY = """
  - id: maternity-without-breach
    level: regular_review
    description: Maternity concerns while the data show nothing.
    when:
      all:
        - soft: {category: maternity, min: 2}
        - not: {breach: {}}
    because: "Maternity concerns weighing {cited_soft}."
"""
FEW_ORGANISATIONS = """
  - id: a-few-organisations
    level: regular_review
    description: Experience concerns from two or three organisations.
    when:
      organisations: {domain: experience, min: 2, max: 3}
    because: "{organisations.experience} organisations."
"""
# a breach makes this rule fire at regular review too: `not: {breach}` is suspected by
# `qsg check`, but no more evidence can lower the level
ANY_BREACH_REVIEWED = ANY_BREACH.replace("further_information", "regular_review")


def tiny(*rules: str) -> str:
    return 'name: tiny\nversion: "1"\n' + INDICATORS + SOFT + "rules:" + "".join(rules)


def _ranks(level: str) -> int:
    return ["no_concerns", "further_information", "regular_review", "risk_summit"].index(level)


def _caught(text: str, rule: str, what: str) -> None:
    report = verify(parse_ruleset(text, "edited.yaml"), examples=5, shrink_seconds=1)
    cx = report.counterexample
    assert cx is not None and not report.ok
    assert what in cx.property and f"of rule {rule} past its number" in cx.message
    rs = parse_ruleset(text, "edited.yaml")
    levels = {
        name: triage(ws, rs, as_of=cx.as_of, providers=[cx.provider]).proposals[0].level.value
        for name, ws in cx.workspaces.items()
    }
    assert levels == cx.levels
    assert _ranks(levels["after"]) < _ranks(levels["before"])
    # one provider suffices, and the counterexample keeps only it
    assert all(list(ws.providers) == [cx.provider] for ws in cx.workspaces.values())


def test_a_not_over_any_breach_beside_light_soft_evidence_is_caught() -> None:
    _caught(tiny(MATERNITY, WEIGHTY, ANY_BREACH), "maternity-without-breach", "an added breach")


def test_a_ceiling_on_organisations_is_caught() -> None:
    _caught(tiny(FEW_ORGANISATIONS, WEIGHTY), "a-few-organisations", "more organisations")


def test_a_suspicion_that_cannot_be_confirmed_is_reported_as_such() -> None:
    report = verify(parse_ruleset(tiny(MATERNITY, ANY_BREACH_REVIEWED), "x.yaml"), examples=10)
    assert report.ok, [o.text for o in report.outcomes]
    (note,) = [o.text for o in report.outcomes if "QSG104" in o.text]
    assert note.startswith("rule maternity-without-breach: not monotone as `qsg check` suspects")
    assert "suspected, not found:" in note
    crossings = int(note.split("not found: ")[1].split()[0])
    assert crossings > 0  # the ceiling was crossed, and the level held


def test_the_default_seed_is_fixed_and_every_rule_is_reached_whatever_the_seed() -> None:
    sound = parse_ruleset(tiny(WEIGHTY, ANY_BREACH), "sound.yaml")
    first = verify(sound, examples=3)
    assert first.seed == DEFAULT_SEED == 0
    # a handful of random examples on each seed: the aimed probes reach every rule anyway
    for seed in (1, 16, 12345):
        report = verify(sound, examples=3, seed=seed)
        assert report.ok, (seed, [o.text for o in report.outcomes if not o.ok])
        assert [o.ok for o in report.outcomes] == [o.ok for o in first.outcomes]
        assert report.aimed == first.aimed


def _verify_into_a_closed_pipe(ruleset: Path, out: Path) -> subprocess.CompletedProcess[bytes]:
    """qsg verify with its stdout a pipe nobody reads (as `| head -1` once head has gone)."""
    read, write = os.pipe()
    os.close(read)
    try:
        code = (
            "import sys; from qsgrules.cli.main import main; "
            f"sys.argv = ['qsg', 'verify', {str(ruleset)!r}, '--examples', '3', "
            f"'--out', {str(out)!r}]; main()"
        )
        return subprocess.run(
            [sys.executable, "-c", code], stdout=write, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write)


@pytest.mark.parametrize(
    ("rules", "expected"), [((WEIGHTY, ANY_BREACH), 0), ((MATERNITY, ANY_BREACH), 1)]
)
def test_a_broken_pipe_ends_quietly_with_the_verdicts_code(
    tmp_path: Path, rules: tuple[str, ...], expected: int
) -> None:
    ruleset = tmp_path / "rs.yaml"
    ruleset.write_text(tiny(*rules), encoding="utf-8")
    done = _verify_into_a_closed_pipe(ruleset, tmp_path / "cx")
    assert done.returncode == expected, done.stderr.decode()
    assert done.stderr == b""
    # a counterexample is written before anything is shown
    assert (tmp_path / "cx" / "README.txt").exists() == bool(expected)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


DEFAULT = default_ruleset().read_text(encoding="utf-8")
FURTHER = "  # ---------------------------------------------------------------- further information"
CATEGORIES = "inspection_finding, safeguarding, staffing]"


def _edit(rule: str) -> str:
    edited = DEFAULT.replace(FURTHER, rule + "\n" + FURTHER)
    return edited.replace(CATEGORIES, "inspection_finding, safeguarding, staffing, maternity]")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rule", "what"),
    [
        (
            MATERNITY.replace("maternity-without-breach", "maternity-concerns"),
            "an added breach",
        ),
        (FEW_ORGANISATIONS, "more organisations"),
    ],
)
def test_the_two_edits_of_the_default_ruleset_that_check_suspects_fail_verify(
    tmp_path: Path, rule: str, what: str
) -> None:
    edited = _edit(rule)
    assert edited.count("- id:") == DEFAULT.count("- id:") + 1
    ruleset = tmp_path / "edited.yaml"
    ruleset.write_text(edited, encoding="utf-8")
    code, check = _run("check", str(ruleset))
    assert "QSG104" in check
    code, text = _run("verify", str(ruleset), "--out", str(tmp_path / "cx"))
    assert code == 1, text
    assert "FAILED after" in text and "(seed 0," in text
    assert f"never lowers a provider's level ({what})" in text
    assert "--- before/providers.csv" in text and "--- after/indicators.csv" in text


def test_a_counterexample_keeps_only_the_provider_and_series_that_show_it() -> None:
    from qsgrules.model.vocabulary import ProviderType
    from qsgrules.strategies._build import Row, rows_of, workspace
    from qsgrules.verify.probes import trimmed
    from qsgrules.workspace import Provider, Workspace

    rs = parse_ruleset(tiny(MATERNITY, WEIGHTY, ANY_BREACH), "edited.yaml")
    cx = verify(rs, examples=3).counterexample
    assert cx is not None
    other = Provider(code="RZZ", name="Other", type=ProviderType.ACUTE, qsg="Q")
    march = 2019 * 12 + 2
    noise = [Row("RZZ", "cancer_2wk", march - k, 3.0) for k in range(3)]
    noise += [Row(cx.provider, "infections_rate", march - k, 0.1) for k in range(3)]
    padded = {
        name: workspace(
            [*ws.providers.values(), other],
            [*rows_of(ws.observations), *noise],
            ws.intelligence,
            ws.members,
        )
        for name, ws in cx.workspaces.items()
    }
    bigger = type(cx)(cx.property, cx.message, cx.provider, cx.as_of, padded, cx.levels)
    small = trimmed(bigger, rs)

    def shown(ws: Workspace) -> list[tuple[str, str, int, float]]:
        return [(r.provider, r.indicator, r.period, r.value) for r in rows_of(ws.observations)]

    for name, ws in small.workspaces.items():
        assert list(ws.providers) == [cx.provider]
        assert shown(ws) == shown(cx.workspaces[name])
