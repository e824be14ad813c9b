"""The four surveillance levels of chapter 9 of the QSG guidance, in order."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """A proposed level of surveillance. The string values are the wire format."""

    NO_CONCERNS = "no_concerns"
    FURTHER_INFORMATION = "further_information"
    REGULAR_REVIEW = "regular_review"
    RISK_SUMMIT = "risk_summit"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def names(cls) -> list[str]:
        return [level.value for level in _ORDER]


_ORDER = [
    Level.NO_CONCERNS,
    Level.FURTHER_INFORMATION,
    Level.REGULAR_REVIEW,
    Level.RISK_SUMMIT,
]

_LABELS = {
    Level.NO_CONCERNS: "no concerns",
    Level.FURTHER_INFORMATION: "further information required",
    Level.REGULAR_REVIEW: "regular review",
    Level.RISK_SUMMIT: "risk summit required",
}
