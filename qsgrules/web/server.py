"""Running the live page: a small threaded WSGI server (Werkzeug's, over the standard
library's socketserver) on the loopback address unless told otherwise, stopped cleanly by
Ctrl-C (``serve``) or by ``RunningServer.stop`` (``start_server``)."""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from ..codes import Code
from ..errors import InputError, Problem
from .app import LOOPBACK_NAMES, make_app
from .live import LiveReview

#: Problem codes of the live page (QSG850-QSG899; the pack's are QSG850-QSG851).
CANNOT_LISTEN = Code.CANNOT_LISTEN


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class RunningServer:
    """A live page served from a background thread (``start_server``)."""

    server: BaseWSGIServer
    thread: threading.Thread
    live: LiveReview

    @property
    def url(self) -> str:
        host = self.server.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.server.port}/"

    def stop(self) -> None:
        """Stop serving, close the socket, wait for the thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket (bound here, so a refusal is a located problem, not an exit)."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind)
    except OSError as exc:
        raise _cannot(host, port, exc) from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise _cannot(host, port, exc) from None
    return sock


def _cannot(host: str, port: int, exc: OSError) -> InputError:
    return InputError(
        [
            Problem.for_argument(
                "port",
                f"cannot listen on {host}:{port}: {exc.strerror or exc}; give another --port "
                "(or --host)",
                CANNOT_LISTEN,
            )
        ]
    )


def _listen(live: LiveReview, host: str, port: int) -> BaseWSGIServer:
    trusted = LOOPBACK_NAMES if is_loopback(host) else None
    app = make_app(live, trusted_hosts=trusted)
    sock = _bind(host, port)
    try:
        # Werkzeug takes a duplicate of the bound socket's descriptor
        return make_server(host, sock.getsockname()[1], app, threaded=True, fd=sock.fileno())
    finally:
        sock.close()


def _load(
    workspace: str | Path | None,
    ruleset: str | Path | None,
    register: str | Path | None,
    public: bool,
    meeting: str | None,
    by: str | None,
) -> LiveReview:
    return LiveReview.load(
        workspace, ruleset, register=register, public=public, meeting=meeting, by=by
    )


def start_server(
    workspace: str | Path | None = None,
    ruleset: str | Path | None = None,
    *,
    register: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    public: bool = False,
    meeting: str | None = None,
    by: str | None = None,
) -> RunningServer:
    """Serve the live page from a background thread (``port`` 0: a free port; see
    ``RunningServer.url``). Every input is checked first (InputError)."""
    live = _load(workspace, ruleset, register, public, meeting, by)
    server = _listen(live, host, port)
    thread = threading.Thread(target=server.serve_forever, name="qsg-serve", daemon=True)
    thread.start()
    return RunningServer(server, thread, live)


def serve(
    workspace: str | Path | None = None,
    ruleset: str | Path | None = None,
    *,
    register: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
    public: bool = False,
    meeting: str | None = None,
    by: str | None = None,
    say: Callable[[str], Any] = lambda text: print(text, file=sys.stderr, flush=True),
) -> None:
    """Serve the live page until Ctrl-C or SIGTERM (then stop cleanly: the socket closed,
    the register untouched mid-write, since every write is one transaction). ``say`` tells
    the user where it is served and what it records."""
    live = _load(workspace, ruleset, register, public, meeting, by)
    server = _listen(live, host, port)
    snap = live.snapshot()
    if not is_loopback(host):
        say(
            f"warning: listening on {host}: anyone who can reach this machine can read the page"
            + ("" if public else " and record with its forms (use --public to forbid writing)")
        )
    status = "public, read-only" if public else ("recording" if snap.writable else "read-only")
    what = snap.meeting.id if snap.meeting is not None else "no meeting open"
    shown = f"[{server.host}]" if ":" in server.host else server.host
    say(f"qsg serve: {what} ({status}) on http://{shown}:{server.port}/ (Ctrl-C to stop)")
    previous = None
    if threading.current_thread() is threading.main_thread():
        # a service manager's SIGTERM stops it as cleanly as Ctrl-C
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    say("qsg serve: stopped")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def free_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` now (for tests that start `qsg serve` as a process)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
