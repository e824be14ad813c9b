"""Why a level is lower on a later date: soft intelligence decays, data do not.

A provider's hard findings are the same on any date from the last day of its latest month
with data onwards (a month without data makes and unmakes nothing: ``evidence.window``).
Its soft items keep decaying, and may be closed or expire, as the ruleset says. Where the
triage's date is later than the end of the provider's data and its level is lower than it
was then, the proposal says so and names each item that weighs less, and why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from ..evidence.soft import SoftSummary, summarise
from ..model.evidence import SoftFinding
from ..model.facts import ProviderFacts
from ..model.ladder import AnyRung
from ..model.months import month_end
from ..model.numbers import plain
from ..model.proposal import Coverage, Lowered, SoftChange
from ..ruleset.schema import SoftSettings
from ..workspace import Workspace
from .when import TriageDate, data_month


class Earlier:
    """Each lagging provider's soft evidence on the last day of its latest month with data
    (of the triage's data month for a provider with none), computed once per such month,
    only for providers that have soft items."""

    def __init__(
        self,
        workspace: Workspace,
        settings: SoftSettings,
        when: TriageDate,
        covered: Mapping[str, Coverage],
    ) -> None:
        self._settings = settings
        self._members = workspace.members
        self._on = when.on
        self._ends: dict[str, int] = {}
        self._own: set[str] = set()
        last_day = when.on == month_end(when.on_month)
        # a provider with no data at all is compared with the end of the workspace's
        # latest month with data up to the date (with --as-of past the data, not that month)
        newest: int | None = None
        for code, cov in covered.items():
            if cov.lag_months == 0 and last_day:
                continue  # its data reach the date's month, which ends on the date
            if cov.lag_months is not None:
                month = when.on_month - cov.lag_months
            else:
                newest = data_month(workspace, when.month) if newest is None else newest
                month = newest
            if month_end(month) < when.on:
                self._ends[code] = month
                if cov.lag_months is not None:
                    self._own.add(code)
        self._items = workspace.intelligence
        self._codes: dict[int, set[str]] = defaultdict(set)
        with_items = {i.provider for i in workspace.intelligence} if self._ends else set()
        for code, end in self._ends.items():
            if code in with_items:
                self._codes[end].add(code)
        self._summaries: dict[int, dict[str, SoftSummary]] = {}

    def facts(self, now: ProviderFacts) -> ProviderFacts | None:
        """The provider's facts on the last day of its data (the same hard findings), or
        None when that is the triage's date or it has no soft items (nothing to differ)."""
        end = self._ends.get(now.code)
        if end is None or not now.soft:
            return None
        if end not in self._summaries:
            # every item known then, whoever it is about: a duplicate of another
            # provider's item is still counted once
            self._summaries[end] = summarise(
                self._items, self._settings, month_end(end), self._members, only=self._codes[end]
            )
        then = self._summaries[end].get(now.code, SoftSummary())
        return ProviderFacts(now.code, now.type, now.hard, tuple(then.findings))

    def lowered(self, now: ProviderFacts, then: ProviderFacts | None, level: AnyRung) -> Lowered:
        """The proposal's account of a level lower than ``level``, proposed on the last day
        of its data: each item that weighs less now, and why."""
        assert then is not None
        end = month_end(self._ends[now.code])
        changes = _changes(then.soft, now.soft, self._settings, end)
        said = "; ".join(
            f"{c.id} ({c.source}) {plain(c.weight_then, 2)} to {plain(c.weight_now, 2)}: {c.why}"
            for c in changes
        )
        whose = "its data" if now.code in self._own else "the data month (it has no data)"
        text = (
            f"Lower than on {end.isoformat()}, the last day of {whose}, when "
            f"{level.label} was proposed: its hard findings are the same (no month without "
            f"data removes one); its soft intelligence weighs less on "
            f"{self._on.isoformat()}: {said or 'no item named'}."
        )
        return Lowered(level=level, on=end.isoformat(), items=changes, text=text)


def _changes(
    then: tuple[SoftFinding, ...],
    now: tuple[SoftFinding, ...],
    settings: SoftSettings,
    end: dt.date,
) -> tuple[SoftChange, ...]:
    """The items that weigh less now than on ``end`` (decayed, closed, expired, no longer
    corroborated); where none does, the items received since (a ruleset's ceiling)."""
    before = {s.id: s for s in then if s.counted}
    out: list[SoftChange] = []
    for s in now:
        old = before.get(s.id)
        if old is None:
            continue
        weight = s.weight if s.counted else 0.0
        if weight >= old.weight:
            continue
        if not s.counted:
            why = s.note
        else:
            reasons = []
            if s.age_days != old.age_days:
                reasons.append(
                    f"decayed, {old.age_days} to {s.age_days} days old (half-life "
                    f"{plain(settings.half_life_days)} days)"
                )
            if old.corroborated_by and not s.corroborated_by:
                reasons.append("no longer corroborated")
            why = "; ".join(reasons) or "weighs less"
        out.append(
            SoftChange(
                id=s.id,
                source=s.source,
                received=s.received,
                weight_then=old.weight,
                weight_now=weight,
                why=why,
            )
        )
    if out:
        return tuple(out)
    return tuple(
        SoftChange(
            id=s.id,
            source=s.source,
            received=s.received,
            weight_then=0.0,
            weight_now=s.weight,
            why=f"received after {end.isoformat()}",
        )
        for s in now
        if s.counted and s.id not in before
    )


__all__ = ["Earlier"]
