"""Rebases the QSG records: from a month on, a provider's indicator is a new process.

A rebase is a decision taken at a meeting (Making Data Count: limits are recalculated
deliberately, with a reason, never automatically): one record of kind ``rebase`` in the
meeting, about the provider, its subject the indicator, with a typed body
(``kinds.rebases.RebaseBody``) written and read by this module alone. Every triage made with the
register then starts the series again at that month (``qsgrules.model.rebase``).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError

from ..codes import Code
from ..indicators import BY_ID
from ..model.months import month_number, month_text
from ..model.rebase import Rebase
from . import checks
from .kinds import load
from .kinds.rebases import RebaseBody
from .lookup import _check_actor, _open_for_changes, _provider, meeting_of
from .state import State
from .store import NewRecord, Record, Register

__all__ = [
    "BAD_REBASE",
    "UNKNOWN_INDICATOR",
    "RebaseBody",
    "rebase_records",
    "rebases",
    "rebases_by_provider",
    "record_rebase",
]

#: A rebase that cannot be recorded: a month after the meeting's data, or one already there.
BAD_REBASE = Code.BAD_REBASE
#: An indicator the catalogue does not have.
UNKNOWN_INDICATOR = Code.REBASE_INDICATOR


def record_rebase(
    reg: Register, provider: str, indicator: str, *, starts: str, reason: str, meeting: str
) -> Rebase:
    """Record, at an open meeting, that ``provider``'s ``indicator`` is a new process from
    ``starts`` (YYYY-MM), with the QSG's reason. Refused (nothing written) for an unknown
    meeting, provider or indicator, a month that cannot be or is after the data the meeting
    froze, the same rebase twice, or a reason the text guard refuses."""
    if indicator not in BY_ID:
        checks.one_of(
            "indicator",
            indicator,
            sorted(BY_ID),
            "indicator",
            UNKNOWN_INDICATOR,
            "see `qsg indicators`",
        )
    month = month_number(starts)
    if month is None:
        raise checks.refuse(
            "from", f"{starts!r} is not a month; write YYYY-MM, e.g. 2018-07", checks.BAD_DATE
        )
    why = str(checks.text("reason", reason, required=True))
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        code = _provider(m, provider)
        data_to = month_number(m.as_of)
        if data_to is not None and month > data_to:
            raise checks.refuse(
                "from",
                f"{month_text(month)} is after the data meeting {m.id} froze (to {m.as_of}): "
                "a new process starts in a month with data",
                BAD_REBASE,
            )
        for r in rebases(rebase_records(reg)):
            if (r.provider, r.indicator, r.starts) == (code, indicator, month_text(month)):
                raise checks.refuse(
                    "from",
                    f"{code}'s {indicator} is already rebased from {r.starts} ({r.meeting})",
                    BAD_REBASE,
                )
        body = RebaseBody(indicator=indicator, starts=month_text(month), reason=why)
        return [body.record(meeting=m.id, provider=code, subject=indicator)]

    stored = reg.write(build)
    return _rebase(stored[0])


def _rebase(r: Record) -> Rebase:
    try:
        body = load(RebaseBody, r.body)
    except ValidationError as exc:
        raise checks.refuse(
            "register",
            f"{r.label()}: it cannot be read ({exc.errors()[0]['msg']})",
            Code.REGISTER_DAMAGED,
        ) from None
    return Rebase(
        provider=str(r.provider),
        indicator=body.indicator,
        starts=body.starts,
        reason=body.reason,
        meeting=str(r.meeting),
        recorded_by=r.recorded_by,
        recorded_at=r.recorded_at,
    )


def rebases(records: Iterable[Record]) -> list[Rebase]:
    """Every rebase in the register, in the order recorded."""
    return [_rebase(r) for r in records if r.kind == RebaseBody.kind]


def rebases_by_provider(records: Iterable[Record]) -> dict[str, tuple[Rebase, ...]]:
    """The register's rebases by provider, each provider's in the order recorded."""
    found: dict[str, list[Rebase]] = {}
    for r in rebases(records):
        found.setdefault(r.provider, []).append(r)
    return {code: tuple(found[code]) for code in sorted(found)}


def rebase_records(reg: Register) -> list[Record]:
    """The records of rebases in ``reg``, in order, read through the index on kinds (the
    other records are not read)."""
    return reg.records(kinds=[RebaseBody.kind])
