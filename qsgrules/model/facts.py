"""What is known of one provider when its rules are matched: the facts conditions measure."""

from __future__ import annotations

from dataclasses import dataclass

from .evidence import HardFinding, SoftFinding
from .vocabulary import ProviderType


@dataclass(frozen=True)
class ProviderFacts:
    """A provider's hard findings and soft findings (counted or not) as of one month."""

    code: str
    type: ProviderType
    hard: tuple[HardFinding, ...]
    soft: tuple[SoftFinding, ...]

    @property
    def counted(self) -> tuple[SoftFinding, ...]:
        """The soft findings that count (not duplicates, closed or expired)."""
        return tuple(s for s in self.soft if s.counted)
