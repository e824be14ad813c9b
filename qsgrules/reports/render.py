"""Terminal table, explanation text, JSON and CSV for a triage."""

from __future__ import annotations

import csv
import io
import re
import textwrap
from collections import Counter

from pydantic import BaseModel

from ..model.evidence import SoftFinding
from ..model.proposal import HardRef, Proposal, SoftRef, Triage
from ..model.vocabulary import Level

WIDTH = 80


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(result: Triage) -> str:
    """The triage as a table for an 80-column terminal, highest level first."""
    r = result.ruleset
    lines = [
        f"Proposed triage as of {result.as_of}, ruleset {r.name} {r.version} (sha {r.sha256[:8]})",
        "",
        f"{'LEVEL':<28} {'CODE':<5} {'PROVIDER':<31} {'HARD':>4} {'SOFT':>6}",
    ]
    lines.append("-" * 78)
    for p in result.proposals:
        soft = sum(s.weight for s in p.evidence.soft if s.counted)
        lines.append(
            f"{p.level.label:<28} {p.provider:<5} {_cut(p.name, 31):<31} "
            f"{len(p.evidence.hard):>4} {soft:>6.1f}"
        )
    counts = Counter(p.level for p in result.proposals)
    lines.append("-" * 78)
    summary = ", ".join(
        f"{counts.get(lv, 0)} {lv.value.replace('_', ' ')}" for lv in reversed(list(Level))
    )
    lines.extend(textwrap.wrap(summary, WIDTH))
    lines.append("HARD: hard-data findings. SOFT: soft intelligence weight. Why: qsg explain CODE")
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
    ) or [indent.rstrip()]


def explanation(result: Triage, proposal: Proposal) -> str:
    """Why a provider got its proposed level: every rule that fired, with its numbers."""
    p = proposal
    out = [
        f"{p.provider}  {p.name} ({p.type})",
        f"Proposed level: {p.level.label} [{p.level.value}]",
        f"As of {result.as_of}; ruleset {result.ruleset.name} {result.ruleset.version}",
        "",
    ]
    if not p.rules:
        out.append("No rule fired: no concerns proposed. The provider should still be discussed")
        out.append("at some point in the QSG's business cycle.")
    else:
        out.append(f"Rules that fired ({len(p.rules)}), highest level first:")
    for rule in p.rules:
        out.append("")
        out.append(f"  {rule.id}  -> {rule.level.label}")
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
    out.append("")
    out.append(f"Hard evidence ({len(p.evidence.hard)}):")
    for h in p.evidence.hard:
        out.extend(_wrap(f"{h.indicator} [{h.test}, {h.strength}]: {h.detail}", "  "))
        months = ", ".join(f"{m.period} {m.value:.2f}{'*' if m.breached else ''}" for m in h.months)
        out.extend(_wrap(f"months (* breached): {months}", "    "))
    if not p.evidence.hard:
        out.append("  none")
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


# pydantic writes a number below 1e-4 as 0.00001 or 1e-7 where the contract has Python's
# repr (1e-05, 1e-07). In indented JSON a number ends its line after a space, a string never
# does; such numbers are rare, so they are found with bytes.find, not a regex over the text.
_SMALL_NUMBER = re.compile(rb"-?(?:0\.0000[0-9]*|[0-9](?:\.[0-9]+)?e-[0-9]+)")


def _python_numbers(data: bytes) -> bytes:
    """``data`` with every small number token written as Python's ``repr`` writes it."""
    spans: set[tuple[int, int]] = set()
    for needle in (b"0.0000", b"e-"):
        at = data.find(needle)
        while at != -1:
            start = data.rfind(b" ", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end == -1 else end
            stop = end - 1 if data[end - 1 : end] == b"," else end
            if start > 0 and _SMALL_NUMBER.fullmatch(data, start, stop):
                spans.add((start, stop))
            at = data.find(needle, at + len(needle))
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


def to_csv(result: Triage) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["provider", "name", "type", "level", "rules", "hard_breaches", "soft_score", "because"]
    )
    for p in result.proposals:
        soft = sum(s.weight for s in p.evidence.soft if s.counted)
        writer.writerow(
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


def intelligence(rows: list[tuple[str, SoftFinding]], *, public: bool = False) -> str:
    """Soft items with their current weights, one block each."""
    from .public import WITHHELD

    out: list[str] = []
    for provider, s in rows:
        state = "counted" if s.counted else f"not counted: {s.note}"
        tags = " [confidential]" if s.handling == "confidential" else ""
        out.append(f"{s.id}  {provider}  {s.received}  weight {s.weight:.2f} ({state}){tags}")
        out.extend(_wrap(s.formula, "    "))
        summary = WITHHELD if public and s.handling == "confidential" else s.summary
        out.extend(_wrap(f'"{summary}"', "    "))
    counted = sum(1 for _, s in rows if s.counted)
    out.append(f"{len(rows)} item(s), {counted} counted")
    return "\n".join(out) + "\n"
