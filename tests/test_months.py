"""Month arithmetic has one home, ``qsgrules.model.months``: parsing, writing, the month of a
day, the end of a month, the same day months earlier. Four modules once did it themselves,
and one had drifted: `qsg synth --end` read "2019-+3" as March 2019."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qsgrules.cli.main import cli
from qsgrules.model.months import (
    FIRST_MONTH,
    LAST_MONTH,
    known_month,
    month_end,
    month_number,
    month_of,
    month_text,
    months_before,
)

months = st.integers(FIRST_MONTH, LAST_MONTH)
days = st.dates(dt.date(1948, 1, 1), dt.date(2100, 12, 31))


@given(months)
def test_a_month_written_reads_back(number: int) -> None:
    assert month_number(month_text(number)) == known_month(month_text(number)) == number


@given(days)
def test_a_day_is_in_its_month_and_before_its_end(day: dt.date) -> None:
    end = month_end(month_of(day))
    assert month_of(end) == month_of(day) and day <= end
    assert month_of(end + dt.timedelta(days=1)) == month_of(day) + 1


@given(days, st.integers(0, 600))
def test_months_before_is_that_many_calendar_months_back(day: dt.date, n: int) -> None:
    earlier = months_before(day, n)
    assert month_of(earlier) == month_of(day) - n
    assert earlier.day == min(day.day, month_end(month_of(earlier)).day)


def test_synth_reads_its_last_month_as_every_command_does(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["synth", "--providers", "1", "--end", "2019-+3", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2, result.output
    assert "--end: bad month '2019-+3'" in result.stderr
    assert not (tmp_path / "x").exists()
