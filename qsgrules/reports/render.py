"""Terminal table, explanation text, JSON and CSV for a triage."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pydantic_core
from pydantic import BaseModel

from ..errors import Problem
from ..model.evidence import SoftFinding
from ..model.ladder import AnyRung, ladder_of
from ..model.months import month_end, month_number
from ..model.proposal import Coverage, HardRef, Proposal, SoftRef, Triage
from ..model.standing import Standing
from ..model.workspace import SoftItem

WIDTH = 80


class Marked(Protocol):
    """What the table and the data warnings read of a proposal (a ``Proposal``, or a
    ``TableRow`` when no explanation was built)."""

    @property
    def provider(self) -> str: ...
    @property
    def level(self) -> AnyRung: ...
    @property
    def domains(self) -> Mapping[str, AnyRung]: ...
    @property
    def coverage(self) -> Coverage | None: ...
    @property
    def standing(self) -> Standing | None: ...


@dataclass(frozen=True)
class TableRow:
    """One line of the table: all it shows of a proposal (no explanation needed)."""

    provider: str
    name: str
    level: AnyRung
    coverage: Coverage | None
    standing: Standing | None
    hard: int  # hard findings
    soft: float  # the weight of the counted soft items
    domains: Mapping[str, AnyRung]  # by domain, when the ruleset has domain-scoped rules

    @classmethod
    def of(cls, p: Proposal) -> TableRow:
        return cls(
            p.provider,
            p.name,
            p.level,
            p.coverage,
            p.standing,
            len(p.evidence.hard),
            sum(s.weight for s in p.evidence.soft if s.counted),
            p.domains,
        )


M = TypeVar("M", bound=Marked)

_CONTROL = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)], "?")


def clean(text: str) -> str:
    """Text safe for a terminal: control characters (a bell, an escape, a newline) as '?'."""
    return text.translate(_CONTROL)


def _cut(text: str, width: int) -> str:
    text = clean(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def mark(p: Marked) -> str:
    """The data mark of a proposal: stale ('no data since 2019-03'), else how far its data
    lag behind the date, from the first missing month ('data to 2019-03 (2 mo)'), or ''."""
    cov = p.coverage
    if cov is None:
        return ""
    if cov.mark or not cov.lag_months:
        return cov.mark
    return f"data to {cov.latest} ({cov.lag_months} mo)"


def made_on(result: Triage) -> str:
    """'as of 2019-03' when the triage is made on its data month's last day, else 'on
    2019-05-15, data to 2019-03' (the two clocks)."""
    month = month_number(result.as_of)
    if result.on is None or month is None or result.on == month_end(month).isoformat():
        return f"as of {result.as_of}"
    return f"on {result.on}, data to {result.as_of}"


def date_month(result: Triage) -> str:
    """The month of the triage's date (its data month when the date is not recorded)."""
    return result.on[:7] if result.on else result.as_of


def lag_notes(result: Triage, rows: Sequence[Marked] | None = None) -> list[str]:
    """One line for a chair reading JSON or CSV: how many providers' data lag behind the
    date (each proposal's coverage says how far), not yet stale. ``rows``: the proposals
    (or table rows) when ``result`` is only the triage's heading."""
    shown = result.proposals if rows is None else rows
    behind = lagging(result, shown)
    if not behind:
        return []
    months = sorted({p.coverage.lag_months or 0 for p in behind if p.coverage is not None})
    span = f"{months[0]}" if len(months) == 1 else f"{months[0]} to {months[-1]}"
    return [
        f"note: the data of {len(behind)} of {len(shown)} provider(s) lag {span} "
        f"month(s) behind {_the_date(result)} (coverage.lag_months); each hard-data test "
        "judges the months that have data: a month without data neither makes nor removes "
        "a finding"
    ]


def _the_date(result: Triage) -> str:
    return f"the date ({result.on})" if result.on else f"{result.as_of}"


def lagging(result: Triage, rows: Sequence[M] | None = None) -> list[M]:
    """The proposals (or ``rows``) whose data lag behind the triage's date but are not yet
    stale."""
    shown: Sequence[Any] = result.proposals if rows is None else rows
    return [
        p
        for p in shown
        if p.coverage is not None and not p.coverage.stale and p.coverage.lag_months
    ]


def level_text(p: Marked, *, short: bool = False) -> str:
    """A proposal's level as shown, with the stale-data mark beside it when there is one."""
    label = p.level.value.replace("_", " ") if short else p.level.label
    return f"{label}, {mark(p)}" if mark(p) else label


def standing_mark(proposed: AnyRung, standing: Standing) -> str:
    """↑ when the proposal would escalate the standing level, ↓ de-escalate, = keep it."""
    if proposed > standing.level:
        return "↑"
    return "↓" if proposed < standing.level else "="


def _standing_line(p: Marked) -> str:
    s = p.standing
    assert s is not None
    review = f", review by {s.review_by}" if s.review_by else ""
    return _cut(
        f"  {standing_mark(p.level, s)} standing {s.level.label} ({s.meeting}){review}", WIDTH
    )


def domains_text(p: Marked) -> str:
    """The domains above the ladder's lowest rung, highest first ("" when none)."""
    ranked = sorted(p.domains.items(), key=lambda kv: (-kv[1].rank, kv[0]))
    return "; ".join(f"{d.replace('_', ' ')}: {lv.label}" for d, lv in ranked)


def table(result: Triage, rows: Sequence[TableRow] | None = None) -> str:
    """The triage as a table for an 80-column terminal, highest level first (``rows``: its
    lines, when ``result`` is only the triage's heading).

    Column widths are computed from the data (ODS codes are 3 to 6 characters; a stale mark
    widens the level column); the provider's name takes what is left, at least 12 columns.
    """
    r = result.ruleset
    shown = [TableRow.of(p) for p in result.proposals] if rows is None else rows
    short = any(mark(p) for p in shown)  # room for the marks in 80 columns
    levels = [level_text(p, short=short) for p in shown]
    codes = [clean(p.provider) for p in shown]
    w_level = max([len("LEVEL"), *map(len, levels)])
    w_code = max([len("CODE") + 1, *map(len, codes)])
    fixed = w_level + 1 + w_code + 1 + 1 + 4 + 1 + 6
    w_name = max(12, WIDTH - 2 - fixed)
    rule = "-" * (fixed + w_name)
    lines = [
        *textwrap.wrap(
            f"Proposed triage {made_on(result)}, ruleset {clean(r.name)} {clean(r.version)} "
            f"(sha {r.sha256[:8]})",
            WIDTH,
        ),
        "",
        f"{'LEVEL':<{w_level}} {'CODE':<{w_code}} {'PROVIDER':<{w_name}} {'HARD':>4} {'SOFT':>6}",
        rule,
    ]
    for p, level, code in zip(shown, levels, codes, strict=True):
        lines.append(
            f"{level:<{w_level}} {code:<{w_code}} {_cut(p.name, w_name):<{w_name}} "
            f"{p.hard:>4} {p.soft:>6.1f}"
        )
        if p.domains:
            lines.append(_cut(f"  {domains_text(p)}", WIDTH))
        if p.standing is not None:
            lines.append(_standing_line(p))
    counts = Counter(p.level for p in shown)
    lines.append(rule)
    summary = ", ".join(
        f"{counts.get(lv, 0)} {lv.value.replace('_', ' ')}" for lv in ladder_of(result).high_first()
    )
    stale = sum(1 for p in shown if p.coverage is not None and p.coverage.stale)
    behind = len(lagging(result, shown))
    if behind:
        summary += f"; {behind} with data behind the date (marked)"
    if stale:
        summary += f"; {stale} with stale data (marked)"
    lines.extend(textwrap.wrap(summary, WIDTH))
    for note in result.notes:
        lines.extend(textwrap.wrap(f"Note: {clean(note)}", WIDTH))
    if behind:
        lines.extend(
            textwrap.wrap(
                f"data to YYYY-MM (N mo): the latest month with data, N months behind "
                f"{_the_date(result)}. Each hard-data test judges the months that have data: "
                "a month without data neither makes nor removes a finding.",
                WIDTH,
            )
        )
    lines.append("HARD: hard-data findings. SOFT: soft intelligence weight. Why: qsg explain CODE")
    if any(p.standing is not None for p in shown):
        lines.append("Standing: the QSG's last decision; the proposal would ↑ escalate it,")
        lines.append("↓ de-escalate it, or = keep it.")
    return "\n".join(lines) + "\n"


def data_warnings(result: Triage, rows: Sequence[Marked] | None = None) -> list[str]:
    """Warnings a chair must see, even in JSON: providers whose data stop before the month,
    and providers with no data at all for the ruleset's tested indicators (``rows``: the
    proposals or table rows, when ``result`` is only the triage's heading)."""
    shown: Sequence[Marked] = result.proposals if rows is None else rows
    stale = [p for p in shown if p.coverage is not None and p.coverage.stale]
    dated = sorted(p.coverage.latest for p in stale if p.coverage and p.coverage.latest)
    empty = sum(1 for p in stale if p.coverage is not None and p.coverage.latest is None)
    total = len(shown)
    out = []
    if dated:
        out.append(
            f"warning: the data of {len(dated)} of {total} provider(s) stop before "
            f"{date_month(result)} (latest month with data: {dated[-1]}); no finding can come from "
            "the missing months, so their proposals are marked 'no data since YYYY-MM' and "
            "do not mean no concerns"
        )
    if empty:
        out.append(
            f"warning: {empty} of {total} provider(s) have no data for the ruleset's tested "
            "indicators; their proposals are marked 'no data' and do not mean no concerns"
        )
    return out


def _lag_text(result: Triage, p: Proposal) -> str:
    """How far a proposal's data lag behind the date, and which months its tests judge."""
    cov = p.coverage
    assert cov is not None and cov.latest is not None
    earlier = [f"{i.indicator} to {i.latest}" for i in cov.indicators if i.latest != cov.latest]
    also = f" ({len(earlier)} end earlier: {', '.join(earlier)})" if earlier else ""
    behind = cov.behind(_the_date(result)) or f"data to {cov.latest}, the date's month"
    return (
        f"{behind[0].upper()}{behind[1:]}{also}. Each hard-data test judges the provider's "
        "last months with data: no finding comes from the months without data and none is "
        "removed by them."
    )


def _span(first: str, last: str) -> int:
    a, b = month_number(first), month_number(last)
    return 0 if a is None or b is None else b - a + 1


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
    ) or [indent.rstrip()]


def _standing_text(p: Proposal) -> list[str]:
    s = p.standing
    if s is None:
        return []
    m = standing_mark(p.level, s)
    effect = {"↑": "would escalate it", "↓": "would de-escalate it", "=": "keeps it"}[m]
    out = [
        f"Standing level: {s.level.label} [{s.level.value}], decided {s.decided_on} ({s.meeting})",
        f"  {m} the proposal {effect}"
        + (f"; review by {s.review_by}" if s.review_by else "; no review date"),
    ]
    if s.domains:
        ranked = sorted(s.domains.items(), key=lambda kv: (-kv[1].rank, kv[0]))
        text = "; ".join(f"{d.replace('_', ' ')}: {lv.label}" for d, lv in ranked)
        out.extend(_wrap(f"Standing by domain: {text}", "  "))
    if s.exit_criteria:
        out.extend(_wrap(f"Exit criteria: {s.exit_criteria}", "  "))
    return out


def explanation(result: Triage, proposal: Proposal) -> str:
    """Why a provider got its proposed level: every rule that fired, with its numbers."""
    p = proposal
    out = [
        f"{p.provider}  {p.name} ({p.type})",
        f"Proposed level: {p.level.label} [{p.level.value}]",
        f"{made_on(result)[0].upper()}{made_on(result)[1:]}; ruleset {result.ruleset.name} "
        f"{result.ruleset.version}",
        *_standing_text(p),
    ]
    if p.domains:
        out.extend(_wrap(f"By domain: {domains_text(p)}", ""))
    for exit_status in p.exits:
        out.extend(_wrap(exit_status.text, ""))
    for limit in p.limits:
        kind = "Floor" if limit.kind == "floor" else "Cap"
        out.extend(_wrap(f"{kind} {limit.text}", ""))
        for c in limit.conditions:
            value = c.value if isinstance(c.value, str) else f"{c.value:.4g}"
            out.extend(_wrap(f"met: {c.condition} (is {value})", "  "))
    cov = p.coverage
    if cov is not None and cov.stale:
        out.extend(
            _wrap(
                f"Data: {cov.mark} (as of {date_month(result)}): no finding can come from the "
                "missing months, so this proposal does not mean there are no concerns.",
                "",
            )
        )
    elif cov is not None and (cov.lag_months or any(i.lag_months for i in cov.indicators)):
        out.extend(_wrap(_lag_text(result, p), ""))
    if p.lowered is not None:
        out.extend(_wrap(p.lowered.text, ""))
    reaching = [
        i
        for i in (cov.indicators if cov is not None else ())
        if i.judged_from is not None and _span(i.judged_from, i.latest) > i.window_months
    ]
    if reaching:
        gaps = ", ".join(f"{i.indicator} {i.judged_from} to {i.latest}" for i in reaching)
        out.extend(
            _wrap(
                f"Windows reaching back over months without data (each test judges its last "
                f"months with data): {gaps}.",
                "",
            )
        )
    out.append("")
    if not p.rules:
        # the ladder's lowest rung in its own words ("no concerns" on the 2013 ladder)
        ladder = ladder_of(result)
        if ladder.default:  # as it always was
            out.append(
                "No rule fired: no concerns proposed. The provider should still be discussed"
            )
            out.append("at some point in the QSG's business cycle.")
        else:
            said = (
                f"No rule fired: {ladder.lowest.label} proposed. The provider should still be "
                "discussed at some point in the QSG's business cycle."
            )
            out.extend(_wrap(said, ""))
    else:
        out.append(f"Rules that fired ({len(p.rules)}), highest level first:")
    for rule in p.rules:
        out.append("")
        scope = f" ({rule.domain.replace('_', ' ')})" if rule.domain else ""
        out.append(f"  {rule.id}  -> {rule.level.label}{scope}")
        out.extend(_wrap(f"Because: {rule.because}", "    "))
        out.extend(_wrap(f"Rule: {rule.description}", "    "))
        for ev in rule.evidence:
            if isinstance(ev, HardRef):
                out.extend(_wrap(f"hard: {ev.detail} [{ev.test}, {ev.strength}]", "      "))
            elif isinstance(ev, SoftRef):
                out.extend(_wrap(f"soft {ev.id}: {ev.formula}", "      "))
            else:
                value = ev.value if isinstance(ev.value, str) else f"{ev.value:.4g}"
                out.extend(_wrap(f"met: {ev.condition} (is {value})", "      "))
    if p.nearest is not None:
        out.append("")
        out.append("What would raise it:")
        out.extend(_wrap(p.nearest.text, "  "))
    elif not p.level.top:
        out.append("")
        out.append("What would raise it:")
        out.extend(
            _wrap(
                "no rule above this level is within reach of the evidence it has: each would "
                "need evidence of a kind it has none of.",
                "  ",
            )
        )
    out.append("")
    out.append(f"Hard evidence ({len(p.evidence.hard)}):")
    for h in p.evidence.hard:
        out.extend(_wrap(f"{h.indicator} [{h.test}, {h.strength}]: {h.detail}", "  "))
        months = ", ".join(f"{m.period} {m.value:.2f}{'*' if m.breached else ''}" for m in h.months)
        out.extend(_wrap(f"months (* breached): {months}", "    "))
    if not p.evidence.hard:
        out.append("  none")
    out.extend(_rebase_text(p))
    out.extend(_baseline_text(p))
    out.append("")
    out.append(f"Soft intelligence ({len(p.evidence.soft)}):")
    for s in p.evidence.soft:
        status = "" if s.counted else f" [not counted: {s.note}]"
        if s.counted and s.corroborated_by:
            status += f" [corroborated by {', '.join(s.corroborated_by)}]"
        if s.handling == "confidential":
            status += " [confidential]"
        out.extend(_wrap(f"{s.id} {s.received}: {s.formula}{status}", "  "))
        out.extend(_wrap(f'"{s.summary}"', "    "))
    if not p.evidence.soft:
        out.append("  none")
    return "\n".join(out) + "\n"


def _rebase_text(p: Proposal) -> list[str]:
    """The rebases the tests applied, and those suggested (nothing when neither)."""
    out: list[str] = []
    if p.rebases:
        out += ["", f"Rebased by the QSG ({len(p.rebases)}): tested from the month given:"]
        for r in p.rebases:
            said = f"{r.indicator} from {r.starts} ({r.meeting}, {r.recorded_by}): {r.reason}"
            out.extend(_wrap(said, "  "))
    if p.rebase_suggestions:
        out += [
            "",
            f"Rebase suggested ({len(p.rebase_suggestions)}), never applied without a record:",
        ]
        for s in p.rebase_suggestions:
            out.extend(_wrap(f"{s.indicator}: {s.text}.", "  "))
            out.extend(_wrap(f"to record it: {s.command}", "    "))
    return out


def _baseline_text(p: Proposal) -> list[str]:
    """Where a trend test's baseline kept it from judging, or hid a signal (nothing when
    neither): a test that did not fire for these reasons is no reassurance."""
    if not p.baseline:
        return []
    out = ["", f"Baseline ({len(p.baseline)}): trend tests that did not judge, or hid a signal:"]
    for note in p.baseline:
        out.extend(_wrap(f"{note.text}.", "  "))
    return out


def explanations(result: Triage, proposals: Sequence[Proposal]) -> str:
    """Several explanations, each after a rule line."""
    return ("=" * (WIDTH - 2) + "\n").join(explanation(result, p) for p in proposals)


# pydantic writes a number below 1e-4 as 0.00001 or 1e-7, and (older pydantic-core) a large
# one as 1e16, where the contract has Python's repr (1e-05, 1e-07, 1e+16). In indented JSON a
# number ends its line after a space, a string never does; such numbers are rare, so their
# marks are found with one bytes regex and each candidate token checked whole. The mark of a
# large number (a digit, e, a digit) is common in text: looked for only where the installed
# pydantic-core writes large numbers without the sign.
_BARE_EXPONENT = b"+" not in pydantic_core.to_json(1e16)
_NUMBER_MARKS = (b"0.0000", b"e-")  # found with bytes.find: memchr-fast over 170 MB
_LARGE_MARK = re.compile(rb"[0-9]e[0-9]")
_ODD_NUMBER = re.compile(
    rb"-?(?:0\.0000[0-9]*|[0-9](?:\.[0-9]+)?e-[0-9]+|[0-9](?:\.[0-9]+)?e[0-9]+)"
)


def _marks(data: bytes) -> Iterator[int]:
    for needle in _NUMBER_MARKS:
        at = data.find(needle)
        while at != -1:
            yield at
            at = data.find(needle, at + len(needle))
    if _BARE_EXPONENT:
        yield from (m.start() for m in _LARGE_MARK.finditer(data))


def _python_numbers(data: bytes) -> bytes:
    """``data`` with every number token pydantic writes differently from ``repr`` rewritten."""
    spans: set[tuple[int, int]] = set()
    for at in _marks(data):
        start = data.rfind(b" ", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end == -1 else end
        stop = end - 1 if data[end - 1 : end] == b"," else end
        if start > 0 and _ODD_NUMBER.fullmatch(data, start, stop):
            spans.add((start, stop))
    if not spans:
        return data
    parts, last = [], 0
    for start, stop in sorted(spans):
        parts += [data[last:start], repr(float(data[start:stop])).encode("ascii")]
        last = stop
    parts.append(data[last:])
    return b"".join(parts)


def dump_json(model: BaseModel) -> str:
    """A model as indented JSON, exactly as ``json.dumps(model.model_dump(mode="json"),
    indent=2, ensure_ascii=False)`` writes it, at the speed of pydantic's serializer."""
    data = model.__pydantic_serializer__.to_json(model, indent=2)
    return _python_numbers(data).decode("utf-8")


def to_json(result: Triage) -> str:
    """The JSON contract; the same inputs give byte-identical output."""
    return dump_json(result) + "\n"


_PROPOSALS = '"proposals": []'
#: Each proposal sits two levels deep in the contract: its lines are indented by four.
_INDENT = b"    "


def json_around(head: Triage) -> tuple[bytes, bytes]:
    """The JSON contract of the triage ``head`` (its heading: its proposals are ignored)
    before and after its proposals: ``json_around(t)[0]``, then each proposal's
    ``json_proposal`` joined by ``json_between``, then ``json_end(any_proposal)`` and
    ``json_around(t)[1]`` make exactly ``to_json(t)``, written as proposals come."""
    text = dump_json(head.model_copy(update={"proposals": ()})).encode("utf-8")
    at = text.index(_PROPOSALS.encode())
    cut = at + len(_PROPOSALS) - 1
    return text[:cut], text[cut:] + b"\n"


def json_proposal(p: Proposal) -> bytes:
    """One proposal of the JSON contract, indented as it sits in it."""
    data = _python_numbers(p.__pydantic_serializer__.to_json(p, indent=2))
    return _INDENT + data.replace(b"\n", b"\n" + _INDENT)


def json_between(first: bool) -> bytes:
    """What comes before a proposal in the list: a new line, and a comma after the first."""
    return b"\n" if first else b",\n"


def json_end(any_proposal: bool) -> bytes:
    """What closes the list of proposals (nothing but its bracket when it is empty)."""
    return b"\n  " if any_proposal else b""


CSV_HEADER = [
    "provider",
    "name",
    "type",
    "level",
    "rules",
    "hard_breaches",
    "soft_score",
    "because",
]


def csv_row(p: Proposal) -> str:
    """One proposal as a line of the CSV."""
    buf = io.StringIO()
    soft = sum(s.weight for s in p.evidence.soft if s.counted)
    csv.writer(buf, lineterminator="\n").writerow(
        [
            p.provider,
            p.name,
            p.type,
            p.level.value,
            ";".join(r.id for r in p.rules),
            len(p.evidence.hard),
            f"{soft:.2f}",
            " | ".join(" ".join(r.because.split()) for r in p.rules),
        ]
    )
    return buf.getvalue()


def csv_head() -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(CSV_HEADER)
    return buf.getvalue()


def to_csv(result: Triage) -> str:
    return csv_head() + "".join(csv_row(p) for p in result.proposals)


def problems_json(source: str, found: Sequence[Problem], *, ok: bool) -> str:
    """Problems as JSON: ``{"file", "valid", "problems"}``."""
    data = {"file": source, "valid": ok, "problems": [p.to_dict() for p in found]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def github_annotations(found: Sequence[Problem]) -> str:
    """Problems as GitHub workflow annotations (``::warning file=...::message``)."""
    lines = []
    for p in found:
        level = "warning" if p.severity == "warning" else "error"
        where = f"file={p.file},line={p.line}" + (f",col={p.col}" if p.col else "")
        message = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        lines.append(f"::{level} {where},title={p.code}::{message}")
    return "".join(line + "\n" for line in lines)


def intelligence(
    rows: list[tuple[str, SoftFinding]],
    *,
    public: bool = False,
    later: Sequence[SoftItem] = (),
    on: dt.date | None = None,
) -> str:
    """Soft items with their weights on the date, one block each, then a line saying what
    is not counted and why: items not counted (duplicates, closed, expired), and ``later``,
    the items received after the date ``on`` (not listed)."""
    from .public import public_finding

    out: list[str] = []
    for provider, finding in rows:
        s = public_finding(finding) if public else finding
        state = "counted" if s.counted else f"not counted: {s.note}"
        tags = " [confidential]" if s.handling == "confidential" else ""
        out.append(f"{s.id}  {provider}  {s.received}  weight {s.weight:.2f} ({state}){tags}")
        out.extend(_wrap(s.formula, "    "))
        out.extend(_wrap(f'"{s.summary}"', "    "))
    counted = sum(1 for _, s in rows if s.counted)
    total = f"{len(rows)} item(s), {counted} counted"
    if on is not None:
        total += f" on {on.isoformat()}"
    why = Counter(s.note.split(" ", 1)[0] for _, s in rows if not s.counted)
    if why:
        words = {"duplicate": "duplicate (counted once)", "closed": "closed", "expired": "expired"}
        total += "; not counted: " + ", ".join(
            f"{n} {words.get(k, k)}" for k, n in sorted(why.items())
        )
    out.extend(textwrap.wrap(total, WIDTH))
    if later and on is not None:
        first = later[0].received.isoformat()
        out.extend(
            textwrap.wrap(
                f"Not listed or counted: {len(later)} item(s) received after {on.isoformat()} "
                f"(from {first}); give --on YYYY-MM-DD (a date on or after them) to count them.",
                WIDTH,
            )
        )
    return "\n".join(out) + "\n"
