"""Output formats: one ``Reporter`` per format of a command's result, and each command's
table of them (``Formats``), from which its ``--format`` option is made. A command renders
through the reporter it is given; none chooses a format by comparing strings.

Renderers are imported when a reporter is used: `qsg --help` imports none of them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, TypeVar

import click

if TYPE_CHECKING:
    from ..api import BacktestRun
    from ..api.proposals import Written
    from ..diff import RulesetDiff
    from ..engine.triage import TriageRun
    from ..errors import Problem
    from ..model.proposal import Proposal, Triage
    from ..progress import Progress
    from ..register import Regional
    from ..register.note import MeetingNote

R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Reporter(Generic[R]):
    """One format of one kind of result: its text on stdout and what is said beside it on
    stderr. ``human`` formats (a table, text, Markdown) are read by people: notes said on
    stderr beside a machine format are in them already, or not wanted."""

    name: str
    render: Callable[[R], str]
    human: bool = False
    aside: Callable[[R], str] | None = None  # said on stderr

    def emit(self, result: R) -> None:
        click.echo(self.render(result), nl=False)
        if self.aside is not None:
            click.echo(self.aside(result), nl=False, err=True)


class Formats(Generic[R]):
    """A command's formats by name; the first is the default."""

    def __init__(self, *reporters: Reporter[R], help: str | None = None) -> None:
        self.by_name = {r.name: r for r in reporters}
        self.default = reporters[0].name
        self.help = help

    def __getitem__(self, name: str) -> Reporter[R]:
        return self.by_name[name]

    @property
    def names(self) -> list[str]:
        return list(self.by_name)

    def option(self) -> Callable[[F], F]:
        """The command's ``--format`` (passed to it as ``fmt``)."""
        made: Callable[[F], F] = click.option(
            "--format",
            "fmt",
            type=click.Choice(self.names),
            default=self.default,
            show_default=True,
            help=self.help,
        )
        return made


# ---------------------------------------------------------------- qsg triage


def _triage_table(result: Triage) -> str:
    from ..reports import render

    return render.table(result)


def _triage_json(result: Triage) -> str:
    from ..reports import render

    return render.to_json(result)


def _triage_csv(result: Triage) -> str:
    from ..reports import render

    return render.to_csv(result)


#: ``write(run, out, public=, jobs=, progress=)``: a triage written as it is made.
Write = Callable[..., "Written"]


@dataclass(frozen=True)
class TriageReporter(Reporter["Triage"]):
    """A format of the triage that is also written as the triage is made (``write``, one of
    ``api.write_triage_*``): the same bytes as ``render`` of the whole triage, without
    holding it (and, for the table, without building any explanation)."""

    write: Write | None = None

    def stream(
        self,
        run: TriageRun,
        *,
        public: bool = False,
        jobs: int = 1,
        progress: Progress | None = None,
    ) -> Written:
        """Write ``run`` on standard output; its heading and table rows back."""
        assert self.write is not None
        return self.write(run, _stdout_bytes(), public=public, jobs=jobs, progress=progress)


def _stdout_bytes() -> BinaryIO:
    """Standard output for bytes, after whatever was written to it as text."""
    sys.stdout.flush()
    return sys.stdout.buffer


def _write_table(run: TriageRun, out: BinaryIO, **options: Any) -> Written:
    from ..api import write_triage_table

    return write_triage_table(run, out, **options)


def _write_json(run: TriageRun, out: BinaryIO, **options: Any) -> Written:
    from ..api import write_triage_json

    return write_triage_json(run, out, **options)


def _write_csv(run: TriageRun, out: BinaryIO, **options: Any) -> Written:
    from ..api import write_triage_csv

    return write_triage_csv(run, out, **options)


TRIAGE: Formats[Triage] = Formats(
    TriageReporter("table", _triage_table, human=True, write=_write_table),
    TriageReporter("json", _triage_json, write=_write_json),
    TriageReporter("csv", _triage_csv, write=_write_csv),
)


def triage_reporter(name: str) -> TriageReporter:
    """The triage's format ``name`` (each of ``TRIAGE`` is a ``TriageReporter``)."""
    reporter = TRIAGE[name]
    assert isinstance(reporter, TriageReporter)
    return reporter


# ---------------------------------------------------------------- qsg explain

#: What `qsg explain` reports: the triage, the proposals chosen, and whether one code was
#: asked for (its JSON is then one proposal, not a list).
Explained = tuple["Triage", Sequence["Proposal"], bool]


def _explanations(found: Explained) -> str:
    from ..reports import render

    return render.explanations(found[0], list(found[1]))


def _explained_json(found: Explained) -> str:
    _, chosen, one = found
    if one:
        return chosen[0].model_dump_json(indent=2) + "\n"
    return "[\n" + ",\n".join(p.model_dump_json(indent=2) for p in chosen) + "\n]\n"


EXPLAIN: Formats[Explained] = Formats(
    Reporter("text", _explanations, human=True),
    Reporter("json", _explained_json),
)

# ---------------------------------------------------------------- qsg check

#: What `qsg check` reports: the ruleset's path, its problems or findings, whether it is
#: valid, and its summary line (None when it is not valid).
Checked = tuple[str, Sequence["Problem"], bool, "str | None"]


def _checked_text(found: Checked) -> str:
    path, problems, _, summary = found
    lines = [f"{p.where}: {p.severity} {p.code}: {p.message}" for p in problems]
    state = "ok" if not problems else f"{len(problems)} finding(s)"
    lines.append(f"{path}: {state}: {summary}")
    return "".join(line + "\n" for line in lines)


def _checked_json(found: Checked) -> str:
    from ..reports import render

    path, problems, ok, _ = found
    return render.problems_json(path, problems, ok=ok)


def _checked_github(found: Checked) -> str:
    from ..reports import render

    return render.github_annotations(found[1])


CHECK: Formats[Checked] = Formats(
    Reporter("text", _checked_text, human=True),
    Reporter("json", _checked_json),
    Reporter("github", _checked_github),
    help="github: workflow annotations (::warning file=...::message).",
)

# ---------------------------------------------------------------- qsg indicators


def _indicators_table(_: None) -> str:
    from ..indicators import CATALOGUE

    lines = [f"{'ID':<24} {'DOMAIN':<13} {'POLARITY':<15} {'KIND':<10} UNIT"]
    for i in CATALOGUE:
        lines.append(
            f"{i.id:<24} {i.domain.value:<13} {i.polarity.value:<15} {i.kind.value:<10} {i.unit}"
        )
        lines.append(f"{'':<24} {i.title}")
    return "".join(line + "\n" for line in lines)


def _indicators_json(_: None) -> str:
    from ..indicators import CATALOGUE

    return json.dumps([i.model_dump(mode="json") for i in CATALOGUE], indent=2) + "\n"


INDICATORS: Formats[None] = Formats(
    Reporter("table", _indicators_table, human=True),
    Reporter("json", _indicators_json),
)

# ---------------------------------------------------------------- qsg conditions


def _conditions_text(_: None) -> str:
    from ..ruleset.conditions.reference import reference_text

    return reference_text()


def _conditions_markdown(_: None) -> str:
    from ..ruleset.conditions.reference import reference_markdown

    return reference_markdown()


CONDITIONS: Formats[None] = Formats(
    Reporter("text", _conditions_text, human=True),
    Reporter("markdown", _conditions_markdown, human=True),
)

# ---------------------------------------------------------------- qsg note

#: What `qsg note` reports: the meeting's record and whether it is the public version.
Noted = tuple["MeetingNote", bool]


def _note_markdown(found: Noted) -> str:
    from ..reports import note

    return note.markdown(found[0], public=found[1])


def _note_html(found: Noted) -> str:
    from ..reports import note

    return note.html(found[0], public=found[1])


NOTE: Formats[Noted] = Formats(
    Reporter("md", _note_markdown, human=True),
    Reporter("html", _note_html, human=True),
)

# ---------------------------------------------------------------- qsg report regional


def _regional_markdown(result: Regional) -> str:
    from ..reports import regional

    return regional.markdown(result)


def _regional_html(result: Regional) -> str:
    from ..reports import regional

    return regional.html(result)


def _regional_json(result: Regional) -> str:
    from ..reports import regional

    return regional.to_json(result)


REGIONAL: Formats[Regional] = Formats(
    Reporter("md", _regional_markdown, human=True),
    Reporter("html", _regional_html, human=True),
    Reporter("json", _regional_json),
)

# ---------------------------------------------------------------- qsg diff

#: What `qsg diff` reports: the difference, and the two rulesets as the user named them.
Compared = tuple["RulesetDiff", str, str]


def _diff_table(found: Compared) -> str:
    from ..diff import render_table

    return render_table(*found)


def _diff_json(found: Compared) -> str:
    from ..diff import render_json

    return render_json(found[0])


DIFF: Formats[Compared] = Formats(
    Reporter("table", _diff_table, human=True),
    Reporter("json", _diff_json),
)

# ---------------------------------------------------------------- qsg backtest


def _agreement(run: BacktestRun) -> str:
    from .. import backtest

    if run.agreement is None:
        return ""
    return backtest.render_agreement(run.agreement, run.backtest, str(run.register))


def _backtest_table(run: BacktestRun) -> str:
    from .. import backtest

    agreed = _agreement(run)  # beside a table, part of the report
    return backtest.render_table(run.backtest) + ("\n" + agreed if agreed else "")


def _backtest_json(run: BacktestRun) -> str:
    from .. import backtest

    return backtest.render_json(run.backtest, run.agreement)


def _backtest_csv(run: BacktestRun) -> str:
    from .. import backtest

    return backtest.render_csv(run.backtest)


BACKTEST: Formats[BacktestRun] = Formats(
    Reporter("table", _backtest_table, human=True),
    Reporter("json", _backtest_json),
    Reporter("csv", _backtest_csv, aside=_agreement),  # beside CSV rows, on stderr
)

#: Every command's formats (a test checks that every --format option is one of these).
ALL: tuple[Formats[Any], ...] = (
    TRIAGE,
    EXPLAIN,
    CHECK,
    INDICATORS,
    CONDITIONS,
    NOTE,
    REGIONAL,
    DIFF,
    BACKTEST,
)

__all__ = ["ALL", "Formats", "Reporter"]
