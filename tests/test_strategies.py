"""qsgrules.strategies: argument-checked, loadable, reaching every rule and level."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from qsgrules.bundled import default_ruleset
from qsgrules.engine.triage import triage
from qsgrules.indicators import BY_ID
from qsgrules.model.vocabulary import Domain, Level, ProviderType, Severity
from qsgrules.ruleset import load_ruleset
from qsgrules.strategies import (
    gradings,
    indicator_series,
    members,
    providers,
    shuffled,
    soft_items,
    with_items,
    with_severity,
    without_data,
    workspaces,
    worsen_month,
    write_workspace,
)
from qsgrules.strategies._build import workspace as build
from qsgrules.strategies.basic import national_members, series_rows
from qsgrules.workspace import Member, Provider, SoftItem, Workspace, load_workspace

RULESET = load_ruleset(default_ruleset())


@pytest.mark.parametrize(
    "make",
    [
        lambda: providers(codes=[]),
        lambda: providers(codes=["A", "A"]),
        lambda: providers(codes=["A"], types="hospital"),
        lambda: gradings(reliability="F"),
        lambda: gradings(assessment=[0]),
        lambda: soft_items(provider_codes="RAA"),
        lambda: soft_items(as_of="2019-13"),
        lambda: soft_items(domain="clinical"),
        lambda: soft_items(severity=[]),
        lambda: soft_items(grading="Z9"),
        lambda: soft_items(max_age_days=-1),
        lambda: soft_items(sources=[]),
        lambda: members(min_size=3, max_size=1),
        lambda: indicator_series(indicator="not_an_indicator"),
        lambda: indicator_series(indicator="trust_rating", counts=True),
        lambda: workspaces(ruleset=42),  # type: ignore[arg-type]
        lambda: workspaces(ruleset="/no/such/ruleset.yaml"),
        lambda: workspaces(max_providers=0),
        lambda: workspaces(min_providers=5, max_providers=2),
        lambda: workspaces(as_of="March"),
        lambda: workspaces(rules=["no-such-rule"]),
    ],
)
def test_bad_arguments_are_invalid_argument(make: object) -> None:
    with pytest.raises(InvalidArgument):
        make()  # type: ignore[operator]


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(ws=workspaces(ruleset=RULESET))
def test_generated_workspaces_load_and_triage_the_same_from_their_files(ws: Workspace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_workspace(ws, folder)
        loaded = load_workspace(folder)
    assert sorted(loaded.providers) == sorted(ws.providers)
    assert len(loaded.observations) == len(ws.observations)
    assert sorted(i.id for i in loaded.intelligence) == sorted(i.id for i in ws.intelligence)
    assert triage(loaded, RULESET, as_of="2019-03") == triage(ws, RULESET, as_of="2019-03")


@pytest.mark.slow
def test_every_level_and_rule_is_reached_within_200_examples() -> None:
    levels: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    types: set[ProviderType] = set()
    counted = trended = 0

    @settings(max_examples=200, database=None, suppress_health_check=list(HealthCheck))
    @given(ws=workspaces(ruleset=RULESET))
    def run(ws: Workspace) -> None:
        nonlocal counted, trended
        for p in triage(ws, RULESET, as_of="2019-03").proposals:
            levels[p.level] += 1
            rules.update(r.id for r in p.rules)
            trended += any(f.test == "trend" for f in p.evidence.hard)
        types.update(p.type for p in ws.providers.values())
        counted += int((ws.observations.denominator == ws.observations.denominator).any())

    run()
    assert set(levels) == set(Level)
    assert set(rules) == {r.id for r in RULESET.rules}
    assert types == set(ProviderType)
    assert counted and trended


@given(item=st.from_type(SoftItem))
def test_from_type_builds_soft_items(item: SoftItem) -> None:
    assert item.provider == "RAA"


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(ws=st.from_type(Workspace), member=st.from_type(Member), provider=st.from_type(Provider))
def test_from_type_builds_workspaces_members_and_providers(
    ws: Workspace, member: Member, provider: Provider
) -> None:
    assert ws.providers and member.name and provider.code == "RAA"


@given(
    item=soft_items(
        provider_codes=["RXA", "RXB"],
        as_of="2019-03",
        domain="safety",
        severity=["high", "critical"],
        grading="B2",
        sources="CQC",
        max_age_days=30,
    )
)
def test_soft_items_are_steered(item: SoftItem) -> None:
    assert item.domain == "safety" and item.severity in ("high", "critical")
    assert item.grading == "B2" and item.source == "CQC"
    assert dt.date(2019, 3, 1) <= item.received <= dt.date(2019, 3, 31)


@given(rows=indicator_series(indicator="ae_4hr_type1", min_months=12, counts=True))
def test_series_are_within_range_with_whole_counts(rows: list) -> None:  # type: ignore[type-arg]
    assert len(rows) >= 12
    for r in rows:
        assert 0 <= r.value <= 100 and r.numerator <= r.denominator
        assert r.numerator == int(r.numerator)
        assert r.value == BY_ID["ae_4hr_type1"].scale * r.numerator / r.denominator


def _small() -> Workspace:
    found: list[Workspace] = []

    @settings(max_examples=1, database=None, derandomize=True)
    @given(ws=workspaces(ruleset=RULESET, min_providers=2, max_providers=2, max_aims=2))
    def take(ws: Workspace) -> None:
        found.append(ws)

    take()
    return found[0]


def test_worsen_month_moves_towards_concern_and_stays_loadable(tmp_path: Path) -> None:
    rows = series_rows(
        provider="RXA", indicator="harm_free_care", as_of=2019 * 12 + 2, length=3,
        base=97.0, noise=0.0, seed=0, denominator=1000.0,
    )  # fmt: skip
    provider = Provider(code="RXA", name="RXA", type=ProviderType.ACUTE, qsg="Q")
    ws = build([provider], rows, [], national_members())
    worse = worsen_month(ws, provider="RXA", indicator="harm_free_care", period="2019-03", by=2)
    before, after = ws.observations, worse.observations
    assert list(after.value[:2]) == list(before.value[:2])
    assert after.value[2] == pytest.approx(before.value[2] - 2)  # lower is worse here
    assert after.value[2] == 100 * after.numerator[2] / after.denominator[2]  # counts follow
    floor = worsen_month(ws, provider="RXA", indicator="harm_free_care", period="2019-03", by=500)
    assert float(floor.observations.value[2]) == 0.0  # and 0% is as low as it goes
    write_workspace(floor, tmp_path)
    load_workspace(tmp_path)
    with pytest.raises(ValueError, match="no row"):
        worsen_month(ws, provider="NOPE", indicator="harm_free_care", period="2019-03", by=1)


def test_perturbations_change_one_thing() -> None:
    ws = _small()
    code = sorted(ws.providers)[0]
    item = SoftItem(
        id="NEW-1",
        provider=code,
        source="CQC",
        received=dt.date(2019, 3, 1),
        domain=Domain.SAFETY,
        severity=Severity.LOW,
        grading="A1",
        summary="A further concern.",
    )
    more = with_items(ws, item)
    assert len(more.intelligence) == len(ws.intelligence) + 1
    with pytest.raises(ValueError, match="already there"):
        with_items(more, item)
    assert with_severity(more, "NEW-1", Severity.HIGH).intelligence[-1].severity == "high"
    fewer = without_data(ws, provider=code)
    assert code not in set(fewer.observations.provider[:].tolist())
    assert len(fewer.observations) <= len(ws.observations)
    assert triage(shuffled(more, 3), RULESET, as_of="2019-03") == triage(
        more, RULESET, as_of="2019-03"
    )


# docs/trust.md's example of a test an analyst would write (kept here so that it runs).
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(ws=workspaces(ruleset=RULESET), data=st.data())
def test_a_recent_critical_safety_concern_from_the_cqc_is_never_ignored(
    ws: Workspace, data: st.DataObject
) -> None:
    code = data.draw(st.sampled_from(sorted(ws.providers)))
    item = data.draw(
        soft_items(
            provider_codes=[code],
            as_of="2019-03",
            sources="CQC",
            domain="safety",
            severity="critical",
            grading="A1",
            max_age_days=30,
            id_prefix="NEW",
        )
    )
    result = triage(with_items(ws, item), RULESET, as_of="2019-03")
    level = next(p.level for p in result.proposals if p.provider == code)
    assert level >= Level.REGULAR_REVIEW
