"""The Making Data Count icons on the A&E data: the icon qsgrules shows for every type-1
provider's chart is the file NHSRplotthedots' ``ptd_get_icons`` would pick, in every
improvement direction and against standards that each assurance meets.

The point types and assurance come from ``qsgrules.stats.spc.xmr`` (exact to the R code,
``test_against_r_logic``); the choice of icon is ``qsgrules.reports.icons``; the R side is
the transcription in ``rtools_reference`` (``ptd_variation_icon_file``,
``ptd_assurance_icon_file``) applied to the transcribed R chart.
"""

from __future__ import annotations

from collections import Counter

import pytest

from qsgrules.model.vocabulary import Direction
from qsgrules.reports.icons import ASSURANCE_WORDS, VARIATION_WORDS, assurance_icon, variation_icon
from qsgrules.stats.spc import Improvement, xmr

from . import rtools_reference as r
from .test_against_r_logic import provider_series

SERIES = provider_series()


def _concern(improvement: Improvement) -> Direction:
    # the side of concern is the opposite of the improvement (neutral: either; the icon of a
    # neutral chart does not depend on it)
    return Direction.BELOW if improvement == "increase" else Direction.ABOVE


@pytest.mark.parametrize("improvement", ["increase", "decrease", "neutral"])
def test_every_providers_icons_are_those_nhsrplotthedots_picks(improvement: Improvement) -> None:
    seen: Counter[str] = Counter()
    mismatches: list[str] = []
    for org, y in SERIES.items():
        ref = r.ptd_spc(y, improvement_direction=improvement)
        # a standard at, within and beyond the process limits: every kind of assurance
        for target in (5.0, ref.standard.mean_col, 60.0):
            ours = xmr(y, improvement=improvement, target=target)
            variation = variation_icon(ours.variation, _concern(improvement))
            assurance = assurance_icon(ours.assurance)
            want_v = r.ptd_variation_icon_file(ref.point_type[-1], improvement)
            want_a = r.ptd_assurance_icon_file(
                r.ptd_calculate_assurance_type(ref, target, improvement)
            )
            got_a = assurance.key if assurance is not None else None
            if (variation.key, got_a) != (want_v, want_a):
                mismatches.append(
                    f"{org} {target}: qsgrules {variation.key}/{got_a}, R {want_v}/{want_a}"
                )
            seen[variation.key] += 1
            seen[got_a or "none"] += 1
    assert mismatches == []
    # the comparison met the icons of this direction (the A&E data has every one)
    expected = {
        "increase": {"common_cause", "concern_low", "improvement_high", "pass", "fail"},
        "decrease": {"common_cause", "concern_high", "improvement_low", "pass", "fail"},
        "neutral": {"common_cause", "neutral_high", "neutral_low", "none"},
    }[improvement]
    assert expected <= set(seen), seen
    if improvement != "neutral":
        assert seen["inconsistent"] > 0, seen


def test_the_icon_sets_are_nhsrplotthedots_own() -> None:
    """inst/icons/ has seven variation icons and three assurance icons (and an empty one,
    which ptd_get_icons never picks): the same keys here."""
    assert set(VARIATION_WORDS) == {
        "common_cause",
        "concern_high",
        "concern_low",
        "improvement_high",
        "improvement_low",
        "neutral_high",
        "neutral_low",
    }
    assert set(ASSURANCE_WORDS) == {"pass", "fail", "inconsistent"}
