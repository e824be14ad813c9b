"""``qsg diff``: what changes between two rulesets on one workspace.

Both rulesets triage the same workspace as of the same month; every provider whose level
differs is listed, from what to what, with the rules responsible: those that fired under
one ruleset and not the other (a rule is the same rule when its id is the same).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .engine.triage import resolve_as_of, triage
from .model.ladder import AnyRung
from .model.months import month_text
from .model.proposal import Triage
from .reports.render import data_warnings
from .ruleset import CompiledRuleset
from .workspace import Workspace


@dataclass(frozen=True)
class LevelChange:
    provider: str
    name: str
    before: AnyRung
    after: AnyRung
    only_before: tuple[str, ...]  # rules that fired under the first ruleset only
    only_after: tuple[str, ...]  # rules that fired under the second ruleset only
    relevelled: tuple[str, ...] = ()  # fired under both, at a different level in each

    def to_dict(self) -> dict[str, object]:
        return {
            "provider": self.provider,
            "name": self.name,
            "from": self.before.value,
            "to": self.after.value,
            "fired_only_in_a": list(self.only_before),
            "fired_only_in_b": list(self.only_after),
            "level_changed": list(self.relevelled),
        }


@dataclass(frozen=True)
class RulesetDiff:
    a: CompiledRuleset
    b: CompiledRuleset
    as_of: str
    providers: int
    changes: tuple[LevelChange, ...]
    # what `qsg triage` warns of (data stopping before the month) for either ruleset's
    # triage: a comparison of stale data is no comparison of current concerns
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "a": {"name": self.a.name, "version": self.a.version, "sha256": self.a.sha256},
            "b": {"name": self.b.name, "version": self.b.version, "sha256": self.b.sha256},
            "as_of": self.as_of,
            "providers": self.providers,
            "changes": [c.to_dict() for c in self.changes],
        }


def compare(first: Triage, second: Triage) -> tuple[LevelChange, ...]:
    """Providers whose level differs between two triages of the same providers."""
    theirs = {p.provider: p for p in second.proposals}
    out = []
    for p in first.proposals:
        q = theirs.get(p.provider)
        if q is None or q.level == p.level:
            continue
        mine, other = {r.id: r.level for r in p.rules}, {r.id: r.level for r in q.rules}
        out.append(
            LevelChange(
                p.provider,
                p.name,
                p.level,
                q.level,
                tuple(r for r in mine if r not in other),
                tuple(r for r in other if r not in mine),
                tuple(r for r in mine if r in other and mine[r] != other[r]),
            )
        )
    out.sort(key=lambda c: (-(c.after.rank - c.before.rank), c.provider))
    return tuple(out)


def diff_rulesets(
    workspace: Workspace, a: CompiledRuleset, b: CompiledRuleset, *, as_of: str | None = None
) -> RulesetDiff:
    """Triage ``workspace`` with both rulesets and list the providers whose level changes."""
    month = month_text(resolve_as_of(workspace, as_of))
    first, second = triage(workspace, a, as_of=month), triage(workspace, b, as_of=month)
    warnings = tuple(dict.fromkeys(data_warnings(first) + data_warnings(second)))
    return RulesetDiff(a, b, month, len(first.proposals), compare(first, second), warnings)


def render_table(d: RulesetDiff, a_name: str, b_name: str) -> str:
    lines = [
        f"Levels as of {d.as_of}: A = {a_name} ({d.a.name} {d.a.version}), "
        f"B = {b_name} ({d.b.name} {d.b.version})",
        "",
    ]
    if not d.changes:
        lines.append(f"No provider changes level ({d.providers} providers).")
        return "\n".join(lines) + "\n"
    lines.append(f"{'CODE':<6} {'A':<20} {'B':<20} RULES RESPONSIBLE")
    lines.append("-" * 78)
    for c in d.changes:
        why = [f"-{r} (fired in A only)" for r in c.only_before] + [
            f"+{r} (fired in B only)" for r in c.only_after
        ] + [f"~{r} (its level differs)" for r in c.relevelled] or ["(the same rules fired)"]
        lines.append(f"{c.provider:<6} {c.before.value:<20} {c.after.value:<20} {why[0]}")
        lines.extend(f"{'':<48} {w}" for w in why[1:])
    lines.append("-" * 78)
    up = sum(c.after > c.before for c in d.changes)
    lines.append(
        f"{len(d.changes)} of {d.providers} providers change level: {up} up, "
        f"{len(d.changes) - up} down"
    )
    return "\n".join(lines) + "\n"


def render_json(d: RulesetDiff) -> str:
    return json.dumps(d.to_dict(), indent=2) + "\n"
