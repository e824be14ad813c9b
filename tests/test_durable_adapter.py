"""Each known behaviour of durable-rules 2.0.28 that the adapter neutralises, pinned.

The "raw" tests show the behaviour in durable_rules itself (so a future version that fixes it
is noticed); the adapter tests show that qsgrules is not affected.
"""

from __future__ import annotations

import threading

import pytest
from durable import engine as durable_engine

from qsgrules.engine import durable_adapter as adapter
from qsgrules.engine.durable_adapter import EngineError, RuleEngine, fnv1_32
from qsgrules.ruleset.conditions import AllOf, AnyOf, Atom, Soft

# Two ids with the same 32-bit FNV-1 hash (found by search; checked below).
COLLIDING = ("fact-25388", "fact-909936")
SOFT = Soft()


def _atom(attr: str, op: str, value: float | str) -> Atom:
    return Atom(attr, op, value, attr, SOFT)  # type: ignore[arg-type]


def _raw_host(action=lambda c: None) -> adapter._SyncHost:  # type: ignore[no-untyped-def]
    return adapter._SyncHost({"raw": {"r": {"all": [{"m": {"t": "p"}}], "run": action}}})


def test_the_two_ids_collide_under_fnv1() -> None:
    assert COLLIDING[0] != COLLIDING[1]
    assert fnv1_32(COLLIDING[0]) == fnv1_32(COLLIDING[1])


def test_raw_durable_rejects_a_distinct_fact_whose_id_hash_collides() -> None:
    host = _raw_host()
    host.assert_fact("raw", {"sid": "s", "id": COLLIDING[0], "t": "p"})
    with pytest.raises(durable_engine.MessageObservedException):
        host.assert_fact("raw", {"sid": "s", "id": COLLIDING[1], "t": "p"})


def test_raw_durable_batch_with_one_rejected_fact_raises_and_runs_no_action() -> None:
    fired: list[str] = []
    host = _raw_host(lambda c: fired.append(c.m["id"]))
    host.assert_fact("raw", {"sid": "s", "id": COLLIDING[0], "t": "p"})
    batch = [{"sid": "s", "id": "new", "t": "p"}, {"sid": "s", "id": COLLIDING[1], "t": "p"}]
    with pytest.raises(durable_engine.MessageObservedException):
        host.assert_facts("raw", batch)
    assert fired == [COLLIDING[0]]  # "new" was lost with the batch


def test_adapter_never_gives_colliding_ids_in_one_session() -> None:
    engine = RuleEngine([("r", _atom("x", ">=", 0))])
    ids = engine._ids("S", 2000)
    assert len({fnv1_32(i) for i in ids}) == len(ids)


def test_adapter_retries_a_fact_rejected_by_a_collision(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = RuleEngine([("r", _atom("x", ">=", 0))])
    # force the adapter's two ids to be the colliding pair: durable rejects the second
    monkeypatch.setattr(engine, "_ids", lambda sid, n: list(COLLIDING[:n]))
    firings = engine.run("S", [{"x": 1}, {"x": 2}])
    assert sorted((f.fact, f.rule) for f in firings) == [(0, "r"), (1, "r")]


def test_raw_durable_raises_for_a_fact_that_matches_no_rule() -> None:
    with pytest.raises(durable_engine.MessageNotHandledException):
        _raw_host().assert_fact("raw", {"sid": "s", "id": "1", "t": "other"})


def test_adapter_maps_no_match_to_no_firing() -> None:
    engine = RuleEngine([("r", _atom("x", ">=", 5))])
    assert engine.run("S", [{"x": 1}]) == []


def test_raw_durable_swallows_an_exception_inside_an_action_into_state() -> None:
    def boom(c: object) -> None:
        raise ValueError("boom")

    host = _raw_host(boom)
    host.assert_fact("raw", {"sid": "s", "id": "1", "t": "p"})  # no exception reaches us
    assert "boom" in host.get_state("raw", "s")["exception"]


def test_adapter_raises_when_an_action_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = RuleEngine([("r", _atom("x", ">=", 0))])

    def failing(sid: str, fact_id: str, rule_id: str) -> None:
        raise RuntimeError("cannot record")

    monkeypatch.setattr(engine, "_record", failing)
    with pytest.raises(EngineError, match="cannot record"):
        engine.run("S", [{"x": 1}])


def test_adapter_raises_for_an_exception_swallowed_into_state() -> None:
    engine = RuleEngine([("r", _atom("x", ">=", 0))])

    def boom(c: object) -> None:
        raise ValueError("boom")

    # replace the recorded action with one that raises inside durable_rules
    ruleset = engine._host.get_ruleset(engine._chunks[0].name)
    ruleset._actions["r0"] = durable_engine.Promise(boom)
    with pytest.raises(EngineError, match="boom"):
        engine.run("S", [{"x": 1}])
    # and the session was still deleted: the same sid can be used again
    ruleset._actions["r0"] = durable_engine.Promise(engine._action("r"))
    assert [f.rule for f in engine.run("S", [{"x": 1}])] == ["r"]


def test_adapter_tells_which_rule_fired() -> None:
    engine = RuleEngine(
        [("low", _atom("x", ">=", 1)), ("high", _atom("x", ">=", 10)), ("neg", _atom("x", "<", 0))]
    )
    assert [f.rule for f in engine.run("S", [{"x": 12}])] == ["low", "high"]
    assert [f.rule for f in engine.run("S", [{"x": 3}])] == ["low"]


def test_an_or_fires_once_in_the_adapter() -> None:
    engine = RuleEngine([("r", AnyOf((_atom("x", ">=", 1), _atom("y", "==", "a"))))])
    assert [f.rule for f in engine.run("S", [{"x": 5, "y": "a"}])] == ["r"]


def test_no_thread_is_started() -> None:
    before = threading.active_count()
    engine = RuleEngine([("r", AllOf((_atom("x", ">=", 1), _atom("y", "!=", "b"))))])
    for i in range(50):
        engine.run(f"S{i}", [{"x": i, "y": "a"}])
    assert threading.active_count() == before


def test_raw_durable_allows_at_most_1024_live_sessions() -> None:
    host = _raw_host()
    with pytest.raises(MemoryError):
        for i in range(1100):
            host.assert_fact("raw", {"sid": f"s{i}", "id": "1", "t": "p"})


def test_adapter_runs_more_sessions_than_the_limit_by_deleting_each() -> None:
    engine = RuleEngine([("r", _atom("x", ">=", 1))])
    fired = sum(len(engine.run(f"P{i}", [{"x": i % 2}])) for i in range(2500))
    assert fired == 1250


def test_a_failed_run_still_frees_its_session() -> None:
    engine = RuleEngine([("r", _atom("x", ">=", 1))])
    ruleset = engine._host.get_ruleset(engine._chunks[0].name)
    good = ruleset._actions["r0"]

    def boom(c: object) -> None:
        raise ValueError("boom")

    ruleset._actions["r0"] = durable_engine.Promise(boom)
    for i in range(1100):  # more failures than durable_rules has session slots
        with pytest.raises(EngineError):
            engine.run(f"P{i}", [{"x": 1}])
    ruleset._actions["r0"] = good
    assert [f.rule for f in engine.run("after", [{"x": 2}])] == ["r"]


def test_rule_ids_must_be_unique() -> None:
    with pytest.raises(ValueError):
        RuleEngine([("r", _atom("x", ">=", 1)), ("r", _atom("x", ">=", 2))])


def test_two_engines_do_not_share_rules() -> None:
    a = RuleEngine([("a", _atom("x", ">=", 1))])
    b = RuleEngine([("b", _atom("x", ">=", 1))])
    assert [f.rule for f in a.run("S", [{"x": 1}])] == ["a"]
    assert [f.rule for f in b.run("S", [{"x": 1}])] == ["b"]
