"""Patient- and staff-identifiable data guard for free-text soft intelligence.

Quality Surveillance Group soft intelligence must never carry patient- or
staff-identifiable data (docs/methods.md section 5). This module finds likely
identifiers in free text so that callers can reject or redact it. It is
offline, deterministic and pure standard library (``re``); it performs no I/O.

Kinds reported by :func:`scan`
------------------------------
``nhs_number``
    A ten-digit number, contiguous (``9434765919``) or grouped 3-3-4 with a
    single space or hyphen between groups (``943 476 5919``, ``943-476-5919``),
    that is not part of a longer run of digits (a digit directly before or
    after disqualifies it). It is reported when it passes the Modulus 11 check
    (``certain`` is True only if an NHS context phrase precedes it), or when it
    fails the check but an NHS context phrase ("NHS no", "NHS number",
    "NHS #", "NHS:", case-insensitive) ends at most 20 characters before it
    (then ``certain`` is True). A ten-digit number that fails the check and
    has no such context is not reported (about one random ten-digit string in
    eleven passes the check, so context is what separates the rest).
``date_of_birth``
    A date (``12/03/1954``, ``12-03-1954``, ``12.03.54``, ``12 March 1954``,
    ``12th of Mar 1954``, ``March 12, 1954``, ``1954-03-12``) with a birth
    context phrase ("DOB", "D.O.B", "born", "date of birth", "birth date") that
    ends at most 30 characters before the date or starts at most 5 characters
    after it (``12/03/1954 (DOB)``). Other dates are not identifiers.
``postcode``
    A full UK postcode, outward plus inward code (``WR4 9RW``, ``SW1A 1AA``,
    ``M1 1AE``), case-insensitive, space optional. An outward code alone
    (``WR4``) is not reported. Lower-case text such as ``a1 2nd`` has the
    shape of a postcode and is reported: the guard errs towards caution.
``hospital_number``
    An identifier of at least five letters/digits, with at least one digit
    (hyphens or slashes may separate its parts), directly following a context
    phrase: "hospital number", "hospital no", "MRN", "patient number",
    "unit number", "staff number", "employee number", "payroll number" (also
    the "no.", "num", "#" and "ID" variants). Staff identifiers are protected
    like patients'. A connecting ``:``, ``#``, ``-``, ``=``, ``is`` or ``was``
    may sit between phrase and identifier. Only the identifier is the span.
``email``
    A standard ``local@domain.tld`` address.
``phone``
    A UK telephone number: national form starting with ``0`` (10 or 11 digits
    in the usual groupings, e.g. ``07700 900123``, ``020 7946 0958``,
    ``0121 496 0000``, ``01632 960001``, optionally with the area code in
    brackets) or international form ``+44``/``0044`` (optionally with
    ``(0)``), e.g. ``+44 7700 900123``.

Overlaps and decisions
----------------------
Candidates that overlap are resolved deterministically by keeping the
higher-risk kind, in the order ``nhs_number`` > ``hospital_number`` >
``date_of_birth`` > ``postcode`` > ``email`` > ``phone``; within one kind the
earlier, then the longer, candidate wins. So a ten-digit number that passes
the Modulus 11 check is reported as ``nhs_number`` even when it is also
phone-shaped (``0800123456``, or ``7700900123`` after ``+44``) because a
missed NHS number is the greater risk; a phone-shaped ten-digit number that
fails the check is reported as ``phone``. An eleven-digit phone number such
as ``07700 900123`` is never an NHS number: no ten-digit run stands alone in
it.

``certain`` is False only for a checksum-valid NHS number without NHS
context (it may be another ten-digit number that happens to pass the check);
every other finding is either backed by context or has a distinctive format
and is reported with ``certain`` True.

Only ASCII digits are recognised; digits in other scripts (for example
full-width digits) are not detected.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "KINDS",
    "PiiFinding",
    "PiiKind",
    "describe",
    "is_valid_nhs_number",
    "join",
    "may_hold",
    "scan",
    "touched",
]

PiiKind = Literal["nhs_number", "date_of_birth", "postcode", "hospital_number", "email", "phone"]

#: All kinds, highest risk first (the order used to resolve overlaps).
KINDS: Final[tuple[PiiKind, ...]] = (
    "nhs_number",
    "hospital_number",
    "date_of_birth",
    "postcode",
    "email",
    "phone",
)

_RANK: Final[dict[str, int]] = {kind: rank for rank, kind in enumerate(KINDS)}

_DESCRIPTIONS: Final[dict[str, str]] = {
    "nhs_number": "a possible NHS number",
    "date_of_birth": "a possible date of birth",
    "postcode": "a possible postcode",
    "hospital_number": "a possible hospital or staff number",
    "email": "a possible email address",
    "phone": "a possible phone number",
}

#: Maximum characters between the end of an NHS context phrase and the number.
NHS_CONTEXT_WINDOW: Final = 20
#: Maximum characters between the end of a birth context phrase and the date.
DOB_CONTEXT_BEFORE: Final = 30
#: Maximum characters between the end of a date and a following birth phrase.
DOB_CONTEXT_AFTER: Final = 5

_FLAGS: Final = re.ASCII | re.IGNORECASE


@dataclass(frozen=True, slots=True)
class PiiFinding:
    """One likely identifier: ``text[start:end]`` is the matched identifier."""

    kind: PiiKind
    start: int
    end: int
    certain: bool


def describe(kind: str) -> str:
    """Return the human phrase for ``kind`` used in error messages.

    >>> describe("nhs_number")
    'a possible NHS number'

    Raises ``ValueError`` for an unknown kind.
    """
    try:
        return _DESCRIPTIONS[kind]
    except KeyError:
        raise ValueError(f"unknown identifier kind: {kind!r}") from None


# --------------------------------------------------------------------------
# NHS number
# --------------------------------------------------------------------------

_NHS_WEIGHTS: Final = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_NHS_TEXT: Final = re.compile(r"[0-9](?:[ -]?[0-9]){9}")


def _nhs_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit for nine ASCII digits; None when it would be 10."""
    total = sum(int(d) * w for d, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _nhs_digits_valid(digits: str) -> bool:
    return _nhs_check_digit(digits[:9]) == int(digits[9])


def is_valid_nhs_number(text: str) -> bool:
    """True when ``text`` is exactly ten digits passing the Modulus 11 check.

    A single space or hyphen may separate any two digits (``943 476 5919``,
    ``943-476-5919``); nothing else is allowed, not even surrounding spaces.
    """
    if _NHS_TEXT.fullmatch(text) is None:
        return False
    return _nhs_digits_valid(text.replace(" ", "").replace("-", ""))


_NHS_CANDIDATE: Final = re.compile(
    r"(?<![0-9])(?:[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}|[0-9]{10})(?![0-9])", _FLAGS
)
_NHS_CONTEXT: Final = re.compile(r"\bNHS(?:[ \t._-]*(?:numbers?|num|nbr|no)\b\.?|\s*[#:])", _FLAGS)


# --------------------------------------------------------------------------
# Dates of birth
# --------------------------------------------------------------------------

_DAY: Final = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH_NUM: Final = r"(?:0?[1-9]|1[0-2])"
_YEAR: Final = r"(?:[0-9]{4}|[0-9]{2})"
_MONTH_NAME: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_ORDINAL: Final = r"(?:st|nd|rd|th)?"

_DATE_PATTERNS: Final = (
    # 12/03/1954, 12-03-1954, 12.03.54 (same separator twice)
    re.compile(rf"(?<![0-9])(?<![0-9][./-]){_DAY}([/.-]){_MONTH_NUM}\1{_YEAR}(?![0-9])", _FLAGS),
    # 1954-03-12 (also with / or .)
    re.compile(rf"(?<![0-9])(?<![0-9][./-])[0-9]{{4}}([/.-]){_MONTH_NUM}\1{_DAY}(?![0-9])", _FLAGS),
    # 12 March 1954, 12th of Mar 1954, 12-Mar-54
    re.compile(
        rf"(?<![0-9A-Za-z]){_DAY}{_ORDINAL}(?:\s+of)?(?:\s+|-){_MONTH_NAME},?(?:\s+|-)"
        rf"{_YEAR}(?![0-9])",
        _FLAGS,
    ),
    # March 12, 1954
    re.compile(
        rf"(?<![A-Za-z]){_MONTH_NAME}\s+{_DAY}{_ORDINAL},?\s+{_YEAR}(?![0-9])",
        _FLAGS,
    ),
)
_DOB_CONTEXT: Final = re.compile(
    r"\b(?:D(?:\.\s?)?O(?:\.\s?)?B\b\.?|date[\s_-]+of[\s_-]+birth\b|birth[\s_-]*date\b|born\b)",
    _FLAGS,
)


# --------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------

_POSTCODE: Final = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?:GIR ?0AA"
    r"|[A-PR-UWYZ](?:[0-9][A-HJKPSTUW0-9]?|[A-HK-Y][0-9][ABEHMNPRVWXY0-9]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    _FLAGS,
)


# --------------------------------------------------------------------------
# Hospital and staff numbers
# --------------------------------------------------------------------------

_HOSPITAL: Final = re.compile(
    r"\b(?:MRN\b|(?:hospital|hosp|patient|unit|staff|employee|payroll)"
    r"[ \t_-]*(?:(?:number|num|nbr|no|id)\b\.?|\#))"
    r"\s*(?:[:#=.\-]\s*)*(?:(?:is|was)\b\s*(?:[:\-]\s*)?)?"
    r"(?P<ident>[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)*)(?![A-Za-z0-9])",
    _FLAGS,
)
_MIN_IDENT_CHARS: Final = 5


# --------------------------------------------------------------------------
# Email and phone
# --------------------------------------------------------------------------

_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9-])",
    _FLAGS,
)

# Digit-group lengths of UK national numbers (first group includes the
# leading 0). Longer totals first so the longest reading wins.
_PHONE_GROUPINGS: Final[tuple[tuple[int, ...], ...]] = (
    (3, 4, 4),  # 020 7946 0958
    (4, 3, 4),  # 0121 496 0000
    (5, 6),  # 07700 900123, 01632 960001
    (5, 3, 3),  # 07700 900 123
    (6, 5),  # 016977 12345
    (4, 7),  # 0207 9460958
    (5, 5),  # 01632 96000 (ten digits)
    (4, 6),  # 0800 123456
    (4, 3, 3),  # 0800 123 456
    (6, 4),  # 016977 2345
)


def _phone_pattern() -> re.Pattern[str]:
    sep = r"[ -]?"
    national: list[str] = []
    international: list[str] = []
    for first, *rest in _PHONE_GROUPINGS:
        tail = "".join(f"{sep}[0-9]{{{n}}}" for n in rest)
        area = f"0[1-9][0-9]{{{first - 2}}}"
        national.append(rf"(?:{area}|\({area}\) ?){tail}")
        international.append(rf"[1-9][0-9]{{{first - 2}}}{tail}")
    return re.compile(
        r"(?:(?<![0-9A-Za-z+])(?:" + "|".join(national) + r")"
        r"|(?<![0-9A-Za-z+])(?:\+|00)44[ -]?(?:\(0\)[ -]?)?(?:" + "|".join(international) + r"))"
        r"(?![0-9])",
        _FLAGS,
    )


_PHONE: Final = _phone_pattern()


# --------------------------------------------------------------------------
# Scanning
# --------------------------------------------------------------------------


def _context_before(ends: list[int], start: int, window: int) -> bool:
    """True if some context phrase ends at most ``window`` characters before ``start``.

    ``ends`` is sorted (``finditer`` order).
    """
    i = bisect.bisect_right(ends, start)
    return i > 0 and start - ends[i - 1] <= window


def _context_after(starts: list[int], end: int, window: int) -> bool:
    """True if some context phrase starts at most ``window`` characters after ``end``."""
    i = bisect.bisect_left(starts, end)
    return i < len(starts) and starts[i] - end <= window


def _nhs_findings(text: str) -> list[PiiFinding]:
    context_ends = [m.end() for m in _NHS_CONTEXT.finditer(text)]
    found: list[PiiFinding] = []
    for m in _NHS_CANDIDATE.finditer(text):
        digits = m.group().replace(" ", "").replace("-", "")
        has_context = _context_before(context_ends, m.start(), NHS_CONTEXT_WINDOW)
        if has_context or _nhs_digits_valid(digits):
            found.append(PiiFinding("nhs_number", m.start(), m.end(), certain=has_context))
    return found


def _dob_findings(text: str) -> list[PiiFinding]:
    contexts = list(_DOB_CONTEXT.finditer(text))
    if not contexts:
        return []
    context_starts = [m.start() for m in contexts]
    context_ends = [m.end() for m in contexts]
    found: list[PiiFinding] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if _context_before(context_ends, start, DOB_CONTEXT_BEFORE) or _context_after(
                context_starts, end, DOB_CONTEXT_AFTER
            ):
                found.append(PiiFinding("date_of_birth", start, end, certain=True))
    return found


def _hospital_findings(text: str) -> list[PiiFinding]:
    found: list[PiiFinding] = []
    for m in _HOSPITAL.finditer(text):
        ident = m.group("ident")
        alnum = ident.replace("-", "").replace("/", "")
        if len(alnum) >= _MIN_IDENT_CHARS and any(c.isdigit() for c in alnum):
            found.append(
                PiiFinding("hospital_number", m.start("ident"), m.end("ident"), certain=True)
            )
    return found


def _simple_findings(text: str, kind: PiiKind, pattern: re.Pattern[str]) -> list[PiiFinding]:
    return [PiiFinding(kind, m.start(), m.end(), certain=True) for m in pattern.finditer(text)]


def _resolve(candidates: list[PiiFinding]) -> list[PiiFinding]:
    """Drop overlapping candidates, keeping the higher-risk kind; sort by start."""
    ordered = sorted(candidates, key=lambda f: (_RANK[f.kind], f.start, f.start - f.end))
    # ``kept`` stays sorted by start and non-overlapping, hence also by end.
    kept: list[PiiFinding] = []
    starts: list[int] = []
    for cand in ordered:
        i = bisect.bisect_right(starts, cand.start)
        if i > 0 and kept[i - 1].end > cand.start:
            continue
        if i < len(kept) and kept[i].start < cand.end:
            continue
        kept.insert(i, cand)
        starts.insert(i, cand.start)
    return kept


# Every kind needs an ASCII digit (an email needs an "@"): text with neither holds none.
_MAY_HOLD: Final = re.compile(r"[0-9@]")


def scan(text: str) -> list[PiiFinding]:
    """Find likely patient- or staff-identifiable data in ``text``.

    Returns non-overlapping findings sorted by ``start``; see the module
    docstring for the rules of each kind and how overlaps are resolved.
    """
    if _MAY_HOLD.search(text) is None:
        return []
    candidates = [
        *_nhs_findings(text),
        *_hospital_findings(text),
        *_dob_findings(text),
        *_simple_findings(text, "postcode", _POSTCODE),
        *_simple_findings(text, "email", _EMAIL),
        *_simple_findings(text, "phone", _PHONE),
    ]
    return _resolve(candidates)


# Every finding of every kind contains a match of one of these (a date of birth: its
# context phrase): a text with none of them holds no finding.
_CANDIDATES: Final = (_NHS_CANDIDATE, _HOSPITAL, _DOB_CONTEXT, _POSTCODE, _EMAIL, _PHONE)
# Joins texts to search them at once: matched by no pattern above (nor by the text guard's
# control characters), so each text's edges read as a string's start and end, and no match
# can run from one text into the next.
SEPARATOR: Final = "|"


def join(texts: list[str]) -> tuple[str, list[int]]:
    """The texts joined by ``SEPARATOR``, and where each starts in the joined text."""
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(SEPARATOR)
    return SEPARATOR.join(texts), starts


def touched(pattern: re.Pattern[str], joined: str, starts: list[int]) -> set[int]:
    """The indices of the texts (as :func:`join` joined them) that a match of ``pattern``
    touches."""
    out: set[int] = set()
    for m in pattern.finditer(joined):
        first = bisect.bisect_right(starts, m.start()) - 1
        last = bisect.bisect_right(starts, max(m.start(), m.end() - 1)) - 1
        out.update(range(first, last + 1))
    return out


def may_hold(joined: str, starts: list[int]) -> set[int]:
    """The indices of the texts (as :func:`join` joined them) in which :func:`scan` may
    find something; it finds nothing in the others. One pass of each kind's pattern over
    all of them together, so that 50,000 items' fields are not scanned one by one."""
    out: set[int] = set()
    for pattern in _CANDIDATES:
        out |= touched(pattern, joined, starts)
    return out
