"""What the live page shows at a moment: the register read now, the meeting it is for, and
that meeting's triage with its charts (computed once per meeting, drawn once per provider).

The triage comes through ``qsgrules.api`` (a meeting's frozen triage, or a new one when no
meeting is open); the register is read through ``qsgrules.register``; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .. import register as R
from ..api import (
    PackSource,
    open_inputs,
    pack_source,
    publishable,
    register_file,
    shared_at,
)
from ..bundled import demo_workspace
from ..codes import Code
from ..errors import InputError, Problem
from ..model.pack import MeetingContext
from ..model.proposal import Triage
from ..model.rebase import Rebase
from ..register import checks, rebases
from ..register.meetings import meeting_of
from ..register.rebases import rebases_by_provider
from ..reports.pack import ChartDrawer
from ..reports.summary import SummaryTable
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from ..workspace.loader import INTAKE_FILES
from .pages import PROVIDER_ONLY


@dataclass(frozen=True)
class Prepared:
    """A triage made ready for the page: its source, as shown (public or not), its charts."""

    source: PackSource
    triage: Triage
    drawer: ChartDrawer
    summary: SummaryTable  # the summary icon table, in the board's order


@dataclass(frozen=True)
class Snapshot:
    """The page's data for one request."""

    state: R.State
    meeting: R.Meeting | None
    prepared: Prepared
    context: MeetingContext
    writable: bool  # a meeting open for recording, and the page not public
    #: the last record read (0: no register) and the chain head's words printed ("": none)
    seq: int = 0
    head: str = ""

    @property
    def triage(self) -> Triage:
        return self.prepared.triage


#: The kinds of record that change only the meeting they are recorded at (what the page
#: shows of it), never the register's account of what came before it: standing levels,
#: earlier decisions, actions, summits, rebases, the agenda. The page's context of a
#: meeting is kept while only these are recorded at it; any other record makes it again.
MEETING_ONLY = frozenset({"attendance", "position"})


@dataclass(frozen=True)
class _Context:
    """The register's context of the page's meeting as read up to record ``seq``: every
    provider's previous decisions, and the rebases recorded."""

    seq: int
    day: dt.date
    meeting: str | None
    context: MeetingContext
    recorded: dict[str, tuple[Rebase, ...]]


@dataclass
class LiveReview:
    """The live page's inputs (loaded once, when the server starts) and its caches.

    ``meeting`` pins the page to one meeting; otherwise it follows the register: the latest
    meeting not yet agreed, or, when there is none, a new triage (read-only).
    """

    workspace: Workspace
    ruleset: CompiledRuleset
    register: Path
    public: bool = False
    meeting: str | None = None
    by: str | None = None
    workspace_arg: str | Path | None = None  # as given: the register API checks where to write
    register_arg: str | Path | None = None
    _prepared: dict[str | None, Prepared] = field(default_factory=dict)
    _shared: dict[str, tuple[object, list[dict[str, object]]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _context: _Context | None = None
    _state: tuple[int, R.State, R.Meeting | None] | None = None
    _context_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(
        cls,
        workspace: str | Path | None = None,
        ruleset: str | Path | None = None,
        *,
        register: str | Path | None = None,
        public: bool = False,
        meeting: str | None = None,
        by: str | None = None,
    ) -> LiveReview:
        """Load and check every input (InputError with every problem): the workspace, the
        ruleset, the register (when ``register`` is given it must exist) and the meeting."""
        if by is not None:
            checks.name("by", by)  # `--by ''` is refused, not recorded as the system user
        ws, rs = open_inputs(workspace, ruleset)
        path = register_file(ws.root, register)
        live = cls(
            ws, rs, path, public, meeting, by, workspace_arg=workspace, register_arg=register
        )
        if R.present(path) and os.access(path, os.W_OK):
            # a state kept by another version of qsgrules is rebuilt now, once: otherwise
            # every page would fold every record until the first write
            with R.Register(path) as reg:
                reg.refresh()
        if register is not None or meeting is not None:
            with R.Register(path, readonly=True) as reg:
                state = reg.state()
                if meeting is not None:
                    meeting_of(state, meeting)  # an unknown meeting: QSG602, did you mean
        return live

    def writable_workspace(self) -> Path:
        """The workspace folder to write intelligence to: the user's own, never the bundled
        demo (InputError, as the register refuses it)."""
        given = self.workspace_arg
        if given is None or Path(given).resolve() == demo_workspace().resolve():
            raise InputError(
                [
                    Problem.for_argument(
                        "workspace",
                        "the bundled demo is read-only: serve your own workspace folder "
                        "(copy the demo: qsg serve --workspace MY-COPY) to record intelligence",
                        Code.NO_REGISTER_PLACE,
                    )
                ]
            )
        return Path(given)

    def intake_stamp(self) -> tuple[tuple[int, int] | None, ...]:
        """When each intake file was last changed, and its size (None: no such file)."""
        files = [Path(self.workspace.root) / name for name in INTAKE_FILES]
        return tuple(
            (f.stat().st_mtime_ns, f.stat().st_size) if f.is_file() else None for f in files
        )

    def since(self, seq: int) -> tuple[list[tuple[str, str | None, str | None]] | None, str]:
        """What was recorded after record ``seq`` (kind, meeting and provider of each; None
        when that cannot be known: records removed or changed outside qsgrules, or written
        while they were read), and the chain head's words now ("" for no register)."""
        if not R.present(self.register):
            return ([] if seq == 0 else None), ""
        with R.Register(self.register, readonly=True) as reg:
            head = reg.head()
            changes = reg.changes_since(seq)
            if reg.head() != head:  # a record appended meanwhile: ask again next time
                return None, ""
        words = f"record {head[0]}, sha256 {head[1]}" if head is not None else ""
        return changes, words

    def shared(self, meeting: str) -> list[dict[str, object]]:
        """The items shared aloud at ``meeting`` (read again only when an intake file
        changed: a provider page does not parse the intelligence file each time)."""
        stamp = self.intake_stamp()
        with self._lock:
            found = self._shared.get(meeting)
            if found is not None and found[0] == stamp:
                return found[1]
        items = shared_at(self.workspace.root, meeting)
        with self._lock:
            self._shared[meeting] = (stamp, items)
        return items

    def read_state(self, *, required: bool = False) -> R.State:
        """The register's state now, every meeting read (empty when there is no register
        file)."""
        if not required and not R.present(self.register):
            return R.State()
        with R.Register(self.register, readonly=True) as reg:
            return reg.state(whole=True)

    def current(self, state: R.State) -> R.Meeting | None:
        """The meeting the page is for: the pinned one, else the latest not yet agreed."""
        found = self.current_id(state)
        return state.meetings[found] if found is not None else None

    def current_id(self, state: R.State) -> str | None:
        """The id of the meeting the page is for (its header only is read)."""
        if self.meeting is not None:
            return self.meeting if state.header(self.meeting) is not None else None
        open_ = [m for m in state.headers() if not m.locked]
        latest = max(open_, key=lambda m: (m.date, m.seq)) if open_ else None
        return latest.id if latest is not None else None

    def triage_now(self) -> Triage:
        """The triage the page shows now (the current meeting's, or a new one), without
        reading the meeting's context."""
        if not R.present(self.register):
            return self.prepared(None).triage
        with R.Register(self.register, readonly=True) as reg:
            _, m = self._read(reg, reg.last_seq())
        return self.prepared(m.id if m is not None else None).triage

    def prepared(self, meeting: str | None) -> Prepared:
        """The triage of ``meeting`` (frozen) or a new one, prepared once."""
        with self._lock:
            found = self._prepared.get(meeting)
            if found is None:
                source = pack_source(
                    self.workspace, self.ruleset, register=self.register_arg, meeting=meeting
                )
                shown = publishable(source.triage) if self.public else source.triage
                found = self._prepared[meeting] = Prepared(
                    source, shown, ChartDrawer(source.charts), source.summary_table()
                )
            return found

    def snapshot(
        self,
        *,
        today: dt.date | None = None,
        shown: Collection[str] | None = None,
        head_as: str | None = None,
    ) -> Snapshot:
        """Read the register now and assemble what the page shows: previous decisions of
        the providers in ``shown`` (of every provider when None). With ``head_as``, the
        context prints that text where the chain head goes (the head is in ``head``): a
        page kept between requests has the head of the moment put in when it is sent."""
        day = today or dt.date.today()
        seq, words = 0, ""
        if not R.present(self.register):
            state: R.State = R.State()
            m = None
            recorded: dict[str, tuple[Rebase, ...]] = {}
            context = R.pack_context(state, m, on=day, history=shown)
        else:
            with R.Register(self.register, readonly=True) as reg:
                seq = reg.last_seq()  # first: what is read next is at least this recent
                state, m = self._read(reg, seq)
                whole, recorded = self._context_of(reg, seq, m, day)
                head = reg.head()
            context = whole
            if whole.meeting is not None and head is not None:
                # the page prints the chain head now, as a draft note does (an anchor)
                words = f"record {head[0]}, sha256 {head[1]}"
                info = whole.meeting.model_copy(update={"chain_head": head_as or words})
                context = context.model_copy(update={"meeting": info})
            if shown is not None:
                decisions = {c: whole.decisions[c] for c in shown if c in whole.decisions}
                context = context.model_copy(update={"decisions": decisions})
        prepared = self.prepared(m.id if m is not None else None)
        context = context.model_copy(update={"rebases": recorded})
        writable = m is not None and not m.locked and not self.public
        return Snapshot(state, m, prepared, context, writable, seq, words)

    def _read(self, reg: R.Register, seq: int) -> tuple[R.State, R.Meeting | None]:
        """The register's state and the page's meeting read in full: kept from the last
        request while no record was added or changed, and while only positions were stated
        at the meeting, with the positions on their providers read again (only what the
        page shows of them is used once the register is closed: the items, the headers,
        the meeting)."""
        with self._context_lock:
            kept = self._state
        if kept is not None:
            now = reg.last_seq()  # first: what is read next is at least this recent
            since = reg.changes_since(kept[0])
            if since == []:
                return kept[1], kept[2]
            m = kept[2]
            if (
                since
                and m is not None
                and all(
                    kind in PROVIDER_ONLY and meeting == m.id and code is not None
                    for kind, meeting, code in since
                )
            ):
                # only positions at the page's meeting: those on their providers read again
                fresh = reg.with_positions(m, {code for _, _, code in since if code})
                if fresh is not None:
                    with self._context_lock:
                        self._state = (now, kept[1], fresh)
                    return kept[1], fresh
        state = reg.state()
        m = self.current(state)
        with self._context_lock:
            self._state = (seq, state, m)
        return state, m

    def _context_of(
        self, reg: R.Register, seq: int, m: R.Meeting | None, day: dt.date
    ) -> tuple[MeetingContext, dict[str, tuple[Rebase, ...]]]:
        """The register's context of meeting ``m`` (every provider's previous decisions) and
        the rebases recorded: kept from the last request while only records in
        ``MEETING_ONLY`` were recorded at ``m`` since (one request makes it at a time)."""
        mid = m.id if m is not None else None
        with self._context_lock:
            kept = self._context
            if kept is not None and (kept.day, kept.meeting) == (day, mid):
                since = reg.changes_since(kept.seq)
                if since is not None and all(
                    kind in MEETING_ONLY and meeting == mid for kind, meeting, _ in since
                ):
                    return kept.context, kept.recorded
            # read through this request's register (a state kept from an earlier request
            # holds only what the page shows, its connection closed)
            context = R.pack_context(reg.state(), m, on=day, history=None)
            recorded = rebases_by_provider(rebases.rebase_records(reg))
            self._context = _Context(seq, day, mid, context, recorded)
            return context, recorded
