"""One way in: every command that takes a workspace resolves it through the API's one
resolver (``qsgrules.api.inputs``), so one mistake gives one message whatever the command
(a mistyped --workspace once gave three different messages, depending on the command)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qsgrules.bundled import default_ruleset
from qsgrules.cli.main import cli

# a valid value for each required parameter, so that the workspace is what is wrong
VALUES = {
    "date": "2019-04-01",
    "due": "2019-05-01",
    "start": "2019-01",
    "end": "2019-02",
    "domain": "safety",
    "severity": "low",
    "grading": "B2",
    "level": "regular_review",
    "level_after": "regular_review",
    "out": "pack.html",
    "ruleset_a": str(default_ruleset()),
    "ruleset_b": str(default_ruleset()),
}


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        elif any(p.name == "workspace" for p in command.params):
            found.append((*path, name))
    return found


def _argv(path: tuple[str, ...]) -> list[str]:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    argv = list(path)
    for param in command.params:
        if param.name == "workspace" or not param.required:
            continue
        assert param.name is not None
        value = VALUES.get(param.name, "X1")
        if isinstance(param, click.Argument):
            argv.append(value)
        else:
            argv += [param.opts[0], value]
    if path == ("explain",):
        argv.append("--all")  # its codes are not required by click, but by the command
    return [*argv, "--workspace", "nowhere"]


COMMANDS = _commands(cli)


def test_the_commands_that_take_a_workspace_are_found() -> None:
    # the list below is read from the command line itself: a new command joins it
    assert {("triage",), ("diff",), ("backtest",), ("serve",), ("coverage",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_mistyped_workspace_is_one_message_whatever_the_command(
    path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QSG_TODAY", "2019-06-30")
    result = CliRunner().invoke(cli, _argv(path))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "--workspace: no such workspace folder 'nowhere'\n1 problem found; nothing was done.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_every_public_name_of_the_api_is_what_it_names_not_a_module() -> None:
    # a submodule named like a public function (api/triage.py beside api.triage) would
    # replace the function with the module once imported
    import types

    from qsgrules import api

    assert __import__("qsgrules.api.proposals")  # every submodule imported
    for name in api.__all__:
        assert not isinstance(getattr(api, name), types.ModuleType), name


def _tree(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = [group]
    for command in group.commands.values():
        found += _tree(command) if isinstance(command, click.Group) else [command]
    return found


def test_every_command_carries_its_errors_exit_codes_through_click() -> None:
    # bad input is a click exception with exit code 2, never a decorator calling sys.exit:
    # a command made with plain click would let the API's InputError out as a traceback
    from qsgrules.cli.common import QsgCommand, QsgGroup

    for command in _tree(cli):
        kind = QsgGroup if isinstance(command, click.Group) else QsgCommand
        assert isinstance(command, kind), command.name
    cli_folder = Path(__file__).resolve().parents[1] / "qsgrules" / "cli"
    assert not [p.name for p in cli_folder.glob("*.py") if "sys.exit(" in p.read_text()]


def test_every_format_option_is_made_from_a_table_of_reporters() -> None:
    # formats were chosen by comparing strings in 16 places with five choice sets
    from qsgrules.cli import formats

    made = [f.names for f in formats.ALL]
    for command in _tree(cli):
        for param in command.params:
            if param.name == "fmt":
                assert isinstance(param.type, click.Choice), command.name
                assert list(param.type.choices) in made, command.name
    for table in formats.ALL:
        assert table.default == table.names[0]
        assert all(table[name].name == name for name in table.names)
