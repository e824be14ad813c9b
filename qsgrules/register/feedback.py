"""The regional QSG's feedback (issue 21, item 6: "the report upward and back"): recorded
when it is received, for one local QSG or every one, and carried into the agenda, the
pack and the note of that QSG's next meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from . import checks
from .agenda import last_meeting
from .kinds.feedback import FeedbackReceived
from .lookup import _check_actor
from .state import Feedback, Meeting, State
from .store import NewRecord, Register

__all__ = ["add_feedback", "feedback_for", "feedback_line"]


def add_feedback(
    reg: Register,
    *,
    source: str,
    received: str | dt.date,
    title: str,
    text: str | None = None,
    qsg: str | None = None,
    held_on: str | dt.date | None = None,
    confidential: bool = False,
    local_qsgs: Sequence[str] | None = None,
) -> Feedback:
    """Record feedback from the regional QSG (``source``), received on ``received``, for
    local QSG ``qsg`` (one of ``local_qsgs`` when they are given; None: every local QSG),
    from the regional meeting held on ``held_on``. Refused: a day after today, a regional
    meeting after the day it was received, an identifier in the text."""
    where = checks.text("source", source, required=True)
    heading = checks.text("title", title, required=True)
    body_text = checks.text("text", text)
    day = checks.date("received", received)
    checks.not_after_today("received", day, reg.today(), "feedback received")
    held = checks.date("held_on", held_on) if held_on is not None else None
    if held is not None:
        checks.not_before(
            "received",
            day,
            held,
            f"the regional meeting it came from ({held.isoformat()}): feedback is received "
            "after the meeting that gave it",
        )
    if qsg is not None and local_qsgs is not None:
        checks.one_of(
            "qsg",
            qsg,
            local_qsgs,
            "local QSG",
            checks.UNKNOWN_QSG,
            "a local QSG is named in the qsg column of providers.csv",
        )
    _check_actor(reg)

    def build(state: State) -> list[NewRecord]:
        numbers = [int(f.split("-")[1]) for f in state.feedback if f.split("-")[-1].isdigit()]
        fields = {
            "source": where,
            "received": day,
            "title": heading,
            "text": body_text,
            "qsg": qsg,
            "held_on": held,
            "confidential": confidential,
        }
        body = FeedbackReceived.model_validate(
            {k: v for k, v in fields.items() if v not in (None, False)}
        )
        return [body.record(subject=f"F-{max(numbers, default=0) + 1:03d}")]

    stored = reg.write(build)
    return reg.state().feedback[str(stored[0].subject)]


def feedback_for(state: State, m: Meeting) -> list[Feedback]:
    """The regional QSG's feedback for ``m``: for its local QSG (or every one), received
    after the QSG's last meeting and by ``m``'s day. On a meeting's own day, feedback
    recorded before the meeting was opened is that meeting's, and after it the next one's
    (to bring it to the open meeting, record it there: qsg meeting item --kind
    regional_feedback). So each item comes to exactly one meeting of each QSG."""
    last = last_meeting(state, m)
    out = []
    for f in sorted(state.feedback.values(), key=lambda f: (f.received, f.seq)):
        if f.qsg is not None and m.qsg is not None and f.qsg != m.qsg:
            continue
        if (f.received, f.seq) > (m.date, m.seq):
            continue
        if last is not None and (f.received, f.seq) < (last.date, last.seq):
            continue
        out.append(f)
    return out


def feedback_line(f: Feedback, *, withhold: bool) -> str:
    """The feedback as an agenda, a pack or a note lists it (its text withheld when it is
    confidential and ``withhold``)."""
    came = f"{f.source}" + (f", meeting of {f.held_on.isoformat()}" if f.held_on else "")
    text = f": {f.text}" if f.text else ""
    if f.text and withhold and f.confidential:
        text = " (its text is confidential: not printed here)"
    return f"{f.id} {f.title} ({came}; received {f.received.isoformat()}){text}"
