"""What the demo pack's charts say and draw: possible values only, captions a chair reads
right (issue 20, items 4 and 5)."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from qsgrules.bundled import default_ruleset
from qsgrules.evidence.hard import possible_limits
from qsgrules.evidence.trend import trend_breaches
from qsgrules.indicators import BY_ID
from qsgrules.model.months import month_number
from qsgrules.reports.charts import chart_data
from qsgrules.ruleset import load_ruleset
from qsgrules.workspace import Observations

RULESET = load_ruleset(default_ruleset())


@pytest.fixture(scope="module")
def pack(demo_pack: str) -> str:
    return demo_pack


def _figures(pack: str) -> list[tuple[dict[str, object], str, str]]:
    """Each XmR chart of the pack: its data, its SVG and its caption's text."""
    out = []
    for figure in re.findall(r'<figure class="chart-figure">.*?</figure>', pack, re.S):
        svg = re.search(r"<svg id=.*?</svg>", figure, re.S)
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S)
        assert svg is not None and caption is not None
        data = chart_data(svg.group(0))
        if data["chart"] != "xmr":
            continue
        words = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", caption.group(1)).split()))
        out.append((data, svg.group(0), words))
    return out


def _number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


def test_no_chart_of_the_demo_pack_draws_or_says_a_value_the_indicator_cannot_take(
    pack: str,
) -> None:
    figures = _figures(pack)
    assert len(figures) >= 20
    clipped = 0
    for data, svg, words in figures:
        ind = BY_ID[str(data["indicator"])]
        low = -float("inf") if ind.low is None else ind.low
        high = float("inf") if ind.high is None else ind.high
        drawn = data["drawn"]
        assert isinstance(drawn, dict)
        for name in ("lpl", "upl", "mean", "target"):
            if drawn[name] is not None:
                assert low <= drawn[name] <= high, (data["provider"], ind.id, name)
        # the labels at the right of the chart
        for label, value in re.findall(r">(UPL|Mean|LPL) (-?[\d.,]+)%?<", svg):
            assert low <= _number(value) <= high, (data["provider"], ind.id, label)
        # the words: process limits, as said, are possible values
        said = re.search(r"process limits (-?[\d.]+)[^;]*? to (-?[\d.]+)", words)
        assert said is not None, words
        assert low <= _number(said.group(1)) and _number(said.group(2)) <= high, words
        # the statistics stay exact: the chart's data keep the computed limits
        if data["lpl"] != drawn["lpl"]:
            clipped += 1
            assert float(str(data["lpl"])) < low
            assert "is below the lowest possible value and is shown as 0.0" in words
    assert clipped, "the demo has rates whose computed lower limit is below zero"


def test_rjz_elective_deaths_lower_limit_is_shown_as_zero_with_a_note(pack: str) -> None:
    found = [
        (d, w)
        for d, _, w in _figures(pack)
        if d["provider"] == "RJZ" and d["indicator"] == "elective_deaths_30d"
    ]
    assert len(found) == 1
    data, words = found[0]
    assert float(str(data["lpl"])) == pytest.approx(-0.3, abs=0.05)
    assert "process limits 0.0 per 1,000 elective admissions to 4.3" in words
    assert "the lower process limit, -0.3 per 1,000 elective admissions, is below" in words


@pytest.mark.parametrize(
    ("indicator", "lpl", "upl", "shown", "note"),
    [
        ("elective_deaths_30d", -0.3, 4.3, (0.0, 4.3), "lower process limit, -0.3"),
        ("rtt_18wk_admitted", 2.0, 104.5, (2.0, 100.0), "upper process limit, 104.5%"),
        ("never_events_rate", -0.01, 0.02, (0.0, 0.02), "is shown as 0.0 per 1,000 bed"),
        ("net_promoter", -120.0, 130.0, (-100.0, 100.0), "shown as -100.0; the upper"),
        ("ae_4hr_type1", 6.7, 11.2, (6.7, 11.2), ""),
    ],
)
def test_possible_limits(
    indicator: str, lpl: float, upl: float, shown: tuple[float, float], note: str
) -> None:
    low, high, said = possible_limits(indicator, lpl, upl)
    assert (low, high) == shown
    assert (note in said) if note else said == ""


def test_a_trend_finding_says_its_limits_within_the_possible_values() -> None:
    # elective deaths per 1,000: a baseline of 24 months swinging between 0.2 and 2.2 (mean
    # 1.2, lower limit computed below zero), then three months judged, the last far above
    values = [0.2, 2.2] * 12 + [1.2, 1.2, 9.0]
    n = len(values)
    last = month_number("2019-03") or 0
    obs = Observations.from_columns(
        np.array(["RX1"] * n, dtype=np.str_),
        np.array(["elective_deaths_30d"] * n, dtype=np.str_),
        np.arange(last - n + 1, last + 1, dtype=np.int64),
        np.array(values, dtype=np.float64),
        np.full(n, np.nan),
        np.full(n, np.nan),
    )
    found = trend_breaches(obs, RULESET.spec, last)["RX1"]
    assert len(found) == 1 and found[0].spc is not None
    assert found[0].spc.lpl < 0  # the statistics are exact
    assert "process limits 0.0 to 6.5;" in found[0].detail
    assert "the lower process limit, -4.1 per 1,000 elective admissions, is below" in (
        found[0].detail
    )


_MONTH = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (\d{4})"
)
_NAMES = "January February March April May June July August September October November December"


def _period(name: str, year: str) -> str:
    return f"{year}-{_NAMES.split().index(name) + 1:02d}"


def _count(sentence: str, word: str) -> int:
    m = re.search(rf"of {word} in (\d+)", sentence)
    return int(m.group(1)) if m else 0


def test_every_caption_names_what_its_variation_describes_and_never_contradicts_it(
    pack: str,
) -> None:
    checked = 0
    for data, _, words in _figures(pack):
        periods = [str(p) for p in data["periods"]]  # type: ignore[attr-defined]
        kinds = [
            "special_cause_neutral" if str(t).startswith("special_cause_neutral") else str(t)
            for t in data["point_types"]  # type: ignore[attr-defined]
        ]
        heads = ["Latest point, ", "Judged window, ", "Whole series, ", "Limits from "]
        at = [words.find(h) for h in heads]
        assert -1 not in at and at == sorted(at), words  # in that order
        window = (str(data["window_start"]), str(data["window_end"]))
        scopes = {
            "latest": ([len(periods) - 1], (periods[-1], periods[-1])),
            "window": ([i for i, p in enumerate(periods) if window[0] <= p <= window[1]], window),
            "whole": (list(range(len(periods))), (periods[0], periods[-1])),
        }
        for (name, (idx, (first, last))), start, end in zip(
            scopes.items(), at[:-1], at[1:], strict=True
        ):
            sentence = words[start:end]
            in_scope = [kinds[i] for i in idx]
            special = any(k != "common_cause" for k in in_scope)
            assert ("common cause" in sentence) != special, (name, sentence)
            for month in _MONTH.finditer(sentence):
                assert first <= _period(*month.groups()) <= last, (name, sentence)
            if name != "latest" and special:
                for word, kind in (
                    ("concern", "special_cause_concern"),
                    ("improvement", "special_cause_improvement"),
                ):
                    assert _count(sentence, word) == in_scope.count(kind), sentence
            checked += 1
    assert checked >= 60


def test_the_issues_example_reads_right(pack: str) -> None:
    # RAS's four-hour chart: common cause in the latest point and the judged window, special
    # causes of concern earlier in the series (it read "Variation: common cause variation"
    # beside "January 2017 ... above the upper process limit")
    found = [
        w
        for d, _, w in _figures(pack)
        if d["provider"] == "RAS" and d["indicator"] == "ae_4hr_type1"
    ]
    assert len(found) == 1
    assert (
        "Latest point, March 2019: common cause variation. Judged window, January 2019 to March "
        "2019: common cause variation in all 3 months. Whole series, 27 months from January "
        "2017 to March 2019: special causes of concern in 10 and of improvement in 9 months; "
        "January 2017, February 2018 and March 2018 above the upper process limit;"
    ) in found[0]
    assert "Variation: common cause" not in pack
