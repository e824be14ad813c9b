"""The one place that touches durable_rules.

durable-rules 2.0.28 does the matching; this adapter neutralises what it does that a triage
cannot tolerate (each is pinned by a test in tests/test_durable_adapter.py):

* Its ``Host`` starts two background timer threads that run actions on another thread. We use
  a host whose dispatch loop never starts: every action runs synchronously, on the calling
  thread, while the fact is asserted. No thread is ever created.
* A fact is identified by a 32-bit FNV-1 hash of its id, so two different facts can collide and
  the second is rejected as "already observed"; in a batch assert one rejection raises for the
  whole batch with no action run. We assert facts one at a time, give them ids that are checked
  collision-free within the session before asserting, and re-id and retry on a rejection.
* A fact that matches no rule raises ``MessageNotHandledException``. A sentinel rule matches
  every fact, which also proves that every fact was taken: it must fire exactly once per fact.
* An exception inside an action is swallowed into the session state. Actions here only record
  which rule fired; any exception is caught, kept, and raised as ``EngineError`` after the run,
  and the session state is checked for a swallowed exception as well.
* An action is not told which rule fired: each rule gets its own action closure.
* State rules can re-fire forever: no rule reads or writes session state, so nothing re-fires.
  A rule whose condition has several ``$or`` branches fires once per satisfied branch; the
  adapter counts it once.
* At most 1,024 live sessions per ruleset, and a failed session creation leaks a slot: one
  session per provider, deleted in ``finally`` whatever happened.
* Rulesets are global by name: each compiled engine gets a unique name.
* Its parser refuses numbers written with an exponent and no fraction (``1e-05``, ``1e+16``,
  as ``json.dumps`` writes them): every number is sent as an integer count of millionths
  (``engine_number``), clamped to a range the engine holds exactly, and the oracle compares
  the same integers, so the two cannot disagree.
* Session ids are the caller's words (provider codes from a CSV): the adapter sends its own,
  ``s1``, ``s2``, ... so that nothing a user writes reaches the engine's hashing.
* Its alpha network is walked with a fixed stack of 64 nodes (``ERR_MAX_STACK_SIZE``, 303),
  and larger networks can also loop forever inside ``assert_fact``; a fact holds at most 255
  properties. Rules are therefore split across several durable rulesets of at most
  ``MAX_ATOMS_PER_ENGINE`` comparisons each, and each gets only the attributes it compares.
  A single rule larger than that is refused when the ruleset is loaded.
* On Python 3.12 every action raises a DeprecationWarning (``utcfromtimestamp`` in
  ``durable.engine._unix_now``); the host silences exactly that warning where it is raised.
* Any other error the engine raises becomes ``EngineError``: nothing is reported from a run
  that did not complete.
"""

from __future__ import annotations

import itertools
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from durable import engine as _durable

from ..errors import EngineError as EngineError
from ..ruleset.conditions import (
    MAX_ATOMS_PER_RULE,
    MAX_GROUPS_PER_RULE,
    AllOf,
    Atom,
    Node,
    atoms,
    engine_number,
    groups,
)

#: One fact: what a provider's rules compare, by attribute.
Profile = Mapping[str, float | str]


class _Closure(Protocol):
    """What durable_rules gives an action: the matched fact as ``m``."""

    m: Mapping[str, object]


_OPS = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}
_SENTINEL = "taken"
_FACT_TYPE = "qsg_profile"
_names = itertools.count(1)
#: Comparisons per durable ruleset: durable walks its alpha network with a 64-node stack.
MAX_ATOMS_PER_ENGINE = MAX_ATOMS_PER_RULE
_UTC_WARNING = r"datetime\.datetime\.utcfromtimestamp\(\) is deprecated"


class _SyncHost(_durable.Host):  # type: ignore[misc]
    """A durable_rules host without its background dispatch threads."""

    def _run(self) -> None:
        return None

    def _handle_function(self, *args: object) -> object:
        # every call into the engine passes here; durable's own clock helper is deprecated
        # on Python 3.12, and that one warning, from that one module, is not ours to show
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=_UTC_WARNING, category=DeprecationWarning, module="durable"
            )
            return super()._handle_function(*args)


def fnv1_32(text: str) -> int:
    """durable_rules' fact-id hash (FNV-1, 32-bit, over the UTF-8 bytes)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        b = byte - 256 if byte > 127 else byte  # C `char` is signed on x86
        h = ((h ^ (b & 0xFFFFFFFF)) * 0x01000193) & 0xFFFFFFFF
    return h


def condition_json(node: Node) -> dict[str, object]:
    """A compiled condition as a durable_rules expression."""
    if isinstance(node, Atom):
        value: int | str = (
            engine_number(node.value) if not isinstance(node.value, str) else node.value
        )
        if node.op == "==":
            return {node.attr: value}
        return {_OPS[node.op]: {node.attr: value}}
    parts = [condition_json(p) for p in node.parts]
    if len(parts) == 1:
        return parts[0]
    return {"$and" if isinstance(node, AllOf) else "$or": parts}


@dataclass(frozen=True)
class Firing:
    fact: int  # index of the fact in the list given to ``run``
    rule: str


@dataclass(frozen=True)
class _Chunk:
    """One durable ruleset: some of the rules, and the attributes they compare."""

    name: str
    rule_ids: tuple[str, ...]
    attrs: tuple[str, ...]


def _chunks(rules: Sequence[tuple[str, Node]]) -> list[list[tuple[str, Node]]]:
    """Rules in file order, packed into groups of at most MAX_ATOMS_PER_ENGINE comparisons."""
    packed: list[list[tuple[str, Node]]] = []
    size = 0
    for rule_id, node in rules:
        n = len(atoms(node))
        if n > MAX_ATOMS_PER_RULE or groups(node) > MAX_GROUPS_PER_RULE:
            raise ValueError(
                f"rule {rule_id} makes {n} comparisons in {groups(node)} groups; the engine "
                f"takes at most {MAX_ATOMS_PER_RULE} in {MAX_GROUPS_PER_RULE} groups"
            )
        if not packed or size + n > MAX_ATOMS_PER_ENGINE:
            packed.append([])
            size = 0
        packed[-1].append((rule_id, node))
        size += n
    return packed


def _engine_value(value: float | str) -> int | str:
    """A fact value the engine's parser takes: text as it is, numbers as whole millionths."""
    if isinstance(value, str):
        return value
    return engine_number(value)


class RuleEngine:
    """A compiled set of rules; ``run`` matches one session's facts and returns what fired."""

    def __init__(self, rules: Sequence[tuple[str, Node]]) -> None:
        self._rule_ids = [rule_id for rule_id, _ in rules]
        if len(set(self._rule_ids)) != len(self._rule_ids):
            raise ValueError("rule ids must be unique")
        self._fired: list[tuple[str, str, str]] = []  # (sid, fact id, rule id)
        self._errors: list[str] = []
        self._sessions = itertools.count(1)
        self._chunks: list[_Chunk] = []
        definitions: dict[str, dict[str, object]] = {}
        for group in _chunks(rules) or [[]]:
            name = f"qsgrules_{next(_names)}"
            definition: dict[str, object] = {}
            for i, (rule_id, node) in enumerate(group):
                parts = node.parts if isinstance(node, AllOf) else (node,)
                cond = {"$and": [{"t": _FACT_TYPE}, *(condition_json(p) for p in parts)]}
                definition[f"r{i}"] = {"all": [{"m": cond}], "run": self._action(rule_id)}
            definition[_SENTINEL] = {
                "all": [{"m": {"t": _FACT_TYPE}}],
                "run": self._action(_SENTINEL),
            }
            definitions[name] = definition
            attrs = sorted({a.attr for _, node in group for a in atoms(node)})
            self._chunks.append(_Chunk(name, tuple(r for r, _ in group), tuple(attrs)))
        self._host = _SyncHost(definitions)

    def _action(self, rule_id: str) -> Callable[[_Closure], None]:
        def action(c: _Closure) -> None:
            try:
                self._record(str(c.m["sid"]), str(c.m["id"]), rule_id)
            except Exception as exc:  # recorded and raised after the run, never lost
                self._errors.append(f"{rule_id}: {exc!r}")

        return action

    def _record(self, sid: str, fact_id: str, rule_id: str) -> None:
        self._fired.append((sid, fact_id, rule_id))

    def _ids(self, sid: str, n: int) -> list[str]:
        """n fact ids whose hashes are distinct within the session."""
        ids: list[str] = []
        hashes: set[int] = set()
        counter = itertools.count()
        while len(ids) < n:
            candidate = f"{sid}:{next(counter)}"
            h = fnv1_32(candidate)
            if h not in hashes:
                hashes.add(h)
                ids.append(candidate)
        return ids

    def run(self, sid: str, facts: Sequence[Profile]) -> list[Firing]:
        """Assert ``facts`` in a session for ``sid``; return every rule that fired, per fact.

        Raises EngineError when a fact was not taken, an action failed or the engine refused.
        """
        internal = f"s{next(self._sessions)}"
        ids = self._ids(internal, len(facts))
        firings: set[tuple[int, str]] = set()
        for chunk in self._chunks:
            firings |= self._run_chunk(chunk, sid, internal, ids, facts)
        order = {rule_id: i for i, rule_id in enumerate(self._rule_ids)}
        return [Firing(f, r) for f, r in sorted(firings, key=lambda x: (x[0], order[x[1]]))]

    def _run_chunk(
        self,
        chunk: _Chunk,
        sid: str,
        internal: str,
        ids: Sequence[str],
        facts: Sequence[Profile],
    ) -> set[tuple[int, str]]:
        self._fired.clear()
        self._errors.clear()
        try:
            for fact_id, fact in zip(ids, facts, strict=True):
                body: dict[str, object] = {
                    a: _engine_value(fact[a]) for a in chunk.attrs if a in fact
                }
                self._assert(chunk.name, sid, internal, fact_id, body)
            state = self._host.get_state(chunk.name, internal)
            if "exception" in state:
                raise EngineError(f"an action failed in session {sid}: {state['exception']}")
        except EngineError:
            raise
        except Exception as exc:  # the engine refused: say what, report nothing
            raise EngineError(f"the rules engine failed in session {sid}: {exc}") from exc
        finally:
            try:
                self._host.delete_state(chunk.name, internal)
            except Exception as exc:  # pragma: no cover - deletion of a known sid cannot fail
                raise EngineError(f"could not delete session {sid}: {exc}") from exc
        if self._errors:
            raise EngineError("; ".join(self._errors))
        return self._collect(sid, internal, ids)

    def _assert(
        self, name: str, sid: str, internal: str, fact_id: str, body: dict[str, object]
    ) -> None:
        body.update({"sid": internal, "id": fact_id, "t": _FACT_TYPE})
        for attempt in range(8):
            try:
                self._host.assert_fact(name, body)
                return
            except _durable.MessageObservedException:
                # a hash collision with a fact already in the session: re-id and retry
                body["id"] = f"{fact_id}~{attempt}"
                continue
            except _durable.MessageNotHandledException as exc:  # pragma: no cover - sentinel
                raise EngineError(f"fact not taken in session {sid}: {json.dumps(body)}") from exc
        raise EngineError(f"fact rejected as a duplicate in session {sid}: {json.dumps(body)}")

    def _collect(self, sid: str, internal: str, ids: Sequence[str]) -> set[tuple[int, str]]:
        index = {fact_id: i for i, fact_id in enumerate(ids)}
        taken: dict[int, int] = {}
        firings: set[tuple[int, str]] = set()
        for fired_sid, fact_id, rule_id in self._fired:
            base = fact_id.split("~", 1)[0]
            if fired_sid != internal or base not in index:
                raise EngineError(f"a rule fired for an unknown fact {fact_id} in session {sid}")
            if rule_id == _SENTINEL:
                taken[index[base]] = taken.get(index[base], 0) + 1
                continue
            # durable_rules fires an `$or` once per satisfied branch: one firing is what counts
            firings.add((index[base], rule_id))
        missing = [i for i in range(len(ids)) if taken.get(i) != 1]
        if missing:
            raise EngineError(f"{len(missing)} fact(s) not taken in session {sid}")
        return firings
