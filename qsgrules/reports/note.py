"""The meeting note, as Markdown or as one self-contained HTML page (Jinja2, autoescaped).

The note shows what the guidance asks of it (chapter 7): attendees and how long they
attended, whether the meeting was quorate, each provider's concerns, the proposal, every
position, the conclusion with its rationale and dissent, review date, exit criteria and the
actions agreed; DRAFT until the QSG agrees it, then its amendments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model.ladder import DEFAULT_LADDER, Ladder, Rung
from ..model.vocabulary import Level, Stance
from ..register.business import TITLES as BUSINESS_TITLES
from ..register.note import MeetingNote, ProviderNote, Quorum, ThemeNote
from ..register.reports import WITHHELD_REPORT, shown
from ..register.state import Action, ActionKind, Attendance, Business, Decision, Position
from ..ruleset.criteria import condition_text
from . import markdown as md
from .public import WITHHELD, confidential, public_finding
from .templating import render_html


def _label(level: str, ladder: Ladder = DEFAULT_LADDER) -> str:
    # a rung knows its label; a name read back from a record is placed on the meeting's
    # ladder (its own names for its rungs, never the 2013 ones)
    if isinstance(level, Rung | Level) and level.placed:
        return level.label
    return ladder.place(level).label


def _by_domain(levels: Mapping[str, str], ladder: Ladder) -> str:
    """A decision's levels per domain in the ladder's own names ("" when none)."""
    return "; ".join(f"{k.replace('_', ' ')}: {_label(v, ladder)}" for k, v in levels.items())


def _exit_when(conditions: Mapping[str, Any] | None) -> str:
    """Exit criteria agreed as conditions, by scope, in one line ("" when none)."""
    return "; ".join(
        f"{'level' if k == 'provider' else k.replace('_', ' ')}: {condition_text(c)}"
        for k, c in (conditions or {}).items()
    )


def _change(name: str, value: Any, ladder: Ladder) -> str:
    """One change of an amendment, as the note words it."""
    if value is None:
        return "cleared"
    if name == "level":
        return f"→ {_label(value, ladder)}"
    if name == "domains":
        return f"→ {_by_domain(value, ladder) or 'none above the lowest level'}"
    if name == "exit_when":
        return f"→ {_exit_when(value) or 'none'}"
    return f"→ {value}"


def _minutes(n: int | None) -> str:
    if n is None:
        return "times not recorded"
    return f"{n // 60} h {n % 60:02d} min" if n >= 60 else f"{n} min"


#: How the note names an action of each kind (an ordinary action: not named).
_KINDS = {
    ActionKind.ACTION: "",
    ActionKind.INFORMATION: "information request",
    ActionKind.CONVENE_SUMMIT: "convene a risk summit",
}


def _positions_view(held: tuple[Position, ...]) -> list[dict[str, Any]]:
    return [
        {
            "member": x.member,
            "organisation": x.organisation,
            "confirmed": x.stance == Stance.CONFIRM,
            "level": x.level.label,
            "reason": x.reason,
            "at": x.recorded_at,
        }
        for x in held
    ]


def _decision_view(
    d: Decision | None, quorum_then: Quorum | None, ladder: Ladder = DEFAULT_LADDER
) -> dict[str, Any] | None:
    """A conclusion (a provider's or a theme's) as the note gives it."""
    if d is None:
        return None
    return {
        "level": d.level.label,
        "level_value": d.level.value,
        "rationale": d.rationale,
        "review_by": d.review_by,
        "exit_criteria": d.exit_criteria,
        "review_by_from": d.review_by_from,
        "exit_criteria_from": d.exit_criteria_from,
        "domains": _by_domain(d.domains, ladder),
        "exit_when": _exit_when(d.exit_when),
        "exit_when_from": d.exit_when_from,
        "dissent": [
            f"{x['member']} ({x['organisation']}) held {_label(x['level'], ladder)}"
            + (f": {x['reason']}" if x.get("reason") else "")
            for x in d.dissent
        ],
        "amended": bool(d.amendments),
        "at": d.recorded_at,
        "by": d.recorded_by,
        "time": d.at,
        "quorum_then": None
        if quorum_then is None
        else {
            "text": {True: "yes", False: "no", None: "not determined"}[quorum_then.met],
            "detail": quorum_then.detail,
        },
    }


def _actions_view(actions: tuple[Action, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "owner": a.owner,
            "due": a.due.isoformat(),
            "text": a.text,
            "status": a.status.value,
            "moved_from": [mv["from"] for mv in a.moves],
            "kind": _KINDS[a.kind],
            "response": a.response,
        }
        for a in actions
    ]


def _theme_view(
    tn: ThemeNote | None,
    attendance: tuple[Attendance, ...],
    public: bool,
    ladder: Ladder = DEFAULT_LADDER,
) -> dict[str, Any] | None:
    """A thematic item's concerns, proposal, positions, conclusion and actions, as a
    provider's are given (its concerns withheld with its text when it is confidential
    and the note published)."""
    if tn is None:
        return None
    b = tn.theme
    return {
        "id": b.id,
        "proposed": b.proposed.label if b.proposed is not None else None,
        "concerns": [WITHHELD] if public and b.confidential and b.concerns else list(b.concerns),
        "positions": _positions_view(tn.positions),
        "decision": _decision_view(tn.decision, tn.quorum_then, ladder),
        # a theme has no proposal from the rules to agree by default: its positions are
        # always counted once the chair concluded
        "count": _count(tn, attendance, always=True),
        "actions": _actions_view(tn.actions),
    }


def _provider_view(
    pn: ProviderNote, public: bool, ladder: Ladder = DEFAULT_LADDER
) -> dict[str, Any]:
    p = pn.proposal
    soft = [
        {
            "id": s.id,
            "source": s.source,
            "domain": s.domain.value,
            "severity": s.severity.value,
            "grading": s.grading,
            "weight": f"{s.weight:.2f}",
            "counted": s.counted,
            "confidential": confidential(s),
            "summary": " ".join(s.summary.split()),
        }
        for s in (public_finding(x) if public else x for x in p.evidence.soft)
    ]
    positions = _positions_view(pn.positions)
    decision = _decision_view(pn.decision, pn.quorum_then, ladder)
    return {
        "code": pn.provider,
        "name": pn.name,
        "local_qsg": pn.local_qsg,
        "proposed": p.level.label,
        "rules": [r.id for r in p.rules],
        # the two or three reasons that carried the proposal, in the rules' own words
        "key_issues": [" ".join(r.because.split()) for r in p.rules[:KEY_ISSUES]],
        "more_rules": max(0, len(p.rules) - KEY_ISSUES),
        "hard": [
            {
                "indicator": h.indicator,
                "test": h.test.value,
                "strength": h.strength.value,
                "detail": h.detail,
            }
            for h in p.evidence.hard
        ],
        "soft": soft,
        "positions": positions,
        "decision": decision,
        "actions": _actions_view(pn.actions),
    }


def view(note: MeetingNote, *, public: bool = False) -> dict[str, Any]:
    """The note as plain data, the same for Markdown and HTML."""
    m = note.meeting
    r = note.triage.ruleset
    ladder = m.ladder
    return {
        "draft": note.draft,
        "public": public,
        "id": m.id,
        "qsg": m.qsg or "all local QSGs of the workspace",
        "date": m.date.isoformat(),
        "time": m.time or "",
        "venue": m.venue or "",
        "chair": m.chair,
        "as_of": note.triage.as_of,
        "ruleset": f"{r.name} {r.version}",
        "sha256": r.sha256,
        "agreed": {"at": minute(m.agreed[0]), "by": m.agreed[1]} if m.agreed else None,
        "chain": (
            {"seq": note.chain[0], "hash": note.chain[1], "when": "at agreement"}
            if note.chain is not None and m.agreed
            else {"seq": note.chain[0], "hash": note.chain[1], "when": "now (draft)"}
            if note.chain is not None
            else None
        ),
        "attendance": [
            {
                "member": a.member,
                "organisation": a.organisation,
                "start": a.start or "",
                "end": a.end or "",
                "duration": _minutes(a.minutes),
            }
            for a in note.attendance
        ],
        "quorum": {
            "met": note.quorum.met,
            "text": {True: "yes", False: "no", None: "not determined"}[note.quorum.met],
            "detail": note.quorum.detail,
        },
        "providers": [
            {**_provider_view(pn, public, ladder), "count": _count(pn, note.attendance)}
            for pn in note.providers
        ],
        "arising": list(note.arising),
        "arising_from": note.arising_from,
        "business": [
            {
                "kind": kind,
                "heading": heading,
                "items": [
                    _business_view(b, public, note, ladder) for b in note.business if b.item == kind
                ],
            }
            for kind, heading in BUSINESS_TITLES.items()
            if any(b.item == kind for b in note.business)
        ],
        "next_meeting": note.next_meeting,
        # the regional QSG's feedback carried to this meeting (its text withheld when
        # published and confidential)
        "feedback": [
            {
                "id": f.id,
                "title": f.title,
                "source": f.source,
                "held_on": f.held_on.isoformat() if f.held_on else None,
                "received": f.received.isoformat(),
                "text": WITHHELD if (public and f.confidential and f.text) else f.text,
            }
            for f in note.feedback
        ],
        "summits": [{"code": code, "lines": list(lines)} for code, lines in note.summits.items()],
        "amendments": [
            {
                "at": minute(a.recorded_at),
                "by": a.recorded_by,
                "provider": a.provider,
                "reason": a.reason,
                "text": a.text,
                "changes": ", ".join(
                    f"{k.replace('_', ' ')} {_change(k, v, ladder)}"
                    for k, v in sorted(a.changes.items())
                ),
            }
            for a in note.amendments
        ],
    }


def minute(stamp: str) -> str:
    """A recorded time (ISO, to the microsecond, UTC) to the minute: "2019-04-10 11:42 UTC"."""
    import datetime as dt

    try:
        t = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    zone = " UTC" if t.utcoffset() is not None and not t.utcoffset() else ""
    return t.strftime("%Y-%m-%d %H:%M") + zone


def _appendix_md(v: dict[str, Any]) -> list[str]:
    """The evidence behind each provider's proposal, as the frozen triage holds it."""
    t = md.inline
    out = ["", "## Appendix: the evidence", ""]
    if not v["providers"]:
        return [*out, "No provider was discussed."]
    for p in v["providers"]:
        out += [f"### {t(p['code'])} {t(p['name'])}", ""]
        out += [
            f"- hard: {t(h['indicator'])} [{t(h['test'])}, {t(h['strength'])}]: "
            f"{t(h['detail'], indent=2)}"
            for h in p["hard"]
        ]
        out += [
            f"- soft {t(s['id'])} ({t(s['source'])}, {t(s['domain'])}, {t(s['severity'])}, "
            f"{t(s['grading'])}, weight {t(s['weight'])}{'' if s['counted'] else ', not counted'}"
            f"{', confidential' if s['confidential'] else ''}): {t(s['summary'], indent=2)}"
            for s in p["soft"]
        ]
        if not p["hard"] and not p["soft"]:
            out.append("- none in the frozen triage")
        out.append("")
    return out[:-1]


def _business_view(b: Business, public: bool, note: MeetingNote, ladder: Ladder) -> dict[str, Any]:
    """An item of business as the note shows it; published (``public``), a confidential
    member's report keeps none of its fields, other confidential items lose their text."""
    if b.item == "report":
        r = shown(b, public=public)
        if r.withheld:
            return {
                "title": WITHHELD_REPORT,
                "text": None,
                "providers": "",
                "outcome": None,
                "author": None,
                "confidential": False,
                "file": None,
                "theme": None,
            }
        file = (
            f"{r.file.kept} ({r.file.size:,} bytes, sha256 {r.file.sha256[:12]})"
            if r.file
            else None
        )
        return {
            "title": r.title,
            "text": r.text,
            "providers": "",
            "outcome": None,
            "author": r.author,
            "confidential": r.confidential,
            "file": file,
            "theme": None,
        }
    return {
        "title": b.title,
        "text": WITHHELD if (public and b.confidential and b.text) else b.text,
        "providers": ", ".join(b.providers),
        "outcome": b.outcome,
        "author": b.author,
        "confidential": b.confidential,
        "file": None,
        "theme": _theme_view((note.themes or {}).get(b.id or ""), note.attendance, public, ladder),
    }


def _business_md(v: dict[str, Any], kinds: tuple[str, ...]) -> list[str]:
    """The note's sections of business that is not one provider, of ``kinds``."""
    t = md.inline
    out: list[str] = []
    for section in v["business"]:
        if section["kind"] not in kinds:
            continue
        out += ["", f"## {t(section['heading'])}", ""]
        for b in section["items"]:
            line = f"- **{t(b['title'])}**"
            if b["author"]:
                line += f" ({t(b['author'])}{', confidential' if b['confidential'] else ''})"
            if b["providers"]:
                line += f" [{t(b['providers'])}]"
            if b["file"]:
                line += f"; file {t(b['file'])}"
            if b["text"]:
                line += f": {t(b['text'], indent=2)}"
            if b["outcome"]:
                line += f" Agreed: {t(b['outcome'], indent=2)}"
            th = b.get("theme")
            if th is None:
                out.append(line)
                continue
            # a theme with an id: its concerns, proposal, positions, conclusion and actions
            out += [*([""] if out[-1] else []), f"### {t(th['id'])} {t(b['title'])}", ""]
            if b["providers"]:
                out.append(f"**Providers:** {t(b['providers'])}")
                out.append("")
            if b["text"]:
                out += [t(b["text"], indent=0), ""]
            out += ["**Concerns**", ""]
            out += [f"- {t(x, indent=2)}" for x in th["concerns"]] or ["- none recorded"]
            out += ["", f"**Proposed:** {t(th['proposed'] or 'no level proposed')}"]
            if b["outcome"]:
                out += ["", f"Agreed: {t(b['outcome'], indent=0)}"]
            out += _judgement_md(th)
    return out


#: How many of the rules that fired a provider's summary names (the rest: the appendix).
KEY_ISSUES = 3


def _count(
    pn: ProviderNote | ThemeNote, attendance: tuple[Attendance, ...], *, always: bool = False
) -> dict[str, Any] | None:
    """Positions counted against the conclusion where there was no consensus (``always``:
    wherever there is a conclusion): for, against (with the level each held) and
    abstaining (attending, no position), with organisations; None where every position was
    the level concluded (or nothing was decided)."""
    d = pn.decision
    if d is None or not (d.dissent or always):
        return None
    held = {x.member for x in pn.positions}
    return {
        "for": [f"{x.organisation}" for x in pn.positions if x.level == d.level],
        "against": [
            f"{x.organisation} ({x.level.label})" for x in pn.positions if x.level != d.level
        ],
        "abstaining": sorted({a.organisation for a in attendance if a.member not in held}),
    }


def _kept(meeting: str | None) -> str:
    return f" (kept from {md.inline(meeting)})" if meeting else ""


def _judgement_md(p: dict[str, Any]) -> list[str]:
    """The positions, the conclusion (with quorum then, dissent, positions counted, review
    date and exit criteria) and the actions: a provider's, or a thematic item's."""
    t = md.inline
    out: list[str] = []
    out += ["", "**Positions**", ""]
    out += [
        f"- {t(x['member'])} ({t(x['organisation'])}): "
        + (
            f"confirmed {t(x['level'])}"
            if x["confirmed"]
            else f"override to {t(x['level'])}: {t(x['reason'], indent=2)}"
        )
        for x in p["positions"]
    ] or ["- none recorded"]
    d = p["decision"]
    out += [""]
    if d is None:
        out.append("**Conclusion:** none recorded")
    else:
        out.append(
            "**Conclusion"
            + (f" ({t(d['time'])})" if d["time"] else "")
            + f":** {t(d['level'])}"
            + (" (amended, see below)" if d["amended"] else "")
            + f". {t(d['rationale'])}"
        )
        if d["domains"]:
            out += ["", f"**By domain:** {t(d['domains'])}"]
        if d["quorum_then"]:
            qt = d["quorum_then"]
            out += ["", f"**Quorate at {t(d['time'])}:** {t(qt['text'])} ({t(qt['detail'])})"]
        dissent = "; ".join(t(x) for x in d["dissent"]) if d["dissent"] else "none"
        out += ["", "**Dissent:** " + dissent]
        n = p["count"]
        if n is not None:
            out += [
                "",
                "**Positions counted**"
                + (" (no consensus)" if d["dissent"] else "")
                + f": {len(n['for'])} for "
                f"({t(', '.join(n['for']) or 'none')}), {len(n['against'])} against "
                f"({t(', '.join(n['against']))}), {len(n['abstaining'])} abstaining "
                f"({t(', '.join(n['abstaining']) or 'none')})",
            ]
        review = t(d["review_by"] or "not set") + _kept(d["review_by_from"])
        out += ["", f"**Review by:** {review}"]
        criteria = t(d["exit_criteria"] or "not set") + _kept(d["exit_criteria_from"])
        out += ["", f"**Exit criteria:** {criteria}"]
        if d["exit_when"]:  # agreed as conditions: checked at every later triage
            agreed = t(d["exit_when"]) + _kept(d["exit_when_from"])
            out += ["", f"**Exit when** (checked at every triage): {agreed}"]
    steps = p["count"] is not None and p["decision"] is not None and p["decision"]["dissent"]
    out += ["", "**Further steps agreed**" if steps else "**Actions**", ""]
    out += [
        f"- {t(a['id'])}"
        + (f" ({t(a['kind'])})" if a["kind"] else "")
        + f": {t(a['text'], indent=2)} (owner {t(a['owner'])}, due {t(a['due'])}"
        + (f", moved from {t(', '.join(a['moved_from']))}" if a["moved_from"] else "")
        + f", {t(a['status'])})"
        + (f"; response: {t(a['response'], indent=2)}" if a["response"] else "")
        for a in p["actions"]
    ] or ["- none"]
    return out


def markdown(note: MeetingNote, *, public: bool = False) -> str:
    """The note as Markdown. Every value is escaped for Markdown (``reports.markdown``):
    nothing typed into the register or the workspace can add a heading, a conclusion, a
    link or raw HTML to the note."""
    v = view(note, public=public)
    t, c = md.inline, md.cell
    out: list[str] = []
    if v["draft"]:
        out.append(f"# DRAFT: meeting note {t(v['id'])}")
        agree = md.code(f"qsg meeting agree {v['id']}")
        out += ["", f"> **DRAFT**: not yet agreed by the QSG ({agree})."]
    else:
        out.append(f"# Meeting note {t(v['id'])}")
        out += [
            "",
            f"Agreed by the QSG; locked {t(v['agreed']['at'])} by {t(v['agreed']['by'])}.",
        ]
    if public:
        out += ["", "Published version: summaries of information given in confidence are withheld."]
    out += [
        "",
        f"- **QSG:** {t(v['qsg'], indent=2)}",
        f"- **Date:** {t(v['date'])}" + (f", {t(v['time'])}" if v["time"] else ""),
        *([f"- **Venue:** {t(v['venue'], indent=2)}"] if v["venue"] else []),
        f"- **Chair:** {t(v['chair'], indent=2)}",
        f"- **Triage as of:** {t(v['as_of'])}",
        f"- **Ruleset:** {t(v['ruleset'], indent=2)} (sha256 {md.code(v['sha256'])})",
        *(
            [
                f"- **Audit chain head** ({v['chain']['when']}): record {v['chain']['seq']}, "
                f"sha256 {md.code(v['chain']['hash'])}"
            ]
            if v["chain"]
            else []
        ),
        "",
        "## Attendance",
        "",
    ]
    if v["attendance"]:
        out += ["| member | organisation | from | to | attended |", "|---|---|---|---|---|"]
        out += [
            f"| {c(a['member'])} | {c(a['organisation'])} | {c(a['start'])} | {c(a['end'])} "
            f"| {c(a['duration'])} |"
            for a in v["attendance"]
        ]
    else:
        out.append("No attendance recorded.")
    q = v["quorum"]
    out += [
        "",
        f"**Quorate:** {t(q['text'])} ({t(q['detail'])})",
    ]
    out += ["", "## Matters arising", ""]
    if v["arising_from"]:
        out += [f"From {t(v['arising_from'])}:", ""]
        out += [f"- {t(line, indent=2)}" for line in v["arising"]] or ["- nothing recorded"]
    else:
        out.append("None: the QSG's first meeting in this register.")
    out += _business_md(v, ("regional_feedback",))
    if v["feedback"] and not any(s["kind"] == "regional_feedback" for s in v["business"]):
        out += ["", f"## {BUSINESS_TITLES['regional_feedback']}", ""]
    elif v["feedback"]:
        out.append("")
    out += [
        f"- {t(f['id'])} **{t(f['title'])}** ({t(f['source'])}"
        + (f", meeting of {t(f['held_on'])}" if f["held_on"] else "")
        + f"; received {t(f['received'])})"
        + (f": {t(f['text'], indent=2)}" if f["text"] else "")
        for f in v["feedback"]
    ]
    out += _business_md(v, ("report",))
    out += [
        "",
        "## Providers discussed",
    ]
    if not v["providers"]:
        out += ["", "No provider was discussed."]
    for p in v["providers"]:
        out += [
            "",
            f"### {t(p['code'])} {t(p['name'])}"
            + (f" ({t(p['local_qsg'])})" if p["local_qsg"] else ""),
        ]
        out += [
            "",
            f"**Proposed:** {t(p['proposed'])}"
            + (f" (rules: {t(', '.join(p['rules']))})" if p["rules"] else " (no rule fired)"),
        ]
        out += ["", "**Key issues**", ""]
        out += [f"- {t(line, indent=2)}" for line in p["key_issues"]] or [
            "- no rule fired: nothing in the data or the intelligence carried a level"
        ]
        if p["more_rules"]:
            out.append(f"- and {p['more_rules']} more rule(s): see the evidence appendix")
        out += _judgement_md(p)
    out += ["", "## Risk summits", ""]
    out += [
        f"- {t(x['code'])}: {t(line, indent=2)}" for x in v["summits"] for line in x["lines"]
    ] or ["None to convene, convened or held."]
    out += _business_md(v, ("theme", "aob", "review"))
    out += ["", "## Next meeting", "", t(v["next_meeting"], indent=0)]
    out += _appendix_md(v)
    out += ["", "## Amendments", ""]
    out += [
        f"- {t(a['at'])} by {t(a['by'])}"
        + (f", {t(a['provider'])}" if a["provider"] else "")
        + (f": {t(a['changes'], indent=2)}" if a["changes"] else "")
        + (f"; {t(a['text'], indent=2)}" if a["text"] else "")
        + f". Reason: {t(a['reason'], indent=2)}"
        for a in v["amendments"]
    ] or ["None."]
    return "\n".join(out) + "\n"


def html(note: MeetingNote, *, public: bool = False) -> str:
    """The note as one self-contained HTML page (no external resources)."""
    return render_html("note.html.j2", note=view(note, public=public), withheld=WITHHELD)
