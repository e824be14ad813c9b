"""Today, as the workspace checks see it: injectable, for tests and reproducible runs."""

from __future__ import annotations

import datetime as dt
import os

#: ``YYYY-MM-DD``: the date qsgrules takes as today (tests, backtests, reproducible runs).
TODAY_VARIABLE = "QSG_TODAY"


def today() -> dt.date:
    """The date in ``QSG_TODAY`` when it is set to a valid date, else the system's date."""
    text = os.environ.get(TODAY_VARIABLE, "").strip()
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return dt.date.today()
