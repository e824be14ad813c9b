"""Numbers in explanations are written by one formatter (``qsgrules.model.numbers.plain``).

The second one (``plain`` as it was, beside ``trimmed``) wrote a measure of 0.00396 as "it is
0." in a real explanation, and thresholds to 2 places where rules allow 6 (a minimum of
0.125 read "0.12")."""

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from qsgrules.bundled import default_ruleset
from qsgrules.engine.triage import triage
from qsgrules.model.numbers import DECIMALS, against, plain
from qsgrules.reports import render
from qsgrules.scenarios import load_scenarios

# one low item, graded E4, 789 days old: it weighs 1 x 0.2 x 0.4 x 0.5 ** (789 / 182)
SCENARIO = """\
ruleset: {ruleset}
as_of: 2019-03
scenarios:
  - name: a small weight
    workspace:
      providers: [{{code: RXA, type: acute}}]
      intelligence:
        - {{id: SI-1, provider: RXA, source: CQC, received: 2017-01-31, domain: safety,
           severity: low, grading: E4, summary: Something minor long ago.}}
    expect:
      RXA: {{level: no_concerns}}
"""


def _explained(tmp_path: Path, ruleset: Path) -> str:
    file = tmp_path / "scenario_small.yaml"
    file.write_text(SCENARIO.format(ruleset=ruleset))
    (scenario,) = load_scenarios(file, root=tmp_path.anchor)
    result = triage(scenario.workspace, scenario.ruleset, as_of=scenario.as_of)
    return " ".join(render.explanations(result, list(result.proposals)).split())


def test_a_small_measure_is_never_written_0_dot(tmp_path: Path) -> None:
    text = _explained(tmp_path, default_ruleset())
    assert "soft score in all domains >= 1; it is 0.00396" in text
    assert "it is 0." not in text.replace("it is 0.00396", "")


def test_a_threshold_is_written_with_every_place_the_rule_gave(tmp_path: Path) -> None:
    edited = default_ruleset().read_text().replace("soft: {min: 1}", "soft: {min: 1.125}", 1)
    assert "soft: {min: 1.125}" in edited
    ruleset = tmp_path / "r.yaml"
    ruleset.write_text(edited)
    assert "soft score in all domains >= 1.125; it is 0.00396" in _explained(tmp_path, ruleset)


thresholds = st.integers(-(10**12), 10**12).map(lambda n: round(n / 10**DECIMALS, DECIMALS))
values = st.floats(-1e6, 1e6, allow_nan=False)


@given(thresholds)
def test_a_threshold_reads_back_exactly(t: float) -> None:
    assert float(plain(t)) == t
    assert not plain(t).endswith(("0", ".")) or float(plain(t)).is_integer()


@given(values, thresholds)
def test_a_measure_beside_its_limit_compares_as_it_does(value: float, limit: float) -> None:
    shown = float(against(value, limit))
    assert (shown < limit) == (value < limit) and (shown > limit) == (value > limit)
    assert shown != 0 or value == 0
    assert math.isclose(shown, value, rel_tol=0.01, abs_tol=0.005)
