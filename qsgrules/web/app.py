"""The live review page as a Flask application: the board, a page per provider, and the
meeting's forms; every write through the register's API, every page through the pack's
templates (Jinja2, autoescaped).

Safety: every POST must carry the form token (a per-process secret; without it: 403); a
public page refuses every POST (403) and shows no form; a locked meeting is refused by the
register itself; the Host header must name the loopback address when the server listens
there (a page read through another name, as DNS rebinding would, is refused); responses
forbid scripts, framing and outside resources (Content-Security-Policy).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import io
import logging
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    flash,
    get_flashed_messages,
    redirect,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import register as R
from ..api import open_register
from ..errors import InputError, Problem
from ..indicators import CATALOGUE
from ..model.ladder import ladder_of
from ..model.proposal import Triage
from ..model.vocabulary import Domain, Severity, Stance
from ..register.lookup import open_for_changes
from ..reports.pack import ProviderView, agenda_items, agenda_order, render_pack, render_template
from ..reports.public import WITHHELD
from .forms import FORMS, MEETING_FORMS, MULTIPLE, WORKSPACE_FORMS, labels, record, share
from .interrogate import add_routes
from .live import LiveReview, Snapshot
from .pages import Kept, Pages, still_holds
from .room import DISPLAY_COOKIE, BoardQuery, neighbours, safe_next

TEMPLATES = Path(__file__).parent / "templates"
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"]
_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_log = logging.getLogger("qsgrules.web")


@dataclass(frozen=True)
class Shown:
    """A problem as the page shows it: in the summary (``text``) and at its field."""

    text: str
    message: str
    field: str  # the field's name in the form, or "" when it is not a field of the form
    code: str


@dataclass
class FormState:
    """A form sent back with problems: which form, what was typed, what is wrong."""

    form: str
    values: Mapping[str, str]
    problems: list[Shown] = field(default_factory=list)

    def error(self, name: str) -> str:
        return "; ".join(p.message for p in self.problems if p.field == name)


def _shown(form: str, problems: list[Problem]) -> list[Shown]:
    names = labels(FORMS[form])
    fields = {f.name for f in FORMS[form].fields}
    return [
        Shown(p.render(names), p.message, p.argument if p.argument in fields else "", p.code)
        for p in problems
    ]


def _status(snap: Snapshot, live: LiveReview) -> tuple[str, str]:
    """(kind, words) for the bar: what the page is for, and whether it records."""
    m = snap.meeting
    if m is None:
        last = max(snap.state.headers(), key=lambda x: (x.date, x.seq), default=None)
        after = f" (the last, {last.id}, is agreed)" if last is not None else ""
        return "none", f"No meeting open in the register{after}: a new triage, read-only"
    if live.public:
        return "public", f"{m.id}: public page, confidential summaries withheld, read-only"
    if m.locked:
        assert m.agreed is not None
        return "locked", f"{m.id}: agreed {m.agreed[0][:10]} and locked, read-only"
    return "open", f"{m.id}: draft, recording open"


def _recorded(m: R.Meeting | None) -> dict[str, dict[str, Any]]:
    """What this meeting has recorded about each provider, for the board."""
    if m is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for code in set(m.positions) | set(m.decisions):
        positions = list(m.positions.get(code, {}).values())
        out[code] = {
            "positions": len(positions),
            "overrides": sum(1 for p in positions if p.stance == Stance.OVERRIDE),
            "decision": m.decisions.get(code),
        }
    return out


def _themes(m: R.Meeting | None, state: R.State, *, public: bool) -> list[dict[str, Any]]:
    """The meeting's thematic items for its panel: concerns (withheld on a public page
    when the item is confidential), the level proposed, positions and the conclusion."""
    from ..register.note import themes

    if m is None:
        return []
    out = []
    for tn in themes(m, [state.actions[a] for a in m.actions if a in state.actions]).values():
        b = tn.theme
        hidden = public and b.confidential
        out.append(
            {
                "id": b.id,
                "title": b.title,
                "providers": b.providers,
                "concerns": [WITHHELD] if hidden and b.concerns else list(b.concerns),
                "text": WITHHELD if hidden and b.text else b.text,
                "proposed": b.proposed,
                "for": sum(1 for p in tn.positions if p.stance == Stance.CONFIRM),
                "against": sum(1 for p in tn.positions if p.stance == Stance.OVERRIDE),
                "decision": tn.decision,
                "actions": tn.actions,
            }
        )
    return out


def _last_time(m: R.Meeting | None, state: R.State, register: Path) -> R.Meeting | None:
    """The QSG's last meeting (as ``qsg meeting attend --as-last-time`` finds it), when
    someone attended it: the "as last time" form offers its attendees (none: no form).
    Read from the register (the snapshot's state holds this meeting only)."""
    if m is None:
        return None
    earlier = [h for h in state.headers() if h.before(m) and (m.qsg is None or h.qsg == m.qsg)]
    if not earlier:
        return None
    last = max(earlier, key=lambda h: (h.date, h.seq))
    with R.Register(register, readonly=True) as reg:
        before = reg.state([last.id]).meetings[last.id]
    return before if before.attendance else None


def make_app(
    live: LiveReview,
    *,
    secret: bytes | None = None,
    trusted_hosts: list[str] | None = None,
) -> Flask:
    """The application. ``secret`` (default: random, for this process only) signs the form
    token and the one-line messages shown after a write; ``trusted_hosts`` are the names the
    page may be reached by (None: any)."""
    key = secret or secrets.token_bytes(32)
    write_turn = threading.Lock()
    kept = R.Kept()
    pages = Pages()
    token = hmac.new(key, b"qsgrules live page forms", hashlib.sha256).hexdigest()
    app = Flask("qsgrules.web", static_folder=None, template_folder=None)
    app.config.update(
        SECRET_KEY=key,
        TRUSTED_HOSTS=trusted_hosts,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=MAX_BODY,
    )

    def page(
        snap: Snapshot,
        *,
        code: str | None = None,
        form: FormState | None = None,
        status: int = 200,
        mode: str = "",
        extra: Mapping[str, Any] | None = None,
    ) -> Response:
        m = snap.meeting
        proposals = snap.triage.proposals
        order = agenda_order(snap.context, proposals)
        on_agenda = [c for item in agenda_items(snap.context, proposals) for c in item.providers]
        ladder = ladder_of(snap.triage)  # the levels a member may hold: the triage's ladder
        kind, words = _status(snap, live)
        previous, following = neighbours(order, code) if code is not None else (None, None)
        query = BoardQuery.from_args(request.args, ladder.ids)
        qsg_of = {c: p.qsg for c, p in live.workspace.providers.items()}
        values: dict[str, Any] = {
            "page_code": code,
            "page_mode": mode or ("provider" if code is not None else "board"),
            "summary_url": url_for("summary"),
            "indicator_choices_all": [(i.id, i.title) for i in CATALOGUE],
            "across_url_any": url_for("across"),
            "chart_href": lambda c, i: url_for("provider_chart", code=c, indicator=i),
            "csrf": token,
            "writable": snap.writable,
            "status_kind": kind,
            "status_words": words,
            "live_meeting": m,
            "flashes": get_flashed_messages(),
            "problems": form.problems if form is not None else [],
            "form_state": form,
            "forms": FORMS,
            "level_choices": list(ladder.high_first()),
            "domain_choices": list(Domain),
            "severity_choices": sorted(Severity, reverse=True),
            "levels_by_value": {lv.value: lv for lv in ladder},
            "board_url": url_for("board"),
            "organisations": sorted(m.members) if m is not None else [],
            "attendance": (
                sorted(m.attendance.values(), key=lambda a: (a.start or "", a.seq))
                if m is not None
                else []
            ),
            "recorded": _recorded(m),
            "themes": _themes(m, snap.state, public=live.public),
            "last_time": _last_time(m, snap.state, live.register),
            "board_extra_columns": 1 if m is not None else 0,
            "previous": previous,
            "next": following,
            "place": (order.index(code) + 1, len(order), code in on_agenda)
            if code is not None
            else None,
            "projector": request.cookies.get(DISPLAY_COOKIE) == "projector",
            "display_url": url_for("display"),
            "here_path": request.full_path.rstrip("?"),
            "query": query,
            "qsg_choices": sorted({qsg_of.get(p.provider, "") for p in proposals} - {""}),
        }
        if query.active and code is None and not mode:
            values["board_codes"] = query.matches(proposals, qsg_of, on_agenda)
        if code is not None and m is not None:
            values["open_actions"] = [
                a
                for a in snap.state.actions.values()
                if a.provider == code and a.closed is None and a.superseded_by is None
            ]
            values["open_requests"] = [
                a for a in values["open_actions"] if a.kind == R.ActionKind.INFORMATION
            ]
            values["pending_summits"] = [
                x
                for x in snap.state.summits.values()
                if x.provider == code and x.status == "convened"
            ]
            values["summit_organisations"] = [*sorted(m.members), code]
            values["shared"] = [
                {**d, "summary": WITHHELD}
                if live.public and d.get("handling") == "confidential"
                else d
                for d in live.shared(m.id)
                if d.get("provider") == code
            ]
            values["positions"] = sorted(m.positions.get(code, {}).values(), key=lambda p: p.seq)
            values["decision"] = m.decisions.get(code)
            values["meeting_actions"] = [
                snap.state.actions[a] for a in m.actions if snap.state.actions[a].provider == code
            ]
        html = render_pack(
            snap.triage,
            snap.prepared.drawer,
            qsgs=snap.prepared.source.qsgs,
            public=live.public,
            context=snap.context,
            template="live.html.j2",
            templates=[TEMPLATES],
            sections=[code] if code is not None and mode in ("", "provider") else [],
            href=_href,
            page={**values, **(extra or {})},
            summary=snap.prepared.summary,
        )
        return Response(html, status=status, mimetype="text/html")

    @functools.lru_cache(maxsize=8192)  # a board links every provider at each request
    def _provider_url(root: str, code: str) -> str:
        return url_for("provider", code=code)

    def _href(view: ProviderView) -> str:
        return _provider_url(request.script_root, view.proposal.provider)

    def _provider_or_404(triage: Triage, code: str) -> None:
        if code not in {p.provider for p in triage.proposals}:
            abort(404, f"no provider {code!r} in this triage")

    @app.before_request
    def _guard() -> None:
        if request.method == "POST":
            _whole_body_within_limit(request.environ)
            if live.public:
                abort(403, "This page is public: recording is disabled (qsg serve --public).")
            sent = request.form.get("csrf", "")
            if not hmac.compare_digest(sent.encode(), token.encode()):
                abort(
                    403,
                    "The form was refused: it does not carry this server's form token (it was "
                    "not made by this page, or the server was restarted). Reload the page and "
                    "send it again.",
                )

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = _POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _sent(form: str) -> dict[str, str]:
        """The form's values as sent: a field of several values (ticked boxes) as one
        value per line."""
        return {
            f.name: "\n".join(request.form.getlist(f.name))
            if f.kind in MULTIPLE
            else request.form.get(f.name, "")
            for f in FORMS[form].fields
        }

    def _write(form: str, provider: str) -> str:
        meeting = request.form.get("meeting", "")
        if live.meeting is not None and meeting != live.meeting:
            # a page pinned with --meeting records into that meeting only
            abort(
                400,
                f"This page records into meeting {live.meeting} only (qsg serve --meeting); "
                f"the form named {meeting[:40]!r}. Nothing was recorded.",
            )
        values = _sent(form)
        from .forms import API_FORMS, as_last_time

        if form in API_FORMS:  # through the API, as the command: it reads the roster too
            with write_turn:
                return as_last_time(
                    meeting,
                    values,
                    workspace=live.workspace_arg,
                    register=live.register_arg,
                    by=live.by,
                )
        if form in WORKSPACE_FORMS:
            # intelligence shared aloud goes to the workspace's intake, not the register:
            # the meeting must still be open for changes, as for every other form
            with R.Register(live.register, readonly=True) as reg:
                m = open_for_changes(reg.state([meeting]), meeting)
            return share(live.writable_workspace(), m, provider, values)
        # one write at a time from this process: the others wait their turn on a lock,
        # not in SQLite's busy handler, whose growing sleeps let a writer starve (a write
        # waited 31 s behind others on a busy machine); other processes still wait there
        with (
            write_turn,
            open_register(live.workspace_arg, live.register_arg, write=True, by=live.by) as reg,
        ):
            reg.kept = kept  # each write starts from the state the last one left
            return record(form, reg, meeting=meeting, provider=provider, values=values)

    def _post(form: str, code: str | None) -> WerkzeugResponse:
        shown = [code] if code is not None else []
        if code is not None:
            _provider_or_404(live.triage_now(), code)
        if form not in FORMS or (form in MEETING_FORMS) != (code is None):
            abort(400, f"no form {form!r} here")
        try:
            said = _write(form, code or "")
        except InputError as exc:
            state = FormState(form, _sent(form), _shown(form, exc.problems))
            return page(live.snapshot(shown=shown), code=code, form=state, status=400)
        flash(said)
        if code is not None:
            return redirect(url_for("provider", code=code) + "#record", code=303)
        return redirect(url_for("board") + "#meeting", code=303)

    def _page_key() -> tuple[Any, ...] | None:
        """What a page read now depends on beyond the register (None: a page made for this
        request only, showing the message of a write just made)."""
        if session.get("_flashes"):
            return None
        return (
            request.path,
            request.query_string,
            request.cookies.get(DISPLAY_COOKIE) == "projector",
            dt.date.today(),
            live.intake_stamp(),
        )

    def _kept(key: tuple[Any, ...] | None, provider: str | None) -> Response | None:
        """The page kept for ``key``, when nothing that changes it was recorded since."""
        kept = pages.get(key) if key is not None else None
        if kept is None:
            return None
        changes, head = live.since(kept.seq)
        if not still_holds(kept, provider, changes):
            pages.drop(key)
            return None
        return Response(pages.sent(kept, head), mimetype="text/html")

    def _keep(key: tuple[Any, ...] | None, snap: Snapshot, response: Response) -> Response:
        """The page made now (``snapshot(head_as=pages.mark)``), kept for ``key``, sent."""
        mid = snap.meeting.id if snap.meeting is not None else None
        made = Kept(snap.seq, mid, response.get_data(as_text=True))
        if key is not None and response.status_code == 200:
            pages.put(key, made)
        response.set_data(pages.sent(made, snap.head))
        return response

    @app.get("/")
    def board() -> WerkzeugResponse:
        key = _page_key()
        kept = _kept(key, None)
        if kept is not None:
            return kept
        snap = live.snapshot(shown=[], head_as=pages.mark)
        found = BoardQuery.from_args(request.args).exact(snap.triage.proposals)
        if found is not None:  # a provider's code: straight to its page
            return redirect(url_for("provider", code=found), code=303)
        return _keep(key, snap, page(snap))

    @app.get("/display")
    def display() -> WerkzeugResponse:
        """Large type for a projector, or the usual type (kept in a cookie; no script)."""
        back = redirect(safe_next(request.args.get("next", "/")), code=303)
        if request.args.get("projector") == "1":
            back.set_cookie(DISPLAY_COOKIE, "projector", httponly=True, samesite="Strict")
        else:
            back.delete_cookie(DISPLAY_COOKIE, httponly=True, samesite="Strict")
        return back

    @app.post("/")
    def board_form() -> WerkzeugResponse:
        return _post(request.form.get("form", ""), None)

    @app.get("/summary")
    def summary() -> Response:
        snap = live.snapshot(shown=[])
        table = snap.prepared.summary.sort(request.args.get("sort", "level")[:100])
        return page(
            snap,
            mode="summary",
            extra={
                "sorted_summary": table,
                "sort_href": lambda key: url_for("summary", sort=key) + "#summary",
            },
        )

    @app.get("/provider/<path:code>")
    def provider(code: str) -> Response:
        key = _page_key()
        kept = _kept(key, code)
        if kept is not None:
            return kept
        snap = live.snapshot(shown=[code], head_as=pages.mark)
        _provider_or_404(snap.triage, code)
        return _keep(key, snap, page(snap, code=code))

    @app.post("/provider/<path:code>")
    def provider_form(code: str) -> WerkzeugResponse:
        return _post(request.form.get("form", ""), code)

    add_routes(app, live, page)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return _error_page(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(InputError)
    def _input(exc: InputError) -> Response:
        return _error_page(
            400,
            "Bad input",
            "qsgrules refused what it was given:",
            [p.render() for p in exc.problems],
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        _log.exception("qsg serve: an unexpected failure")  # the details, on the server only
        return _error_page(
            500,
            "Internal failure",
            "Something failed inside qsgrules, not in what you entered; nothing more was "
            "recorded than the page shows. The details are in the server's output.",
        )

    return app


#: The largest form body the page takes, whatever its transfer encoding.
MAX_BODY = 256 * 1024


def _whole_body_within_limit(environ: dict[str, Any]) -> None:
    """Refuse (413) a body over ``MAX_BODY`` before anything reads it as a form. A body
    with Content-Length is refused by Flask; a chunked one has no length, and Werkzeug's
    limit cuts it at the limit, so the form was parsed from a truncated body and recorded
    as if complete: it is read whole here (at most one byte past the limit) and put back."""
    if environ.get("CONTENT_LENGTH"):
        return  # Flask's MAX_CONTENT_LENGTH refuses it with 413 before reading
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BODY:
        chunk = stream.read(MAX_BODY + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_BODY:
        abort(413, f"The form is larger than {MAX_BODY // 1024} KB: nothing was recorded.")
    body = b"".join(chunks)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = False


def _error_page(
    status: int, title: str, message: str, problems: list[str] | None = None
) -> Response:
    html = render_template(
        "error.html.j2",
        templates=[TEMPLATES],
        status=status,
        title=title,
        message=message,
        problems=problems or [],
    )
    return Response(html, status=status, mimetype="text/html")
