"""Static analysis of a valid ruleset: what can never fire, what contradicts, what lowers a
level as evidence grows, what is configured and never used, what another rule shadows.

Each finding is a ``Problem`` with a stable code and the position of the YAML it is about;
``qsg check`` shows them as warnings (errors with ``--strict``). Their codes are
QSG101-QSG110 (``qsgrules.codes``: never holds, threshold out of range, contradiction, not
monotone, always holds, unused setting, duplicate rule, shadowed rule, soft evidence cited
across scopes, a cap below a floor that can hold with it or exit criteria that never hold).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..codes import Code
from ..errors import Problem
from ..indicators import BY_ID, Polarity
from ..yamlpos import Positions, YamlPath
from .conditions import AnyOf, Atom, Kind, Leaf, Node, leaves
from .loader import CompiledRule, CompiledRuleset

_MAX_BRANCHES = 64  # implication is checked on conditions whose normal form is this small


def analyse(ruleset: CompiledRuleset, positions: Positions) -> list[Problem]:
    """Every finding of the analysis, in file order."""
    found: list[Problem] = []
    for rule in ruleset.rules:
        where: YamlPath = ("rules", rule.index, "when")
        for leaf, negated, path in leaves(rule.rule.when, where):
            found.extend(_leaf_findings(ruleset, leaf, negated, path, positions))
        found.extend(_contradictions(rule, positions, where))
    found.extend(_unused(ruleset, positions))
    found.extend(_impossible_limits(ruleset, positions))
    found.extend(_cited_across_scopes(ruleset, positions))
    found.extend(_duplicates_and_shadows(ruleset, positions))
    found.extend(_limits_and_exits(ruleset, positions))
    return sorted(found, key=lambda p: (p.line, p.col or 0, p.code, p.message))


def _warn(
    positions: Positions, path: YamlPath, code: str, message: str, key: bool = False
) -> Problem:
    p = positions.problem(path, message, key=key)
    return Problem(p.file, p.line, p.col, message, code, "warning")


# ------------------------------------------------------------------------ one leaf


def _leaf_findings(
    ruleset: CompiledRuleset,
    leaf: Kind,
    negated: bool,
    path: YamlPath,
    positions: Positions,
) -> list[Problem]:
    # what each kind declares of itself (conditions/base.py): whether it measures evidence,
    # why it can never hold, the most it can measure
    if not leaf.EVIDENCE:
        return []
    never = leaf.never_holds(ruleset)
    if never is not None:
        return [_warn(positions, path, Code.NEVER_HOLDS, never)]
    ceiling = leaf.ceiling(ruleset)  # the most the measure can be, when it is bounded
    low, high = (leaf.min, leaf.max) if isinstance(leaf, Leaf) else (None, None)
    out: list[Problem] = []
    if low is not None and ceiling is not None and low > ceiling:
        out.append(
            _warn(
                positions,
                (*path, "min"),
                Code.THRESHOLD_OUT_OF_RANGE,
                f"never holds: min {low:g} is above the most this can count ({ceiling:g})",
            )
        )
    if high is not None and high < 0:
        out.append(
            _warn(
                positions,
                (*path, "max"),
                Code.THRESHOLD_OUT_OF_RANGE,
                f"never holds: max {high:g} is below 0",
            )
        )
    if low is not None and low <= 0 and not negated:
        out.append(
            _warn(
                positions,
                (*path, "min"),
                Code.ALWAYS_HOLDS,
                f"always holds: min {low:g} is met by every provider (measures start at 0)",
            )
        )
    if negated:
        out.append(
            _warn(
                positions,
                path,
                Code.NOT_MONOTONE,
                f"not monotone: `not` over {leaf.KIND} evidence holds when evidence is absent, "
                "so more or worse evidence can lower the level",
            )
        )
    if high is not None and not negated:
        out.append(
            _warn(
                positions,
                (*path, "max"),
                Code.NOT_MONOTONE,
                f"not monotone: a ceiling on {leaf.KIND} evidence stops holding as evidence "
                "grows, so more or worse evidence can lower the level",
            )
        )
    return out


# ------------------------------------------------------------------------ contradictions


@dataclass(frozen=True)
class _Interval:
    low: float = float("-inf")
    low_open: bool = False
    high: float = float("inf")
    high_open: bool = False

    def meet(self, atom: Atom) -> _Interval:
        v = float(atom.value)
        low, low_open, high, high_open = self.low, self.low_open, self.high, self.high_open
        if atom.op in (">", ">=") and (v > low or (v == low and atom.op == ">")):
            low, low_open = v, atom.op == ">"
        if atom.op in ("<", "<=") and (v < high or (v == high and atom.op == "<")):
            high, high_open = v, atom.op == "<"
        return _Interval(low, low_open, high, high_open)

    @property
    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and (self.low_open or self.high_open))


def _satisfiable(atoms: list[Atom]) -> bool:
    """Whether a conjunction of comparisons can hold at once (attribute by attribute)."""
    by_attr: dict[str, list[Atom]] = {}
    for a in atoms:
        by_attr.setdefault(a.attr, []).append(a)
    for group in by_attr.values():
        texts = [a for a in group if isinstance(a.value, str)]
        equal = {a.value for a in texts if a.op == "=="}
        unequal = {a.value for a in texts if a.op == "!="}
        if len(equal) > 1 or equal & unequal:
            return False
        interval = _Interval()
        for a in group:
            if not isinstance(a.value, str):
                interval = interval.meet(a)
        if interval.empty:
            return False
    return True


def _branches(node: Node) -> list[list[Atom]] | None:
    """The condition in disjunctive normal form, or None when it is too large to expand."""
    if isinstance(node, Atom):
        return [[node]]
    parts = [_branches(p) for p in node.parts]
    if any(p is None for p in parts):
        return None
    if isinstance(node, AnyOf):
        out = [b for p in parts for b in p or []]
        return out if len(out) <= _MAX_BRANCHES else None
    combined: list[list[Atom]] = [[]]
    for p in parts:
        combined = [a + b for a in combined for b in p or []]
        if len(combined) > _MAX_BRANCHES:
            return None
    return combined


def _contradictions(rule: CompiledRule, positions: Positions, where: YamlPath) -> list[Problem]:
    branches = _branches(rule.condition)
    if branches is None or any(_satisfiable(b) for b in branches):
        return []
    return [
        _warn(
            positions,
            where,
            Code.CONTRADICTION,
            f"never holds: rule {rule.id}'s conditions contradict each other (no provider can "
            "meet all of them at once)",
        )
    ]


# ------------------------------------------------------------------------ unused settings


def _unused(ruleset: CompiledRuleset, positions: Positions) -> list[Problem]:
    out: list[Problem] = []
    used = [leaf for rule in ruleset.rules for leaf, _, _ in leaves(rule.rule.when, ())]
    for ind_id in ruleset.spec.indicators:
        if not any(leaf.counts_indicator(ruleset, ind_id) for leaf in used):
            out.append(
                _warn(
                    positions,
                    ("indicators", ind_id),
                    Code.UNUSED_SETTING,
                    f"unused: no rule counts a breach of {ind_id} (its tests run but never "
                    "change a level)",
                    key=True,
                )
            )
    if not any(leaf.SOFT for leaf in used):
        out.append(
            _warn(
                positions,
                ("soft",),
                Code.UNUSED_SETTING,
                "unused: no rule looks at soft intelligence, so its weights never change a level",
                key=True,
            )
        )
    return out


def _impossible_limits(ruleset: CompiledRuleset, positions: Positions) -> list[Problem]:
    """A standard's limit at or beyond the end of the values its indicator can take on the
    side of concern (105 for a percentage): no value is ever beyond it, so it never breaches;
    at or beyond the other end, every value breaches."""
    out: list[Problem] = []
    for ind_id, settings in ruleset.spec.indicators.items():
        std = settings.standard
        ind = BY_ID.get(ind_id)
        if std is None or ind is None:
            continue
        above = (std.direction or _polarity_side(ind.polarity)) == "above"
        low, high = ind.low, ind.high
        span = f"{_g(low)} to {_g(high)}" if high is not None else f"{_g(low)} or more"
        for key in ("limit", "strong_limit"):
            v = getattr(std, key)
            if v is None:
                continue
            never = (above and high is not None and v >= high) or (
                not above and low is not None and v <= low
            )
            always = (above and low is not None and v < low) or (
                not above and high is not None and v > high
            )
            if not (never or always):
                continue
            side = "above" if above else "below"
            what = "no value is ever" if never else "every value is"
            out.append(
                _warn(
                    positions,
                    ("indicators", ind_id, "standard", key),
                    Code.THRESHOLD_OUT_OF_RANGE,
                    f"{key} {v:g} is outside what {ind_id} can take ({span} {ind.unit}): "
                    f"{what} {side} it, so it {'never' if never else 'always'} breaches; "
                    "give a limit inside the range",
                )
            )
    return out


def _polarity_side(polarity: Polarity) -> str:
    return "below" if polarity is Polarity.LOWER_IS_WORSE else "above"


def _g(v: float | None) -> str:
    return "-inf" if v is None else f"{v:g}"


#: ``because`` placeholders that cite the evidence of every soft condition of the rule
_CITED = ("{cited_soft", "{cited_sources")


def _cited_across_scopes(ruleset: CompiledRuleset, positions: Positions) -> list[Problem]:
    """A rule whose `because` cites soft evidence (``{cited_soft}``, ``{cited_sources}``)
    across soft conditions of different scopes: the citation gathers every scope's items,
    while the words may speak of one ("in the same domain")."""
    out: list[Problem] = []
    for rule in ruleset.rules:
        because = rule.rule.because
        if not any(c in because for c in _CITED):
            continue
        scopes = sorted(
            {
                _scope(leaf)
                for leaf, _, _ in leaves(rule.rule.when, ())
                if leaf.SOFT and _scope(leaf)
            }
        )
        if len(scopes) < 2:
            continue
        out.append(
            _warn(
                positions,
                ("rules", rule.index, "because"),
                Code.CITED_ACROSS_SCOPES,
                "the citation ({cited_soft}, {cited_sources}) gathers the items of every soft "
                f"condition of the rule, and their scopes differ ({'; '.join(scopes)}): say "
                "so, or cite each scope by name ({soft.safety}, {sources.safety})",
            )
        )
    return out


def _scope(leaf: Kind) -> str:
    parts = [
        f"{name} {value if isinstance(value, str) else ', '.join(value)}"
        for name in ("domain", "category", "source")
        if (value := getattr(leaf, name, None))
    ]
    return " ".join(parts) or "all domains"


# ------------------------------------------------------------------------ rules against rules


def _implies(a: list[list[Atom]], b: list[list[Atom]]) -> bool:
    """Whether every way ``a`` holds makes ``b`` hold (checked branch by branch)."""
    return all(any(_branch_implies(x, y) for y in b) for x in a if _satisfiable(x))


def _branch_implies(x: list[Atom], y: list[Atom]) -> bool:
    return all(any(_atom_implies(p, q) for p in x) for q in y)


def _atom_implies(p: Atom, q: Atom) -> bool:
    if p.attr != q.attr:
        return False
    if isinstance(p.value, str) or isinstance(q.value, str):
        return p.op == q.op == "==" and p.value == q.value
    pv, qv = float(p.value), float(q.value)
    if q.op in (">", ">=") and p.op in (">", ">="):
        return pv > qv or (pv == qv and (q.op == ">=" or p.op == ">"))
    if q.op in ("<", "<=") and p.op in ("<", "<="):
        return pv < qv or (pv == qv and (q.op == "<=" or p.op == "<"))
    return False


def _duplicates_and_shadows(ruleset: CompiledRuleset, positions: Positions) -> list[Problem]:
    out: list[Problem] = []
    forms = {r.id: _branches(r.condition) for r in ruleset.rules}
    for earlier, later in itertools.combinations(ruleset.rules, 2):
        if earlier.level == later.level and earlier.condition == later.condition:
            first = positions.at(("rules", earlier.index, "id"))[0]
            out.append(
                _warn(
                    positions,
                    ("rules", later.index, "id"),
                    Code.DUPLICATE_RULE,
                    f"duplicate: rule {later.id} has the same condition and level as rule "
                    f"{earlier.id} (line {first})",
                )
            )
    for rule in ruleset.rules:
        mine = forms[rule.id]
        if mine is None or not any(_satisfiable(b) for b in mine):
            continue  # too large to expand, or never holds (QSG103 says so)
        for other in ruleset.rules:
            theirs = forms[other.id]
            if other.level <= rule.level or theirs is None or other.domain != rule.domain:
                continue  # a rule of another domain does not decide this one's level
            if _implies(mine, theirs):
                out.append(
                    _warn(
                        positions,
                        ("rules", rule.index, "id"),
                        Code.SHADOWED_RULE,
                        f"shadowed: whenever rule {rule.id} ({rule.level.value}) fires, rule "
                        f"{other.id} ({other.level.value}) fires too, so it never decides the "
                        "level (it still explains)",
                    )
                )
                break
    return out


# ------------------------------------------------------------------------ limits and exits


def _can_hold_together(a: Node, b: Node) -> bool:
    """Whether two conditions can hold at once (True when too large to tell)."""
    left, right = _branches(a), _branches(b)
    if left is None or right is None:
        return True
    return any(_satisfiable(x + y) for x in left for y in right)


def _limits_and_exits(ruleset: CompiledRuleset, positions: Positions) -> list[Problem]:
    """A cap under a floor of the same scope that can hold with it (the floor stands, the
    cap says otherwise), and exit criteria that no provider can ever meet."""
    out: list[Problem] = []
    caps = [lim for lim in ruleset.limits if not lim.limit.floor]
    floors = [lim for lim in ruleset.limits if lim.limit.floor]
    for cap in caps:
        for floor in floors:
            if floor.limit.domain != cap.limit.domain or floor.level <= cap.level:
                continue
            if _can_hold_together(cap.condition, floor.condition):
                out.append(
                    _warn(
                        positions,
                        ("limits", cap.index, "at_most"),
                        Code.LIMITS_CONFLICT,
                        f"limit {cap.id} (at most {cap.level.value}) contradicts limit "
                        f"{floor.id} (at least {floor.level.value}): both can hold at once, "
                        f"and then the floor stands ({floor.level.value})",
                    )
                )
    for rule in ruleset.rules:
        if rule.exit is None:
            continue
        branches = _branches(rule.exit)
        if branches is not None and not any(_satisfiable(b) for b in branches):
            out.append(
                _warn(
                    positions,
                    ("rules", rule.index, "exit"),
                    Code.LIMITS_CONFLICT,
                    f"rule {rule.id}'s exit criteria can never hold: a provider placed at "
                    f"{rule.level.value} could never come down",
                )
            )
    return out
