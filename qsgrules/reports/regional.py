"""The local-to-regional report as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

import json

from ..model.vocabulary import Level
from ..register.regional import Regional
from . import markdown as md
from .templating import render_html

LEVELS_HIGH_FIRST = tuple(reversed(list(Level)))


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
        out += ["| local QSG | " + " | ".join(lv.label for lv in LEVELS_HIGH_FIRST) + " |"]
        out += ["|---" * (len(LEVELS_HIGH_FIRST) + 1) + "|"]
        for qsg, by_level in report.levels.items():
            cells = [c(", ".join(by_level.get(lv.value, ())) or "-") for lv in LEVELS_HIGH_FIRST]
            out.append(f"| {c(qsg)} | " + " | ".join(cells) + " |")
    else:
        out.append("No agreed conclusion in these registers.")
    out += ["", "## Conclusions", ""]
    for conclusion in report.conclusions:
        out.append(
            f"- **{t(conclusion.provider)} {t(conclusion.name)}** "
            f"({t(conclusion.local_qsg)}): {t(conclusion.level.label)}, concluded by "
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


def html(report: Regional) -> str:
    return render_html("regional.html.j2", report=report, levels=LEVELS_HIGH_FIRST)
