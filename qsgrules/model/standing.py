"""A provider's standing level: the QSG's last decision about it, carried forward."""

from __future__ import annotations

from . import Model
from .ladder import LevelName


class Standing(Model):
    """The level the QSG last concluded for a provider, and what would end it.

    ``decided_on`` and ``review_by`` are ISO dates (``YYYY-MM-DD``); ``meeting`` is the id of
    the meeting that decided it (``M-2019-04-10``).
    """

    level: LevelName
    decided_on: str
    meeting: str
    review_by: str | None = None
    exit_criteria: str | None = None
