"""``qsg diff``: what changes between two rulesets on one workspace.

Both rulesets triage the same workspace as of the same month (or each month of a range);
every provider whose level differs is listed, from what to what, with the rules
responsible (those that fired under one ruleset and not the other: a rule is the same rule
when its id is the same) and the settings that moved it (``settings_diff``): each setting
that alone changes the provider's level, or, where none does alone, the settings that do
together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .codes import Code
from .engine.triage import resolve_as_of, triage
from .errors import InputError, Problem
from .model.ladder import AnyRung
from .model.month_range import month_range
from .model.months import month_text
from .model.proposal import Triage
from .reports.render import data_warnings
from .ruleset import CompiledRuleset
from .settings_diff import Setting, compiled, differing, raw, with_setting
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
    # the settings that moved it: each alone, or (``together``) only all of them at once
    moved_by: tuple[Setting, ...] = ()
    together: bool = False
    first: str = ""  # the months it changes, first to last (one month: both the same)
    last: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "provider": self.provider,
            "name": self.name,
            "from": self.before.value,
            "to": self.after.value,
            "first_month": self.first,
            "last_month": self.last,
            "fired_only_in_a": list(self.only_before),
            "fired_only_in_b": list(self.only_after),
            "level_changed": list(self.relevelled),
            "moved_by": [m.name for m in self.moved_by],
            "moved_only_together": self.together,
        }

    def same_change(self, other: LevelChange) -> bool:
        """The same change of the same provider, whatever its months."""
        return replace(self, first="", last="") == replace(other, first="", last="")

    def settings_text(self) -> str:
        if not self.moved_by:
            return "no setting named: the rulesets differ only in words"
        named = "; ".join(m.text() for m in self.moved_by)
        return f"moved by {named}" if not self.together else f"moved only together by {named}"


@dataclass(frozen=True)
class RulesetDiff:
    a: CompiledRuleset
    b: CompiledRuleset
    as_of: str  # the last month compared
    providers: int
    changes: tuple[LevelChange, ...]
    # what `qsg triage` warns of (data stopping before the month) for either ruleset's
    # triage: a comparison of stale data is no comparison of current concerns
    warnings: tuple[str, ...] = ()
    months: tuple[str, ...] = ()  # every month compared, in order (default: as_of alone)
    settings: tuple[Setting, ...] = ()  # every setting that differs from A to B

    @property
    def start(self) -> str:
        return self.months[0] if self.months else self.as_of

    @property
    def changed_providers(self) -> int:
        return len({c.provider for c in self.changes})

    def to_dict(self) -> dict[str, object]:
        return {
            "a": {"name": self.a.name, "version": self.a.version, "sha256": self.a.sha256},
            "b": {"name": self.b.name, "version": self.b.version, "sha256": self.b.sha256},
            "as_of": self.as_of,
            "from": self.start,
            "to": self.as_of,
            "providers": self.providers,
            "settings": [s.to_dict() for s in self.settings],
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


def diff_months(
    workspace: Workspace | None, as_of: str | None, start: str | None, end: str | None
) -> tuple[str, ...]:
    """The months to compare: ``as_of`` (default: the latest with data), or every month from
    ``start`` to ``end``; InputError naming the argument for both or one end alone."""
    if start is None and end is None:
        if workspace is None:
            raise ValueError("no months without a workspace to take the latest from")
        return (month_text(resolve_as_of(workspace, as_of)),)
    if as_of is not None:
        raise InputError(
            [
                Problem.for_argument(
                    "as_of", "give --as-of or --from/--to, not both", Code.DIFF_MONTHS
                )
            ]
        )
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise InputError(
            [
                Problem.for_argument(
                    missing, "--from and --to go together: give both months", Code.DIFF_MONTHS
                )
            ]
        )
    return month_range(start, end, what="one diff")


def diff_rulesets(
    workspace: Workspace,
    a: CompiledRuleset,
    b: CompiledRuleset,
    *,
    as_of: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> RulesetDiff:
    """Triage ``workspace`` with both rulesets as of ``as_of`` (or each month from ``start``
    to ``end``) and list the providers whose level changes, with the rules responsible and
    the settings that moved them. A provider that changes the same way in consecutive
    months is one change spanning them."""
    months = diff_months(workspace, as_of, start, end)
    settings = differing(raw(a), raw(b))
    movers = _Movers(workspace, a, b, settings)
    warnings: dict[str, None] = {}
    changes: list[LevelChange] = []
    providers = 0
    for month in months:
        first, second = triage(workspace, a, as_of=month), triage(workspace, b, as_of=month)
        providers = max(providers, len(first.proposals))
        warnings.update(dict.fromkeys(data_warnings(first) + data_warnings(second)))
        found = [replace(c, first=month, last=month) for c in compare(first, second)]
        for change in movers.named(found, month):
            last = next((c for c in reversed(changes) if c.provider == change.provider), None)
            if (
                last is not None
                and last.last == _previous(months, month)
                and last.same_change(change)
            ):
                changes[changes.index(last)] = replace(last, last=month)
            else:
                changes.append(change)
    changes.sort(key=lambda c: (-(c.after.rank - c.before.rank), c.provider, c.first))
    return RulesetDiff(
        a, b, months[-1], providers, tuple(changes), tuple(warnings), months, settings
    )


def _previous(months: Sequence[str], month: str) -> str | None:
    i = months.index(month)
    return months[i - 1] if i else None


class _Movers:
    """Which settings move which providers: each ruleset with one setting as in the other,
    compiled once, triaged for the providers that change."""

    def __init__(
        self,
        workspace: Workspace,
        a: CompiledRuleset,
        b: CompiledRuleset,
        settings: tuple[Setting, ...],
    ) -> None:
        self.workspace, self.a, self.b, self.settings = workspace, a, b, settings
        self._variants: dict[int, tuple[CompiledRuleset | None, CompiledRuleset | None]] = {}

    def _variant(self, i: int) -> tuple[CompiledRuleset | None, CompiledRuleset | None]:
        if i not in self._variants:
            s = self.settings[i]
            self._variants[i] = (
                compiled(with_setting(raw(self.a), s, s.after)),
                compiled(with_setting(raw(self.b), s, s.before)),
            )
        return self._variants[i]

    def _levels(
        self, ruleset: CompiledRuleset | None, codes: list[str], month: str
    ) -> dict[str, AnyRung]:
        if ruleset is None:
            return {}
        try:
            found = triage(self.workspace, ruleset, as_of=month, providers=codes)
        except InputError:  # valid alone, not on this workspace: it names nothing alone
            return {}
        return {p.provider: p.level for p in found.proposals}

    def named(self, changes: list[LevelChange], month: str) -> list[LevelChange]:
        if not changes or not self.settings:
            return changes
        if len(self.settings) == 1:
            return [replace(c, moved_by=self.settings) for c in changes]
        codes = [c.provider for c in changes]
        alone: dict[str, list[Setting]] = {c: [] for c in codes}
        for i, setting in enumerate(self.settings):
            with_b, without_b = self._variant(i)
            up, back = self._levels(with_b, codes, month), self._levels(without_b, codes, month)
            for c in changes:
                if (c.provider in up and up[c.provider] != c.before) or (
                    c.provider in back and back[c.provider] != c.after
                ):
                    alone[c.provider].append(setting)
        return [
            replace(c, moved_by=tuple(alone[c.provider]))
            if alone[c.provider]
            else replace(c, moved_by=self.settings, together=True)
            for c in changes
        ]


def render_table(d: RulesetDiff, a_name: str, b_name: str) -> str:
    span = len(d.months) > 1
    when = f"from {d.start} to {d.as_of} ({len(d.months)} months)" if span else f"as of {d.as_of}"
    lines = [
        f"Levels {when}: A = {a_name} ({d.a.name} {d.a.version}), "
        f"B = {b_name} ({d.b.name} {d.b.version})",
    ]
    if d.settings:
        lines.append(f"Settings that differ ({len(d.settings)}):")
        lines.extend(f"  {s.text()}" for s in d.settings)
    else:
        lines.append("No setting differs (the rulesets differ in words at most).")
    lines.append("")
    if not d.changes:
        lines.append(f"No provider changes level ({d.providers} providers).")
        return "\n".join(lines) + "\n"
    months = 19 if span else 0  # "2018-04 to 2018-09" and its gap
    lines.append(
        f"{'CODE':<6} {'MONTHS':<{months}}{'A':<20} {'B':<20} RULES RESPONSIBLE"
        if span
        else f"{'CODE':<6} {'A':<20} {'B':<20} RULES RESPONSIBLE"
    )
    lines.append("-" * 78)
    indent = " " * (48 + months)
    for c in d.changes:
        why = [f"-{r} (fired in A only)" for r in c.only_before] + [
            f"+{r} (fired in B only)" for r in c.only_after
        ] + [f"~{r} (its level differs)" for r in c.relevelled] or ["(the same rules fired)"]
        at = (f"{c.first} to {c.last}" if c.last != c.first else c.first) if span else ""
        at = f"{at:<{months}}" if span else ""
        lines.append(f"{c.provider:<6} {at}{c.before.value:<20} {c.after.value:<20} {why[0]}")
        lines.extend(f"{indent} {w}" for w in why[1:])
        lines.append(f"{indent} {c.settings_text()}")
    lines.append("-" * 78)
    up = {c.provider for c in d.changes if c.after > c.before}
    down = {c.provider for c in d.changes if c.after < c.before}
    months_changed = len({m for c in d.changes for m in _span(d.months, c)})
    tail = f" in {months_changed} of {len(d.months)} months" if span else ""
    lines.append(
        f"{d.changed_providers} of {d.providers} providers change level{tail}: "
        f"{len(up)} up, {len(down)} down"
    )
    return "\n".join(lines) + "\n"


def _span(months: tuple[str, ...], change: LevelChange) -> tuple[str, ...]:
    return tuple(m for m in months if change.first <= m <= change.last)


def render_json(d: RulesetDiff) -> str:
    return json.dumps(d.to_dict(), indent=2) + "\n"
