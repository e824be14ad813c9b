"""What every `qsg` command shares: how bad input is reported, and the common options."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import EngineError, ExitCode, InputError, shown
from ..model.vocabulary import Level

if TYPE_CHECKING:
    from .. import register as R

F = TypeVar("F", bound=Callable[..., Any])


def reports_input_errors(**options: str) -> Callable[[F], F]:
    """Bad input: every problem on stderr as file:line[:col]: message, exit 2, no traceback.

    ``options`` names what the user typed for an argument whose name differs from its
    option (``providers="CODE"`` for `explain`); others are ``--name-with-dashes``.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except InputError as exc:
                for line in shown(exc.problems, options):
                    click.echo(line, err=True)
                n = len(exc.problems)
                click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was done.", err=True)
                sys.exit(ExitCode.BAD_INPUT)
            except EngineError as exc:
                # not the user's input: the engine did not take every fact cleanly, so nothing
                # is reported rather than a triage that may have lost something
                click.echo(
                    f"engine failure, no triage reported: {exc}; this is a fault in qsgrules or "
                    "its rules engine, not in your input: please report it",
                    err=True,
                )
                sys.exit(ExitCode.INTERNAL)

        return wrapper  # type: ignore[return-value]

    return decorate


_WORKSPACE = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False),
    default=None,
    help="Workspace folder (default: the bundled demo).",
)
_RULESET = click.option(
    "--ruleset",
    "-r",
    type=click.Path(dir_okay=False),
    default=None,
    help="Ruleset YAML (default: the bundled default ruleset).",
)
_AS_OF = click.option(
    "--as-of",
    default=None,
    metavar="YYYY-MM",
    help="The data month: data up to it, soft intelligence to its last day (default: the "
    "latest month in the data).",
)
_ON = click.option(
    "--on",
    default=None,
    metavar="YYYY-MM-DD",
    help="The date the triage is made on: soft intelligence up to that day, each provider's "
    "data as far as they reach, with how far they lag behind it (with --as-of: data up to "
    "that month).",
)
_PUBLIC = click.option(
    "--public",
    is_flag=True,
    help="For publication: withhold all text of items given in confidence (weights kept).",
)
_REGISTER = click.option(
    "--register",
    type=click.Path(dir_okay=False),
    default=None,
    help="Register file (default: register.sqlite in the workspace folder).",
)

# ---- the register's commands --------------------------------------------------------

LEVELS = "|".join(Level.values())
_BY = click.option(
    "--by", default=None, metavar="NAME", help="Who records this (default: the OS user)."
)
_MEETING = click.option(
    "--meeting", required=True, metavar="ID", help="Meeting id, e.g. M-2019-04-10."
)


def _where(func: F) -> F:
    for option in reversed([_WORKSPACE, _REGISTER]):
        func = option(func)
    return func


def _writer(func: F) -> F:
    return _where(_BY(func))


def _write(workspace: str | None, register: str | None, by: str | None) -> R.Register:
    """The register to write: the user's own (never the bundled demo's), already started."""
    from ..api import open_register

    return open_register(workspace, register, write=True, by=by)


def _read(workspace: str | None, register: str | None) -> R.Register:
    from ..api import open_register

    return open_register(workspace, register, write=False)
