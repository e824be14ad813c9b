"""The live page's rebase form (issue 20, item 3): a suggested rebase is shown with a form
prefilled from it; the form writes through the register's API; a bad month is shown at its
field; nothing is written without the form token."""

from __future__ import annotations

from pathlib import Path

from chartcheck import Page

from qsgrules import register as R
from qsgrules.register.rebases import rebases

from .conftest import MEETING, Client, records, token


def _text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def _post(client: object, fields: dict[str, str], *, csrf: bool = True) -> tuple[int, str]:
    c = client  # a FlaskClient
    data = {"form": "rebase", "meeting": MEETING, **fields}
    if csrf:
        data["csrf"] = token(c.get("/provider/RJ6").get_data(as_text=True))  # type: ignore[attr-defined]
    response = c.post("/provider/RJ6", data=data)  # type: ignore[attr-defined]
    return response.status_code, response.get_data(as_text=True)


def _recorded(ws: Path) -> list[tuple[str, str, str]]:
    with R.Register(ws / "register.sqlite", readonly=True) as reg:
        return [(r.provider, r.indicator, r.starts) for r in rebases(reg.records())]


def test_the_suggestion_and_a_prefilled_form_are_on_the_provider_page(client: Client) -> None:
    html = client().get("/provider/RJ6").get_data(as_text=True)
    text = _text(html)
    assert "Rebase suggested, never applied without a record:" in text
    assert f'qsg rebase RJ6 ae_4hr_type1 --from 2018-01 --reason "..." --meeting {MEETING}' in text
    assert 'id="form-rebase"' in html
    assert 'name="indicator" aria-describedby="rebase-indicator-hint" type="text"' in html
    assert 'value="ae_4hr_type1"' in html
    assert 'name="from" aria-describedby="rebase-from-hint" type="month" value="2018-01"' in html


def test_the_form_records_the_rebase_and_the_page_then_applies_it(client: Client, ws: Path) -> None:
    c = client(by="Dr Jo Chair")
    status, _ = _post(
        c, {"indicator": "ae_4hr_type1", "from": "2018-01", "reason": "A new front door model"}
    )
    assert status == 303
    assert _recorded(ws) == [("RJ6", "ae_4hr_type1", "2018-01")]
    text = _text(c.get("/provider/RJ6").get_data(as_text=True))
    assert "Recorded. M-2019-04-10 RJ6: ae_4hr_type1 is a new process from 2018-01" in text
    # the meeting's triage was frozen before the rebase: it applies from the next triage
    assert "Rebase recorded since this triage was made: ae_4hr_type1 from January 2018" in text
    assert "It applies from the next triage." in text
    assert "Rebase suggested" not in text


def test_a_bad_month_is_shown_at_its_field_and_nothing_is_written(client: Client, ws: Path) -> None:
    before = records(ws)
    status, html = _post(
        client(), {"indicator": "ae_4hr_type1", "from": "2019-06", "reason": "A new model"}
    )
    assert status == 400
    assert "2019-06 is after the data meeting M-2019-04-10 froze (to 2019-03)" in _text(html)
    assert 'id="rebase-from-error"' in html
    assert records(ws) == before


def test_without_the_form_token_nothing_is_written(client: Client, ws: Path) -> None:
    before = records(ws)
    status, _ = _post(
        client(), {"indicator": "ae_4hr_type1", "from": "2018-01", "reason": "x"}, csrf=False
    )
    assert status == 403
    assert records(ws) == before
