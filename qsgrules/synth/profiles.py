"""What synthetic data looks like: plausible levels for every catalogue indicator and the
mix and size of provider types. Figures are round numbers of the right order for English
providers in 2016-19, not estimates of any real provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..indicators import Indicator
from ..model.vocabulary import DataKind, ProviderType

#: How a series is made: counts drawn around the level (binomial numerator over a
#: denominator, Poisson events over exposure or expected deaths), a measured ratio of two
#: quantities, or a value with no counts (score, count of notices, rating).
Making = Literal["binomial", "poisson", "measured", "score", "count", "rating"]


@dataclass(frozen=True)
class Profile:
    making: Making
    mean: float  # in the indicator's unit
    spread: float  # between providers, in the unit
    noise: float  # month to month, in the unit (beyond the sampling noise of counts)
    seasonal: float  # winter peak minus yearly mean, in the unit
    low: float  # the unit's bounds
    high: float
    denominator: float  # per month, for a provider of size 1 (a typical acute trust)
    places: int  # decimals written for value
    count_places: int = 0  # decimals written for numerator and denominator
    jump: float | None = None  # the scale of a step or drift (default: the spread)


_INF = 1e12

#: The profiles drawn for English providers, by catalogue indicator; an indicator without one
#: is drawn from its kind and bounds (``profile_for``): a new indicator is one catalogue
#: entry, and its profile here only when the default does not look like it.
PROFILES: dict[str, Profile] = {
    "elective_deaths_30d": Profile("binomial", 2.5, 0.8, 0.3, 0.3, 0, 1000, 3000, 4),
    "amenable_deaths": Profile("poisson", 1.0, 0.08, 0.03, 0.05, 0.2, 5, 60, 4, 1),
    "ambulance_cat_a_8min": Profile("binomial", 25, 5, 1.5, 4, 0, 100, 15000, 4),
    "unplanned_adm_chronic": Profile("binomial", 12, 3, 0.8, 1.5, 0, 100, 2500, 4),
    "unplanned_adm_u19": Profile("binomial", 3, 1, 0.3, 0.4, 0, 100, 900, 4),
    "emergency_adm_acute": Profile("binomial", 13, 3, 0.8, 1.5, 0, 100, 4000, 4),
    "readmissions_30d": Profile("binomial", 8, 1.5, 0.4, 0.5, 0, 100, 8000, 4),
    "ae_4hr_type1": Profile("binomial", 8, 3.5, 1.2, 1.0, 0, 100, 10000, 4),
    "rtt_18wk_admitted": Profile("binomial", 6, 1.8, 0.6, 0.5, 0, 100, 3000, 4),
    "cancer_2wk": Profile("binomial", 4, 1.0, 0.4, 0.4, 0, 100, 1500, 4),
    "net_promoter": Profile("score", 40, 12, 4, -3, -100, 100, 0, 1),
    "infections_rate": Profile("poisson", 0.18, 0.05, 0.02, 0.03, 0, _INF, 25000, 4),
    "serious_incidents_rate": Profile("poisson", 0.1, 0.04, 0.01, 0, 0, _INF, 25000, 4),
    "never_events_rate": Profile("poisson", 0.0004, 0.0002, 0, 0, 0, _INF, 25000, 4),
    "unexpected_deaths_rate": Profile("poisson", 0.05, 0.02, 0.005, 0.01, 0, _INF, 25000, 4),
    "harm_free_care": Profile("binomial", 97.8, 0.7, 0.3, -0.3, 0, 100, 2000, 4),
    "bed_occupancy": Profile("binomial", 85, 2.5, 1.0, 2, 0, 100, 25000, 4),
    "nurses_per_bed": Profile("measured", 1.8, 0.3, 0.03, 0, 0.2, 10, 800, 4, 1),
    "sickness_absence": Profile("binomial", 3.6, 0.35, 0.15, 0.2, 0, 100, 150000, 4),
    "doctors_to_patients": Profile("measured", 5, 1, 0.1, 0, 0.5, 50, 40000, 4, 1),
    "cqc_compliance_notices": Profile("count", 0.003, 0.002, 0, 0, 0, 20, 0, 0, jump=0.1),
    "trust_rating": Profile("rating", 2.8, 0.6, 0, 0, 1, 4, 0, 0),
}


def profile_for(indicator: Indicator) -> Profile:
    """The indicator's profile, or, without one, a plausible series of its kind inside the
    values it can take: a share a tenth of the way up its scale, a rate with about five
    events a month, a ratio about one, a count of rare events, a score or a grade in the
    middle of its range."""
    found = PROFILES.get(indicator.id)
    if found is not None:
        return found
    s = indicator.scale
    low = indicator.low if indicator.low is not None else 0.0
    if indicator.kind is DataKind.PROPORTION:
        return Profile("binomial", 0.1 * s, 0.03 * s, 0.01 * s, 0.005 * s, 0, s, 5000, 4)
    if indicator.kind is DataKind.RATE:
        mean = 5 * s / 25000  # five events a month over a typical exposure
        return Profile("poisson", mean, 0.3 * mean, 0.1 * mean, 0, 0, _INF, 25000, 4)
    high = indicator.high if indicator.high is not None else max(10.0, 10 * low)
    if indicator.kind is DataKind.RATIO:
        mean = min(max(1.0, low + 0.1), high)
        return Profile("measured", mean, 0.15 * mean, 0.03 * mean, 0, low, high, 800, 4, 1)
    if indicator.kind is DataKind.COUNT:
        return Profile("count", 0.05, 0.03, 0, 0, low, high, 0, 0, jump=0.1)
    middle, width = (low + high) / 2, high - low
    if indicator.kind is DataKind.SCORE:
        return Profile("score", middle, width / 10, width / 30, 0, low, high, 0, 1)
    return Profile("rating", middle, width / 5, 0, 0, low, high, 0, 0)


#: Share of each provider type in a national list (GP practices and dentists dominate).
TYPE_SHARES: dict[ProviderType, float] = {
    ProviderType.ACUTE: 0.05,
    ProviderType.MENTAL_HEALTH: 0.025,
    ProviderType.COMMUNITY: 0.025,
    ProviderType.AMBULANCE: 0.01,
    ProviderType.GP_PRACTICE: 0.6,
    ProviderType.DENTAL: 0.2,
    ProviderType.INDEPENDENT: 0.08,
    ProviderType.OTHER: 0.01,
}

#: Typical monthly activity relative to an acute trust, the code prefix and name ending.
TYPE_SIZE: dict[ProviderType, float] = {
    ProviderType.ACUTE: 1.0,
    ProviderType.MENTAL_HEALTH: 0.3,
    ProviderType.COMMUNITY: 0.3,
    ProviderType.AMBULANCE: 1.5,
    ProviderType.GP_PRACTICE: 0.03,
    ProviderType.DENTAL: 0.01,
    ProviderType.INDEPENDENT: 0.05,
    ProviderType.OTHER: 0.05,
}
TYPE_PREFIX: dict[ProviderType, str] = {
    ProviderType.ACUTE: "RA",
    ProviderType.MENTAL_HEALTH: "RM",
    ProviderType.COMMUNITY: "RC",
    ProviderType.AMBULANCE: "RY",
    ProviderType.GP_PRACTICE: "G",
    ProviderType.DENTAL: "V",
    ProviderType.INDEPENDENT: "N",
    ProviderType.OTHER: "Z",
}
TYPE_NAME: dict[ProviderType, str] = {
    ProviderType.ACUTE: "Hospitals NHS Trust",
    ProviderType.MENTAL_HEALTH: "Mental Health NHS Foundation Trust",
    ProviderType.COMMUNITY: "Community Health Services NHS Trust",
    ProviderType.AMBULANCE: "Ambulance Service NHS Trust",
    ProviderType.GP_PRACTICE: "Medical Practice",
    ProviderType.DENTAL: "Dental Practice",
    ProviderType.INDEPENDENT: "Independent Hospital",
    ProviderType.OTHER: "Hospice",
}

#: Fictional places (two parts joined: "Ashbrook", "Elmford"...): no real town is meant.
PLACE_START = (
    "Ash", "Beck", "Bram", "Cald", "Cran", "Dun", "Elm", "Fen", "Glen", "Hart",
    "Hol", "Ivy", "Kel", "Lang", "Marl", "Nor", "Oak", "Pen", "Quen", "Ros",
    "Sand", "Thorn", "Ulver", "Wen", "Yar",
)  # fmt: skip
PLACE_END = (
    "brook", "bury", "by", "combe", "dale", "field", "ford", "ham", "hurst", "ley",
    "mere", "minster", "stead", "stow", "thorpe", "ton", "wick", "worth",
)  # fmt: skip
#: Shares of the four quality domains, severities and grading letters among soft items.
RELIABILITY_SHARES = {"A": 0.15, "B": 0.5, "C": 0.25, "D": 0.07, "E": 0.03}
ASSESSMENT_SHARES = {1: 0.1, 2: 0.5, 3: 0.3, 4: 0.08, 5: 0.02}
