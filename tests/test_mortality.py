"""Mortality in the default ruleset: a doubled death rate beside a safety concern is reviewed."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from qsgrules.api import run_triage
from qsgrules.bundled import demo_workspace
from qsgrules.model.vocabulary import Level

ITEM = """
- id: SI-MORT
  provider: RAX
  source: CQC
  received: 2019-03-10
  domain: safety
  severity: moderate
  grading: B2
  summary: Inspectors noted delays in escalating deteriorating patients on two wards.
"""


def _double_deaths(ws: Path, code: str, months: tuple[str, ...]) -> None:
    path = ws / "indicators.csv"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    header = rows[0]
    for row in rows[1:]:
        rec = dict(zip(header, row, strict=True))
        if (
            rec["provider"] == code
            and rec["indicator"] == "amenable_deaths"
            and rec["period"] in months
        ):
            observed = 2 * float(rec["numerator"])
            rec["numerator"] = f"{observed:g}"
            rec["value"] = f"{observed / float(rec['denominator']):.4f}"
            row[:] = [rec[h] for h in header]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue())


def _proposal(ws: Path) -> tuple[str, list[str]]:
    p = run_triage(ws, providers=["RAX"]).proposals[0]
    return p.level, [r.id for r in p.rules]


def test_doubled_mortality_with_a_safety_concern_is_regular_review(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    assert _proposal(ws)[0] is Level.NO_CONCERNS
    _double_deaths(ws, "RAX", ("2019-01", "2019-02", "2019-03"))
    level, rules = _proposal(ws)
    # three months of twice the expected deaths: a mortality alert (CUSUM) on its own
    assert level is Level.REGULAR_REVIEW and {"mortality-alert", "any-other-breach"} <= set(rules)
    assert "mortality-signal-with-safety-concern" not in rules
    with (ws / "intelligence.yaml").open("a", encoding="utf-8") as f:
        f.write(ITEM)
    level, rules = _proposal(ws)
    assert level is Level.REGULAR_REVIEW
    assert rules[0] == "mortality-signal-with-safety-concern"
    fired = run_triage(ws, providers=["RAX"]).proposals[0].rules[0]
    cited = {e.indicator for e in fired.evidence if e.type == "hard"}
    assert "amenable_deaths" in cited
    assert any(e.type == "soft" and e.id == "SI-MORT" for e in fired.evidence)


def test_a_month_with_no_deaths_triages_under_either_ratio_method(tmp_path: Path) -> None:
    # as found at national scale: log(O/E) of a month with no deaths was a ValueError traceback
    import yaml

    from qsgrules.bundled import default_ruleset
    from qsgrules.ruleset import parse_ruleset

    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    path = ws / "indicators.csv"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    header = rows[0]
    for row in rows[1:]:
        rec = dict(zip(header, row, strict=True))
        if (rec["provider"], rec["indicator"], rec["period"]) == (
            "RAX",
            "amenable_deaths",
            "2019-03",
        ):
            rec["numerator"], rec["value"] = "0", "0"
            row[:] = [rec[h] for h in header]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue())
    for method in ("cqc", "shmi"):
        data = yaml.safe_load(default_ruleset().read_text())
        data["indicators"]["amenable_deaths"]["peer"]["ratio_method"] = method
        ruleset = parse_ruleset(yaml.safe_dump(data), f"{method}.yaml")
        assert run_triage(ws, ruleset).proposals  # no traceback, every provider proposed
