"""Two clocks (issue 16): a triage is made on a date with the data it has.

Soft intelligence counts up to the date; every hard-data test judges the months that have
data, so a month without data neither makes nor removes a finding, and every surface says
how far each provider's data lag behind the date. A triage as of an earlier date sees only
what was known then.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.api import open_workspace, run_triage
from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli
from qsgrules.engine.triage import triage
from qsgrules.model.months import month_end, month_text
from qsgrules.model.proposal import Proposal, Triage
from qsgrules.model.vocabulary import HardTest
from qsgrules.ruleset import load_ruleset
from qsgrules.strategies import known_on, with_items, without_data, workspaces
from qsgrules.workspace import SoftItem, Workspace

RULES = load_ruleset(default_ruleset())
DEMO = open_workspace()
MARCH_2019 = 2019 * 12 + 2


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def by_code(result: Triage) -> dict[str, Proposal]:
    return {p.provider: p for p in result.proposals}


def demo_json(*args: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run("triage", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the demo, as shipped


@pytest.mark.parametrize(
    ("args", "lag"),
    [(("--as-of", "2019-04"), 1), (("--as-of", "2019-05"), 2), (("--on", "2019-05-15"), 2)],
)
def test_later_dates_keep_every_hard_finding_of_the_data_month_each_row_marked(
    args: tuple[str, str], lag: int
) -> None:
    march = {p["provider"]: p for p in demo_json("--as-of", "2019-03")["proposals"]}
    later = demo_json(*args)
    assert len(later["proposals"]) == 18
    for p in later["proposals"]:
        assert p["evidence"]["hard"] == march[p["provider"]]["evidence"]["hard"]
        assert p["coverage"]["lag_months"] == lag and p["coverage"]["latest"] == "2019-03"
        assert not p["coverage"]["stale"]
        ranks = ["no_concerns", "further_information", "regular_review", "risk_summit"]
        if ranks.index(p["level"]) < ranks.index(march[p["provider"]]["level"]):
            assert p["lowered"]["items"], p["provider"]
            assert all(i["why"].startswith("decayed") for i in p["lowered"]["items"])
        else:
            assert p["lowered"] is None
    _, table, _ = run("triage", *args)
    rows = [line for line in table.splitlines() if re.match(r"^(risk|regular|further|no) ", line)]
    assert len(rows) == 18 and all(f"data to 2019-03 ({lag} mo)" in row for row in rows)
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "18 with data behind the date (marked)" in " ".join(table.split())


def test_the_date_and_the_data_month_are_named_apart() -> None:
    result = run_triage(DEMO, on="2019-05-15")
    assert (result.on, result.as_of) == ("2019-05-15", "2019-03")
    assert run_triage(DEMO, as_of="2019-05").on == "2019-05-31"  # --as-of M: M's last day
    assert run_triage(DEMO).on == "2019-03-31"  # neither: the latest month with data
    both = run_triage(DEMO, as_of="2019-02", on="2019-05-15")
    assert (both.on, both.as_of) == ("2019-05-15", "2019-02")
    assert all(p.coverage and p.coverage.lag_months == 3 for p in both.proposals)
    _, out, _ = run("triage", "--on", "2019-05-15")
    assert out.startswith("Proposed triage on 2019-05-15, data to 2019-03, ruleset")


def test_the_lag_shows_from_the_first_missing_month_everywhere() -> None:
    code, out, err = run("triage", "--as-of", "2019-04", "--format", "json")
    assert code == 0 and "lag 1 month(s) behind the date (2019-04-30)" in err
    assert all(p["coverage"]["lag_months"] == 1 for p in json.loads(out)["proposals"])
    _, explained, _ = run("explain", "RJ6", "--on", "2019-05-15")
    assert "On 2019-05-15, data to 2019-03" in explained
    assert "Data to 2019-03, 2 months behind the date (2019-05-15)" in " ".join(explained.split())
    _, same_month, _ = run("explain", "RJ6", "--as-of", "2019-03")
    assert "behind" not in same_month


def test_a_year_on_a_lower_level_is_owed_to_named_decaying_items() -> None:
    march = by_code(run_triage(DEMO, as_of="2019-03"))
    december = run_triage(DEMO, as_of="2019-12")
    lower = [p for p in december.proposals if p.level < march[p.provider].level]
    assert {p.provider for p in lower} == {"RF4", "RJ6", "RAS"}
    for p in lower:
        assert p.lowered is not None and p.lowered.level == march[p.provider].level
        assert p.lowered.on == "2019-03-31"
        assert p.evidence.hard == march[p.provider].evidence.hard
        ids = {s.id for s in march[p.provider].evidence.soft if s.counted and s.weight > 0}
        assert {i.id for i in p.lowered.items} == ids
        assert all(i.weight_now < i.weight_then and "decayed" in i.why for i in p.lowered.items)
    _, explained, _ = run("explain", "RF4", "--as-of", "2019-12")
    text = " ".join(explained.split())
    assert "Lower than on 2019-03-31, the last day of its data" in text
    assert "SI-024 (NHS Havering CCG) 4.85 to 1.7: decayed, 39 to 314 days old" in text


def test_stale_past_stale_after_months_as_before() -> None:
    code, out, err = run("triage", "--on", "2019-07-10")
    assert code == 0 and "stop before 2019-07" in err
    rows = [line for line in out.splitlines() if re.match(r"^(risk|regular|further|no) ", line)]
    assert len(rows) == 18 and all(", no data since 2019-03 " in row for row in rows)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--on", "2019-5-15"), "--on: bad date '2019-5-15'; write YYYY-MM-DD"),
        (("--on", "2019-W20-3"), "--on: bad date"),
        (("--on", "2019-02-30"), "--on: bad date"),
        (
            ("--as-of", "2019-06", "--on", "2019-05-15"),
            "--as-of: 2019-06 is after the month of the triage's date 2019-05-15",
        ),
    ],
)
def test_a_bad_date_is_refused_with_the_option_named(args: tuple[str, ...], said: str) -> None:
    code, out, err = run("triage", *args)
    assert code == 2 and not out and said in err and "Traceback" not in err


# ---------------------------------------------------------------- windows with data


def test_a_standard_judges_the_last_months_with_data_and_names_them() -> None:
    # RJZ's admitted 18-week waits breach in every month; February 2019 taken away
    ws = without_data(DEMO, provider="RJZ", indicator="rtt_18wk_admitted", periods=["2019-02"])
    rjz = by_code(run_triage(ws, as_of="2019-03", standing=False))["RJZ"]
    (f,) = [h for h in rjz.evidence.hard if h.indicator == "rtt_18wk_admitted"]
    assert [m.period for m in f.months] == ["2018-12", "2019-01", "2019-03"]
    assert "3 of the last 3 months with data (2018-12, 2019-01, 2019-03)" in f.detail
    assert rjz.coverage is not None
    rtt = next(i for i in rjz.coverage.indicators if i.indicator == "rtt_18wk_admitted")
    assert (rtt.judged_from, rtt.latest) == ("2018-12", "2019-03")


def test_a_provider_whose_data_stop_earlier_is_judged_against_peers_in_its_last_month() -> None:
    ws = without_data(DEMO, provider="RAS", indicator="ae_4hr_type1", periods=["2019-03"])
    ras = by_code(run_triage(ws, as_of="2019-03", standing=False))["RAS"]
    peer = [h for h in ras.evidence.hard if h.test is HardTest.PEER]
    assert [(h.indicator, h.period) for h in peer] == [("ae_4hr_type1", "2019-02")]
    assert peer[0].funnel is not None and peer[0].funnel.peers == 18  # February's 18 trusts
    _, explained, _ = run("explain", "RAS")  # the demo: nothing ends earlier
    assert "end earlier" not in explained


# ---------------------------------------------------------------- properties


def _later(months: int, day: int) -> dt.date:
    first = month_end(MARCH_2019 + months - 1) + dt.timedelta(days=1)
    return min(first + dt.timedelta(days=day), month_end(MARCH_2019 + months))


@given(ws=workspaces(), months=st.integers(1, 30), day=st.integers(0, 30), dated=st.booleans())
def test_moving_the_date_forward_with_no_new_rows_never_removes_a_hard_finding(
    ws: Workspace, months: int, day: int, dated: bool
) -> None:
    # generated workspaces end in 2019-03: no row lies after it; later by --on or --as-of
    before = by_code(triage(ws, RULES, as_of="2019-03"))
    later = month_text(MARCH_2019 + months)
    after = triage(ws, RULES, on=_later(months, day)) if dated else triage(ws, RULES, as_of=later)
    for p in after.proposals:
        then = before[p.provider]
        assert p.evidence.hard == then.evidence.hard, p.provider
        # soft decay only, and said: every item named weighs less (the comparison is with the
        # last day of the data; a workspace with no row at all has no data clock to compare)
        if p.level < then.level and len(ws.observations):
            assert p.lowered is not None and p.lowered.level == then.level
            assert p.lowered.items
            assert all(i.weight_now < i.weight_then for i in p.lowered.items)
        elif p.level >= then.level:
            assert p.lowered is None
        if p.coverage is not None and p.coverage.latest == "2019-03":
            assert p.coverage.lag_months == months


@given(ws=workspaces(), data=st.data())
def test_a_provider_whose_data_stop_early_keeps_the_findings_it_had_then(
    ws: Workspace, data: st.DataObject
) -> None:
    # one provider's last months never arrive: from the end of its data to any later date
    # it keeps exactly the hard findings it had then, while the others' data move on
    code = data.draw(st.sampled_from(sorted(ws.providers)), label="provider")
    gone = data.draw(st.integers(1, 3), label="months missing")
    cut = without_data(ws, provider=code, periods=[month_text(MARCH_2019 - k) for k in range(gone)])
    then = by_code(triage(cut, RULES, as_of=month_text(MARCH_2019 - gone)))[code]
    now = by_code(triage(cut, RULES, as_of="2019-03"))[code]
    assert now.evidence.hard == then.evidence.hard
    if now.coverage is not None and now.coverage.latest is not None:
        assert now.coverage.lag_months == gone


@given(ws=workspaces(), back=st.integers(0, 200))
def test_a_triage_on_a_date_sees_only_what_existed_then(ws: Workspace, back: int) -> None:
    day = dt.date(2019, 3, 31) - dt.timedelta(days=back)
    full = triage(ws, RULES, on=day)
    then = triage(known_on(ws, day), RULES, on=day)
    assert full.proposals == then.proposals


def _item(item_id: str, received: dt.date, **more: str) -> SoftItem:
    return SoftItem.model_validate(
        {
            "id": item_id,
            "provider": "RVR",
            "source": "CQC",
            "received": received,
            "domain": "safety",
            "severity": "high",
            "grading": "A1",
            "summary": "A concern about staffing on a surgical ward.",
            **more,
        },
        strict=False,
    )


def test_a_link_to_an_item_received_later_is_not_followed_before_it_arrives() -> None:
    # as found by the property above: an item received 2019-02-28 marked duplicate_of one
    # received 2019-03-31 was "counted once" in February, through an item not yet received
    early = _item("SI-A", dt.date(2019, 2, 28), duplicate_of="SI-B")
    late = _item("SI-B", dt.date(2019, 3, 31))
    ws = with_items(DEMO, early, late)
    february = by_code(triage(ws, RULES, as_of="2019-02"))["RVR"]
    mine = {"SI-A", "SI-B"}
    assert [(s.id, s.counted) for s in february.evidence.soft if s.id in mine] == [("SI-A", True)]
    cut = known_on(ws, dt.date(2019, 2, 28))
    assert february == by_code(triage(cut, RULES, as_of="2019-02"))["RVR"]
    march = by_code(triage(ws, RULES, as_of="2019-03"))["RVR"]
    assert {(s.id, s.counted) for s in march.evidence.soft if s.id in mine} == {
        ("SI-A", False),
        ("SI-B", True),
    }


def test_qsg_verify_checks_that_a_later_date_removes_no_finding() -> None:
    from qsgrules.verify import verify
    from qsgrules.verify.absence import ABSENCE, check_absence
    from qsgrules.verify.checks import PropertyFailed

    report = verify(RULES, examples=8, seed=3)
    assert report.counterexample is None
    assert any(o.ok and o.text.startswith(ABSENCE) for o in report.outcomes)
    # a finding the later triage does not have is reported, with the workspace
    ws = without_data(DEMO, provider="RJZ", indicator="rtt_18wk_admitted")
    current = triage(DEMO, RULES, as_of="2019-03", providers=["RJZ"])
    with pytest.raises(PropertyFailed) as failed:
        check_absence(ws, RULES, current, 2)
    assert failed.value.counterexample.property == ABSENCE
    assert "RJZ: rtt_18wk_admitted (standard) found as of 2019-03 is gone as of 2019-05" in str(
        failed.value
    )
