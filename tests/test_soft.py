"""Soft intelligence scoring: each factor, counting rules, corroboration, and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.bundled import default_ruleset
from qsgrules.evidence.soft import summarise, weigh
from qsgrules.model.months import month_end
from qsgrules.ruleset import load_ruleset
from qsgrules.ruleset.schema import SoftSettings
from qsgrules.strategies import soft_items
from qsgrules.workspace import SoftItem

SETTINGS = SoftSettings.model_validate(
    {
        "severity_points": {"low": 1, "moderate": 2, "high": 5, "critical": 10},
        "source_reliability": {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2},
        "information_assessment": {1: 1.0, 2: 0.9, 3: 0.7, 4: 0.4, 5: 0.0},
        "half_life_days": 100,
        "domain_weights": {"safety": 1.5},
        "corroboration_window_days": 30,
        "corroboration_weight": 1.25,
    }
)
AS_OF = dt.date(2019, 3, 31)
MARCH_2019 = 2019 * 12 + 2


def item(**kw: object) -> SoftItem:
    base: dict[str, object] = {
        "id": "SI-1",
        "provider": "RXA",
        "source": "Healthwatch England",
        "received": AS_OF,
        "domain": "experience",
        "severity": "high",
        "grading": "B2",
        "summary": "Long waits.",
    }
    base.update(kw)
    return SoftItem.model_validate(base)


def factors(i: SoftItem) -> dict[str, float]:
    return {f.name: f.value for f in weigh(i, SETTINGS, AS_OF).factors}


def test_severity_points() -> None:
    assert [
        factors(item(severity=s))["severity"] for s in ("low", "moderate", "high", "critical")
    ] == [1, 2, 5, 10]


def test_source_reliability_and_information_assessment_from_the_grading() -> None:
    f = factors(item(grading="D4"))
    assert (f["source_reliability"], f["information_assessment"]) == (0.4, 0.4)


def test_recency_halves_every_half_life() -> None:
    assert factors(item(received=AS_OF))["recency"] == 1.0
    assert factors(item(received=AS_OF - dt.timedelta(days=100)))["recency"] == pytest.approx(0.5)
    assert factors(item(received=AS_OF - dt.timedelta(days=200)))["recency"] == pytest.approx(0.25)


def test_domain_weight_defaults_to_one() -> None:
    assert factors(item(domain="safety"))["domain"] == 1.5
    assert factors(item(domain="experience"))["domain"] == 1.0


def test_weight_is_the_product_and_the_formula_shows_it() -> None:
    i = item(received=AS_OF - dt.timedelta(days=100), domain="safety")
    f = weigh(i, SETTINGS, AS_OF)
    assert f.weight == pytest.approx(5 * 0.8 * 0.9 * 0.5 * 1.5)
    assert f.formula == (
        "Healthwatch England, safety, high (B2): 5 × 0.8 × 0.9 × 0.50 (100 days old) "
        "× 1.5 (safety weight) = 2.70"
    )


def test_information_graded_5_weighs_nothing_and_raises_no_organisation() -> None:
    s = summarise([item(grading="A5")], SETTINGS, MARCH_2019)["RXA"]
    assert s.total == 0 and s.organisations == set()


def test_a_duplicate_is_shown_but_counted_once() -> None:
    a, b = item(id="SI-1"), item(id="SI-2", duplicate_of="SI-1")
    s = summarise([a, b], SETTINGS, MARCH_2019)["RXA"]
    assert [f.counted for f in s.findings] == [True, False]
    assert s.total == pytest.approx(weigh(a, SETTINGS, AS_OF).weight)
    assert s.findings[1].note == "duplicate of SI-1: counted once"


def test_a_closed_item_stops_counting_from_its_closing_date() -> None:
    closed = item(
        status="closed",
        closed_on=dt.date(2019, 3, 1),
        closed_reason="Assured.",
        received=dt.date(2019, 1, 5),
    )
    assert summarise([closed], SETTINGS, MARCH_2019)["RXA"].total == 0
    before = summarise([closed], SETTINGS, 2019 * 12 + 1)["RXA"]  # as of February: still open
    assert before.total > 0


def test_an_expired_item_stops_counting() -> None:
    expired = item(expires=dt.date(2019, 2, 1), received=dt.date(2019, 1, 5))
    s = summarise([expired], SETTINGS, MARCH_2019)["RXA"]
    assert s.total == 0 and "expired on 2019-02-01" in s.findings[0].note


def test_items_received_after_the_as_of_month_are_not_known_yet() -> None:
    assert summarise([item(received=dt.date(2019, 4, 2))], SETTINGS, MARCH_2019) == {}


def test_two_organisations_on_the_same_concern_within_the_window_corroborate() -> None:
    a = item(id="SI-1", source="CQC", received=AS_OF - dt.timedelta(days=20))
    b = item(id="SI-2", source="Healthwatch England", received=AS_OF)
    s = summarise([a, b], SETTINGS, MARCH_2019)["RXA"]
    assert s.corroborated == {"experience"}
    assert all("corroboration" in [x.name for x in f.factors] for f in s.findings)
    plain = weigh(a, SETTINGS, AS_OF).weight + weigh(b, SETTINGS, AS_OF).weight
    assert s.total == pytest.approx(plain * 1.25)


def test_outside_the_window_or_from_one_organisation_is_not_corroboration() -> None:
    far = [
        item(id="SI-1", source="CQC", received=AS_OF - dt.timedelta(days=31)),
        item(id="SI-2", received=AS_OF),
    ]
    same = [item(id="SI-1"), item(id="SI-2")]
    other_domain = [item(id="SI-1", source="CQC", domain="safety"), item(id="SI-2")]
    for items in (far, same, other_domain):
        assert summarise(items, SETTINGS, MARCH_2019)["RXA"].corroborated == set()


def test_an_explicit_corroborates_link_counts_across_the_window() -> None:
    a = item(id="SI-1", source="CQC", received=AS_OF - dt.timedelta(days=200))
    b = item(id="SI-2", received=AS_OF, corroborates="SI-1")
    assert summarise([a, b], SETTINGS, MARCH_2019)["RXA"].corroborated == {"experience"}


def test_corroboration_weight_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        SoftSettings.model_validate({**SETTINGS.model_dump(), "corroboration_weight": 0.9})


# ------------------------------------------------------------------------- properties

DEFAULT = load_ruleset(default_ruleset()).spec.soft
CODES = ["RAA", "RBB"]
many_items = st.lists(
    soft_items(provider_codes=CODES, as_of=AS_OF), max_size=8, unique_by=lambda i: i.id
)


def scores(items: list[SoftItem]) -> dict[str, tuple[float, ...]]:
    out = {}
    for code, s in summarise(items, DEFAULT, MARCH_2019).items():
        out[code] = (s.total, *s.by_domain.values(), len(s.organisations), len(s.corroborated))
    return out


def at_least(after: dict[str, tuple[float, ...]], before: dict[str, tuple[float, ...]]) -> bool:
    return all(
        all(a >= b - 1e-9 for a, b in zip(after.get(code, ()), vals, strict=False))
        and code in after
        for code, vals in before.items()
    )


@given(items=many_items, data=st.data())
def test_adding_an_item_never_lowers_a_score(items: list[SoftItem], data: st.DataObject) -> None:
    new = data.draw(soft_items(provider_codes=CODES, as_of=AS_OF, id_prefix="NEW"))
    assert at_least(scores([*items, new]), scores(items))


@given(
    items=st.lists(
        soft_items(provider_codes=CODES, as_of=AS_OF),
        min_size=1,
        max_size=8,
        unique_by=lambda i: i.id,
    ),
    data=st.data(),
)
def test_a_duplicate_never_changes_the_score(items: list[SoftItem], data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(items))
    copy = original.model_copy(
        update={
            "id": "DUP-1",
            "duplicate_of": original.id,
            "source": data.draw(st.sampled_from(["CQC", "PHE"])),
        }
    )
    assert scores([*items, copy]) == scores(items)


@given(items=many_items, seed=st.randoms())
def test_the_score_does_not_depend_on_item_order(items: list[SoftItem], seed: object) -> None:
    shuffled = list(items)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert scores(shuffled) == scores(items)


def test_month_end() -> None:
    assert month_end(MARCH_2019) == AS_OF
    assert month_end(2020 * 12 + 1) == dt.date(2020, 2, 29)
