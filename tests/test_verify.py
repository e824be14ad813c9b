"""qsg verify: the default ruleset passes; unsound edits are caught with counterexamples that
reproduce under `qsg triage --workspace`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.ruleset import parse_ruleset
from qsgrules.verify import verify

DEFAULT = default_ruleset().read_text(encoding="utf-8")
NEVER_EVENT = """    when:
      breach: {indicator: never_events_rate}
"""
# the never-event rule stops firing once soft safety intelligence reaches 2: more evidence,
# a lower level (further information, from any-other-breach) unless something else fires
NOT_OVER_SOFT = DEFAULT.replace(
    NEVER_EVENT,
    """    when:
      all:
        - breach: {indicator: never_events_rate}
        - not: {soft: {domain: safety, min: 2}}
""",
)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.slow
def test_the_default_ruleset_verifies(tmp_path: Path) -> None:
    out = tmp_path / "cx"
    code, text = _run("verify", str(default_ruleset()), "--seed", "0", "--out", str(out))
    assert code == 0, text
    assert ": ok: qsgrules-default 1.0 on" in text
    assert "FAIL" not in text
    for rule in ("four-hour-outlier-and-deteriorating", "never-event", "soft-signal-to-test"):
        assert f"rule {rule} fires (" in text
    assert "every level the ruleset names is proposed: risk_summit" in text
    # what the trend tests' baselines did: a note, never a pass or a failure (issue 24)
    assert "\n  note  baseline: " in text and "never read as no concern" in text
    assert not out.exists()


@pytest.mark.slow
def test_a_not_over_soft_evidence_is_caught_and_the_counterexample_reproduces(
    tmp_path: Path,
) -> None:
    assert NOT_OVER_SOFT != DEFAULT
    ruleset = tmp_path / "edited.yaml"
    ruleset.write_text(NOT_OVER_SOFT, encoding="utf-8")
    out = tmp_path / "cx"
    code, text = _run(
        "verify", str(ruleset), "--examples", "400", "--seed", "0", "--shrink-seconds", "3",
        "--out", str(out),
    )  # fmt: skip
    assert code == 1, text
    assert "FAILED" in text and "never lowers a provider's level (an added soft item)" in text
    assert "--- before/providers.csv" in text and "--- after/intelligence.yaml" in text
    readme = (out / "README.txt").read_text(encoding="utf-8")
    commands = [line.split("#")[0].split() for line in readme.splitlines() if "qsg triage" in line]
    levels = [line.split("# ")[1] for line in readme.splitlines() if "qsg triage" in line]
    assert len(commands) == 2
    seen = []
    for command, expected in zip(commands, levels, strict=True):
        result = CliRunner().invoke(cli, [*command[1:], "--format", "json"])
        assert result.exit_code == 0, result.output
        # (stderr says the ruleset's static-analysis warnings: its `not` over soft evidence)
        assert "QSG104" in result.stderr
        (proposal,) = json.loads(result.stdout)["proposals"]
        assert f"{proposal['provider']}: {proposal['level']}" == expected
        seen.append(proposal)
    before, after = seen
    assert "never-event" in [r["id"] for r in before["rules"]]
    ranks = ["no_concerns", "further_information", "regular_review", "risk_summit"]
    assert ranks.index(after["level"]) < ranks.index(before["level"])


def test_verify_refuses_an_output_folder_in_use_before_running(tmp_path: Path) -> None:
    out = tmp_path / "cx"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, text = _run("verify", str(default_ruleset()), "--out", str(out))
    assert code == 2
    assert "--out:" in text and "not an empty folder" in text
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_a_bad_ruleset_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    code, text = _run("verify", str(bad), "--out", str(tmp_path / "cx"))
    assert code == 2 and "bad.yaml:" in text


PROPERTIES = """
properties:
  - at_least: {level: regular_review, when: {breach: {indicator: never_events_rate}}}
  - never:
      level: risk_summit
      description: one organisation alone never calls a summit
      when: {organisations: {max: 1}}
"""


@pytest.mark.slow
def test_declared_properties_are_checked_and_a_false_one_is_shown() -> None:
    # a strong safety breach with one organisation's safety item is a risk summit in the
    # default ruleset: the second property is false, and verify says so with an example
    rs = parse_ruleset(DEFAULT + PROPERTIES, "with-properties.yaml")
    report = verify(rs, examples=300, seed=0, shrink_seconds=2)
    cx = report.counterexample
    assert cx is not None
    assert cx.property == "property 2 (one organisation alone never calls a summit)"
    assert cx.levels == {"workspace": "risk_summit"}
    assert "the condition holds and the level is risk_summit" in cx.message


@pytest.mark.slow
def test_declared_properties_that_hold_are_reported_with_how_often_they_applied() -> None:
    rs = parse_ruleset(DEFAULT + PROPERTIES.split("  - never:")[0], "with-properties.yaml")
    report = verify(rs, examples=60, seed=1)
    assert report.counterexample is None
    texts = [o.text for o in report.outcomes]
    assert any(
        t.startswith("property 1 (at_least regular_review): its condition held") for t in texts
    )


@pytest.mark.parametrize("examples", [0, -1])
def test_examples_must_be_positive(examples: int) -> None:
    code, text = _run("verify", str(default_ruleset()), "--examples", str(examples))
    assert code == 2 and "--examples" in text
