"""Pydantic types shared across layers.

``Model`` is imported on first use, so that the vocabulary alone (what `qsg --help` needs)
does not import pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Model

__all__ = ["Model"]


def __getattr__(name: str) -> Any:
    if name == "Model":
        from .base import Model

        return Model
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
