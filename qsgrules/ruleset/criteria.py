"""Exit criteria written at a decision (issue 19): a condition in the ruleset's language,
agreed when the QSG places a provider at a level, for the level overall or for one domain.

The chair gives it as text (``[DOMAIN=]CONDITION``, the condition in YAML as under a rule's
``when:``); the register keeps the plain mapping, and every later triage compiles it again
and checks it beside the exit criteria of the ruleset's rules at that level
(``engine.levels``): the standing level is held until both hold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from ..codes import Code
from ..errors import InputError, Problem
from .conditions import MAX_ATOMS_PER_RULE, Condition, Node, atoms, compile_condition, flatten

#: The scope of criteria for the level overall (a domain's name otherwise).
PROVIDER = "provider"
#: The longest condition text taken (a condition is a line or two of YAML).
LONGEST = 2000

_SCOPED = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*=\s*(.+)$", re.DOTALL)
_ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)


def _refuse(option: str, message: str) -> InputError:
    return InputError([Problem.for_argument(option, message, Code.CONDITION_KIND)])


def checked_condition(data: Any, option: str = "exit_when", scope: str = PROVIDER) -> Node:
    """``data`` (a condition as a plain mapping) compiled; InputError naming ``option`` when
    it is not a condition of the ruleset language."""
    where = "" if scope == PROVIDER else f" ({scope})"
    try:
        condition = _ADAPTER.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise _refuse(
            option,
            f"the exit criteria{where} are not a condition: {first['msg']}"
            + (f" at {path}" if path else "")
            + "; write one as under a rule's when:, e.g. "
            "{not: {breach: {indicator: ae_4hr_type1, strength: strong}}}",
        ) from None
    node = flatten(compile_condition(condition))
    if len(atoms(node)) > MAX_ATOMS_PER_RULE:
        raise _refuse(
            option,
            f"the exit criteria{where} have {len(atoms(node))} comparisons (at most "
            f"{MAX_ATOMS_PER_RULE}): agree fewer",
        )
    return node


def parse_exit_when(given: Iterable[str], option: str = "exit_when") -> dict[str, Any]:
    """Texts ``[DOMAIN=]CONDITION`` (without a domain: the level overall) as scope ->
    condition (the plain mapping, as the register keeps it), each checked; InputError naming
    ``option`` for a text that is no condition, or a scope given twice."""
    out: dict[str, Any] = {}
    for text in given:
        if len(text) > LONGEST:
            raise _refuse(
                option, f"the exit criteria are {len(text)} characters (at most {LONGEST})"
            )
        scope, body = PROVIDER, text
        scoped = _SCOPED.match(text)
        if scoped is not None:
            scope, body = scoped.group(1), scoped.group(2)
        try:
            data = yaml.safe_load(body)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" (column {mark.column + 1})" if mark is not None else ""
            why = getattr(exc, "problem", None) or "unreadable"
            raise _refuse(
                option, f"the exit criteria {body.strip()!r} are not YAML{at}: {why}"
            ) from None
        if scope in out:
            raise _refuse(option, f"exit criteria for {scope} given twice: give them once")
        checked_condition(data, option, scope)
        out[scope] = data
    return out


def condition_text(data: Mapping[str, Any] | Any) -> str:
    """A stored condition as one line (JSON flow, keys in their order)."""
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


__all__ = ["LONGEST", "PROVIDER", "checked_condition", "condition_text", "parse_exit_when"]
