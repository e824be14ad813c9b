"""The one resolver of a command's inputs: the workspace (or the bundled demo), the
ruleset (or the bundled default), the register (or ``register.sqlite`` in the workspace),
each checked the same way whatever the command, so one mistake gives one message."""

from __future__ import annotations

from pathlib import Path

from ..bundled import default_ruleset, demo_workspace
from ..codes import Code
from ..errors import InputError, Problem
from ..register import Register, checks, present
from ..register.store import Clock, Today
from ..ruleset import CompiledRuleset, load_ruleset
from ..workspace import Workspace, load_workspace

__all__ = [
    "REGISTER_FILE",
    "open_inputs",
    "open_register",
    "open_ruleset",
    "open_rulesets",
    "open_workspace",
    "register_file",
    "register_to_write",
]

#: The register's file name in a workspace folder.
REGISTER_FILE = "register.sqlite"


def open_workspace(workspace: str | Path | Workspace | None = None) -> Workspace:
    """A workspace by path (the bundled demo when None); its ``warnings`` say what is legal
    but suspicious in it. Raises ``qsgrules.errors.InputError`` listing every problem."""
    if isinstance(workspace, Workspace):
        return workspace
    return load_workspace(_folder(workspace))


def _folder(workspace: str | Path | None) -> Path:
    """The workspace folder named (it must be one), or the bundled demo's."""
    if workspace is None:
        return demo_workspace()
    if not Path(workspace).is_dir():
        raise InputError(
            [
                Problem.for_argument(
                    "workspace",
                    f"no such workspace folder {str(workspace)!r}",
                    code=Code.NO_SUCH_WORKSPACE,
                )
            ]
        )
    return Path(workspace)


def open_ruleset(ruleset: str | Path | CompiledRuleset | None = None) -> CompiledRuleset:
    """A ruleset by path (the bundled default when None), validated: InputError with every
    problem."""
    if isinstance(ruleset, CompiledRuleset):
        return ruleset
    return load_ruleset(ruleset or default_ruleset())


def open_rulesets(
    *rulesets: str | Path | CompiledRuleset | None,
) -> tuple[CompiledRuleset, ...]:
    """Several rulesets (each as ``open_ruleset``), reporting the problems of all of them."""
    problems: list[Problem] = []
    found = []
    for ruleset in rulesets:
        try:
            found.append(open_ruleset(ruleset))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return tuple(found)


def open_inputs(
    workspace: str | Path | Workspace | None, ruleset: str | Path | CompiledRuleset | None
) -> tuple[Workspace, CompiledRuleset]:
    """Load what was given by path; the bundled demo and default ruleset when nothing was."""
    return open_workspace(workspace), open_ruleset(ruleset)


def register_file(workspace: str | Path | None, register: str | Path | None = None) -> Path:
    """Where the register to read is: ``register`` when given (it must exist), else
    ``register.sqlite`` in the workspace folder (the bundled demo's when no workspace is
    given), which may not exist yet."""
    if register is not None:
        # a register named must be there: a mistyped path is never read as "no register"
        # (every provider "never discussed", no standing level, without a word)
        if not present(register):
            raise InputError(
                [
                    Problem.for_argument(
                        "register",
                        f"no register at {register}; `qsg meeting open` starts one",
                        code=Code.NOT_A_REGISTER,
                    )
                ]
            )
        return Path(register)
    return Path(workspace or demo_workspace()) / REGISTER_FILE


def _is_bundled(folder: Path) -> bool:
    try:
        return folder.resolve() == demo_workspace().resolve()
    except OSError:
        return False


def register_to_write(workspace: str | Path | None, register: str | Path | None) -> Path:
    """The register a write goes to: never inside the installed package."""
    if register is not None:
        return Path(register)
    if workspace is None or _is_bundled(Path(workspace)):
        raise InputError(
            [
                Problem.for_argument(
                    "workspace",
                    "the bundled demo is read-only: make a workspace of your own (`qsg init "
                    "DIR --from-demo` copies the demo; run qsg in DIR or give --workspace DIR) "
                    "or give a register file with --register PATH",
                    code=checks.NO_REGISTER_PLACE,
                )
            ]
        )
    return _folder(workspace) / REGISTER_FILE


def open_register(
    workspace: str | Path | None = None,
    register: str | Path | None = None,
    *,
    write: bool = False,
    by: str | None = None,
    clock: Clock | None = None,
    today: Today | None = None,
) -> Register:
    """The register of a workspace (``register.sqlite`` in it) or at ``register``. For
    writing it must be the user's own (never the bundled demo's) and already exist (a
    meeting opened); for reading it must exist. ``today`` (default ``QSG_TODAY`` or the
    system's date) is the day dates are checked against."""
    if register is None:
        _folder(workspace)  # a mistyped --workspace is said as such, not as "no register"
    path = register_to_write(workspace, register) if write else register_file(workspace, register)
    return Register(path, readonly=not write, actor=by, clock=clock, today=today)
