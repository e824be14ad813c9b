"""The words every layer shares, defined once: their string values are the wire format.

Everything else imports these; a test (tests/test_vocabulary.py) fails when a literal list
of domains, severities, levels, tests or strengths is written out anywhere else.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # only pydantic calls the hook below: the words need no pydantic
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema


class Word(StrEnum):
    """A vocabulary: validated from its string values even in strict models."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return cast("CoreSchema", {**handler(source), "strict": False})

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class _Ordered(Word):
    """A vocabulary whose members are ordered as declared (not alphabetically)."""

    @property
    def rank(self) -> int:
        return _rank(type(self), self)

    def __lt__(self, other: object) -> bool:
        return self.rank < _rank_of(self, other)

    def __le__(self, other: object) -> bool:
        return self.rank <= _rank_of(self, other)

    def __gt__(self, other: object) -> bool:
        return self.rank > _rank_of(self, other)

    def __ge__(self, other: object) -> bool:
        return self.rank >= _rank_of(self, other)


@functools.cache
def _rank(cls: type[_Ordered], member: _Ordered) -> int:
    return list(cls).index(member)


def _rank_of(self: _Ordered, other: object) -> int:
    if type(other) is not type(self):
        raise TypeError(f"cannot order {type(self).__name__} against {type(other).__name__}")
    assert isinstance(other, _Ordered)
    return other.rank


class Level(_Ordered):
    """A surveillance level (guidance, chapter 9), ordered from least to most severe."""

    NO_CONCERNS = "no_concerns"
    FURTHER_INFORMATION = "further_information"
    REGULAR_REVIEW = "regular_review"
    RISK_SUMMIT = "risk_summit"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @classmethod
    def names(cls) -> list[str]:
        return cls.values()

    # what a rung of any ladder says of itself (``model.ladder.Rung``): this is the
    # default ladder, whose rungs are these members
    @property
    def placed(self) -> bool:
        return True

    @property
    def lowest(self) -> bool:
        return self is Level.NO_CONCERNS

    @property
    def top(self) -> bool:
        return self is Level.RISK_SUMMIT

    @property
    def escalation(self) -> bool:
        """On every meeting's agenda while the provider stands here (chapter 9)."""
        return self in (Level.REGULAR_REVIEW, Level.RISK_SUMMIT)

    @property
    def meaning(self) -> str:
        return ""

    @property
    def colour(self) -> str:
        return ""

    @property
    def ladder_ids(self) -> tuple[str, ...]:
        return LEVELS


_LEVEL_LABELS = {
    Level.NO_CONCERNS: "no concerns",
    Level.FURTHER_INFORMATION: "further information required",
    Level.REGULAR_REVIEW: "regular review",
    Level.RISK_SUMMIT: "risk summit required",
}


class Domain(_Ordered):
    """Quality domains shared by indicators and soft intelligence."""

    SAFETY = "safety"
    EFFECTIVENESS = "effectiveness"
    EXPERIENCE = "experience"
    WELL_LED = "well_led"


class Severity(_Ordered):
    """How serious a soft-intelligence item is, least first."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    CRITICAL = "critical"


class Reliability(_Ordered):
    """Source reliability in the 5x5x5 grading: A always reliable .. E untested."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


#: Information assessment in the 5x5x5 grading: 1 known to be true .. 5 suspected false.
ASSESSMENTS: tuple[int, ...] = (1, 2, 3, 4, 5)


class Handling(Word):
    OPEN = "open"
    CONFIDENTIAL = "confidential"


class ItemStatus(Word):
    OPEN = "open"
    CLOSED = "closed"


class Stance(Word):
    """A member's position on a proposal at a meeting."""

    CONFIRM = "confirm"
    OVERRIDE = "override"


class HardTest(Word):
    """The tests that turn indicator data into a hard finding (a breach's ``test``)."""

    STANDARD = "standard"
    TREND = "trend"
    PEER = "peer"
    CUSUM = "cusum"


class Strength(_Ordered):
    NOTABLE = "notable"
    STRONG = "strong"


class Direction(Word):
    """Which side of a limit is a concern."""

    ABOVE = "above"
    BELOW = "below"


class Polarity(Word):
    HIGHER_IS_WORSE = "higher_is_worse"
    LOWER_IS_WORSE = "lower_is_worse"
    NEUTRAL = "neutral"


class DataKind(Word):
    PROPORTION = "proportion"  # numerator / denominator, shown scaled (% or per 1,000)
    RATE = "rate"  # events per exposure (bed days)
    RATIO = "ratio"  # observed / expected, or staff / activity
    COUNT = "count"
    SCORE = "score"
    RATING = "rating"  # ordinal: 1 inadequate, 2 requires improvement, 3 good, 4 outstanding


class ProviderType(Word):
    ACUTE = "acute"
    MENTAL_HEALTH = "mental_health"
    COMMUNITY = "community"
    AMBULANCE = "ambulance"
    GP_PRACTICE = "gp_practice"
    DENTAL = "dental"
    INDEPENDENT = "independent"
    OTHER = "other"


#: The kinds of soft-intelligence item a ruleset knows unless it lists its own
#: (``soft.categories``); an item's ``category`` is one of them.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "never_event",
    "serious_incident",
    "whistleblowing",
    "complaint_theme",
    "inspection_finding",
    "safeguarding",
    "staffing",
)

PROVIDER_TYPES: tuple[str, ...] = tuple(t.value for t in ProviderType)
DOMAINS: tuple[str, ...] = tuple(d.value for d in Domain)
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)
LEVELS: tuple[str, ...] = tuple(lv.value for lv in Level)
