"""Tests for the patient-identifiable-data guard (qsgrules.privacy).

NHS numbers used here are only the docs/methods.md section 5 examples and numbers
from the never-issued 999 000 0000 - 999 999 9999 range. Phone numbers come
from Ofcom's ranges reserved for drama (07700 900xxx, 020 7946 0xxx,
0121 496 0xxx, 01632 960xxx).
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qsgrules.privacy import KINDS, PiiFinding, describe, is_valid_nhs_number, scan

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def reference_check_digit(first_nine: str) -> int | None:
    """Independent Modulus 11 reference implementation (docs/methods.md section 5)."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def kinds_and_text(text: str) -> list[tuple[str, str, bool]]:
    return [(f.kind, text[f.start : f.end], f.certain) for f in scan(text)]


def formats(digits: str) -> list[str]:
    return [lay_out(digits, style) for style in ("plain", "spaces", "hyphens")]


# Checksum-valid numbers from the 999 range (computed with the reference).
VALID_999 = ("9990000018", "9997654323", "9991111115", "9992222220")
# Checksum-failing numbers from the 999 range.
INVALID_999 = ("9990000017", "9991234567", "9997654320")


def test_fixture_numbers_are_what_they_claim() -> None:
    for n in VALID_999:
        assert reference_check_digit(n[:9]) == int(n[9])
    for n in INVALID_999:
        assert reference_check_digit(n[:9]) != int(n[9])


# --------------------------------------------------------------------------
# is_valid_nhs_number
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["9876543210", "4000000632", "9434765919", "943 476 5919", "943-476-5919", *VALID_999],
)
def test_valid_nhs_numbers(text: str) -> None:
    assert is_valid_nhs_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "1234567890",  # fails the check (METHODS example)
        "9990000000",  # check digit would be 10: never valid
        "943476591",  # nine digits
        "94347659190",  # eleven digits
        " 9434765919",  # leading space is not "between digits"
        "9434765919 ",
        "943_476_5919",
        "943  476 5919",  # two separators in a row
        "943 476 591a",
        "",
        "٩٤٣٤٧٦٥٩١٩",  # non-ASCII digits are not NHS digits
        *INVALID_999,
    ],
)
def test_invalid_nhs_numbers(text: str) -> None:
    assert not is_valid_nhs_number(text)


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_is_valid_matches_reference(digits: str) -> None:
    expected = reference_check_digit(digits[:9]) == int(digits[9])
    for text in formats(digits):
        assert is_valid_nhs_number(text) is expected


# --------------------------------------------------------------------------
# describe
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("nhs_number", "a possible NHS number"),
        ("date_of_birth", "a possible date of birth"),
        ("postcode", "a possible postcode"),
        ("hospital_number", "a possible hospital or staff number"),
        ("email", "a possible email address"),
        ("phone", "a possible phone number"),
    ],
)
def test_describe(kind: str, phrase: str) -> None:
    assert describe(kind) == phrase


def test_describe_covers_every_kind_and_rejects_unknown() -> None:
    assert {k for k in KINDS} == {
        "nhs_number",
        "date_of_birth",
        "postcode",
        "hospital_number",
        "email",
        "phone",
    }
    for kind in KINDS:
        assert describe(kind).startswith("a possible ")
    with pytest.raises(ValueError, match="unknown identifier kind"):
        describe("shoe_size")


# --------------------------------------------------------------------------
# scan: unit examples
# --------------------------------------------------------------------------


def test_finding_is_frozen_and_offsets_index_text() -> None:
    text = "Patient 943 476 5919 was seen"
    [finding] = scan(text)
    assert finding == PiiFinding("nhs_number", 8, 20, certain=False)
    assert text[finding.start : finding.end] == "943 476 5919"
    with pytest.raises(AttributeError):
        finding.kind = "phone"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # checksum-valid, no context: reported but not certain
        ("ref 9876543210 noted", [("nhs_number", "9876543210", False)]),
        ("ref 4000000632.", [("nhs_number", "4000000632", False)]),
        ("pt 943-476-5919, seen", [("nhs_number", "943-476-5919", False)]),
        ("(9990000018)", [("nhs_number", "9990000018", False)]),
        # checksum-valid with context: certain
        ("NHS no 9434765919", [("nhs_number", "9434765919", True)]),
        ("NHS Number: 999 765 4323", [("nhs_number", "999 765 4323", True)]),
        # checksum-invalid: only with context words, then certain
        ("NHS no: 1234567890", [("nhs_number", "1234567890", True)]),
        ("nhs number 999-000-0017", [("nhs_number", "999-000-0017", True)]),
        ("NHS # 9991234567", [("nhs_number", "9991234567", True)]),
        ("NHS:9991234567", [("nhs_number", "9991234567", True)]),
        ("NHS No. was recorded as 1234567890", [("nhs_number", "1234567890", True)]),
    ],
)
def test_scan_nhs_numbers(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert kinds_and_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1234567890",
        "ref 1234567890 noted",
        "999 123 4567",
        "NHS 1234567890",  # "NHS" alone is not a context phrase
        "NHS no given; the reference, much later on, was 1234567890",  # too far away
        "94347659190",  # part of a longer digit run
        "19434765919",
        "943 476 59190",
        "NHS noted 1234567890",  # "noted" is not "no"
    ],
)
def test_scan_does_not_report_unsupported_ten_digit_numbers(text: str) -> None:
    assert [f for f in scan(text) if f.kind == "nhs_number"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DOB 12/03/1954", "12/03/1954"),
        ("D.O.B. 12-03-1954", "12-03-1954"),
        ("dob: 12.03.54", "12.03.54"),
        ("She was born 12 March 1954 in Leeds", "12 March 1954"),
        ("born on the 12th of Mar 1954", "12th of Mar 1954"),
        ("Date of birth: 1954-03-12", "1954-03-12"),
        ("birth date March 12, 1954", "March 12, 1954"),
        ("12/03/1954 (DOB)", "12/03/1954"),
    ],
)
def test_scan_dates_of_birth(text: str, expected: str) -> None:
    assert kinds_and_text(text) == [("date_of_birth", expected, True)]


@pytest.mark.parametrize(
    "text",
    [
        "Meeting held on 12/03/2024",
        "Report dated 12 March 2024",
        "Action due 2024-03-12",
        "DOB recorded in the notes, which were reviewed later on 12/03/2024",  # too far
        "DOB 31/13/1954",  # not a date: month 13
    ],
)
def test_scan_dates_without_birth_context_are_not_reported(text: str) -> None:
    assert scan(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Visit to WR4 9RW today", "WR4 9RW"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("lives at M1 1AE.", "M1 1AE"),
        ("wr49rw", "wr49rw"),
        ("EC1A1BB", "EC1A1BB"),
    ],
)
def test_scan_postcodes(text: str, expected: str) -> None:
    assert kinds_and_text(text) == [("postcode", expected, True)]


@pytest.mark.parametrize(
    "text", ["WR4", "Concerns across WR4 were raised", "SW1A area", "Ward 7 had 12 staff"]
)
def test_scan_partial_postcodes_and_plain_text(text: str) -> None:
    assert scan(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRN: K1234567", "K1234567"),
        ("hospital number RX12345", "RX12345"),
        ("Hospital No. 00123456", "00123456"),
        ("patient number is AB-12345", "AB-12345"),
        ("unit number 7654321", "7654321"),
        ("staff number 123456", "123456"),
        ("employee number: E12345", "E12345"),
        ("payroll number 00098765", "00098765"),
        ("staff ID 44321", "44321"),
    ],
)
def test_scan_hospital_and_staff_numbers(text: str, expected: str) -> None:
    assert kinds_and_text(text) == [("hospital_number", expected, True)]


@pytest.mark.parametrize(
    "text",
    [
        "staff number 1234",  # too short
        "hospital number ABCDEF",  # no digit
        "staff numbers fell by 12",  # plural, and too short
        "patient number increased",
        "mRNA-1273 vaccine clinic",  # not MRN
        "Ward 7 had 12 staff",
    ],
)
def test_scan_hospital_number_negatives(text: str) -> None:
    assert scan(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contact jane.doe@example.org.", "jane.doe@example.org"),
        ("<a.b+qsg@mail.example.nhs.uk>", "a.b+qsg@mail.example.nhs.uk"),
    ],
)
def test_scan_emails(text: str, expected: str) -> None:
    assert kinds_and_text(text) == [("email", expected, True)]


@pytest.mark.parametrize("text", ["user@localhost", "email the team @ noon", "a@b"])
def test_scan_email_negatives(text: str) -> None:
    assert scan(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 07700 900123 now", "07700 900123"),
        ("tel 07700900123", "07700900123"),
        ("07700-900-123", "07700-900-123"),
        ("+44 7700 900123", "+44 7700 900123"),
        ("+44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
        ("ring (020) 7946 0958", "(020) 7946 0958"),
        ("0121 496 0000", "0121 496 0000"),
        ("01632 960001", "01632 960001"),
        ("(07700 900123)", "07700 900123"),
    ],
)
def test_scan_phones(text: str, expected: str) -> None:
    assert kinds_and_text(text) == [("phone", expected, True)]


def test_eleven_digit_phone_is_never_an_nhs_number() -> None:
    for text in ("07700 900123", "07700900123", "NHS number 07700 900123"):
        assert [f.kind for f in scan(text)] == ["phone"]


def test_phone_shaped_checksum_valid_number_is_reported_as_nhs_number() -> None:
    # +44 followed by a 3-3-4 number that passes Modulus 11: the greater risk wins.
    text = "+44 999 765 4323"
    assert kinds_and_text(text) == [("nhs_number", "999 765 4323", False)]
    # The same shape failing the check stays a phone number.
    text = "+44 999 123 4567"
    assert kinds_and_text(text) == [("phone", "+44 999 123 4567", True)]


@pytest.mark.parametrize("text", ["1234567890", "Ward 7 had 12 staff", "", "   ", "999"])
def test_scan_plain_negatives(text: str) -> None:
    assert scan(text) == []


def test_overlap_keeps_higher_risk_kind() -> None:
    # hospital number context around a checksum-valid NHS number
    assert kinds_and_text("MRN 9434765919") == [("nhs_number", "9434765919", False)]
    # ... and around a checksum-invalid ten-digit number
    assert kinds_and_text("hospital number 1234567890") == [("hospital_number", "1234567890", True)]
    # NHS number inside an email address
    assert kinds_and_text("9990000018@example.org") == [("nhs_number", "9990000018", False)]
    # staff number that looks like a phone number
    assert kinds_and_text("staff number 07700900123") == [("hospital_number", "07700900123", True)]


def test_mixed_text_sorted_by_start() -> None:
    text = (
        "Pt NHS no 999 765 4323, DOB 12/03/1954, WR4 9RW, MRN: K1234567, "
        "jane.doe@example.org, 07700 900123."
    )
    assert kinds_and_text(text) == [
        ("nhs_number", "999 765 4323", True),
        ("date_of_birth", "12/03/1954", True),
        ("postcode", "WR4 9RW", True),
        ("hospital_number", "K1234567", True),
        ("email", "jane.doe@example.org", True),
        ("phone", "07700 900123", True),
    ]


# --------------------------------------------------------------------------
# scan: properties
# --------------------------------------------------------------------------

# Surrounding text: no digits (so nothing can extend the number), no "n"/"N"
# (so no NHS or hospital context phrase can appear), no "@", "+" or "#".
SAFE_ALPHABET = "abcdefghijklmopqrstuvwxyzABCDEFGHIJKLMOPQRSTUVWXYZ .,;:!?()'\"-/\n"
surrounding = st.text(alphabet=SAFE_ALPHABET, max_size=40)
layout = st.sampled_from(["plain", "spaces", "hyphens"])
NHS_CONTEXTS = ("NHS no ", "NHS number: ", "nhs # ", "NHS:", "NHS No. is ")


def lay_out(digits: str, style: str) -> str:
    if style == "plain":
        return digits
    sep = " " if style == "spaces" else "-"
    return sep.join((digits[:3], digits[3:6], digits[6:]))


@st.composite
def valid_999_numbers(draw: st.DrawFn) -> str:
    """Checksum-valid 999-range numbers, built so the check digit is never 10."""
    first_eight = "999" + draw(st.text(alphabet="0123456789", min_size=5, max_size=5))
    partial = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS[:8], strict=True))
    # The ninth digit has weight 2; exactly the digits giving remainder 1
    # (check digit 10) are excluded, leaving 9 or 10 choices.
    allowed = [d for d in range(10) if (partial + 2 * d) % 11 != 1]
    ninth = allowed[draw(st.integers(min_value=0, max_value=8))]
    first_nine = f"{first_eight}{ninth}"
    check = reference_check_digit(first_nine)
    assert check is not None
    return f"{first_nine}{check}"


@st.composite
def invalid_999_numbers(draw: st.DrawFn) -> str:
    """999-range ten-digit numbers whose last digit fails the Modulus 11 check."""
    first_nine = "999" + draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    correct = reference_check_digit(first_nine)
    wrong = [d for d in range(10) if d != correct]
    return f"{first_nine}{wrong[draw(st.integers(min_value=0, max_value=8))]}"


@settings(deadline=None)
@given(valid_999_numbers(), layout, surrounding, surrounding)
def test_scan_finds_every_valid_999_number(
    digits: str, style: str, before: str, after: str
) -> None:
    assert is_valid_nhs_number(digits)
    number = lay_out(digits, style)
    text = f"{before}{number}{after}"
    start = len(before)
    assert scan(text) == [PiiFinding("nhs_number", start, start + len(number), certain=False)]


@settings(deadline=None)
@given(valid_999_numbers(), layout, surrounding, st.sampled_from(NHS_CONTEXTS), surrounding)
def test_scan_valid_999_number_with_context_is_certain(
    digits: str, style: str, before: str, context: str, after: str
) -> None:
    number = lay_out(digits, style)
    # A space keeps the phrase a separate word ("xNHS no" is not context).
    text = f"{before} {context}{number}{after}"
    start = len(before) + 1 + len(context)
    assert scan(text) == [PiiFinding("nhs_number", start, start + len(number), certain=True)]


@settings(deadline=None)
@given(invalid_999_numbers(), layout, surrounding, surrounding)
def test_scan_ignores_checksum_failures_without_context(
    digits: str, style: str, before: str, after: str
) -> None:
    assert not is_valid_nhs_number(digits)
    assert scan(f"{before}{lay_out(digits, style)}{after}") == []


@settings(deadline=None)
@given(invalid_999_numbers(), layout, surrounding, st.sampled_from(NHS_CONTEXTS), surrounding)
def test_scan_reports_checksum_failures_with_context(
    digits: str, style: str, before: str, context: str, after: str
) -> None:
    number = lay_out(digits, style)
    # A space keeps the phrase a separate word ("xNHS no" is not context).
    text = f"{before} {context}{number}{after}"
    start = len(before) + 1 + len(context)
    assert scan(text) == [PiiFinding("nhs_number", start, start + len(number), certain=True)]


@settings(deadline=None)
@given(st.text(max_size=200))
def test_scan_output_is_well_formed_and_deterministic(text: str) -> None:
    findings = scan(text)
    assert findings == scan(text)
    assert findings == sorted(findings, key=lambda f: (f.start, f.end))
    for f in findings:
        assert f.kind in KINDS
        assert 0 <= f.start < f.end <= len(text)
        assert f.certain or f.kind == "nhs_number"
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start


@settings(deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=SAFE_ALPHABET + "0123456789nN", max_size=12),
            st.sampled_from(
                ["NHS no ", "DOB ", "MRN ", " 07700 900123 ", " WR4 9RW ", " a@example.org "]
            ),
            valid_999_numbers(),
            invalid_999_numbers(),
        ),
        max_size=8,
    )
)
def test_scan_composed_text_is_well_formed(parts: list[str]) -> None:
    text = "".join(parts)
    findings = scan(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start
    for f in findings:
        if f.kind == "nhs_number":
            digits = text[f.start : f.end].replace(" ", "").replace("-", "")
            assert len(digits) == 10 and digits.isdigit()
            if not is_valid_nhs_number(digits):
                assert f.certain
