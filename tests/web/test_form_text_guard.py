"""The live page's forms pass through the same text guard as the commands (issue 17, "Why"
4): hostile text is refused with HTTP 400 and the form's error at its field; nothing is
recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import MEETING, Client, records, token


@pytest.mark.parametrize(
    ("form", "fields", "field"),
    [
        ("override", {"member": "Ann Lee", "level": "regular_review", "reason": "ok\x1b[2K"},
         "reason"),
        ("attendance", {"member": "Ann\u200bLee", "organisation": "CQC"}, "member"),
        ("attendance", {"member": "Аnn Lee", "organisation": "NHS Croydon CCG"}, "member"),
    ],
    ids=["escape in a reason", "zero-width space in a name", "look-alike attendee"],
)  # fmt: skip
def test_hostile_text_in_a_form_is_a_400_with_the_forms_error(
    client: Client, ws: Path, form: str, fields: dict[str, str], field: str
) -> None:
    c = client(by="clerk")
    path = "/provider/RJ6" if form != "attendance" else "/"
    before = records(ws)
    data = {"form": form, "meeting": MEETING, **fields}
    data["csrf"] = token(c.get(path).get_data(as_text=True))
    response = c.post(path, data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem: nothing was recorded" in html
    assert f'id="{field}-error"' in html or f"{field}-error" in html
    assert records(ws) == before
