"""Generate the demo workspace in fixtures/demo from the vendored NHS data.

Real: the type 1 A&E four-hour series (NHS England, via NHSRdatasets) and the trust codes
and names (ODS). Synthetic: every other indicator (a seeded numpy generator) and every item
of soft intelligence (fictional). The scenario is designed so that the default ruleset,
evaluated as of 2019-03, proposes all four surveillance levels (see SCENARIO below).

Run from anywhere:
    python scripts/make_demo.py            # write fixtures/demo
    python scripts/make_demo.py --check    # exit 1 if fixtures/demo is not what it would write
    python scripts/make_demo.py --out DIR  # write somewhere else

The output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
AE_CSV = ROOT / "data" / "nhs" / "ae_attendances.csv"
ODS_CSV = ROOT / "data" / "nhs" / "ods_trusts_2020-12.csv"
DEFAULT_OUT = ROOT / "fixtures" / "demo"
FILES = ("providers.csv", "indicators.csv", "members.csv", "intelligence.yaml", "README.md")

SEED = 20130101
FIRST_MONTH = (2016, 4)  # April 2016 .. March 2019, as in the A&E data
N_MONTHS = 36
AS_OF = dt.date(2019, 3, 31)  # the scenario is designed for a triage as of 2019-03

NCEL, NWL, SOUTH = "North Central & East London", "North West London", "South London"
# The 18 London (ODS national grouping Y56) acute trusts with type 1 A&E rows in the data,
# each with the local QSG that covered it.
TRUSTS: dict[str, str] = {
    "R1H": NCEL,  # Barts Health
    "R1K": NWL,  # London North West
    "RAL": NCEL,  # Royal Free
    "RAP": NCEL,  # North Middlesex
    "RAS": NWL,  # Hillingdon
    "RAX": SOUTH,  # Kingston
    "RF4": NCEL,  # Barking, Havering and Redbridge
    "RJ1": SOUTH,  # Guy's and St Thomas'
    "RJ2": SOUTH,  # Lewisham and Greenwich
    "RJ6": SOUTH,  # Croydon
    "RJ7": SOUTH,  # St George's
    "RJZ": SOUTH,  # King's College Hospital
    "RKE": NCEL,  # Whittington
    "RQM": NWL,  # Chelsea and Westminster
    "RQX": NCEL,  # Homerton
    "RRV": NCEL,  # UCLH
    "RVR": SOUTH,  # Epsom and St Helier
    "RYJ": NWL,  # Imperial
}

# The synthetic indicators, in generation order (ambulance_cat_a_8min is omitted: these
# are acute trusts, and the indicator belongs to ambulance trusts).
SYNTHETIC = (
    "elective_deaths_30d",
    "amenable_deaths",
    "unplanned_adm_chronic",
    "unplanned_adm_u19",
    "emergency_adm_acute",
    "readmissions_30d",
    "rtt_18wk_admitted",
    "cancer_2wk",
    "net_promoter",
    "infections_rate",
    "serious_incidents_rate",
    "never_events_rate",
    "unexpected_deaths_rate",
    "harm_free_care",
    "bed_occupancy",
    "nurses_per_bed",
    "sickness_absence",
    "doctors_to_patients",
    "cqc_compliance_notices",
    "trust_rating",
)

# Standards of rulesets/default.yaml that synthetic series are kept inside at the end of the
# series, unless the scenario says otherwise: indicator -> (limit, "above"/"below" is worse,
# months in the window, scale of value = scale x numerator / denominator).
STANDARDS: dict[str, tuple[float, str, int, float]] = {
    "never_events_rate": (0.0, "above", 3, 1000.0),
    "infections_rate": (0.5, "above", 3, 1000.0),
    "harm_free_care": (95.0, "below", 3, 100.0),
    "rtt_18wk_admitted": (10.0, "above", 3, 100.0),
    "cancer_2wk": (7.0, "above", 3, 100.0),
    "bed_occupancy": (92.0, "above", 3, 100.0),
    "sickness_absence": (4.5, "above", 3, 100.0),
    "cqc_compliance_notices": (0.0, "above", 6, 1.0),
}

# Scenario overrides of synthetic series: (provider, indicator) -> {YYYY-MM: target value}.
# RF4: harm-free care falls through the winter, below 90% in two of the last three months
# (a strong safety breach). RJ7: one never event in February 2019. RJZ: admitted patients
# waiting over 18 weeks climb above 20% (a second strong breach beside the real A&E one).
OVERRIDES: dict[tuple[str, str], dict[str, float]] = {
    ("RF4", "harm_free_care"): {
        "2018-07": 95.6,
        "2018-08": 95.3,
        "2018-09": 94.7,
        "2018-10": 94.0,
        "2018-11": 93.1,
        "2018-12": 91.8,
        "2019-01": 89.4,
        "2019-02": 88.7,
        "2019-03": 90.6,
    },
    ("RJ7", "never_events_rate"): {"2019-02": 1},  # numerator: one never event
    ("RJZ", "rtt_18wk_admitted"): {
        "2018-07": 14.6,
        "2018-08": 15.9,
        "2018-09": 17.4,
        "2018-10": 18.8,
        "2018-11": 20.3,
        "2018-12": 22.1,
        "2019-01": 23.7,
        "2019-02": 24.9,
        "2019-03": 24.2,
    },
}

# What each trust is designed to get from rulesets/default.yaml as of 2019-03 (README).
SCENARIO: dict[str, tuple[str, str]] = {
    "RJ6": (
        "risk_summit",
        "Safety concerns from four organisations (CQC, HEE London, "
        "Healthwatch Croydon, NHS Croydon CCG), mostly January-March 2019, weighing about 9 "
        "(rule safety-concerns-from-several-organisations). A second CQC report of the same "
        "concern is marked duplicate_of and counted once. Real A&E above 20%, beyond its own "
        "upper process limit and above the peer funnel limit (rule "
        "four-hour-outlier-and-deteriorating) as well.",
    ),
    "RF4": (
        "risk_summit",
        "Synthetic harm-free care below 90% in January and February 2019 "
        "(strong safety breach) corroborated by safety concerns from NHS Havering CCG and "
        "the NMC weighing about 5 (rule strong-safety-breach-corroborated).",
    ),
    "RAS": (
        "regular_review",
        "Real A&E about 40% not seen within four hours (experience) with "
        "experience concerns from Healthwatch Hillingdon, corroborated by NHS Hillingdon "
        "CCG, weighing about 4 (rule hard-breach-corroborated-by-soft); also above the peer "
        "funnel limit after the over-dispersion adjustment.",
    ),
    "RJ7": (
        "regular_review",
        "One never event in February 2019 (synthetic; rule never-event). "
        "Also holds the confidential item (GMC).",
    ),
    "RJZ": (
        "regular_review",
        "Two strong breaches: real A&E above 20% and synthetic admitted "
        "18-week waits above 20% for three months (rule several-strong-breaches).",
    ),
    "R1H": ("further_information", "Real A&E above 20% in each of January-March 2019."),
    "R1K": ("further_information", "Real A&E above 20% in each of January-March 2019."),
    "RAP": ("further_information", "Real A&E above 20% in each of January-March 2019."),
    "RJ2": ("further_information", "Real A&E above 20% in each of January-March 2019."),
    "RYJ": ("further_information", "Real A&E above 20% in each of January-March 2019."),
    "RVR": (
        "further_information",
        "A single moderate effectiveness concern from NHS Sutton CCG (rule soft-signal-to-test).",
    ),
    "RAL": (
        "no_concerns",
        "Real A&E between 5% and 20% (a breach, but not a strong one). Holds "
        "the old item: an April 2018 concern whose weight has decayed to about 0.4.",
    ),
    "RAX": ("no_concerns", "Real A&E between 5% and 20%; one minor, older soft item."),
    "RJ1": ("no_concerns", "Real A&E between 5% and 20%; one minor, older soft item."),
    "RKE": ("no_concerns", "Real A&E between 5% and 20%; one minor, older soft item."),
    "RQM": ("no_concerns", "Real A&E between 5% and 20%; one minor, older soft item."),
    "RQX": (
        "no_concerns",
        "Real A&E between 5% and 20%; a high safety concern from Healthwatch Hackney, closed "
        "in November 2018 after assurance: in the record, not counted.",
    ),
    "RRV": (
        "further_information",
        "Real A&E 20.0% in March 2019 is beyond the upper process limit of its own XmR "
        "chart (mean 13.3%, upper limit 17.8%): a trend signal (rule four-hour-waits), though "
        "not a sustained breach of 20% (January and February are below it); one minor item.",
    ),
}
LEVEL_ORDER = ("risk_summit", "regular_review", "further_information", "no_concerns")


# --------------------------------------------------------------------------- soft items


@dataclass(frozen=True)
class Soft:
    key: str
    provider: str
    source: str
    received: str
    domain: str
    severity: str
    grading: str
    summary: str
    handling: str = "open"
    duplicate_of: str | None = None  # key of another item
    corroborates: str | None = None  # key of another item
    closed_on: str | None = None  # a closed item stays in the record and stops counting
    closed_reason: str | None = None


SOFT: tuple[Soft, ...] = (
    # RQX Homerton: a closed item - in the record, no longer counted
    Soft(
        "rqx-closed",
        "RQX",
        "Healthwatch Hackney",
        "2018-09-10",
        "safety",
        "high",
        "B2",
        "Visitors reported medicines trolleys left unlocked on a surgical ward during evening "
        "visiting on several occasions.",
        closed_on="2018-11-30",
        closed_reason="Assurance received: a follow-up visit found medicines stored securely "
        "and a weekly audit in place.",
    ),
    # RJ6 Croydon: risk summit from safety concerns raised by several organisations
    Soft(
        "rj6-cqc",
        "RJ6",
        "CQC",
        "2019-02-14",
        "safety",
        "high",
        "B2",
        "An unannounced focused inspection of urgent and emergency care found nurse staffing in "
        "the emergency department below planned levels on most night shifts reviewed, and "
        "deteriorating patients not escalated in line with the trust's own policy.",
    ),
    Soft(
        "rj6-hee",
        "RJ6",
        "HEE London",
        "2019-01-22",
        "safety",
        "moderate",
        "B2",
        "A quality visit and the national training survey report junior doctors in acute "
        "medicine covering more wards than agreed out of hours, with limited senior support "
        "overnight.",
    ),
    Soft(
        "rj6-healthwatch",
        "RJ6",
        "Healthwatch Croydon",
        "2019-03-05",
        "safety",
        "high",
        "B2",
        "An enter and view visit and patient feedback describe patients waiting on trolleys in "
        "emergency department corridors for many hours without regular observations.",
        corroborates="rj6-cqc",
    ),
    Soft(
        "rj6-ccg",
        "RJ6",
        "NHS Croydon CCG",
        "2019-03-12",
        "safety",
        "moderate",
        "A2",
        "Serious incident reports for the quarter include three delays in recognising and "
        "treating sepsis in the emergency pathway; commissioner review of the action plans is "
        "under way.",
    ),
    Soft(
        "rj6-cqc-letter",
        "RJ6",
        "CQC",
        "2019-03-01",
        "safety",
        "high",
        "B2",
        "The inspection feedback letter sets out the same concern about emergency department "
        "night staffing and escalation of deteriorating patients raised at the focused "
        "inspection.",
        duplicate_of="rj6-cqc",
    ),
    Soft(
        "rj6-la",
        "RJ6",
        "LB Croydon",
        "2018-11-20",
        "effectiveness",
        "low",
        "C3",
        "Adult social care reports discharge summaries arriving late or incomplete for "
        "patients discharged to reablement, delaying care packages.",
    ),
    Soft(
        "rj6-tda",
        "RJ6",
        "TDA",
        "2018-12-10",
        "well_led",
        "moderate",
        "B3",
        "The quarterly review noted slippage against the urgent and emergency care recovery "
        "plan and turnover in the senior nursing team.",
    ),
    # RF4 Barking, Havering and Redbridge: strong safety breach corroborated by soft safety
    Soft(
        "rf4-ccg",
        "RF4",
        "NHS Havering CCG",
        "2019-02-20",
        "safety",
        "high",
        "A2",
        "A commissioner quality visit to the medical wards found gaps in pressure ulcer and "
        "falls risk assessments, consistent with the fall in harm-free care since the autumn.",
    ),
    Soft(
        "rf4-nmc",
        "RF4",
        "NMC",
        "2019-03-08",
        "safety",
        "moderate",
        "B2",
        "Referrals and an employer liaison discussion raise concerns about supervision of "
        "agency and newly registered nurses on the medical wards.",
        corroborates="rf4-ccg",
    ),
    Soft(
        "rf4-tda",
        "RF4",
        "TDA",
        "2018-10-15",
        "well_led",
        "low",
        "B2",
        "Board papers show the harm-free care improvement programme was paused during a "
        "reorganisation of the nursing directorate.",
    ),
    # RAS Hillingdon: real A&E breach with experience concerns in the same domain
    Soft(
        "ras-healthwatch",
        "RAS",
        "Healthwatch Hillingdon",
        "2019-01-28",
        "experience",
        "high",
        "B2",
        "A surge in reports to Healthwatch about long waits in A&E, patients spending the "
        "night on trolleys and poor communication with relatives.",
    ),
    Soft(
        "ras-ccg",
        "RAS",
        "NHS Hillingdon CCG",
        "2019-03-04",
        "experience",
        "moderate",
        "B2",
        "Friends and Family Test comments and PALS contacts for the emergency department show "
        "the same themes of long waits and poor communication.",
        corroborates="ras-healthwatch",
    ),
    Soft(
        "ras-monitor",
        "RAS",
        "Monitor",
        "2018-09-18",
        "well_led",
        "low",
        "B3",
        "Quarterly monitoring notes that the four-hour recovery trajectory agreed for the year "
        "has not been met.",
    ),
    # RJ7 St George's: a never event; the confidential item
    Soft(
        "rj7-ccg",
        "RJ7",
        "NHS Wandsworth CCG",
        "2019-02-25",
        "safety",
        "low",
        "A1",
        "Notified of a never event (wrong site surgery) in theatres; the root cause analysis "
        "is due next month.",
    ),
    Soft(
        "rj7-gmc",
        "RJ7",
        "GMC",
        "2018-12-03",
        "effectiveness",
        "moderate",
        "C3",
        "Concerns raised through the employer liaison service about outcomes and team working "
        "in one surgical specialty; details are held in confidence pending a review.",
        handling="confidential",
    ),
    # RJZ King's: two strong breaches (A&E, referral to treatment)
    Soft(
        "rjz-monitor",
        "RJZ",
        "Monitor",
        "2019-01-15",
        "well_led",
        "moderate",
        "B2",
        "A review under financial special measures found the elective recovery plan "
        "under-resourced, with the admitted waiting list still growing.",
    ),
    Soft(
        "rjz-ccg",
        "RJZ",
        "NHS Southwark CCG",
        "2019-02-11",
        "experience",
        "moderate",
        "B3",
        "Practices report patients waiting a long time for elective surgery and operations "
        "cancelled on the day.",
    ),
    # RVR Epsom and St Helier: one moderate concern from one organisation
    Soft(
        "rvr-ccg",
        "RVR",
        "NHS Sutton CCG",
        "2019-03-01",
        "effectiveness",
        "moderate",
        "B2",
        "An audit of discharge summaries shows medication changes often not communicated to "
        "GPs; practices have queried a rise in readmissions.",
    ),
    # Minor items at trusts whose level comes from the data (or that have no concerns)
    Soft(
        "r1h-ombudsman",
        "R1H",
        "Ombudsman",
        "2018-08-14",
        "experience",
        "low",
        "B2",
        "A complaint upheld about poor communication with a family during a long stay in the "
        "emergency department; the trust has accepted the recommendations.",
    ),
    Soft(
        "r1k-ccg",
        "R1K",
        "NHS Brent CCG",
        "2018-12-05",
        "effectiveness",
        "low",
        "B3",
        "Practices report delays in receiving outpatient clinic letters from two specialties.",
    ),
    Soft(
        "r1k-cqc",
        "R1K",
        "CQC",
        "2018-05-14",
        "well_led",
        "moderate",
        "B2",
        "Engagement meeting notes that the board's oversight of mandatory training completion "
        "needs strengthening.",
    ),
    Soft(
        "rap-la",
        "RAP",
        "LB Enfield",
        "2019-02-19",
        "experience",
        "low",
        "C2",
        "Care home managers report residents returned from the emergency department at night "
        "without a discharge letter.",
    ),
    Soft(
        "rj2-phe",
        "RJ2",
        "PHE",
        "2018-10-22",
        "effectiveness",
        "low",
        "A2",
        "A screening quality assurance visit made routine recommendations on failsafe "
        "processes for antenatal screening.",
    ),
    Soft(
        "ryj-hee",
        "RYJ",
        "HEE London",
        "2018-11-26",
        "well_led",
        "low",
        "B2",
        "Trainees in one specialty report rota gaps filled at short notice; the education "
        "lead has an action plan.",
    ),
    Soft(
        "ral-healthwatch-old",
        "RAL",
        "Healthwatch Camden",
        "2018-04-17",
        "experience",
        "moderate",
        "B2",
        "Feedback from an outpatient engagement event describes long telephone queues for "
        "booking appointments; the trust has since introduced online booking.",
    ),
    Soft(
        "rax-ccg",
        "RAX",
        "NHS Kingston CCG",
        "2018-09-03",
        "effectiveness",
        "low",
        "B2",
        "Practices ask for clearer guidance on direct access to the ambulatory care unit.",
    ),
    Soft(
        "rj1-phe",
        "RJ1",
        "PHE",
        "2018-06-12",
        "effectiveness",
        "low",
        "A1",
        "A norovirus outbreak on two wards was managed in line with guidance; no further "
        "action requested.",
    ),
    Soft(
        "rke-healthwatch",
        "RKE",
        "Healthwatch Islington",
        "2018-07-09",
        "experience",
        "low",
        "C3",
        "Visitors report that signage to outpatient clinics is confusing after building works.",
    ),
    Soft(
        "rqm-ccg",
        "RQM",
        "NHS Central London CCG",
        "2018-05-21",
        "experience",
        "low",
        "B2",
        "Practices report some patients not told how to get test results after outpatient "
        "appointments.",
    ),
    Soft(
        "rrv-nmc",
        "RRV",
        "NMC",
        "2018-06-25",
        "well_led",
        "low",
        "C3",
        "A query about the trust's process for checking registration of agency nurses, "
        "answered satisfactorily.",
    ),
)


# --------------------------------------------------------------------------- helpers


def months() -> list[str]:
    year, month = FIRST_MONTH
    out = []
    for _ in range(N_MONTHS):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def days_in(period: str) -> int:
    year, month = int(period[:4]), int(period[5:])
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.date(year, month, 1)).days


def fmt(value: float) -> str:
    """A value rounded to 4 dp, without trailing zeros (3, 0.0313, 25.6432)."""
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def title_case(name: str) -> str:
    """ODS upper-case names in readable title case: NHS kept, apostrophes right."""
    keep_upper = {"NHS", "UCL", "CCG"}
    small = {"and", "of", "the", "for"}
    words = []
    for i, word in enumerate(name.split()):
        bare = word.strip(",")
        if bare in keep_upper:
            words.append(word)
        elif i > 0 and bare.lower() in small:
            words.append(word.lower())
        else:
            words.append(word[0].upper() + word[1:].lower())
    return " ".join(words)


# --------------------------------------------------------------------------- real data


def read_ods() -> dict[str, str]:
    names = {}
    with ODS_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if row and row[0] in TRUSTS:
                if row[2] != "Y56":
                    raise SystemExit(f"{row[0]} is not in national grouping Y56 (London)")
                names[row[0]] = title_case(row[1])
    missing = sorted(set(TRUSTS) - set(names))
    if missing:
        raise SystemExit(f"not in the ODS file: {', '.join(missing)}")
    return names


def read_ae() -> dict[str, dict[str, tuple[int, int, int]]]:
    """provider -> YYYY-MM -> (breaches, attendances, admissions), type 1 rows only."""
    out: dict[str, dict[str, tuple[int, int, int]]] = {code: {} for code in TRUSTS}
    with AE_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "1" and row["org_code"] in TRUSTS:
                period = row["period"][:7]
                if period in out[row["org_code"]]:
                    raise SystemExit(f"two type 1 rows for {row['org_code']} {period}")
                out[row["org_code"]][period] = (
                    int(row["breaches"]),
                    int(row["attendances"]),
                    int(row["admissions"]),
                )
    return out


# --------------------------------------------------------------------------- synthetic data

Row = tuple[str, str, str, float, float | None, float | None]  # provider..denominator


@dataclass
class Series:
    """One synthetic monthly series: numerators and denominators, or plain values."""

    scale: float
    num: list[float] | None
    den: list[float] | None
    val: list[float] | None = None

    def value(self, i: int) -> float:
        if self.val is not None:
            return self.val[i]
        assert self.num is not None and self.den is not None
        return self.scale * self.num[i] / self.den[i]


def _winter(period: str) -> float:
    """1 in January, -1 in July: the seasonal pressure on acute trusts."""
    return math.cos(2 * math.pi * (int(period[5:]) - 1) / 12)


def synthesise(
    rng: np.random.Generator, code: str, size: float, periods: list[str]
) -> dict[str, Series]:
    """Every synthetic indicator for one trust. ``size`` in [0, 1] scales activity."""
    n = len(periods)
    winter = np.array([_winter(p) for p in periods])
    days = np.array([days_in(p) for p in periods], dtype=float)
    t = np.arange(n) / 12.0  # years since April 2016

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0.0, sd, n)

    def binom(den: np.ndarray, p: np.ndarray) -> list[float]:
        return [float(x) for x in rng.binomial(den.astype(np.int64), np.clip(p, 0.0, 1.0))]

    def poisson(lam: np.ndarray) -> list[float]:
        return [float(x) for x in rng.poisson(np.maximum(lam, 0.0))]

    def ints(x: np.ndarray) -> np.ndarray:
        return np.round(x).astype(np.int64).astype(float)

    s: dict[str, Series] = {}
    # activity shared by several indicators
    bed_days = ints((15_500 + 28_000 * size) * (days / 30.4) * (1 + 0.03 * winter + noise(0.015)))
    elective = ints(
        (2_000 + 4_000 * size)
        * (1 + noise(0.05))
        * np.array([0.9 if p[5:] in ("08", "12") else 1.0 for p in periods])
    )
    emergency = ints((2_400 + 5_000 * size) * (1 + 0.06 * winter + noise(0.03)))

    rate = rng.uniform(1.0, 2.3)
    s["elective_deaths_30d"] = Series(1000.0, poisson(rate * elective / 1000), list(elective))

    expected = np.round((45 + 90 * size) * (1 + 0.15 * winter + noise(0.05)), 1)
    ratio = rng.uniform(0.9, 1.08)
    observed = np.round(expected * (ratio + noise(0.04)))
    s["amenable_deaths"] = Series(1.0, [float(x) for x in observed], list(expected))

    p = rng.uniform(0.09, 0.125) + 0.008 * winter + noise(0.004)
    s["unplanned_adm_chronic"] = Series(100.0, binom(emergency, p), list(emergency))

    u19 = ints(emergency * rng.uniform(0.12, 0.16) * (1 + noise(0.05)))
    p = rng.uniform(0.026, 0.042) + 0.004 * winter
    s["unplanned_adm_u19"] = Series(100.0, binom(u19, p), list(u19))

    p = rng.uniform(0.11, 0.145) + 0.006 * winter + noise(0.004)
    s["emergency_adm_acute"] = Series(100.0, binom(emergency, p), list(emergency))

    discharges = elective + emergency
    p = rng.uniform(0.066, 0.082) + 0.003 * winter + noise(0.002)
    s["readmissions_30d"] = Series(100.0, binom(discharges, p), list(discharges))

    pathways = ints((1_300 + 3_000 * size) * (1 + noise(0.05)))
    p = rng.uniform(0.055, 0.075) + rng.uniform(0.0, 0.008) * t + 0.006 * winter + noise(0.004)
    s["rtt_18wk_admitted"] = Series(100.0, binom(pathways, p), list(pathways))

    referrals = ints((900 + 2_000 * size) * (1 + noise(0.06)))
    p = rng.uniform(0.03, 0.05) + 0.008 * winter + noise(0.005)
    s["cancer_2wk"] = Series(100.0, binom(referrals, p), list(referrals))

    nps = np.clip(rng.uniform(60, 75) + noise(2.5), 55, 80)
    s["net_promoter"] = Series(1.0, None, None, [round(float(x), 1) for x in nps])

    lam = rng.uniform(0.15, 0.33) * (1 + 0.15 * winter) * bed_days / 1000
    s["infections_rate"] = Series(1000.0, poisson(lam), list(bed_days))
    lam = rng.uniform(0.12, 0.34) * bed_days / 1000
    s["serious_incidents_rate"] = Series(1000.0, poisson(lam), list(bed_days))
    s["never_events_rate"] = Series(1000.0, poisson(np.full(n, 0.04)), list(bed_days))
    lam = rng.uniform(0.03, 0.07) * (1 + 0.1 * winter) * bed_days / 1000
    s["unexpected_deaths_rate"] = Series(1000.0, poisson(lam), list(bed_days))

    surveyed = ints(bed_days / days * rng.uniform(0.92, 0.98))
    p = rng.uniform(0.958, 0.975) - 0.003 * winter + noise(0.003)
    s["harm_free_care"] = Series(100.0, binom(surveyed, p), list(surveyed))

    occupancy = rng.uniform(0.855, 0.895) + 0.015 * winter + noise(0.006)
    available = ints(bed_days / occupancy)
    s["bed_occupancy"] = Series(100.0, list(bed_days), list(available))

    nurses = rng.uniform(1.3, 1.85) + rng.uniform(-0.03, 0.05) * t + noise(0.02)
    s["nurses_per_bed"] = Series(1.0, None, None, [round(float(x), 2) for x in nurses])

    fte_days = ints((3_500 + 9_000 * size) * days * (1 + noise(0.005)))
    p = rng.uniform(0.031, 0.038) + 0.004 * winter + noise(0.0015)
    s["sickness_absence"] = Series(100.0, list(ints(fte_days * p)), list(fte_days))

    doctors = rng.uniform(3.3, 5.5) + noise(0.08)
    s["doctors_to_patients"] = Series(1.0, None, None, [round(float(x), 2) for x in doctors])

    notices = rng.poisson(0.01, n).astype(float)
    s["cqc_compliance_notices"] = Series(1.0, None, None, list(notices))

    rating = int(rng.choice([2, 3, 3, 3, 4]))
    step_at = int(rng.integers(6, 30))
    step = int(rng.choice([-1, 0, 0, 1]))
    ratings = [float(rating if i < step_at else min(4, max(2, rating + step))) for i in range(n)]
    if code in ("RJ6", "RF4"):  # the risk-summit trusts: requires improvement throughout
        ratings = [2.0] * n
    s["trust_rating"] = Series(1.0, None, None, ratings)
    return s


def apply_overrides(code: str, series: dict[str, Series], periods: list[str]) -> None:
    """Set the scenario's values (after keep_inside, so they win)."""
    for (provider, ind), targets in OVERRIDES.items():
        if provider != code:
            continue
        ser = series[ind]
        assert ser.num is not None and ser.den is not None
        for period, target in targets.items():
            i = periods.index(period)
            if ind == "never_events_rate":
                ser.num[i] = float(target)
            else:
                ser.num[i] = float(round(target * ser.den[i] / ser.scale))


def keep_inside(rng: np.random.Generator, series: dict[str, Series], periods: list[str]) -> int:
    """Bring each standard's last months inside its limit (the scenario decides breaches).

    Returns how many values had to be moved (never events and notices aside).
    """
    moved = 0
    for ind, (limit, worse, window, scale) in STANDARDS.items():
        ser = series[ind]
        for i in range(len(periods) - window, len(periods)):
            value = ser.value(i)
            beyond = value > limit if worse == "above" else value < limit
            # never events and notices must be zero; elsewhere stay a little inside the limit
            if ind in ("never_events_rate", "cqc_compliance_notices"):
                if ser.num is not None:
                    ser.num[i] = 0.0
                else:
                    assert ser.val is not None
                    ser.val[i] = 0.0
                continue
            if not beyond:
                continue
            assert ser.num is not None and ser.den is not None
            margin = float(rng.uniform(0.02, 0.08)) * limit
            target = limit - margin if worse == "above" else min(limit + margin, 99.0)
            num = target * ser.den[i] / scale
            ser.num[i] = float(math.floor(num) if worse == "above" else math.ceil(num))
            moved += 1
    return moved


# --------------------------------------------------------------------------- writers


def providers_csv(names: dict[str, str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "type", "qsg"])
    for code in sorted(TRUSTS):
        w.writerow([code, names[code], "acute", TRUSTS[code]])
    return buf.getvalue()


def indicator_rows(ae: dict[str, dict[str, tuple[int, int, int]]]) -> list[Row]:
    periods = months()
    rng = np.random.default_rng(SEED)
    mean_att = {c: float(np.mean([v[1] for v in ae[c].values()])) for c in TRUSTS}
    lo, hi = min(mean_att.values()), max(mean_att.values())
    rows: list[Row] = []
    for code in sorted(TRUSTS):
        for period in periods:  # real: only the months in the data, none invented
            if period in ae[code]:
                b, a, _ = ae[code][period]
                rows.append((code, "ae_4hr_type1", period, 100.0 * b / a, float(b), float(a)))
        series = synthesise(rng, code, (mean_att[code] - lo) / (hi - lo), periods)
        keep_inside(rng, series, periods)
        apply_overrides(code, series, periods)
        for ind in SYNTHETIC:
            ser = series[ind]
            for i, period in enumerate(periods):
                if ser.val is not None:
                    rows.append((code, ind, period, ser.val[i], None, None))
                else:
                    assert ser.num is not None and ser.den is not None
                    rows.append((code, ind, period, ser.value(i), ser.num[i], ser.den[i]))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


def indicators_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["provider", "indicator", "period", "value", "numerator", "denominator"])
    for code, ind, period, value, num, den in rows:
        w.writerow(
            [
                code,
                ind,
                period,
                fmt(value),
                "" if num is None else count(num),
                "" if den is None else count(den),
            ]
        )
    return buf.getvalue()


def soft_items() -> list[dict[str, object]]:
    ordered = sorted(SOFT, key=lambda s: (s.received, s.provider, s.key))
    ids = {s.key: f"SI-{i:03d}" for i, s in enumerate(ordered, start=1)}
    items: list[dict[str, object]] = []
    for s in ordered:
        item: dict[str, object] = {
            "id": ids[s.key],
            "provider": s.provider,
            "source": s.source,
            "received": dt.date.fromisoformat(s.received),
            "domain": s.domain,
            "severity": s.severity,
            "grading": s.grading,
            "summary": s.summary,
            "handling": s.handling,
        }
        if s.duplicate_of:
            item["duplicate_of"] = ids[s.duplicate_of]
        if s.corroborates:
            item["corroborates"] = ids[s.corroborates]
        if s.closed_on:
            item["status"] = "closed"
            item["closed_on"] = dt.date.fromisoformat(s.closed_on)
            item["closed_reason"] = s.closed_reason
        items.append(item)
    return items


NATIONAL = {"CQC", "Monitor", "TDA", "NHS England", "PHE", "HEE", "GMC", "NMC", "Ombudsman"}


def members_csv() -> str:
    """The local member organisations the soft items name (national ones are built in)."""
    kinds = (
        ("Healthwatch ", "healthwatch"),
        ("NHS ", "commissioner"),
        ("LB ", "local_authority"),
        ("HEE ", "education"),
    )
    # HEE's local offices are part of HEE: their items and HEE's are not independent
    parents = {"HEE ": "HEE"}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["name", "kind", "parent"])
    for name in sorted({s.source for s in SOFT} - NATIONAL):
        kind = next(k for prefix, k in kinds if name.startswith(prefix))
        parent = next((p for prefix, p in parents.items() if name.startswith(prefix)), "")
        writer.writerow([name, kind, parent])
    return buf.getvalue()


def intelligence_yaml(items: list[dict[str, object]]) -> str:
    header = (
        "# Soft intelligence for the qsgrules demo workspace.\n"
        "# FICTIONAL: written for the demo, attached to real trust codes; no item describes a\n"
        "# real event, and none holds patient- or staff-identifiable data.\n"
        "# Generated by scripts/make_demo.py - edit that script, not this file.\n"
    )
    body = yaml.safe_dump(
        items, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False
    )
    return header + body


def readme(
    names: dict[str, str],
    ae: dict[str, dict[str, tuple[int, int, int]]],
    items: list[dict[str, object]],
) -> str:
    last3 = months()[-3:]
    lines = [
        "# Demo workspace: 18 London acute trusts, April 2016 - March 2019",
        "",
        "Generated by `scripts/make_demo.py` (deterministic: numpy seed "
        f"`{SEED}`); do not edit these files by hand. `python scripts/make_demo.py --check` "
        "exits 1 if they differ from what the script writes.",
        "",
        "Triage it with the default ruleset as of 2019-03 (the last month of data):",
        "",
        "    qsg triage --workspace fixtures/demo --ruleset rulesets/default.yaml --as-of 2019-03",
        "    qsg explain RJ6 --workspace fixtures/demo --as-of 2019-03",
        "",
        "## What is real",
        "",
        "- **Trust codes and names** (`providers.csv`): the 18 NHS trusts in ODS national "
        "grouping Y56 (London) that have type 1 A&E rows, from the NHS Digital Organisation "
        "Data Service extract of NHS trusts (`etr`, December 2020), names converted to title "
        "case. Open Government Licence v3.0. The `qsg` column (North Central & East London, "
        "North West London, South London) is our assignment by geography.",
        "- **`ae_4hr_type1`** (`indicators.csv`): % of patients not seen within four hours at "
        "type 1 A&E = 100 x breaches / attendances, with numerator = breaches and denominator = "
        "attendances, for every month in the data (April 2016 - March 2019; no month invented). "
        'Source: NHS England Statistical Work Areas, "A&E Attendances and Emergency '
        "Admissions\", Open Government Licence v3.0, as packaged in the NHS-R Community's "
        "NHSRdatasets (`ae_attendances`, CC0). Vendored at `data/nhs/`.",
        "",
        "## What is synthetic",
        "",
        "- **Every other indicator** in `indicators.csv` (20 per trust, 36 months each): "
        "plausible series drawn from `numpy.random.default_rng("
        f"{SEED})` with trust size taken from real A&E attendances, winter seasonality and "
        "noise. They are not the trusts' real figures. `ambulance_cat_a_8min` is omitted "
        "(an ambulance-trust indicator). Where numerator and denominator are given, value = "
        "scale x numerator / denominator rounded to 4 dp (scale 100 for %, 1,000 for per "
        "1,000). Synthetic series are kept inside every standard of `rulesets/default.yaml` "
        "for the last months, except where the scenario below puts a breach; earlier months "
        "may breach.",
        "- **Every soft-intelligence item** in `intelligence.yaml` "
        f"({len(items)} items) is fictional. The items are attached to real trust codes so "
        "the demo reads naturally, but none describes a real event at that trust, and none "
        "holds patient- or staff-identifiable information. Source names follow the QSG "
        "membership of the 2013 guidance (Monitor, TDA and so on).",
        "",
        "## Scenario (default ruleset, as of 2019-03)",
        "",
        "Soft weights: severity points x source reliability x information assessment x "
        "0.5^(age in days / 182), age measured to 2019-03-31. Demonstrated: a duplicate "
        "(same concern reported twice by the CQC, RJ6), a corroboration across "
        "organisations (RJ6, RF4, RAS), a confidential item (RJ7), an old item "
        "(April 2018, RAL) whose weight has decayed, and a closed item (RQX) that stays in the "
        "record but no longer counts. Local member organisations are listed in `members.csv`.",
        "",
        "| Level | Trust | QSG | Real A&E % not seen in 4h, "
        f"{last3[0]} / {last3[1]} / {last3[2]} | Why |",
        "|---|---|---|---|---|",
    ]
    for level in LEVEL_ORDER:
        for code in sorted(c for c in SCENARIO if SCENARIO[c][0] == level):
            pct = " / ".join(
                f"{100 * ae[code][p][0] / ae[code][p][1]:.1f}" if p in ae[code] else "-"
                for p in last3
            )
            lines.append(
                f"| {level} | {code} {names[code]} | {TRUSTS[code]} | {pct} | {SCENARIO[code][1]} |"
            )
    lines.append("")
    return "\n".join(lines)


def build() -> dict[str, str]:
    if set(SCENARIO) != set(TRUSTS):
        raise SystemExit("SCENARIO must describe every trust")
    names = read_ods()
    ae = read_ae()
    items = soft_items()
    return {
        "providers.csv": providers_csv(names),
        "indicators.csv": indicators_csv(indicator_rows(ae)),
        "intelligence.yaml": intelligence_yaml(items),
        "members.csv": members_csv(),
        "README.md": readme(names, ae, items),
    }


def write(files: dict[str, str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_bytes(text.encode("utf-8"))


def check(out: Path) -> int:
    """0 if ``out`` holds exactly what the script writes, else 1 (listing the differences)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        write(build(), fresh)
        differ = []
        for name in FILES:
            old = out / name
            if not old.is_file() or old.read_bytes() != (fresh / name).read_bytes():
                differ.append(name)
    if differ:
        print(
            f"{out}: out of date: {', '.join(differ)}; run python scripts/make_demo.py",
            file=sys.stderr,
        )
        return 1
    print(f"{out}: up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder to write (default: fixtures/demo)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary folder and exit 1 if --out differs",
    )
    args = parser.parse_args(argv)
    if args.check:
        return check(args.out)
    files = build()
    write(files, args.out)
    for name in FILES:
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
