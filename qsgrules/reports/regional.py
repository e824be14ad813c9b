"""The local-to-regional report as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

import json

from ..model.vocabulary import Level
from ..register.regional import Regional
from .templating import render_html

LEVELS_HIGH_FIRST = tuple(reversed(list(Level)))


def to_json(report: Regional) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def markdown(report: Regional) -> str:
    out = [
        "# Report to the regional QSG",
        "",
        f"Agreed conclusions of {len(report.registers)} register(s) as at {report.on}: "
        + ", ".join(f"`{r}`" for r in report.registers),
        "",
        "## Providers at each level, by local QSG",
        "",
    ]
    if report.levels:
        out += ["| local QSG | " + " | ".join(lv.label for lv in LEVELS_HIGH_FIRST) + " |"]
        out += ["|---" * (len(LEVELS_HIGH_FIRST) + 1) + "|"]
        for qsg, by_level in report.levels.items():
            cells = [", ".join(by_level.get(lv.value, ())) or "-" for lv in LEVELS_HIGH_FIRST]
            out.append(f"| {qsg} | " + " | ".join(cells) + " |")
    else:
        out.append("No agreed conclusion in these registers.")
    out += ["", "## Conclusions", ""]
    for c in report.conclusions:
        out.append(f"- **{c.provider} {c.name}** ({c.local_qsg}): {c.level.label}")
        for v in c.views:
            review = f"; review by {v.review_by}" if v.review_by else ""
            out.append(
                f"  - {v.meeting_qsg or 'local QSG'} at {v.meeting} ({v.register_file}): "
                f"{v.level.label}{review}. {v.rationale}"
            )
    if not report.conclusions:
        out.append("None.")
    out += ["", "## Concerns recurring across local QSGs", ""]
    out += [
        f"- {r.concern}: " + "; ".join(f"{q} ({', '.join(ps)})" for q, ps in r.local_qsgs.items())
        for r in report.recurring
    ] or ["None: no concern was flagged in two or more local QSGs."]
    out += ["", "## Liaison: providers discussed by another local QSG", ""]
    out += [
        f"- {x.provider} {x.name} ({x.local_qsg}) discussed by {x.discussed_by} at {x.meeting}"
        for x in report.liaison
    ] or ["None."]
    out += ["", "## Actions overdue", ""]
    out += [
        f"- {a.id} ({a.register_file}) {a.provider or ''}: {a.text} (owner {a.owner}, due {a.due})"
        for a in report.overdue
    ] or ["None."]
    return "\n".join(out) + "\n"


def html(report: Regional) -> str:
    return render_html("regional.html.j2", report=report, levels=LEVELS_HIGH_FIRST)
