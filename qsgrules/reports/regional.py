"""The local-to-regional report as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..model.ladder import DEFAULT_LADDER, AnyRung, RungSpec, ladder_of_specs
from ..model.vocabulary import Level
from ..register.regional import Conclusion, Regional, ladder_ids
from . import markdown as md
from .templating import render_html

LEVELS_HIGH_FIRST = tuple(reversed(list(Level)))


@dataclass(frozen=True)
class LevelTable:
    """The providers at each level of one ladder, by the local QSG that concluded."""

    rungs: tuple[AnyRung, ...]  # highest first
    rows: tuple[tuple[str, dict[str, tuple[str, ...]]], ...]  # local QSG -> level -> providers
    heading: str  # "" when the report has one ladder


def level_tables(report: Regional) -> list[LevelTable]:
    """One table per ladder the conclusions' meetings used (one for the 2013 ladder alone,
    as before ladders), each with that ladder's own rungs as columns: a level of one ladder
    is never put in the column of another's."""
    known = {lad.ids: lad for lad in (ladder_of_specs(specs) for specs in report.ladders)}
    known[DEFAULT_LADDER.ids] = DEFAULT_LADDER
    cells: dict[tuple[str, ...], dict[str, dict[str, tuple[str, ...]]]] = {}
    for c in report.conclusions:
        for v in c.views:
            by_level = cells.setdefault(ladder_ids(v.level), {}).setdefault(
                v.meeting_qsg or c.local_qsg, {}
            )
            if c.provider not in by_level.get(v.level.value, ()):
                by_level[v.level.value] = (*by_level.get(v.level.value, ()), c.provider)
    tables = []
    for ids in sorted(cells, key=lambda i: (i != DEFAULT_LADDER.ids, i)):
        ladder = known.get(ids) or ladder_of_specs(
            tuple(RungSpec(id=i, label=i.replace("_", " ")) for i in ids)
        )
        heading = (
            f"On the ladder {', '.join(r.label for r in ladder)} (lowest first):"
            if len(cells) > 1
            else ""
        )
        rows = tuple((q, cells[ids][q]) for q in sorted(cells[ids]))
        tables.append(LevelTable(ladder.high_first(), rows, heading))
    return tables


def to_json(report: Regional) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def markdown(report: Regional) -> str:
    """The report as Markdown, every value escaped (``reports.markdown``)."""
    t, c = md.inline, md.cell
    out = [
        "# Report to the regional QSG",
        "",
        f"Agreed conclusions of {len(report.registers)} register(s) as at {t(report.on)}: "
        + ", ".join(md.code(r) for r in report.registers),
        "",
        "## Agenda of the regional QSG (guidance, Annex C)",
        "",
    ]
    for item in report.agenda:
        # the number inside the emphasis: "- 5." would start an ordered list at 5
        out.append(f"- **{t(item.number)}. {t(item.title)}** ({t(item.lead)})")
        out += [f"  - {t(line, indent=4)}" for line in item.lines]
    if not report.agenda:
        out.append("None.")
    out += [
        "",
        "## Providers at each level, by the local QSG that concluded",
        "",
    ]
    if report.levels:
        for n, table in enumerate(level_tables(report)):
            out += ([""] if n else []) + ([t(table.heading), ""] if table.heading else [])
            out += ["| local QSG | " + " | ".join(c(lv.label) for lv in table.rungs) + " |"]
            out += ["|---" * (len(table.rungs) + 1) + "|"]
            for qsg, by_level in table.rows:
                cells = [c(", ".join(by_level.get(lv.value, ())) or "-") for lv in table.rungs]
                out.append(f"| {c(qsg)} | " + " | ".join(cells) + " |")
    else:
        out.append("No agreed conclusion in these registers.")
    out += ["", "## Conclusions", ""]
    for conclusion in report.conclusions:
        out.append(
            f"- **{t(conclusion.provider)} {t(conclusion.name)}** "
            f"({t(conclusion.local_qsg)}): {t(_level_words(conclusion))}, concluded by "
            f"{t(' and '.join(conclusion.concluded_by))}"
        )
        for v in conclusion.views:
            review = f"; review by {t(v.review_by)}" if v.review_by else ""
            out.append(
                f"  - {t(v.meeting_qsg or 'local QSG')} at {t(v.meeting)} "
                f"({t(v.register_file)}): {t(v.level.label)}{review}. "
                f"{t(v.rationale, indent=4)}"
            )
    if not report.conclusions:
        out.append("None.")
    out += ["", "## Concerns recurring across local QSGs", ""]
    out += [
        f"- {t(r.concern)}: "
        + "; ".join(f"{t(q)} ({t(', '.join(ps))})" for q, ps in r.local_qsgs.items())
        for r in report.recurring
    ] or ["None: no concern was flagged in two or more local QSGs."]
    out += ["", "## Liaison: providers discussed by another local QSG", ""]
    out += [
        f"- {t(x.provider)} {t(x.name)} ({t(x.local_qsg)}) discussed by {t(x.discussed_by)} "
        f"at {t(x.meeting)}"
        for x in report.liaison
    ] or ["None."]
    out += ["", "## Risk summits: pending and held", ""]
    out += [
        f"- {t(x.provider)} {t(x.name)} ({t(x.local_qsg)}; {md.code(x.register_file)}): "
        f"{t(x.text, indent=2)}"
        for x in report.summits
    ] or ["None."]
    out += ["", "## Actions being taken", ""]
    out += [
        f"- {t(a.id)} ({t(a.register_file)}) {t(a.provider or '')}: {t(a.text, indent=2)} "
        f"(owner {t(a.owner)}, due {t(a.due)})"
        for a in report.in_hand
    ] or ["None open and not yet due."]
    out += ["", "## Actions overdue", ""]
    out += [
        f"- {t(a.id)} ({t(a.register_file)}) {t(a.provider or '')}: {t(a.text, indent=2)} "
        f"(owner {t(a.owner)}, due {t(a.due)})"
        for a in report.overdue
    ] or ["None."]
    return "\n".join(out) + "\n"


def _level_words(c: Conclusion) -> str:
    if c.level is not None:
        return c.level.label
    return "levels on different ladders (each view's below; none is above another)"


def html(report: Regional) -> str:
    return render_html(
        "regional.html.j2", report=report, tables=level_tables(report), level_words=_level_words
    )
