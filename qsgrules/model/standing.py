"""A provider's standing level: the QSG's last decision about it, carried forward."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

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
    # the level concluded per domain (a ruleset with domain-scoped rules); absent otherwise
    domains: dict[str, LevelName] = Field(default_factory=dict)
    # exit criteria agreed at the decision as conditions of the ruleset's language, by scope
    # ("provider": the level overall, or a domain); checked at every later triage
    exit_when: dict[str, Any] = Field(default_factory=dict)

    @model_serializer(mode="wrap")
    def _sparse(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        for name in ("domains", "exit_when"):
            if isinstance(data, dict) and not data.get(name):
                data.pop(name, None)  # as before they existed: the 2013 contract unchanged
        return data
