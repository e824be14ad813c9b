"""Members' written reports for a meeting (guidance, chapter 7 "Preparation" and Annex D
item 4: the area team's overview, CCGs', CQC's, Monitor's, the deanery's, Healthwatch's):
a text or a file with its author organisation and its handling, attached to the meeting.

A file is copied beside the register (``reports/MEETING/NAME``) before its record is
written, whole or not at all, and never over a different file; the record keeps its name,
size and SHA-256, so what was circulated is fixed. What a published output may show of a
confidential report is said once, here (``shown``): that there was one, nothing more."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..codes import Code
from ..errors import InputError
from ..files import read_bytes
from ..writing import write_file
from . import checks
from .kinds.business import BusinessRecorded
from .lookup import _check_actor, _open_for_changes, meeting_of
from .state import Business, ReportFile, State
from .store import NewRecord, Register

__all__ = ["MAX_REPORT_BYTES", "PublicReport", "attach_report", "reports_of", "shown"]

#: The largest report file kept (a quality report with its charts is a few megabytes).
MAX_REPORT_BYTES = 50 * 1024 * 1024
REPORT_FILE_TAKEN = Code.REPORT_FILE_TAKEN
_NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]+$")


@dataclass(frozen=True)
class PublicReport:
    """A member's report as an output shows it: every field None for a confidential
    report in a published output (``withheld``), which says only that there was one."""

    title: str | None
    author: str | None
    confidential: bool
    text: str | None
    file: ReportFile | None
    withheld: bool


#: What a published output says in place of a confidential report.
WITHHELD_REPORT = "A report given in confidence: withheld from publication"


def shown(b: Business, *, public: bool) -> PublicReport:
    """``b`` (a report) as an output may show it: whole for the members; for publication
    (``public``) a confidential report keeps no field at all (not its title, author, text
    or file: each can say what the report is about)."""
    if public and b.confidential:
        return PublicReport(None, None, True, None, None, True)
    return PublicReport(b.title, b.author, b.confidential, b.text, b.file, False)


def reports_of(business: list[Business] | tuple[Business, ...]) -> list[Business]:
    """The members' written reports among a meeting's business, in the order recorded."""
    return [b for b in business if b.item == "report"]


def _file_name(file: Path) -> str:
    name = file.name
    if not name or name.startswith(".") or not _NAME.match(name) or len(name) > 120:
        raise checks.refuse(
            "file",
            f"{name!r} cannot be kept as a report's name (a hidden name, a control "
            "character or more than 120 characters); rename the file",
            checks.TEXT_REQUIRED,
        )
    guarded = checks.text("file", name, name=True)
    assert guarded is not None
    return name


def _read(file: str | Path) -> tuple[Path, str, bytes]:
    path = Path(file)
    name = _file_name(path)
    data = read_bytes(path, str(file), "report", limit=MAX_REPORT_BYTES)
    if not isinstance(data, bytes):
        raise InputError([data])
    return path, name, data


def _keep(reg: Register, meeting: str, name: str, data: bytes) -> tuple[ReportFile, Path | None]:
    """The file copied beside the register (never over a different file); the path made,
    None when the same file was kept there already."""
    digest = hashlib.sha256(data).hexdigest()
    kept = Path("reports") / meeting / name
    target = reg.path.parent / kept
    made: Path | None = None
    if target.exists() or target.is_symlink():
        same = target.is_file() and not target.is_symlink()
        if not same or hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            raise checks.refuse(
                "file",
                f"{target} already holds another file: a kept report is never replaced; "
                "rename yours, or attach the one kept",
                REPORT_FILE_TAKEN,
            )
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file(target, data, argument="file")
        made = target
    return ReportFile(name, kept.as_posix(), len(data), digest), made


def attach_report(
    reg: Register,
    meeting: str,
    *,
    author: str,
    title: str,
    text: str | None = None,
    file: str | Path | None = None,
    confidential: bool = False,
) -> Business:
    """Attach a member's written report to ``meeting``: its ``author`` (a member
    organisation of the meeting), ``title``, and its ``text`` or ``file`` (or both: a
    summary and the document); ``confidential`` keeps every field of it out of published
    outputs. Refused (InputError, nothing written or kept) when the meeting is not open
    for changes, the author is not a member, neither text nor file is given, the file
    cannot be read, or another file is kept under its name."""
    heading = checks.text("title", title, required=True)
    body_text = checks.text("text", text)
    if body_text is None and file is None:
        raise checks.refuse(
            "text",
            "a report is its text (--text) or its file (--file), or both",
            checks.TEXT_REQUIRED,
        )
    read = _read(file) if file is not None else None
    _check_actor(reg)
    made: list[Path] = []

    def build(state: State) -> list[NewRecord]:
        m = meeting_of(state, meeting)
        _open_for_changes(m)
        checks.one_of(
            "author",
            author,
            m.members,
            "organisation",
            checks.UNKNOWN_ORGANISATION,
            "a report's author is a member organisation",
        )
        kept = None
        if read is not None:
            kept, new = _keep(reg, m.id, read[1], read[2])
            made.extend([new] if new is not None else [])
        fields = {
            "item": "report",
            "title": heading,
            "text": body_text,
            "author": author,
            "confidential": confidential,
            "file": kept,
        }
        body = BusinessRecorded.model_validate(
            {k: v for k, v in fields.items() if v not in (None, False)}
        )
        return [body.record(meeting=m.id)]

    try:
        reg.write(build)
    except BaseException:
        for path in made:  # nothing kept for a report that was not recorded
            path.unlink(missing_ok=True)
        raise
    return reports_of(meeting_of(reg.state([meeting]), meeting).business)[-1]
