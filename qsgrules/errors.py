"""Errors about user input: each names the file, the line (and column) and what to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """The exit status of every `qsg` command (README, "Exit codes")."""

    OK = 0
    FINDINGS = 1  # the command ran and found something (a privacy scan's finding, a failure)
    BAD_INPUT = 2  # the user's input is wrong: every problem was printed, nothing was done
    INTERNAL = 3  # the engine or qsgrules itself failed: nothing was reported


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in one input file, rendered as ``file:line[:col]: message``."""

    file: str
    line: int
    col: int | None
    message: str

    def __str__(self) -> str:
        where = (
            f"{self.file}:{self.line}"
            if self.col is None
            else f"{self.file}:{self.line}:{self.col}"
        )
        return f"{where}: {self.message}"


class InputError(Exception):
    """Bad input: carries every problem found, never a partial result."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean "x"?)' suffix, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
