"""The text guard run over many texts at once (issue 18: 50,000 items' fields are searched
together, not one by one) passes a text only when guarding it alone finds nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qsgrules.privacy import join, may_hold, scan
from qsgrules.text_guard import guard, passed

# Pieces that make identifiers, their context phrases, and what sits between texts
# (the separator the texts are joined by among them). Test NHS numbers: 999 range.
PIECES = (
    "9990000018",
    "999 765 4323",
    "999-000-0017",
    "NHS no",
    "NHS:",
    "MRN",
    "A12345",
    "staff number",
    "DOB",
    "born",
    "12/03/1954",
    "12 March 1954",
    "SW1A 1AA",
    "SW1A",
    "1AA",
    "a@b.co",
    "@",
    "07700 900123",
    "020 7946 0958",
    "+44",
    "0",
    "7",
    " ",
    "|",
    "\n",
    "\t",
    "\x00",
    "\u200b",
    "\u202e",
    "-",
    ":",
    "/",
    ".",
    "ward",
    "SI-000001",
    "RA00459",
)
texts = st.lists(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
    | st.text(alphabet="0123456789 -|@.:/ABDMNOSWaeinor", max_size=24),
    max_size=12,
)


@settings(deadline=None, max_examples=300)
@given(texts)
def test_a_text_passed_together_has_nothing_to_find_alone(values: list[str]) -> None:
    for text, ok in zip(values, passed(values), strict=True):
        if ok:
            assert guard("summary", text, long_text=True) == []
            assert guard("provider", text) == []


@settings(deadline=None, max_examples=300)
@given(texts)
def test_every_text_scan_finds_something_in_may_hold_it(values: list[str]) -> None:
    joined, starts = join(values)
    holding = may_hold(joined, starts)
    for k, text in enumerate(values):
        if scan(text):
            assert k in holding


def test_no_identifier_is_made_of_two_texts_side_by_side() -> None:
    # each alone holds nothing: together they would read as a hospital number, a
    # postcode, an NHS number with its context
    values = ["MRN", "A12345", "SW1A", "1AA", "NHS no", "1234567890"[:5], "67890"]
    assert all(scan(v) == [] for v in values)
    assert passed(values) == [True] * len(values)


def test_what_the_guard_refuses_is_not_passed() -> None:
    values = [
        "Staff raised concerns about ward 7",
        "patient NHS no 9990000018 seen",
        "call 07700 900123",
        "a name with a \u200b in it",
        "x" * 501,
        "RA00459",
    ]
    assert passed(values) == [True, False, False, False, False, True]
