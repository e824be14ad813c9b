"""Hypothesis strategies for qsgrules' domain types (install the ``strategies`` extra).

Keyword-only factories that build valid values directly, so property tests of rulesets can
generate workspaces without filtering.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .indicators import BY_ID
from .model.vocabulary import Domain, Handling, ProviderType, Severity
from .workspace import Observations, Provider, SoftItem, Workspace
from .workspace.months import month_text

__all__ = ["providers", "soft_items", "workspaces"]

SOURCES = ("CQC", "Healthwatch", "NHS England", "PHE", "HEE London", "NHS Croydon CCG")
PROVIDER_TYPES = tuple(ProviderType)


def providers(*, codes: list[str]) -> st.SearchStrategy[list[Provider]]:
    """One provider per code, of a random type."""
    return st.lists(st.sampled_from(PROVIDER_TYPES), min_size=len(codes), max_size=len(codes)).map(
        lambda types: [
            Provider(code=c, name=f"Test Provider {c}", type=t, qsg="Test QSG")
            for c, t in zip(codes, types, strict=True)
        ]
    )


@st.composite
def soft_items(
    draw: st.DrawFn, *, provider_codes: list[str], as_of: dt.date, id_prefix: str = "SI"
) -> SoftItem:
    """A valid soft-intelligence item received in the year before ``as_of``."""
    number = draw(st.integers(0, 10**6))
    return SoftItem(
        id=f"{id_prefix}-{number:07d}",
        provider=draw(st.sampled_from(provider_codes)),
        source=draw(st.sampled_from(SOURCES)),
        received=as_of - dt.timedelta(days=draw(st.integers(0, 365))),
        domain=draw(st.sampled_from(Domain)),
        severity=draw(st.sampled_from(Severity)),
        grading=draw(st.sampled_from("ABCDE")) + str(draw(st.integers(1, 5))),
        summary="Synthetic concern for a property test.",
        handling=draw(st.sampled_from(Handling)),
    )


# plausible ranges per indicator: (low, high)
RANGES: dict[str, tuple[float, float]] = {
    "ae_4hr_type1": (2.0, 45.0),
    "never_events_rate": (0.0, 0.1),
    "harm_free_care": (85.0, 99.0),
    "infections_rate": (0.0, 1.5),
    "rtt_18wk_admitted": (5.0, 30.0),
    "cancer_2wk": (2.0, 20.0),
    "bed_occupancy": (80.0, 99.0),
    "sickness_absence": (2.5, 7.0),
    "cqc_compliance_notices": (0.0, 2.0),
}


@st.composite
def workspaces(
    draw: st.DrawFn, *, max_providers: int = 4, months: int = 3, as_of: str = "2019-03"
) -> Workspace:
    """A small valid workspace: a few providers, a few indicators, a few soft items."""
    n = draw(st.integers(1, max_providers))
    codes = [f"R{chr(65 + i)}{chr(65 + i)}" for i in range(n)]
    provs = draw(providers(codes=codes))
    year, month = (int(x) for x in as_of.split("-"))
    last = year * 12 + month - 1
    rows: dict[str, list[Any]] = {"p": [], "i": [], "t": [], "v": []}
    for code in codes:
        for ind in draw(st.lists(st.sampled_from(sorted(RANGES)), unique=True, max_size=4)):
            assert ind in BY_ID
            lo, hi = RANGES[ind]
            for t in range(last - months + 1, last + 1):
                rows["p"].append(code)
                rows["i"].append(ind)
                rows["t"].append(t)
                rows["v"].append(round(draw(st.floats(lo, hi, allow_nan=False)), 3))
    end = dt.date(year, month, 28)
    items = draw(
        st.lists(soft_items(provider_codes=codes, as_of=end), max_size=6, unique_by=lambda i: i.id)
    )
    observations = Observations.from_columns(
        np.array(rows["p"], dtype=np.str_),
        np.array(rows["i"], dtype=np.str_),
        np.array(rows["t"], dtype=np.int64),
        np.array(rows["v"], dtype=np.float64),
    )
    assert month_text(last) == as_of
    return Workspace("<generated>", {p.code: p for p in provs}, observations, tuple(items))
