"""What every `qsg` command shares: how bad input is reported, and the common options."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ..bundled import demo_workspace
from ..codes import Code
from ..errors import EngineError, ExitCode, InputError, Problem, shown
from ..model.vocabulary import Level

if TYPE_CHECKING:
    from .. import register as R

F = TypeVar("F", bound=Callable[..., Any])


class BadInput(click.ClickException):
    """Bad input: every problem on stderr as file:line[:col]: message, exit 2, no
    traceback (click's main loop shows it and exits with its code)."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: Sequence[Problem], said_as: Mapping[str, str]) -> None:
        self.lines = shown(problems, said_as)
        n = len(problems)
        self.lines.append(f"{n} problem{'s' if n != 1 else ''} found; nothing was done.")
        super().__init__("\n".join(self.lines))

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(line, err=True)


class EngineFailure(click.ClickException):
    """Not the user's input: the engine did not take every fact cleanly, so nothing is
    reported rather than a triage that may have lost something (exit 3)."""

    exit_code = ExitCode.INTERNAL

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(
            f"engine failure, no triage reported: {self.message}; this is a fault in qsgrules "
            "or its rules engine, not in your input: please report it",
            err=True,
        )


class QsgCommand(click.Command):
    """A `qsg` command: the API's ``InputError`` and ``EngineError`` become click
    exceptions that carry their exit codes. ``said_as`` names what the user typed for an
    argument whose name differs from its option (``providers="CODE"`` for `explain`);
    others are ``--name-with-dashes``."""

    def __init__(self, *args: Any, said_as: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.said_as = dict(said_as or {})

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise BadInput(exc.problems, self.said_as) from None
        except EngineError as exc:
            raise EngineFailure(str(exc)) from None


class QsgGroup(click.Group):
    """A group of `qsg` commands: its commands are ``QsgCommand``s, its groups too. With
    ``sections`` (a title and the names of its commands, in order) its help lists the
    commands by section, by who uses them, not alphabetically; a command in no section is
    listed last, under "Other commands" (a test fails while one is)."""

    command_class = QsgCommand
    group_class = type  # a group made from this one is of its class
    sections: Sequence[tuple[str, Sequence[str]]] = ()

    def unsectioned(self, ctx: click.Context) -> list[str]:
        """The commands in no section, by name."""
        placed = {name for _, names in self.sections for name in names}
        return [name for name in self.list_commands(ctx) if name not in placed]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self.sections:
            super().format_commands(ctx, formatter)
            return
        listed = [*self.sections, ("Other commands", self.unsectioned(ctx))]
        width = max(len(name) for _, names in listed for name in names)
        limit = formatter.width - 6 - width
        for title, names in listed:
            rows = []
            for name in names:
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name.ljust(width), cmd.get_short_help_str(limit)))
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows, col_max=width)


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], QsgCommand]:
    """``click.command`` making a ``QsgCommand``."""
    made: Callable[[Callable[..., Any]], QsgCommand] = click.command(
        *args, cls=QsgCommand, **kwargs
    )
    return made


def group(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], QsgGroup]:
    """``click.group`` making a ``QsgGroup``."""
    made: Callable[[Callable[..., Any]], QsgGroup] = click.group(*args, cls=QsgGroup, **kwargs)
    return made


def exit_with(code: ExitCode) -> NoReturn:
    """End the command with ``code`` (0 ok, 1 findings), through click."""
    raise click.exceptions.Exit(int(code))


def _default_workspace(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The workspace named, else QSG_WORKSPACE's, else the one found at or above the
    current folder (as git finds its repository); else None, the bundled demo, said on
    stderr so that a folder of one's own is never silently passed over."""
    if value is not None:
        return value
    from ..api import find_workspace

    try:
        found = find_workspace()
    except InputError as exc:
        raise BadInput(exc.problems, {"qsg_workspace": "QSG_WORKSPACE"}) from None
    if found.folder is None:
        click.echo(found.said(), err=True)
        return None
    return str(found.folder)


def _own_workspace(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """As ``_default_workspace``, for a command that writes into the workspace: with none
    found it refuses (the bundled demo is read-only) rather than falling back."""
    if value is not None:
        return value
    from ..api import find_workspace

    try:
        found = find_workspace()
    except InputError as exc:
        raise BadInput(exc.problems, {"qsg_workspace": "QSG_WORKSPACE"}) from None
    if found.folder is None or found.folder.resolve() == demo_workspace().resolve():
        where = (
            "QSG_WORKSPACE names the bundled demo, which is read-only"
            if found.folder is not None
            else f"no workspace of your own in {found.start} or above, and QSG_WORKSPACE is not set"
        )
        raise BadInput(
            [
                Problem.for_argument(
                    "workspace",
                    f"{where}: run this in your workspace folder, give --workspace DIR, or "
                    "make one with `qsg init DIR --from-demo` (the bundled demo is read-only)",
                    code=Code.NO_OWN_WORKSPACE,
                )
            ],
            {},
        )
    return str(found.folder)


WORKSPACE_HELP = (
    "Workspace folder (default: QSG_WORKSPACE, else the workspace this folder is in, "
    "found upward by its settings.yaml; else the bundled demo, said on stderr)."
)
_WORKSPACE = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False),
    default=None,
    callback=_default_workspace,
    help=WORKSPACE_HELP,
)
#: The workspace a command writes into: named, or QSG_WORKSPACE's, or found; never the demo.
_OWN_WORKSPACE = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False),
    default=None,
    callback=_own_workspace,
    help="Workspace folder (default: QSG_WORKSPACE, else the workspace this folder is in, "
    "found upward by its settings.yaml).",
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
_JOBS = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes sharing the work (default: the cores this process may use; 1: all in "
    "this one). The output is the same for any N.",
)
# the agenda and the pack list the same liaison, so they take it the same way
_LIAISON = click.option(
    "--liaison",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="REGISTER",
    help="Another local QSG's register: its conclusions on this QSG's providers since the "
    "last meeting are listed (repeatable).",
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
