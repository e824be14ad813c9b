"""The command line end to end, on the bundled demo (real A&E data for London's acute trusts)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qsgrules import __version__
from qsgrules.bundled import default_ruleset, demo_workspace
from qsgrules.cli.main import cli
from qsgrules.indicators import CATALOGUE
from qsgrules.model.vocabulary import Level

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo_json() -> dict:  # type: ignore[type-arg]
    code, out, err = run("triage", "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"qsg, version {__version__}"


def test_help_lists_every_command_once_by_who_uses_it() -> None:
    # as found: 24 commands listed alphabetically, the chair's beside the analyst's
    import click

    code, out, _ = run("--help")
    assert code == 0
    ctx = click.Context(cli)
    assert cli.unsectioned(ctx) == [], "put the new command in a section of cli.sections"
    titles = [title for title, _ in cli.sections]
    assert [line[:-1] for line in out.splitlines() if line[:-1] in titles] == titles
    assert "Other commands" not in out
    listed = re.findall(r"^  ([a-z]+) ", out.split(f"\n{titles[0]}:\n")[1], re.M)
    assert sorted(listed) == sorted(cli.list_commands(ctx))  # each once
    # in its section: the first of each section follows its title
    for title, names in cli.sections:
        after = out.split(f"{title}:\n", 1)[1]
        assert after.startswith(f"  {names[0]} ")


def test_a_command_in_no_section_is_listed_under_other_commands() -> None:
    import click

    from qsgrules.cli.common import QsgGroup, command

    group = QsgGroup(name="g")
    group.sections = (("Firsts", ("one",)),)
    for name in ("one", "two"):
        group.add_command(command(name, help=f"The {name}.")(lambda: None))
    assert group.unsectioned(click.Context(group)) == ["two"]
    out = CliRunner().invoke(group, ["--help"]).stdout
    assert "Firsts:\n  one  The one.\n\nOther commands:\n  two  The two.\n" in out


def test_triage_table_shows_all_four_levels_highest_first() -> None:
    code, out, err = run("triage")
    assert code == 0, err
    assert all(len(line) <= 80 for line in out.splitlines())
    rows = [line for line in out.splitlines() if re.match(r"^(risk|regular|further|no) ", line)]
    labels = [next(lv for lv in Level if line.startswith(lv.label)) for line in rows]
    assert {lv for lv in labels} == set(Level)
    assert [lv.rank for lv in labels] == sorted((lv.rank for lv in labels), reverse=True)
    assert len(rows) == 18  # London's 18 acute trusts with a type 1 A&E department


def test_json_follows_the_contract(demo_json: dict) -> None:  # type: ignore[type-arg]
    # "on" added by issue 16 (the date the triage is made on); nothing renamed
    assert set(demo_json) == {"ruleset", "as_of", "on", "proposals", "notes"}
    assert demo_json["on"] == "2019-03-31"
    assert set(demo_json["ruleset"]) == {"name", "version", "sha256"}
    assert (
        demo_json["ruleset"]["sha256"]
        == __import__("hashlib").sha256(default_ruleset().read_bytes()).hexdigest()
    )
    assert demo_json["as_of"] == "2019-03"
    ranks = {lv.value: lv.rank for lv in Level}
    keys = [(-ranks[p["level"]], p["provider"]) for p in demo_json["proposals"]]
    assert keys == sorted(keys)
    for p in demo_json["proposals"]:
        assert {"provider", "name", "level", "rules", "evidence"} <= set(p)
        assert set(p["evidence"]) == {"hard", "soft"}
        for rule in p["rules"]:
            assert {"id", "level", "because", "evidence"} <= set(rule)
        fired = [ranks[r["level"]] for r in p["rules"]]
        assert ranks[p["level"]] == max(fired, default=0)


def test_json_is_byte_identical_across_runs() -> None:
    assert run("triage", "--format", "json")[1] == run("triage", "--format", "json")[1]


def test_real_ae_value_reaches_the_explanation(demo_json: dict) -> None:  # type: ignore[type-arg]
    # RAS, March 2019, type 1: the real figures from NHS England's published statistics
    line = next(
        line
        for line in (ROOT / "data/nhs/ae_attendances.csv").read_text().splitlines()
        if line.startswith('"2019-03-01","RAS","1"')
    )
    attendances, breaches = (int(x) for x in line.split(",")[3:5])
    ras = next(p for p in demo_json["proposals"] if p["provider"] == "RAS")
    ae = next(h for h in ras["evidence"]["hard"] if h["indicator"] == "ae_4hr_type1")
    assert ae["value"] == pytest.approx(100 * breaches / attendances, abs=1e-4)


def test_explain_risk_summit_shows_each_fired_rule_with_numbers(demo_json: dict) -> None:  # type: ignore[type-arg]
    summit = [p for p in demo_json["proposals"] if p["level"] == "risk_summit"]
    assert summit
    for p in summit:
        code, out, err = run("explain", p["provider"])
        assert code == 0, err
        assert "Proposed level: risk summit required" in out
        for rule in p["rules"]:
            assert rule["id"] in out
        # every soft item's weight is shown made of its factors
        for s in p["evidence"]["soft"]:
            assert s["formula"].split(":")[0] in out
        assert re.search(r"\d+(\.\d+)? × \d", out)


def test_explain_below_summit_says_what_would_raise_it(demo_json: dict) -> None:  # type: ignore[type-arg]
    out = run("explain", "RJ7")[1]
    assert "What would raise it:" in out
    assert "risk summit required" in out.split("What would raise it:")[1]
    assert re.search(r"; it is \d", out)


def test_what_would_raise_it_never_asks_for_evidence_of_a_new_kind(demo_json: dict) -> None:  # type: ignore[type-arg]
    # as filed: "What would raise it" suggested a never event to providers with none
    for p in demo_json["proposals"]:
        if p["nearest"] is None:
            continue
        for lack in p["nearest"]["lacks"]:
            # zero only for a corroboration of concerns the provider already has
            assert isinstance(lack["value"], float | int), (p["provider"], lack)
            assert lack["value"] > 0 or "corroborated" in lack["condition"], (p["provider"], lack)
    out = run("explain", "RQX")[1].split("What would raise it:")[1]
    assert "never_events_rate" not in out and "within reach of the evidence it has" in out


def test_explain_unknown_provider_is_bad_input() -> None:
    code, out, err = run("explain", "RJ8")
    assert code == 2 and out == ""
    assert err.startswith("CODE: unknown provider code 'RJ8'")


def test_csv_has_one_row_per_provider() -> None:
    code, out, _ = run("triage", "--format", "csv")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("provider,name,type,level,rules")
    assert len(lines) == 19


def test_provider_filter_and_as_of() -> None:
    code, out, _ = run("triage", "--format", "json", "--provider", "RAS", "--as-of", "2018-06")
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2018-06"
    assert [p["provider"] for p in data["proposals"]] == ["RAS"]


def test_bad_as_of_is_bad_input() -> None:
    code, _, err = run("triage", "--as-of", "March")
    assert code == 2 and "bad month 'March'" in err


def test_indicators_lists_the_whole_catalogue() -> None:
    code, out, _ = run("indicators", "--format", "json")
    ids = [i["id"] for i in json.loads(out)]
    assert code == 0 and ids == [i.id for i in CATALOGUE]
    assert {"ae_4hr_type1", "never_events_rate", "trust_rating", "net_promoter"} <= set(ids)


def test_check_misspelt_key_prints_file_line_col_and_exits_2(tmp_path: Path) -> None:
    text = (
        default_ruleset()
        .read_text()
        .replace("    because: >\n      Never", "    becuase: >\n      Never", 1)
    )
    bad = tmp_path / "mine.yaml"
    bad.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "becuase" in t)
    code, out, err = run("check", str(bad))
    assert code == 2 and out == ""
    assert f'{bad}:{line}:5: unknown key "becuase" (did you mean "because"?)' in err


def test_demo_fixtures_are_what_the_script_generates() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/make_demo.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bundled_paths_exist() -> None:
    assert default_ruleset().is_file()
    assert (demo_workspace() / "providers.csv").is_file()


def test_demo_triage_matches_the_documented_scenario(demo_json: dict) -> None:  # type: ignore[type-arg]
    import runpy

    scenario = runpy.run_path(str(ROOT / "scripts/make_demo.py"))["SCENARIO"]
    got = {p["provider"]: p["level"] for p in demo_json["proposals"]}
    assert got == {code: level for code, (level, _) in scenario.items()}


def test_demo_shows_trend_and_peer_findings_with_their_numbers(demo_json: dict) -> None:  # type: ignore[type-arg]
    hard = [h for p in demo_json["proposals"] for h in p["evidence"]["hard"]]
    trend = [h for h in hard if h["test"] == "trend"]
    peer = [h for h in hard if h["test"] == "peer"]
    assert trend and peer
    assert all(h["spc"]["lpl"] < h["spc"]["mean"] < h["spc"]["upl"] for h in trend)
    assert all(h["funnel"]["adjusted"] and h["funnel"]["phi"] > 1 for h in peer)
    code, out, _ = run("explain", "RJ6")
    assert (
        code == 0
        and "funnel limit" in out
        and "limits from the 24 months 2017-01 to 2018-12" in " ".join(out.split())
    )


def test_an_engine_failure_exits_3_and_reports_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from qsgrules.engine import durable_adapter

    def failing(self: object, sid: str, facts: object) -> None:
        raise durable_adapter.EngineError(f"1 fact(s) not taken in session {sid}")

    monkeypatch.setattr(durable_adapter.RuleEngine, "run", failing)
    code, out, err = run("triage")
    assert code == 3 and out == ""
    assert "engine failure, no triage reported: 1 fact(s) not taken" in err


def test_explain_takes_several_codes_and_all() -> None:
    code, out, _ = run("explain", "RJ6", "RQX")
    assert code == 0 and out.count("Proposed level:") == 2
    assert out.index("RJ6  Croydon") < out.index("RQX  Homerton")
    code, out, _ = run("explain", "--all")
    assert code == 0 and out.count("Proposed level:") == 18
    code, out, _ = run("explain", "RJ6", "RQX", "--format", "json")
    assert [p["provider"] for p in json.loads(out)] == ["RJ6", "RQX"]
    assert json.loads(run("explain", "RJ6", "--format", "json")[1])["provider"] == "RJ6"
    code, _, err = run("explain")
    assert code == 2 and "give one or more provider codes, or --all" in err


def test_a_peer_finding_speaks_plain_words_first_then_numbers(demo_json: dict) -> None:  # type: ignore[type-arg]
    rj6 = next(p for p in demo_json["proposals"] if p["provider"] == "RJ6")
    (peer,) = [h for h in rj6["evidence"]["hard"] if h["test"] == "peer"]
    words, numbers = peer["detail"].split(" (95% funnel limit ")
    assert "Among 18 acute peers the typical figure is 21.1%" in words
    assert "above the range in which 19 trusts in 20 would fall by chance" in words
    assert "after allowing for the usual variation between trusts" in words
    assert "z" not in words.split(". ", 1)[1] and "phi" not in words
    assert numbers.startswith("37.8%; z ") and "phi 457.5, adjusted z 2.18" in numbers


def test_codes_of_three_to_six_characters_and_long_names_print_an_aligned_table(
    tmp_path: Path,
) -> None:
    (tmp_path / "providers.csv").write_text(
        "code,name,type,qsg\n"
        "RXA,Example Acute NHS Trust,acute,North\n"
        "F81001,The Very Long Name Medical Practice Partnership of the Northern Parishes,"
        "gp_practice,North\n"
        "RXA01,Short,acute,North\n"
    )
    (tmp_path / "indicators.csv").write_text(
        "provider,indicator,period,value\n"
        "RXA,never_events_rate,2019-03,0.05\n"
        "F81001,ae_4hr_type1,2019-03,3\n"
        "RXA01,ae_4hr_type1,2019-03,30\n"
    )
    code, out, _ = run("triage", "--workspace", str(tmp_path))
    assert code == 0, out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("LEVEL"))
    rows = [line for line in lines if re.match(r"(regular review|no concerns) ", line)]
    assert len(rows) == 3
    code_at, name_at = header.index("CODE"), header.index("PROVIDER")
    for row in rows:
        # each code starts under CODE and each name under PROVIDER; the numbers end together
        assert re.match(r"[A-Z0-9]{3,6} ", row[code_at:]), row
        assert row[name_at - 1] == " " and row[name_at] != " ", row
        assert len(row) == len(header), (row, header)
    assert "The Very Long Name Medical Practice Partner…" in out
