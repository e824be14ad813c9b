"""The live page writes only what it says (issue 17, "Why" 8): a body over the limit is
refused whatever its transfer encoding (413, nothing recorded), and a page pinned with
--meeting records into that meeting only."""

from __future__ import annotations

import re
import socket
import urllib.request
from pathlib import Path

from qsgrules import api_register
from qsgrules.web import start_server
from qsgrules.web.app import MAX_BODY

from .conftest import MEETING, Client, records, token


def _chunked_post(host: str, port: int, path: str, body: bytes) -> int:
    """POST ``body`` with Transfer-Encoding: chunked (no Content-Length); the status."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    step = 64 * 1024
    chunks = b"".join(
        f"{len(body[i : i + step]):x}\r\n".encode() + body[i : i + step] + b"\r\n"
        for i in range(0, len(body), step)
    )
    with socket.create_connection((host, port), timeout=120) as s:
        s.sendall(head + chunks + b"0\r\n\r\n")
        reply = b""
        while b"\r\n" not in reply:
            got = s.recv(4096)
            if not got:
                break
            reply += got
    return int(reply.split(b" ", 2)[1])


def test_a_chunked_body_over_the_limit_is_refused_and_records_nothing(ws: Path) -> None:
    # as found: a chunked POST over 256 KB was cut at the limit and stored as if complete
    # (with Content-Length the same body got 413)
    server = start_server(ws, by="clerk")
    try:
        html = urllib.request.urlopen(server.url + "provider/RJ6", timeout=120).read().decode()
        csrf = token(html)
        fields = f"form=override&meeting={MEETING}&csrf={csrf}&member=Ann+Lee"
        fields += "&level=regular_review&reason=The+plan+is+agreed"
        before = records(ws)
        big = (fields + "&pad=" + "x" * MAX_BODY).encode()
        assert _chunked_post(server.server.host, server.server.port, "/provider/RJ6", big) == 413
        assert records(ws) == before
        small = fields.encode()
        assert _chunked_post(server.server.host, server.server.port, "/provider/RJ6", small) == 303
        assert records(ws) == before + 1
    finally:
        server.stop()


def test_a_pinned_page_records_into_its_meeting_only(client: Client, ws: Path) -> None:
    # as found: a page pinned with --meeting ID recorded into whatever meeting the form named
    api_register.open_meeting(
        date="2019-05-01", chair="Dr Jo Chair", qsg="South London", workspace=ws, by="clerk"
    )
    c = client(by="clerk", meeting=MEETING)
    csrf = token(c.get("/provider/RJ6").get_data(as_text=True))
    before = records(ws)
    response = c.post(
        "/provider/RJ6",
        data={"form": "confirm", "meeting": "M-2019-05-01", "csrf": csrf, "member": "Ann Lee"},
    )
    assert response.status_code == 400
    assert "records into meeting M-2019-04-10 only" in response.get_data(as_text=True)
    assert records(ws) == before
    ok = c.post(
        "/provider/RJ6",
        data={"form": "confirm", "meeting": MEETING, "csrf": csrf, "member": "Ann Lee"},
    )
    assert ok.status_code == 303
    assert records(ws) == before + 1
    assert re.search(r"M-2019", ok.headers.get("Location", "")) is None
