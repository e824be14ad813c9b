"""Problems with user input, as data: where each came from, a stable code, and what to do.

A problem comes either from a place in a file (``file:line[:col]``) or from an argument the
caller gave (a command-line option, a Python keyword). The library says which argument by
its Python name (``as_of``, ``duplicate_of``); only the command line turns that into the
option the user typed (``--as-of``), through ``Problem.render``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

#: The most characters of one value a message repeats.
ECHO_LIMIT = 80
# a quoted run longer than a value already cut (80 characters and its count) is cut
_LONG = ECHO_LIMIT + 40
_LONG_QUOTED = re.compile(rf"'([^'\n]{{{_LONG},}})'|\"([^\"\n]{{{_LONG},}})\"")


def cut(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` as a message may repeat it: at most ``limit`` characters, the rest counted."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 3]}... ({len(text):,} characters)"


def _cut_quoted(m: re.Match[str]) -> str:
    quote = "'" if m.group(1) is not None else '"'
    return f"{quote}{cut(m.group(1) or m.group(2))}{quote}"


class ExitCode(IntEnum):
    """The exit status of every `qsg` command (README, "Exit codes")."""

    OK = 0
    FINDINGS = 1  # the command ran and found something (a privacy scan's finding, a failure)
    BAD_INPUT = 2  # the user's input is wrong: every problem was printed, nothing was done
    INTERNAL = 3  # the engine or qsgrules itself failed: nothing was reported


Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem found in one input, rendered as ``file:line[:col]: message``.

    ``argument`` is set (and ``file`` empty) when the value came from an argument rather
    than a file. ``code`` is stable across releases (``QSG`` and three digits) so that
    tools can match on it; ``severity`` is ``warning`` for input that is legal but
    suspicious.
    """

    file: str
    line: int
    col: int | None
    message: str
    code: str = "QSG000"
    severity: Severity = "error"
    argument: str | None = None

    def __post_init__(self) -> None:
        # never more than ~80 characters of one input value echoed: a 1 MB value in a CSV
        # cell was printed whole in its error (1,000,151 bytes)
        if len(self.message) > _LONG:
            object.__setattr__(self, "message", _LONG_QUOTED.sub(_cut_quoted, self.message))
        # a ``qsgrules.codes.Code`` is kept as its plain text: what tools match and compare
        object.__setattr__(self, "code", str(self.code))

    @classmethod
    def for_argument(
        cls, name: str, message: str, code: str = "QSG000", severity: Severity = "error"
    ) -> Problem:
        """A problem with the value of argument ``name`` (its Python name, e.g. ``as_of``)."""
        return cls("", 0, None, message, code, severity, name)

    @property
    def where(self) -> str:
        if self.argument is not None:
            return self.argument
        if self.col is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"

    def render(self, options: Mapping[str, str] | None = None) -> str:
        """The problem as text; ``options`` maps argument names to what the user typed."""
        if self.argument is not None:
            default = "--" + self.argument.replace("_", "-")
            return f"{(options or {}).get(self.argument, default)}: {self.message}"
        return f"{self.where}: {self.message}"

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict[str, str | int | None]:
        """The problem as plain data (for ``--format json``)."""
        out: dict[str, str | int | None] = {"code": self.code, "severity": self.severity}
        if self.argument is not None:
            out["argument"] = self.argument
        else:
            out.update({"file": self.file, "line": self.line, "col": self.col})
        out["message"] = self.message
        return out

    def sort_key(self) -> tuple[int, str, int, int, str]:
        return (
            self.argument is None,
            self.argument or self.file,
            self.line,
            self.col or 0,
            self.message,
        )


class EngineError(RuntimeError):
    """The inference engine did not process every fact cleanly; nothing is reported.

    Defined here, not beside the engine adapter, so that catching it imports no engine.
    """


class InputError(Exception):
    """Bad input: carries every problem found, never a partial result."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


#: The most problems said at once: the first ones show what is wrong; 50,000 more of the
#: same kind (a file of unknown providers) would only bury them (6.4 MB of output).
MAX_SHOWN = 100


def shown(problems: Sequence[Problem], options: Mapping[str, str] | None = None) -> list[str]:
    """The problems as lines, at most ``MAX_SHOWN`` of them and then how many were left."""
    lines = [p.render(options) for p in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        lines.append(f"... and {len(problems) - MAX_SHOWN:,} more problems not shown")
    return lines


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean "x"?)' suffix, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
