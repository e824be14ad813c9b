"""The regional QSG's feedback to the local QSGs (issue 21, item 6): recorded in a local
QSG's register when it is received, listed, and carried to the QSG's next meeting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import register as reg_api
from ..register.feedback import add_feedback as _add
from ..register.state import Feedback
from .inputs import open_register, open_workspace

__all__ = ["add_feedback", "list_feedback"]


def add_feedback(
    *,
    source: str,
    received: str | dt.date,
    title: str,
    text: str | None = None,
    qsg: str | None = None,
    held_on: str | dt.date | None = None,
    confidential: bool = False,
    workspace: str | Path | None = None,
    register: str | Path | None = None,
    by: str | None = None,
) -> Feedback:
    """Record feedback from the regional QSG (``qsgrules.register.feedback``): ``qsg`` is
    one of the workspace's local QSGs (providers.csv), or None for every one."""
    ws = open_workspace(workspace)
    local = sorted({p.qsg for p in ws.providers.values() if p.qsg})
    with open_register(workspace, register, write=True, by=by) as reg:
        return _add(
            reg,
            source=source,
            received=received,
            title=title,
            text=text,
            qsg=qsg,
            held_on=held_on,
            confidential=confidential,
            local_qsgs=local,
        )


def list_feedback(
    workspace: str | Path | None = None, register: str | Path | None = None
) -> list[Feedback]:
    """Every item of the regional QSG's feedback, in the order received."""
    with open_register(workspace, register, write=False) as reg:
        state: reg_api.State = reg.state()
        return sorted(state.feedback.values(), key=lambda f: (f.received, f.seq))
