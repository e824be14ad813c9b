"""`qsg serve` as a user runs it: it binds 127.0.0.1, says where, serves the page, stops
cleanly on Ctrl-C; bad input is a located problem (exit 2), never a traceback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from hang import HANG

from qsgrules.cli.main import cli
from qsgrules.web import start_server
from qsgrules.web.server import is_loopback

# Ctrl-C as at a terminal: a process started in the background by a non-interactive shell
# (nohup, `cmd &` in a script, some CI runners) inherits SIGINT ignored, and Python then
# never raises KeyboardInterrupt; the child restores the default handler first.
QSG = [
    sys.executable,
    "-c",
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from qsgrules.cli.main import main; main()",
]


def _listening(process: subprocess.Popen[str]) -> tuple[str, str]:
    """The URL `qsg serve` says it listens on (it says so once the socket is bound), and
    what it wrote to stderr until then."""
    assert process.stderr is not None
    said = ""
    for line in process.stderr:
        said += line
        m = re.search(r" on (http://127\.0\.0\.1:\d+/) \(Ctrl-C", line)
        if m:
            return m.group(1), said
    raise AssertionError(f"qsg serve exited before listening: {said}{process.communicate()}")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_qsg_serve_binds_loopback_serves_and_stops_cleanly(ws: Path, stop: signal.Signals) -> None:
    process = subprocess.Popen(
        [*QSG, "serve", "--workspace", str(ws), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url, said = _listening(process)
        port = int(url.rsplit(":", 1)[1].strip("/"))
        with urllib.request.urlopen(url, timeout=HANG) as response:
            assert response.status == 200
            assert "M-2019-04-10: draft, recording open" in response.read().decode()
        # only the loopback address listens
        with socket.socket() as s:
            s.settimeout(HANG)
            assert s.connect_ex(("127.0.0.1", port)) == 0
        process.send_signal(stop)
        out, err = process.communicate(timeout=HANG)
        err = said + err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert f"qsg serve: M-2019-04-10 (recording) on http://127.0.0.1:{port}/ (Ctrl-C" in err
    assert err.rstrip().endswith("qsg serve: stopped")
    assert "Traceback" not in err and out == ""


def test_a_port_in_use_is_a_located_problem(ws: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "-w", str(ws), "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"--port: cannot listen on 127.0.0.1:{port}: ")
    assert "give another --port" in result.stderr and "nothing was done" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--meeting", "M-2019-04-11"], "--meeting: unknown meeting 'M-2019-04-11'"),
        (["--register", "{tmp}/none.sqlite"], "--register: no register at {tmp}/none.sqlite"),
        (["--ruleset", "{tmp}/none.yaml"], "none.yaml"),
        (["--port", "70000"], "Invalid value for '--port'"),
    ],
)
def test_bad_input_is_refused_before_serving(
    ws: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    argv = ["serve", "-w", str(ws), *(a.format(tmp=tmp_path) for a in args)]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2, result.output
    assert message.format(tmp=tmp_path) in result.stderr
    assert "Traceback" not in result.output


def test_start_server_serves_from_a_thread_and_stops(ws: Path) -> None:
    running = start_server(ws, port=0)
    try:
        assert running.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(running.url + "provider/RJ6", timeout=HANG) as response:
            assert response.status == 200
    finally:
        running.stop()
    assert not running.thread.is_alive()
    with pytest.raises(OSError), urllib.request.urlopen(running.url, timeout=2):
        pass


def test_loopback_names() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.2", "::", "example.org"]))
