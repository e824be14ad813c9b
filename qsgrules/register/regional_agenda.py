"""The regional QSG's agenda (guidance, Annex C, "Example Regional QSG Agenda") filled in
from the local QSGs' registers combined for the report upward: risk ratings under the
overview of regional information, a line per local QSG under its reports, the concerns
recurring across QSGs under the reflection on what is known, the local QSGs that sent
nothing under the information supplied, and what needs agreeing under next steps."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ..model import Model
from ..model.vocabulary import Level


class AnnexItem(Model):
    """One item of the regional agenda: Annex C's number, title and lead, and what the
    registers put under it."""

    number: str
    title: str
    lead: str
    lines: tuple[str, ...] = ()


#: The 2013 ladder's levels, highest first, as (wire name, label).
RUNGS_2013: tuple[tuple[str, str], ...] = tuple((lv.value, lv.label) for lv in reversed(Level))


def _levels_words(
    by_level: Mapping[str, Sequence[str]], rungs: Sequence[tuple[str, str]] = RUNGS_2013
) -> str:
    # every ladder's levels in its own words (issue 19): a level of a declared ladder is
    # never left out of the ratings for not being one of the 2013 ladder's
    parts = [
        f"{len(by_level[value])} {label} ({', '.join(by_level[value])})"
        for value, label in rungs
        if by_level.get(value)
    ]
    return "; ".join(parts) or "no agreed conclusion"


def annex_c(
    *,
    levels: Mapping[str, Mapping[str, Sequence[str]]],
    meetings: Mapping[str, Collection[str]],
    actions: Mapping[str, tuple[int, int]],
    recurring: Sequence[str],
    liaison: int,
    summits: Mapping[str, int],
    silent: Mapping[str, Sequence[str]],
    rungs: Sequence[tuple[str, str]] = RUNGS_2013,
    tops: Sequence[tuple[str, str]] = RUNGS_2013[:1],
) -> tuple[AnnexItem, ...]:
    """Annex C's items 1 and 5-11 (2-4 are for the regional QSG's first meeting: item 1
    says so). ``levels``: local QSG -> level -> providers it concluded on; ``meetings``:
    local QSG -> its agreed meetings read ("M-2019-04-10 (register.sqlite)");
    ``actions``: local QSG -> (being taken, overdue); ``recurring``: concerns flagged in
    two or more QSGs, in words; ``liaison``: providers discussed by another QSG than their
    own; ``summits``: status -> how many; ``silent``: local QSGs named in the registers that
    sent no agreed conclusion -> their providers concluded on by others. ``rungs``: the
    levels of the ladders the conclusions are on, highest first (id, label); ``tops``: each
    ladder's top rung (a risk summit, or its like); the 2013 ladder's by default."""
    totals: dict[str, list[str]] = {}
    for by_level in levels.values():
        for level, codes in by_level.items():
            totals.setdefault(level, [])
            totals[level] += [c for c in codes if c not in totals[level]]
    ratings = f"Risk ratings agreed by the local QSGs: {_levels_words(totals, rungs)}."
    summit_words = ", ".join(f"{n} {status}" for status, n in summits.items() if n)
    reports = []
    for qsg in sorted(set(levels) | set(meetings)):
        taken, overdue = actions.get(qsg, (0, 0))
        reports.append(
            f"{qsg} ({', '.join(sorted(meetings.get(qsg, ()))) or 'no agreed meeting'}): "
            f"{_levels_words(levels.get(qsg, {}), rungs)}; actions: {taken} being taken, "
            f"{overdue} overdue."
        )
    supplied = [
        f"{qsg}: no agreed conclusions received"
        + (f", though others concluded on its providers ({', '.join(codes)})" if codes else "")
        + ": ask for its register before reading its area as without concerns."
        for qsg, codes in sorted(silent.items())
    ] or ["Every local QSG named in these registers sent agreed conclusions."]
    summits_line = f"Risk summits: {summit_words}." if summit_words else "No risk summit."
    overdue_total = sum(o for _, o in actions.values())
    return (
        AnnexItem(
            number="1",
            title="Welcome and introduction",
            lead="Regional director (chair)",
            lines=(
                "At the regional QSG's first meeting, also: scene setting (the purpose of "
                "QSGs), core membership and information on quality (Annex C, items 2-4).",
            ),
        ),
        AnnexItem(
            number="5",
            title="Overview of regional information",
            lead="All",
            lines=(
                ratings,
                summits_line,
                "Members' regional reports (the deanery's quality report, Healthwatch's "
                "briefing, surveys of quality) as they are tabled.",
            ),
        ),
        AnnexItem(
            number="6",
            title="Reports from local QSGs",
            lead="Local QSG directors",
            lines=tuple(reports) or ("No local QSG's agreed conclusions were given.",),
        ),
        AnnexItem(
            number="7",
            title="Any additional information participants wish to share to build on "
            "current knowledge",
            lead="All",
        ),
        AnnexItem(
            number="8",
            title="Reflection and summary of the information known and shared",
            lead="All",
            lines=(
                *(f"Recurring across local QSGs: {x}." for x in recurring),
                f"{liaison} provider(s) discussed by a local QSG other than their own "
                "(liaison, below).",
            ),
        ),
        AnnexItem(
            number="9",
            title="Reflection on meeting process and information supplied",
            lead="All",
            lines=tuple(supplied),
        ),
        AnnexItem(
            number="10",
            title="Confirm consensus on areas of good practice and concern and agree next steps",
            lead="All",
            lines=(
                "; ".join(
                    f"{len(totals.get(value, []))} provider(s) at {label}" for value, label in tops
                )
                + f"; {overdue_total} action(s) overdue (below).",
            ),
        ),
        AnnexItem(
            number="11",
            title="Date and format of future meetings",
            lead="Chair",
            lines=("Regional QSGs meet quarterly (guidance, chapter 7).",),
        ),
    )
