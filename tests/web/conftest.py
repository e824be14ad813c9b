"""Shared fixtures of the live page's tests: a copy of the demo with a meeting open and two
members attending (made once, copied per test), and a Flask test client on it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from qsgrules import api_register
from qsgrules import register as R
from qsgrules.bundled import demo_workspace
from qsgrules.web import LiveReview, make_app
from qsgrules.web.app import LOOPBACK_NAMES

MEETING = "M-2019-04-10"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web-template") / "ws"
    shutil.copytree(demo_workspace(), root)
    api_register.open_meeting(
        date="2019-04-10", chair="Dr Jo Chair", qsg="South London", workspace=root, by="clerk"
    )
    with api_register.open_register(root, write=True, by="clerk") as reg:
        R.attend(reg, MEETING, member="Ann Lee", organisation="CQC", start="10:00", end="12:00")
        R.attend(reg, MEETING, member="Raj Patel", organisation="NHS Croydon CCG")
    return root


@pytest.fixture
def ws(tmp_path: Path, _template: Path) -> Path:
    """A copy of the demo whose register holds M-2019-04-10 (open) with two attending."""
    target = tmp_path / "ws"
    shutil.copytree(_template, target)
    return target


Client = Callable[..., FlaskClient]


@pytest.fixture
def client(ws: Path) -> Client:
    """A test client of the live page on ``ws`` (options as LiveReview.load takes them)."""

    def make(workspace: Path = ws, **options: object) -> FlaskClient:
        live = LiveReview.load(workspace, **options)  # type: ignore[arg-type]
        app = make_app(live, trusted_hosts=LOOPBACK_NAMES)
        return app.test_client()

    return make


def token(html: str) -> str:
    """The form token a page carries."""
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert m is not None, "the page has no form"
    return m.group(1)


def records(ws: Path) -> int:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return len(reg.records(frozen=True))
