"""Names shared by every layer: provider types and quality domains (the wire format)."""

from __future__ import annotations

import typing
from typing import Literal

ProviderType = Literal[
    "acute",
    "mental_health",
    "community",
    "ambulance",
    "gp_practice",
    "dental",
    "independent",
    "other",
]
PROVIDER_TYPES: tuple[str, ...] = typing.get_args(ProviderType)
