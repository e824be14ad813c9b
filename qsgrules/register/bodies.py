"""Typed bodies of the register's newer record kinds: what each record says, checked when
it is written (``dump``) and when it is read (``load``).

A body is stored as canonical JSON in the record (``store.canonical``), so a field added
here later must be optional: registers written before it still read.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, TypeVar

from ..model import Model
from ..model.vocabulary import Level


class ActionKind(StrEnum):
    """What an action is for (``action_added`` records; absent in older ones: an action)."""

    ACTION = "action"
    #: information asked of an organisation (the owner), answered by a response
    INFORMATION = "information_request"
    #: convene the risk summit a decision called for: at most one open per provider
    CONVENE_SUMMIT = "convene_summit"


class MeetingPlanned(Model):
    """A meeting in the schedule (``--planned``): no triage is frozen until it is opened."""

    date: dt.date
    chair: str
    qsg: str | None = None


class MeetingCancelled(Model):
    """A draft or planned meeting withdrawn: its positions, decisions and actions stop
    counting; every record of it stays in the register."""

    reason: str
    was: str  # "draft" or "planned"


class InformationReceived(Model):
    """The response to an information request, and the day it arrived (closes it)."""

    response: str
    on: dt.date


class SummitConvened(Model):
    """A risk summit convened about a provider: when it is to be held, who is invited (the
    provider by its code among them), and the convene action it answers, if any."""

    date: dt.date
    invited: tuple[str, ...]
    action: str | None = None


class SummitHeld(Model):
    """A risk summit as held: the day, who was present (the provider by its code among
    them), the outcome and the level of surveillance the summit agreed after it."""

    date: dt.date
    present: tuple[str, ...]
    outcome: str
    level_after: Level


class SummitWithdrawn(Model):
    """A summit convened and no longer required: a decision lowered the level below risk
    summit (``meeting``) before it was held."""

    reason: str
    meeting: str


class RebaseBody(Model):
    """A rebase the QSG decided at a meeting (``qsgrules.register.rebases``): from ``starts``
    (YYYY-MM) the provider's ``indicator`` is a new process. Its provider, meeting and who
    recorded it are the record's own columns."""

    indicator: str
    starts: str
    reason: str


B = TypeVar("B", bound=Model)


def dump(body: Model) -> dict[str, Any]:
    """The body as the plain JSON data a record stores."""
    return body.model_dump(mode="json")


def load(kind: type[B], data: dict[str, Any]) -> B:
    """A stored body read back as its type (JSON data: dates as text, levels as words)."""
    return kind.model_validate(data, strict=False)
