"""Registers qsgrules' strategies with Hypothesis (the ``hypothesis`` entry point).

Hypothesis calls ``register`` when it is imported; the strategies themselves are imported
only when a test first asks for one of these types, so importing Hypothesis stays cheap.
"""

from __future__ import annotations

from typing import Any


def _soft_item(_: type) -> Any:
    from .strategies import soft_items

    return soft_items(status=None)


def _workspace(_: type) -> Any:
    from .strategies import workspaces

    return workspaces()


def _member(_: type) -> Any:
    from .strategies import members

    return members(min_size=1, max_size=1).map(lambda found: found[0])


def _provider(_: type) -> Any:
    from .strategies import providers

    return providers(codes=["RAA"]).map(lambda found: found[0])


def register() -> None:
    from hypothesis import strategies as st

    from .workspace import Member, Provider, SoftItem, Workspace

    st.register_type_strategy(SoftItem, _soft_item)
    st.register_type_strategy(Workspace, _workspace)
    st.register_type_strategy(Member, _member)
    st.register_type_strategy(Provider, _provider)
