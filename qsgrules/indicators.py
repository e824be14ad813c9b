"""The indicator catalogue: every indicator of the National Quality Dashboard (Annex B).

Each indicator has a stable id (the wire format in ``indicators.csv`` and rulesets), a title,
a unit, a polarity, the quality domain it informs and the kind of data behind it. Polarity
decides which direction of a signal is a concern; ``neutral`` indicators (where a high value
can mean a good reporting culture) need an explicit direction in a ruleset's standard.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .model.vocabulary import DataKind, Domain, Polarity

__all__ = ["BY_ID", "CATALOGUE", "DataKind", "Domain", "Indicator", "Polarity"]


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    unit: str
    polarity: Polarity
    domain: Domain
    kind: DataKind
    # value = scale × numerator / denominator when only the counts are given
    scale: float = 1.0
    # the values the indicator can take (None: unbounded on that side); a value outside
    # them is an error in the data, not a finding
    low: float | None = None
    high: float | None = None

    def possible(self, value: float) -> float:
        """``value`` moved inside the values the indicator can take: what a chart draws and
        a sentence says for a limit or target computed beyond them (the statistics keep
        the exact number)."""
        if self.low is not None and value < self.low:
            return self.low
        if self.high is not None and value > self.high:
            return self.high
        return value


def _ind(
    id: str,
    title: str,
    unit: str,
    polarity: str,
    domain: str,
    kind: str,
    scale: float = 1.0,
    low: float | None = 0.0,
    high: float | None = None,
) -> Indicator:
    if kind == DataKind.PROPORTION and high is None:
        high = scale  # a share of the whole: 0-100 %, or 0-1,000 per 1,000
    return Indicator(
        id=id,
        title=title,
        unit=unit,
        polarity=Polarity(polarity),
        domain=Domain(domain),
        kind=DataKind(kind),
        scale=scale,
        low=low,
        high=high,
    )


_HW, _LW, _N = "higher_is_worse", "lower_is_worse", "neutral"
_PER_1000_BD = "per 1,000 bed days"

CATALOGUE: tuple[Indicator, ...] = (
    _ind(
        "elective_deaths_30d",
        "Deaths within 30 days of elective admission",
        "per 1,000 elective admissions",
        _HW,
        "safety",
        "proportion",
        1000.0,
    ),
    _ind(
        "amenable_deaths",
        "Deaths in hospital from conditions amenable to healthcare",
        "ratio observed/expected",
        _HW,
        "effectiveness",
        "ratio",
    ),
    _ind(
        "ambulance_cat_a_8min",
        "% ambulance arrivals to Category A calls after 8 minutes",
        "%",
        _HW,
        "experience",
        "proportion",
        100.0,
    ),
    _ind(
        "unplanned_adm_chronic",
        "% unplanned admissions for adults with chronic long-term conditions",
        "%",
        _HW,
        "effectiveness",
        "proportion",
        100.0,
    ),
    _ind(
        "unplanned_adm_u19",
        "% unplanned admissions for asthma, diabetes and epilepsy in under 19s",
        "%",
        _HW,
        "effectiveness",
        "proportion",
        100.0,
    ),
    _ind(
        "emergency_adm_acute",
        "% emergency admissions for acute conditions that should not usually need admission",
        "%",
        _HW,
        "effectiveness",
        "proportion",
        100.0,
    ),
    _ind(
        "readmissions_30d",
        "% emergency readmissions within 30 days of discharge",
        "%",
        _HW,
        "effectiveness",
        "proportion",
        100.0,
    ),
    _ind(
        "ae_4hr_type1",
        "% patients not seen within 4 hours at type 1 A&E",
        "%",
        _HW,
        "experience",
        "proportion",
        100.0,
    ),
    _ind(
        "rtt_18wk_admitted",
        "% patients not seen within 18 weeks (admitted, adjusted)",
        "%",
        _HW,
        "experience",
        "proportion",
        100.0,
    ),
    _ind(
        "cancer_2wk",
        "% patients not seen within 2 weeks (cancer)",
        "%",
        _HW,
        "experience",
        "proportion",
        100.0,
    ),
    _ind(
        "net_promoter",
        "Net Promoter score",
        "score -100..100",
        _LW,
        "experience",
        "score",
        low=-100.0,
        high=100.0,
    ),
    _ind(
        "infections_rate",
        "MRSA, C. diff, MSSA and E. coli infections per 1,000 bed days",
        _PER_1000_BD,
        _HW,
        "safety",
        "rate",
        1000.0,
    ),
    # More serious-incident reporting often means a better reporting culture: no direction.
    _ind(
        "serious_incidents_rate",
        "Serious incidents per 1,000 bed days",
        _PER_1000_BD,
        _N,
        "safety",
        "rate",
        1000.0,
    ),
    _ind(
        "never_events_rate",
        "Never events per 1,000 bed days",
        _PER_1000_BD,
        _HW,
        "safety",
        "rate",
        1000.0,
    ),
    _ind(
        "unexpected_deaths_rate",
        "Unexpected deaths per 1,000 bed days",
        _PER_1000_BD,
        _HW,
        "safety",
        "rate",
        1000.0,
    ),
    _ind(
        "harm_free_care",
        "% patients free of the four harms",
        "%",
        _LW,
        "safety",
        "proportion",
        100.0,
    ),
    _ind(
        "bed_occupancy", "Average daily % of beds in use", "%", _HW, "safety", "proportion", 100.0
    ),
    _ind("nurses_per_bed", "Qualified nurses per bed", "WTE per bed", _LW, "safety", "ratio"),
    _ind("sickness_absence", "% sick leave", "%", _HW, "well_led", "proportion", 100.0),
    _ind(
        "doctors_to_patients",
        "Ratio of qualified doctors to patients treated",
        "doctors per 1,000 patients",
        _LW,
        "safety",
        "ratio",
        1000.0,
    ),
    _ind(
        "cqc_compliance_notices",
        "Number of CQC compliance notices",
        "notices",
        _HW,
        "well_led",
        "count",
    ),
    _ind(
        "trust_rating",
        "Trust rating",
        "1 inadequate .. 4 outstanding",
        _LW,
        "well_led",
        "rating",
        low=1.0,
        high=4.0,
    ),
)

BY_ID: dict[str, Indicator] = {indicator.id: indicator for indicator in CATALOGUE}
