"""The local-to-regional report: the agreed conclusions of one or more local QSGs'
registers combined (guidance, chapters 8-9: local QSGs report their concerns and actions
to the regional QSG, and liaise over providers outside their area)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..codes import Code
from ..errors import InputError, Problem
from ..model import Model
from ..model.ladder import (
    DEFAULT_IDS,
    DEFAULT_LADDER,
    AnyRung,
    LevelName,
    RungSpec,
    ladder_of_specs,
)
from ..model.proposal import Sparse, Triage, read_triage
from ..model.vocabulary import ItemStatus, Level
from .follow_up import convene_line, summit_words
from .regional_agenda import AnnexItem, annex_c
from .state import ActionKind, Decision, Meeting, State
from .store import Register

#: A register given twice to `report regional` (QSG6xx: the register).
DUPLICATE_REGISTER = Code.DUPLICATE_REGISTER


class View(Model):
    """One local QSG's agreed conclusion about a provider."""

    register_file: str
    meeting: str
    meeting_qsg: str | None
    decided_on: str
    level: LevelName
    rationale: str
    review_by: str | None
    exit_criteria: str | None
    concerns: tuple[str, ...]  # "indicator ae_4hr_type1", "domain safety" ...


class Conclusion(Model):
    provider: str
    name: str
    local_qsg: str  # the provider's own local QSG (providers.csv)
    # the highest level among the views: no view is allowed to reassure; None when the views
    # are on different ladders (no rung of one ladder is above or below another's: each
    # view's level is its own)
    level: LevelName | None
    views: tuple[View, ...]
    #: the local QSGs whose meetings concluded on it (issue 21: not its home QSG when
    #: another concluded); every one when two did
    concluded_by: tuple[str, ...] = ()


class Recurring(Model):
    """A concern flagged in two or more local QSGs."""

    concern: str
    local_qsgs: dict[str, tuple[str, ...]]  # local QSG -> providers


class Liaison(Model):
    provider: str
    name: str
    local_qsg: str
    discussed_by: str
    register_file: str
    meeting: str


class OverdueAction(Model):
    register_file: str
    id: str
    provider: str | None
    owner: str
    due: str
    text: str


class SummitLine(Model):
    """A risk summit to convene, convened (pending) or held, as a register records it."""

    register_file: str
    provider: str
    name: str
    local_qsg: str
    status: str  # "to convene", "convened" or "held"
    text: str


class Regional(Sparse):
    """The report. ``ladders``: the ladders other than the 2013 one that the conclusions'
    meetings used, each its rungs lowest first (absent when every meeting used the 2013
    ladder, as before ladders)."""

    _SPARSE = ("ladders",)

    on: str
    registers: tuple[str, ...]
    levels: dict[str, dict[str, tuple[str, ...]]]  # local QSG -> level -> providers
    conclusions: tuple[Conclusion, ...]
    recurring: tuple[Recurring, ...]
    liaison: tuple[Liaison, ...]
    overdue: tuple[OverdueAction, ...]
    summits: tuple[SummitLine, ...] = ()
    #: actions being taken: open and not yet due (issue 21: not only the overdue ones)
    in_hand: tuple[OverdueAction, ...] = ()
    #: the regional QSG's agenda (Annex C) filled in from these registers
    agenda: tuple[AnnexItem, ...] = ()
    ladders: tuple[tuple[RungSpec, ...], ...] = ()


def _concerns(triage: Triage, code: str) -> tuple[str, ...]:
    found: set[str] = set()
    for p in triage.proposals:
        if p.provider != code:
            continue
        for h in p.evidence.hard:
            found.add(f"indicator {h.indicator}")
            found.add(f"domain {h.domain.value}")
        for s in p.evidence.soft:
            if s.counted:
                found.add(f"domain {s.domain.value}")
    return tuple(sorted(found))


def _summits(state: State, label: str, on: dt.date) -> list[SummitLine]:
    """A register's risk summits on ``on``: to convene (an open convene action), convened
    and not held, held (withdrawn ones are not pending and were never held)."""

    def about(code: str) -> tuple[str, str]:
        for m in sorted(state.meetings.values(), key=lambda m: (m.date, m.seq), reverse=True):
            if code in m.providers:
                info = m.providers[code]
                return info.get("name", code), info.get("qsg") or "(no local QSG)"
        return code, "(no local QSG)"

    out: list[SummitLine] = []
    for a in sorted(state.actions.values(), key=lambda a: a.seq):
        if a.kind == ActionKind.CONVENE_SUMMIT and a.provider and a.open_on(on):
            name, local = about(a.provider)
            out.append(
                SummitLine(
                    register_file=label,
                    provider=a.provider,
                    name=name,
                    local_qsg=local,
                    status="to convene",
                    text=convene_line(a, on),
                )
            )
    for s in sorted(state.summits.values(), key=lambda s: s.seq):
        if s.withdrawn is not None and s.held is None:
            continue
        held = s.held is not None and s.held.date <= on
        name, local = about(s.provider)
        out.append(
            SummitLine(
                register_file=label,
                provider=s.provider,
                name=name,
                local_qsg=local,
                status="held" if held else "convened",
                text=summit_words(s, on),
            )
        )
    return out


def _once_each(paths: Sequence[str | Path]) -> None:
    """Refuse a register given twice under two names (``r.sqlite ./r.sqlite``, a link to
    it): its conclusions would be counted twice."""
    seen: dict[tuple[int, int] | str, str] = {}
    for path in paths:
        p = Path(path)
        try:
            st = p.stat()
            key: tuple[int, int] | str = (st.st_dev, st.st_ino)
        except OSError:
            key = str(p.resolve())  # the register's own check says what is wrong with it
        if key in seen:
            raise InputError(
                [
                    Problem.for_argument(
                        "register",
                        f"{path} and {seen[key]} are the same register: give each register "
                        "once (its conclusions would be counted twice)",
                        code=DUPLICATE_REGISTER,
                    )
                ]
            )
        seen[key] = str(path)


def combine(paths: Sequence[str | Path], *, on: dt.date) -> Regional:
    """Combine the agreed (locked) conclusions of the registers: the latest per provider in
    each register; a provider in several registers is one conclusion with every view."""
    _once_each(paths)
    views: dict[str, list[View]] = {}
    names: dict[str, tuple[str, str]] = {}
    liaison: list[Liaison] = []
    overdue: list[OverdueAction] = []
    in_hand: list[OverdueAction] = []
    heads: dict[tuple[int, str], str] = {}
    summits: list[SummitLine] = []
    # for the regional agenda: each QSG's agreed meetings read, the QSGs the registers
    # name (their providers' own), whether a meeting of every QSG was read, and each QSG's
    # actions (being taken, overdue)
    read: dict[str, set[str]] = {}
    named: set[str] = set()
    of_all = False
    tally: dict[str, list[int]] = {}
    ladders: dict[tuple[str, ...], tuple[RungSpec, ...]] = {}
    for path in paths:
        label = str(path)
        with Register(path, readonly=True) as reg:
            head = reg.head()
            if head is not None and head in heads:
                # a copy of a register given already: the same records, counted twice
                raise InputError(
                    [
                        Problem.for_argument(
                            "register",
                            f"{path} and {heads[head]} hold the same records (a copy of one "
                            "register): give each register once (its conclusions would be "
                            "counted twice)",
                            code=DUPLICATE_REGISTER,
                        )
                    ]
                )
            if head is not None:
                heads[head] = label
            state = reg.state(whole=True)
            summits += _summits(state, label, on)
            for m in state.meetings.values():
                if not m.locked:
                    continue
                of_all = of_all or m.qsg is None
                read.setdefault(m.qsg or "(all local QSGs)", set()).add(f"{m.id} ({label})")
                named |= {info.get("qsg", "") for info in m.providers.values()} - {""}
            latest: dict[str, tuple[Meeting, Decision]] = {}
            for m in state.meetings.values():
                if not m.locked:
                    continue
                for code, d in m.decisions.items():
                    held = latest.get(code)
                    if held is None or (d.decided_on, d.seq) > (held[1].decided_on, held[1].seq):
                        latest[code] = (m, d)
            frozen: dict[str, Triage] = {}
            for code, (m, d) in sorted(latest.items()):
                if m.id not in frozen:
                    frozen[m.id] = read_triage(reg.frozen_triage(m.id))
                if not m.ladder.default:
                    ladders.setdefault(m.ladder.ids, m.ladder.specs)
                info = m.providers.get(code, {})
                local = info.get("qsg") or "(no local QSG)"
                names.setdefault(code, (info.get("name", code), local))
                views.setdefault(code, []).append(
                    View(
                        register_file=label,
                        meeting=m.id,
                        meeting_qsg=m.qsg,
                        decided_on=d.decided_on.isoformat(),
                        level=d.level,
                        rationale=d.rationale,
                        review_by=d.review_by,
                        exit_criteria=d.exit_criteria,
                        concerns=_concerns(frozen[m.id], code) if not d.level.lowest else (),
                    )
                )
                if m.qsg is not None and m.qsg != local:
                    liaison.append(
                        Liaison(
                            provider=code,
                            name=names[code][0],
                            local_qsg=local,
                            discussed_by=m.qsg,
                            register_file=label,
                            meeting=m.id,
                        )
                    )
            for a in state.actions.values():
                if a.status == ItemStatus.OPEN:
                    at = state.meetings.get(a.meeting or "")
                    counts = tally.setdefault(
                        (at.qsg if at is not None else None) or "(all local QSGs)", [0, 0]
                    )
                    counts[1 if a.due < on else 0] += 1
                    (overdue if a.due < on else in_hand).append(
                        OverdueAction(
                            register_file=label,
                            id=a.id,
                            # a thematic item's action is named by its theme
                            provider=a.provider
                            or (f"theme {a.theme} of {a.meeting}" if a.theme else None),
                            owner=a.owner,
                            due=a.due.isoformat(),
                            text=a.text,
                        )
                    )
    conclusions = tuple(
        sorted(
            (
                Conclusion(
                    provider=code,
                    name=names[code][0],
                    local_qsg=names[code][1],
                    level=_highest([v.level for v in vs]),
                    views=tuple(vs),
                    concluded_by=tuple(sorted({v.meeting_qsg or names[code][1] for v in vs})),
                )
                for code, vs in views.items()
            ),
            key=lambda c: (-_height(c), c.provider),  # highest first
        )
    )
    levels: dict[str, dict[str, tuple[str, ...]]] = {}
    for c in conclusions:
        # under the local QSG(s) that concluded on it, each at the level it concluded
        for v in c.views:
            by_level = levels.setdefault(v.meeting_qsg or c.local_qsg, {})
            if c.provider not in by_level.get(v.level.value, ()):
                by_level[v.level.value] = (*by_level.get(v.level.value, ()), c.provider)
    flagged: dict[str, dict[str, set[str]]] = {}
    for c in conclusions:
        for v in c.views:
            for concern in v.concerns:
                qsg = v.meeting_qsg or c.local_qsg
                flagged.setdefault(concern, {}).setdefault(qsg, set()).add(c.provider)
    recurring = tuple(
        Recurring(concern=k, local_qsgs={q: tuple(sorted(ps)) for q, ps in sorted(v.items())})
        for k, v in sorted(flagged.items())
        if len(v) >= 2
    )
    sent = {v.meeting_qsg for c in conclusions for v in c.views} | set(read)
    silent = {
        qsg: tuple(c.provider for c in conclusions if c.local_qsg == qsg)
        for qsg in sorted(named - sent)
        if not of_all  # a meeting of every local QSG speaks for them all
    }
    agenda = annex_c(
        levels=levels,
        meetings=read,
        actions={q: (n[0], n[1]) for q, n in tally.items()},
        recurring=[f"{r.concern} in " + " and ".join(r.local_qsgs) for r in recurring],
        liaison=len({x.provider for x in liaison}),
        summits={s: sum(1 for x in summits if x.status == s) for s in _STATUS_ORDER},
        silent=silent,
        **_agenda_rungs(conclusions, ladders),
    )
    return Regional(
        agenda=agenda,
        on=on.isoformat(),
        registers=tuple(str(p) for p in paths),
        levels={q: levels[q] for q in sorted(levels)},
        conclusions=conclusions,
        recurring=recurring,
        liaison=tuple(liaison),
        overdue=tuple(sorted(overdue, key=lambda a: (a.due, a.register_file, a.id))),
        in_hand=tuple(sorted(in_hand, key=lambda a: (a.due, a.register_file, a.id))),
        summits=tuple(
            sorted(summits, key=lambda x: (_STATUS_ORDER[x.status], x.provider, x.register_file))
        ),
        ladders=tuple(ladders[ids] for ids in sorted(ladders)),
    )


def _agenda_rungs(
    conclusions: Sequence[Conclusion], ladders: Mapping[tuple[str, ...], tuple[RungSpec, ...]]
) -> dict[str, list[tuple[str, str]]]:
    """The levels of the ladders the views are on, highest first, and each ladder's top
    rung, for the agenda (none: the 2013 ladder's, as before ladders)."""
    used = {ladder_ids(v.level) for c in conclusions for v in c.views}
    if not used or used == {DEFAULT_IDS}:
        return {}
    chosen = [DEFAULT_LADDER] if DEFAULT_IDS in used else []
    chosen += [ladder_of_specs(ladders[ids]) for ids in sorted(used) if ids in ladders]
    return {
        "rungs": [(r.value, r.label) for lad in chosen for r in lad.high_first()],
        "tops": [(lad.top.value, lad.top.label) for lad in chosen],
    }


def ladder_ids(level: AnyRung) -> tuple[str, ...]:
    """The ids of the ladder a level is a rung of (the 2013 one for its own levels)."""
    return DEFAULT_IDS if isinstance(level, Level) else level.ladder_ids


def _highest(levels: list[AnyRung]) -> AnyRung | None:
    """The highest of levels on one ladder; None when they are on different ladders."""
    if len({ladder_ids(lv) for lv in levels}) > 1:
        return None
    return max(levels)


def _height(c: Conclusion) -> float:
    """How high a conclusion stands, as the place of its highest view on that view's own
    ladder (0 the lowest rung, 1 the top): only to order the report, highest first, when
    the views are on different ladders (on one ladder it orders as the levels do)."""
    return max(lv.rank / max(1, len(ladder_ids(lv)) - 1) for lv in (v.level for v in c.views))


_STATUS_ORDER = {"to convene": 0, "convened": 1, "held": 2}
