"""The live page's forms: what each asks, and how it is written through the register's API
(``qsgrules.register``), with the same checks and the same messages as the commands."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import register as R
from ..codes import Code
from ..errors import InputError, Problem
from ..register.kinds.meetings import PositionTaken


@dataclass(frozen=True)
class Field:
    """A form field; ``name`` is also the register API's argument, so a problem the API
    locates at an argument is shown at its field."""

    name: str
    label: str
    kind: str  # text, textarea, member, organisation, level, decided_level, date, time,
    # checkbox, action_kind
    required: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    fields: tuple[Field, ...]
    submit: str
    lede: str = ""


_MEMBER = Field("member", "Member", "member", True, "An attending member.")
FORMS: dict[str, Form] = {
    form.name: form
    for form in (
        Form(
            "attendance",
            "Record attendance",
            (
                Field("member", "Member", "text", True),
                Field("organisation", "Organisation", "organisation", True),
                Field("start", "From", "time"),
                Field("end", "To", "time"),
            ),
            "Record attendance",
            "Recording the same member again corrects the earlier record (both are kept).",
        ),
        Form(
            "confirm",
            "Confirm the proposal",
            (_MEMBER,),
            "Record the confirmation",
            "An attending member confirms the proposed level.",
        ),
        Form(
            "override",
            "Override the proposal",
            (
                _MEMBER,
                Field("level", "Level the member holds", "level", True),
                Field("reason", "Reason", "textarea", True, "Never patient-identifiable."),
            ),
            "Record the override",
            "An attending member holds another level, with a reason.",
        ),
        Form(
            "decision",
            "The chair's decision",
            (
                Field(
                    "level",
                    "Level concluded",
                    "decided_level",
                    hint="As proposed only when every position recorded confirmed it.",
                ),
                Field("rationale", "Rationale", "textarea", True),
                Field(
                    "review_by",
                    "Review by",
                    "date",
                    hint="Left empty when the level is kept: the standing review date is kept.",
                ),
                Field("clear_review_by", "Clear the review date", "checkbox"),
                Field(
                    "exit_criteria",
                    "Exit criteria",
                    "textarea",
                    hint="Left empty when the level is kept: the standing exit criteria are kept.",
                ),
                Field("clear_exit_criteria", "Clear the exit criteria", "checkbox"),
            ),
            "Record the decision",
            "A second decision before the note is agreed replaces the first (both are kept).",
        ),
        Form(
            "action",
            "Add an action",
            (
                Field(
                    "kind",
                    "Kind",
                    "action_kind",
                    hint="An information request: the owner is the organisation asked.",
                ),
                Field("owner", "Owner", "text", True),
                Field("due", "Due", "date", True),
                Field("text", "Action", "textarea", True),
            ),
            "Add the action",
        ),
        Form(
            "rebase",
            "Record a rebase",
            (
                Field("indicator", "Indicator", "text", True, "A catalogue id."),
                Field("from", "New process from", "month", True, "The first month (YYYY-MM)."),
                Field("reason", "Why the process changed", "textarea", True),
            ),
            "Record the rebase",
            "The QSG agrees the indicator is a new process from a month on: its trend tests, "
            "CUSUM and charts start there. Never applied without this record.",
        ),
        Form(
            "intelligence",
            "Intelligence shared aloud",
            (
                Field("source", "Source", "organisation", True, "The member organisation."),
                Field("domain", "Domain", "domain", True),
                Field("severity", "Severity", "severity", True),
                Field(
                    "grading",
                    "Grading",
                    "text",
                    True,
                    "Source reliability A-E then information assessment 1-5, e.g. B2.",
                ),
                Field("summary", "Summary", "textarea", True, "Never patient-identifiable."),
                Field("confidential", "Given in confidence", "checkbox"),
            ),
            "Record the intelligence",
            "Checked as qsg intel add checks it, received on the meeting's date and marked as "
            "shared at this meeting; it counts from the next triage (this one is frozen).",
        ),
        Form(
            "close_action",
            "Close an action",
            (
                Field("action", "Action", "open_action", True),
                Field("note", "Note", "textarea", True, "What was done."),
                Field("on", "Closed on", "date", hint="Left empty: today."),
            ),
            "Close the action",
        ),
        Form(
            "move_action",
            "Move an action",
            (
                Field("action", "Action", "open_action", True),
                Field("due", "New due date", "date", True),
                Field("reason", "Reason", "textarea", True, "The old date is kept."),
            ),
            "Move the action",
        ),
        Form(
            "as_last_time",
            "Attendance as last time",
            (
                Field(
                    "confirm",
                    "Record everyone who attended the QSG's last meeting",
                    "checkbox",
                    True,
                    "For the same organisations, without times (correct one with Record "
                    "attendance). Not those who have stood down or whose organisation retired.",
                ),
            ),
            "Record as last time",
        ),
        Form(
            "respond",
            "The information asked arrived",
            (
                Field("action_id", "Information request", "open_request", True),
                Field("response", "Response", "textarea", True, "What it said, where it is."),
                Field("on", "Arrived on", "date", hint="Left empty: today."),
            ),
            "Record the response",
            "Closes the request; the next agenda says it arrived.",
        ),
        Form(
            "summit_convene",
            "Convene a risk summit",
            (
                Field("date", "Date of the summit", "date", True),
                Field(
                    "invite",
                    "Invited",
                    "organisations",
                    True,
                    "Member organisations; the provider by its code.",
                ),
            ),
            "Convene the summit",
            "Closes the action to convene it; one summit pending per provider at most.",
        ),
        Form(
            "summit_held",
            "Record a risk summit held",
            (
                Field("summit_id", "Summit", "pending_summit", True),
                Field("present", "Present", "organisations", True, "The provider by its code."),
                Field("outcome", "Outcome", "textarea", True),
                Field("level_after", "Level agreed at the summit", "level", True),
                Field("date", "Held on", "date", hint="Left empty: the date it was convened for."),
            ),
            "Record the summit",
            "The level after is the summit's: the standing level stays the QSG's last decision.",
        ),
        Form(
            "cancel",
            "Cancel this meeting",
            (
                Field("reason", "Reason", "textarea", True),
                Field(
                    "confirm",
                    "Withdraw this draft meeting",
                    "checkbox",
                    True,
                    "Its positions, decisions and actions stop counting; every record stays in "
                    "the register, and its id is never reused.",
                ),
            ),
            "Cancel the meeting",
        ),
        Form(
            "agree",
            "Agree the meeting",
            (
                Field(
                    "confirm",
                    "The QSG agrees the note of this meeting",
                    "checkbox",
                    True,
                    "The meeting is then locked: later changes are amendments (qsg meeting amend).",
                ),
            ),
            "Agree and lock the meeting",
        ),
    )
}

#: Forms of the board page (the meeting's); the others are a provider's.
MEETING_FORMS = frozenset({"attendance", "as_last_time", "agree", "cancel"})
#: Forms written through the API as the command writes them (it reads the workspace's
#: representatives as well as the register).
API_FORMS = frozenset({"as_last_time"})
#: Fields whose values are several (one per ticked box), joined by line breaks here.
MULTIPLE = frozenset({"organisations"})
#: Forms that write to the workspace's intelligence file rather than the register.
WORKSPACE_FORMS = frozenset({"intelligence"})
#: Refused: the agreement not confirmed.
NOT_CONFIRMED = Code.NOT_CONFIRMED


#: Labels of the API's arguments that are not fields of a form (shown in the summary).
OTHER_ARGUMENTS = {
    "meeting": "Meeting",
    "action_id": "Action",
    "received": "Received",
    "handling": "Given in confidence",
    "id": "Item",
    "provider": "Provider",
    "by": "Recorded by",
    "workspace": "Workspace",
    "register": "Register",
}


def labels(form: Form) -> dict[str, str]:
    """How a problem's argument is named on the page: the field's label."""
    return {**OTHER_ARGUMENTS, **{f.name: f.label for f in form.fields}}


def _optional(values: Mapping[str, str], name: str) -> str | None:
    value = values.get(name, "").strip()
    return value or None


def _attendance(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    member = v.get("member", "")
    m = R.attend(
        reg,
        meeting,
        member=member,
        organisation=v.get("organisation", ""),
        start=_optional(v, "start"),
        end=_optional(v, "end"),
    )
    a = max(m.attendance.values(), key=lambda x: x.seq)  # the record just written
    times = f" {a.start or '?'}-{a.end or '?'}" if a.start or a.end else ""
    return f"{m.id}: {a.member} ({a.organisation}){times}; {len(m.attendance)} attending"


def _confirm(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    member = v.get("member", "")
    rec = R.confirm(reg, provider, meeting=meeting, member=member)
    return f"{meeting} {provider}: {member} confirmed {PositionTaken.of(rec).level.label}"


def _override(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    member = v.get("member", "")
    rec = R.override(
        reg,
        provider,
        meeting=meeting,
        member=member,
        level=v.get("level", ""),
        reason=v.get("reason", ""),
    )
    b = PositionTaken.of(rec)
    return f"{meeting} {provider}: {member} overrides {b.proposed.label} with {b.level.label}"


def _decision(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    done = R.decide(
        reg,
        provider,
        meeting=meeting,
        rationale=v.get("rationale", ""),
        level=_optional(v, "level"),
        review_by=_optional(v, "review_by"),
        exit_criteria=_optional(v, "exit_criteria"),
        clear_review_by=bool(_optional(v, "clear_review_by")),
        clear_exit_criteria=bool(_optional(v, "clear_exit_criteria")),
    )
    d = done.decision
    dissent = f"; dissent: {len(d.dissent)}" if d.dissent else ""
    said = (
        f"{meeting} {provider}: decided {d.level.label} (proposed {d.proposed.label}; "
        f"{len(d.positions)} position(s){dissent})"
    )
    if d.review_by_from:
        said += f"; kept review by {d.review_by} from {d.review_by_from}"
    if d.exit_criteria_from:
        said += f"; kept exit criteria from {d.exit_criteria_from}"
    if done.summit_action:
        said += f"; opened action {done.summit_action}: convene the risk summit"
    if done.summit_pending:
        said += f"; no second convene action: {done.summit_pending}"
    for closed in done.superseded:
        said += f"; {closed} superseded"
    return said


def _action(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    a = R.add_action(
        reg,
        provider,
        meeting=meeting,
        owner=v.get("owner", ""),
        due=v.get("due", "").strip(),
        text=v.get("text", ""),
        kind=_optional(v, "kind") or R.ActionKind.ACTION,
    )
    what = "information request " if a.kind == R.ActionKind.INFORMATION else ""
    return f"added {what}{a.id}: {provider}, owner {a.owner}, due {a.due.isoformat()}"


def _rebase(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    from ..register.rebases import record_rebase

    r = record_rebase(
        reg,
        provider,
        v.get("indicator", "").strip(),
        starts=v.get("from", "").strip(),
        reason=v.get("reason", ""),
        meeting=meeting,
    )
    return f"{meeting} {provider}: {r.indicator} is a new process from {r.starts} (rebased)"


def _close_action(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    a = R.close_action(reg, v.get("action", ""), note=v.get("note", ""), on=_optional(v, "on"))
    return f"closed {a.id} on {(a.closed or {}).get('on')}"


def _move_action(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    a = R.move_action(
        reg, v.get("action", ""), due=v.get("due", "").strip(), reason=v.get("reason", "")
    )
    return f"moved {a.id} from {a.moves[-1]['from']} to {a.due.isoformat()}"


def as_last_time(
    meeting: str,
    values: Mapping[str, str],
    *,
    workspace: str | Path | None,
    register: str | Path | None,
    by: str | None,
) -> str:
    """Record as attending ``meeting`` everyone who attended the QSG's last meeting, as
    ``qsg meeting attend --as-last-time`` does (``api.attend_as_last_time``: not those who
    stood down, nor organisations no longer members); refused unless ticked. Returns what
    was recorded, in words."""
    from ..api.members import attend_as_last_time

    if not _optional(values, "confirm"):
        raise InputError(
            [
                Problem.for_argument(
                    "confirm",
                    "tick it to record everyone who attended the last meeting as attending "
                    "this one",
                    NOT_CONFIRMED,
                )
            ]
        )
    m, before, added, left = attend_as_last_time(
        meeting, workspace=workspace, register=register, by=by
    )
    if before is None:
        return f"{m.id}: no earlier meeting of this QSG; nobody recorded"
    said = f"{m.id}: as at {before.id}: {len(added)} recorded"
    said += f" ({', '.join(added)})" if added else " (everyone was recorded already)"
    said += f"; not recorded: {'; '.join(left)}" if left else ""
    return f"{said}; {len(m.attendance)} attending"


def _agree(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    if not _optional(v, "confirm"):
        raise InputError(
            [
                Problem.for_argument(
                    "confirm",
                    "tick it to agree the note: the meeting is then locked, and nothing more "
                    "can be recorded at it",
                    NOT_CONFIRMED,
                )
            ]
        )
    m = R.agree(reg, meeting)
    assert m.agreed is not None
    return f"{m.id} agreed and locked {m.agreed[0]} by {m.agreed[1]}"


def _respond(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    a = R.respond(
        reg, v.get("action_id", ""), response=v.get("response", ""), on=_optional(v, "on")
    )
    return f"{a.id}: the information asked of {a.owner} arrived {(a.closed or {}).get('on')}"


def _several(v: Mapping[str, str], name: str) -> list[str]:
    return [x for x in v.get(name, "").splitlines() if x.strip()]


def _summit_convene(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    s = R.convene_summit(
        reg, provider, date=v.get("date", "").strip(), invited=_several(v, "invite")
    )
    closes = f"; closes action {s.action}" if s.action else ""
    return (
        f"convened {s.id}: {s.provider} on {s.date.isoformat()}, {len(s.invited)} invited{closes}"
    )


def _summit_held(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    s = R.hold_summit(
        reg,
        v.get("summit_id", ""),
        present=_several(v, "present"),
        outcome=v.get("outcome", ""),
        level_after=v.get("level_after", ""),
        date=_optional(v, "date"),
    )
    assert s.held is not None
    return (
        f"risk summit {s.id} held {s.held.date.isoformat()}: present "
        f"{', '.join(s.held.present)}; level after: {s.held.level_after.label}"
    )


def _cancel(reg: R.Register, meeting: str, provider: str, v: Mapping[str, str]) -> str:
    if not _optional(v, "confirm"):
        raise InputError(
            [
                Problem.for_argument(
                    "confirm",
                    "tick it to cancel the meeting: its positions, decisions and actions then "
                    "stop counting",
                    NOT_CONFIRMED,
                )
            ]
        )
    c = R.cancel_meeting(reg, meeting, reason=v.get("reason", ""))
    return f"cancelled draft meeting {c.id} (record {c.seq}) by {c.recorded_by}: {c.reason}"


_WRITERS: dict[str, Callable[[R.Register, str, str, Mapping[str, str]], str]] = {
    "respond": _respond,
    "summit_convene": _summit_convene,
    "summit_held": _summit_held,
    "cancel": _cancel,
    "attendance": _attendance,
    "confirm": _confirm,
    "override": _override,
    "decision": _decision,
    "action": _action,
    "rebase": _rebase,
    "close_action": _close_action,
    "move_action": _move_action,
    "agree": _agree,
}


def record(
    form: str, reg: R.Register, *, meeting: str, provider: str, values: Mapping[str, str]
) -> str:
    """Write one form's values through the register's API (InputError, with every problem
    located at its argument, when it refuses: nothing is written). Returns what was
    recorded, in words, as the command prints it."""
    return _WRITERS[form](reg, meeting, provider, values)


def share(workspace: Path, meeting: R.Meeting, provider: str, values: Mapping[str, str]) -> str:
    """Append intelligence shared aloud at ``meeting`` to the workspace through the API
    (``add_item``: the checks and messages of ``qsg intel add``), received on the meeting's
    date and marked as shared at it. Returns what was added, as the command says it."""
    from ..api import add_item

    item = add_item(
        workspace,
        {
            "provider": provider,
            "source": values.get("source", ""),
            "domain": values.get("domain", ""),
            "severity": values.get("severity", ""),
            "grading": values.get("grading", "").strip(),
            "summary": values.get("summary", ""),
            "received": meeting.date,
            "handling": "confidential" if _optional(values, "confidential") else "open",
            "shared_at": meeting.id,
        },
    )
    return (
        f"added {item.id}: {item.provider} {item.source} {item.domain} {item.severity} "
        f"({item.grading}), received {item.received.isoformat()}, shared at {meeting.id}"
    )
