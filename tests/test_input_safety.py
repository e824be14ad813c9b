"""Hostile and unusual input: files that are not files, bytes that are not text, YAML bombs,
values the data cannot hold, and the warnings that keep "no concerns" honest."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qsgrules.bundled import demo_workspace
from qsgrules.cli.main import cli
from qsgrules.errors import InputError, Problem
from qsgrules.workspace import indicator_columns as columns
from qsgrules.workspace import indicators_csv as ic
from qsgrules.workspace import load_workspace
from qsgrules.yamlpos import load as load_yaml

TODAY = dt.date(2019, 6, 30)
PROVIDERS = "code,name,type,qsg\nRXA,Example Acute NHS Trust,acute,Q\nRXB,Example Two,acute,Q\n"
ROWS = (
    "provider,indicator,period,value\nRXA,ae_4hr_type1,2019-01,12.5\nRXB,ae_4hr_type1,2019-01,9\n"
)


def _ws(tmp_path: Path, indicators: str | bytes = ROWS, **files: str | bytes) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "providers.csv").write_text(PROVIDERS)
    for name, content in {"indicators.csv": indicators, **files}.items():
        path = ws / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return ws


def _problems(ws: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_workspace(ws, today=TODAY)
    return [str(p) for p in info.value.problems]


# -- files that are not regular files ----------------------------------------------------


def test_intelligence_yaml_that_is_a_folder_is_a_located_error(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    (ws / "intelligence.yaml").mkdir()
    assert _problems(ws) == [
        "intelligence.yaml:1: a folder, not a regular file; replace it with the file itself"
    ]


def test_intelligence_yaml_linked_to_a_device_is_a_located_error(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    (ws / "intelligence.yaml").symlink_to("/dev/zero")
    assert _problems(ws) == [
        "intelligence.yaml:1: a device, not a regular file; replace it with the file itself"
    ]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    # (a read of a FIFO with no writer never returns: the call returning is the check,
    # and no clock is needed for it)
    ws = _ws(tmp_path)
    os.mkfifo(ws / "members.csv")
    assert _problems(ws) == [
        "members.csv:1: a named pipe (FIFO), not a regular file; replace it with the file itself"
    ]


def test_a_required_file_that_is_a_folder_is_not_called_missing(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    (ws / "indicators.csv").unlink()
    (ws / "indicators.csv").mkdir()
    assert _problems(ws) == [
        "indicators.csv:1: a folder, not a regular file; replace it with the file itself"
    ]


def test_a_broken_symlink_is_not_absent(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    (ws / "intelligence.csv").symlink_to(tmp_path / "nowhere.csv")
    assert _problems(ws) == ["intelligence.csv:1: a broken symbolic link"]


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _ws(tmp_path)
    monkeypatch.setenv("QSG_MAX_FILE_MB", "0.00001")
    (problem,) = _problems(ws)  # providers.csv: nothing else is checked without it
    assert problem.startswith("providers.csv:1: file is 79 bytes, above the limit of 10 bytes")
    assert "QSG_MAX_FILE_MB" in problem


def test_a_ruleset_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "rules.yaml"
    link.symlink_to("/dev/zero")
    result = CliRunner().invoke(cli, ["check", str(link)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{link}:1: a device, not a regular file")


# -- bytes that are not UTF-8: at their own line ---------------------------------------------


@pytest.mark.parametrize("name", ["members.csv", "intelligence.yaml", "intelligence.csv"])
def test_undecodable_bytes_are_reported_at_their_line(tmp_path: Path, name: str) -> None:
    body = {
        "members.csv": b"name,kind\nLocal CCG,commissioner\nCaf\xe9 Group,other\n",
        "intelligence.yaml": b"# items\n\n- id: SI-1\n  summary: caf\xe9\n",
        "intelligence.csv": b"id,provider\nSI-1,RXA\nSI-2,R\xff\n",
    }[name]
    ws = _ws(tmp_path, **{name: body})
    line = body.split(b"\n").index(
        next(x for x in body.split(b"\n") if b"\xe9" in x or b"\xff" in x)
    )
    (problem,) = _problems(ws)
    assert problem.startswith(f"{name}:{line + 1}:")
    assert "not UTF-8 text" in problem


def test_undecodable_indicators_are_reported_at_their_line(tmp_path: Path) -> None:
    ws = _ws(tmp_path, ROWS.encode() + b"RXB,ae_4hr_type1,2019-0\xff,9\n")
    assert _problems(ws) == [
        "indicators.csv:4:24: not UTF-8 text (invalid start byte); save the file as UTF-8"
    ]


# -- hostile YAML ----------------------------------------------------------------------------


def _bomb(levels: int = 9) -> str:
    text = "a: &a [" + ",".join(["lol"] * 10) + "]\n"
    for i in range(1, levels):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    return text


def test_an_alias_bomb_is_refused() -> None:
    # (a billion values if expanded: refused once 50,000 are; its time is in bench/guards.py)
    text = _bomb()
    assert len(text) < 10_000
    _, _, problems = load_yaml(text, "x.yaml")
    assert [str(p) for p in problems] == [
        "x.yaml:4:4: aliases expand to more than 50,000 values (an alias bomb?); "
        "write the values out"
    ]


@pytest.mark.parametrize("text", ["&r [*r]", "a: &r {b: *r}", "- &x\n  - [*x]\n"])
def test_a_recursive_alias_is_a_located_error(text: str) -> None:
    _, _, problems = load_yaml(text, "x.yaml")
    assert len(problems) == 1
    assert "recursive alias" in problems[0].message


def test_a_bomb_in_intelligence_yaml_is_a_located_error_through_the_cli(tmp_path: Path) -> None:
    ws = _ws(tmp_path, **{"intelligence.yaml": _bomb()})
    result = CliRunner().invoke(cli, ["triage", "--workspace", str(ws)])
    assert result.exit_code == 2
    assert result.stderr.startswith("intelligence.yaml:4:4: aliases expand to more than")


@pytest.mark.slow
def test_deep_nesting_is_refused_not_a_traceback() -> None:
    _, _, problems = load_yaml("[" * 3000 + "]" * 3000, "x.yaml")
    assert [str(p) for p in problems] == ["x.yaml:1:1: nesting too deep to read"]


def test_ordinary_aliases_still_work() -> None:
    data, _, problems = load_yaml("a: &x [1, 2]\nb: *x\n", "x.yaml")
    assert problems == [] and data == {"a": [1, 2], "b": [1, 2]}


# -- values the data cannot hold ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "RXA,ae_4hr_type1,2019-02,-5",
            "value -5: ae_4hr_type1 (%) can only be from 0 to 100; correct the row",
        ),
        (
            "RXA,ae_4hr_type1,2019-02,150",
            "value 150: ae_4hr_type1 (%) can only be from 0 to 100; correct the row",
        ),
        (
            "RXA,ae_4hr_type1,2019-02,1e308",
            "value 1e308: ae_4hr_type1 (%) can only be from 0 to 100; correct the row",
        ),
        (
            "RXA,ae_4hr_type1,2019-02,1e309",
            "value '1e309' is not a number; give a number (or leave it empty and give "
            "numerator and denominator)",
        ),
        (
            "RXA,infections_rate,2019-02,-0.1",
            "value -0.1: infections_rate (per 1,000 bed days) can only be at least 0; "
            "correct the row",
        ),
        (
            "RXA,trust_rating,2019-02,5",
            "value 5: trust_rating (1 inadequate .. 4 outstanding) can only be from 1 to 4; "
            "correct the row",
        ),
        (
            "RXA,net_promoter,2019-02,-101",
            "value -101: net_promoter (score -100..100) can only be from -100 to 100; "
            "correct the row",
        ),
        (
            "RXA,ae_4hr_type1,2019-02,nan",
            "value 'nan' is not a number; give a number (or leave it empty and give "
            "numerator and denominator)",
        ),
        (
            "RXA,ae_4hr_type1,2099-01,12",
            "period 2099-01 is after this month (2019-06): data cannot come from the future; "
            "correct the period",
        ),
    ],
)
def test_values_are_checked_against_what_they_can_be(
    tmp_path: Path, row: str, message: str
) -> None:
    ws = _ws(tmp_path, ROWS + row + "\n")
    assert _problems(ws) == [f"indicators.csv:4: {message}"]


def test_a_numerator_above_its_denominator_is_a_located_error_not_a_traceback(
    tmp_path: Path,
) -> None:
    ws = _ws(
        tmp_path,
        "provider,indicator,period,value,numerator,denominator\n"
        "RXA,ae_4hr_type1,2019-01,,1200,1000\n"
        "RXA,amenable_deaths,2019-01,,12,10\n",
    )
    assert _problems(ws) == [
        "indicators.csv:2: numerator 1200 is above denominator 1000: a proportion's part "
        "cannot exceed its whole; correct the counts"
    ]


def test_the_default_today_is_the_system_date_unless_qsg_today_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _ws(tmp_path, ROWS + "RXA,ae_4hr_type1,2030-01,12\n")
    monkeypatch.setenv("QSG_TODAY", "2031-01-01")
    assert len(load_workspace(ws).observations) == 3
    monkeypatch.setenv("QSG_TODAY", "2029-12-31")
    with pytest.raises(InputError):
        load_workspace(ws)


def test_an_item_received_after_today_is_a_located_error(tmp_path: Path) -> None:
    item = (
        "- id: SI-1\n  provider: RXA\n  source: CQC\n  received: 2019-07-01\n"
        "  domain: safety\n  severity: low\n  grading: B2\n  summary: Late.\n"
    )
    ws = _ws(tmp_path, **{"intelligence.yaml": item})
    assert _problems(ws) == [
        "intelligence.yaml:4:13: received 2019-07-01 is after today (2019-06-30); "
        "give the date it happened"
    ]


def _item(i: str, **more: str) -> str:
    extra = "".join(f"  {k}: {v}\n" for k, v in more.items())
    return (
        f"- id: {i}\n  provider: RXA\n  source: CQC\n  received: 2019-01-01\n"
        f"  domain: safety\n  severity: low\n  grading: B2\n  summary: Staffing.\n{extra}"
    )


def test_a_duplicate_of_cycle_is_a_located_error(tmp_path: Path) -> None:
    text = _item("SI-1", duplicate_of="SI-2") + _item("SI-2", duplicate_of="SI-1")
    ws = _ws(tmp_path, **{"intelligence.yaml": text})
    assert _problems(ws) == [
        "intelligence.yaml:9:17: duplicate_of/corroborates links form a cycle "
        "(SI-1 -> SI-2 -> SI-1); an item cannot, through others, duplicate or corroborate itself"
    ]


def test_a_long_mixed_cycle_is_found_once(tmp_path: Path) -> None:
    text = (
        _item("SI-1", corroborates="SI-2")
        + _item("SI-2", duplicate_of="SI-3")
        + _item("SI-3", corroborates="SI-1")
        + _item("SI-4", corroborates="SI-1")
    )
    ws = _ws(tmp_path, **{"intelligence.yaml": text})
    (problem,) = _problems(ws)
    assert "(SI-1 -> SI-2 -> SI-3 -> SI-1)" in problem


# -- warnings: never a silent "no concerns" --------------------------------------------------


def test_an_indicators_file_with_only_a_header_warns(tmp_path: Path) -> None:
    ws = _ws(tmp_path, "provider,indicator,period,value\n")
    result = CliRunner(env={"QSG_TODAY": "2019-06-30"}).invoke(
        cli, ["triage", "--workspace", str(ws), "--as-of", "2019-03"]
    )
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: indicators.csv:1: no data rows: no hard finding can be made for any "
        "provider; add the indicator data (one row per provider, indicator and month)\n"
        "warning: providers.csv:2: 2 provider(s) with no indicator data and no soft "
        'intelligence: RXA, RXB; "no concerns" for them means nothing is known\n'
        "warning: 2 of 2 provider(s) have no data for the ruleset's tested indicators; their "
        "proposals are marked 'no data' and do not mean no concerns\n"
    )


def test_providers_without_any_data_are_listed_and_exposed(tmp_path: Path) -> None:
    ws = _ws(tmp_path, "provider,indicator,period,value\nRXA,ae_4hr_type1,2019-01,12\n")
    loaded = load_workspace(ws, today=TODAY)
    assert loaded.without_data == {"RXB"}
    assert [p.severity for p in loaded.warnings] == ["warning"]
    assert str(loaded.warnings[0]).startswith("providers.csv:3: 1 provider(s) with no indicator")


def test_a_complete_workspace_has_no_warnings(tmp_path: Path) -> None:
    assert load_workspace(_ws(tmp_path), today=TODAY).warnings == ()


# -- control characters and identifiers in every free-text field -------------------------


def test_a_newline_in_a_provider_name_is_refused(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    (ws / "providers.csv").write_text(
        'code,name,type,qsg\nRXA,"Example\nAcute",acute,Q\nRXB,B\x07ell,acute,Q\n'
    )
    assert _problems(ws) == [
        "providers.csv:3: name contains a line break at character 8; remove it",
        "providers.csv:4: name contains a control character (U+0007) at character 2; remove it",
    ]


def test_an_identifier_in_a_provider_name_is_refused_without_repeating_it(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    (ws / "providers.csv").write_text(
        "code,name,type,qsg\nRXA,Ward of NHS no 943 476 5919,acute,Q\nRXB,B,acute,Q\n"
    )
    problems = _problems(ws)
    assert problems == [
        "providers.csv:2: name contains a possible NHS number; remove it: no patient- or "
        "staff-identifiable data"
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", "SI-07700900123", "id contains a possible phone number"),
        ("summary", '"Bell \\a rang"', "summary contains a control character (U+0007)"),
        ("summary", '"Escape \\e[31m red"', "summary contains a control character (U+001B)"),
    ],
)
def test_item_fields_are_guarded(tmp_path: Path, field: str, value: str, message: str) -> None:
    text = _item("SI-1").replace(
        f"  {field}: " + ("SI-1" if field == "id" else "Staffing."), f"  {field}: {value}"
    )
    if field == "id":
        text = text.replace("- id: SI-1", f"- id: {value}")
    ws = _ws(tmp_path, **{"intelligence.yaml": text})
    problems = _problems(ws)
    assert any(message in p for p in problems), problems


def test_member_names_and_titles_are_guarded(tmp_path: Path) -> None:
    ws = _ws(
        tmp_path,
        **{"members.csv": "name,kind,title\nLocal CCG,commissioner,Call 07700 900123\n"},
    )
    assert _problems(ws) == [
        "members.csv:2: title contains a possible phone number; remove it: no patient- or "
        "staff-identifiable data"
    ]


# -- the columnar reader agrees with the exact one -------------------------------------------

CELLS = {
    "provider": ["RXA", "RXB", "", " RXA ", "RXZ", "rxa"],
    "indicator": ["ae_4hr_type1", "harm_free_care", "infections_rate", "ae_4hr_typ", ""],
    "period": ["2019-01", "2019-02", "2019-13", "2019-1", "2099-01", " 2019-03", ""],
    "value": ["12.5", "", "x", "1e3", "-1", " 7 ", "1_0", "nan", "150", "+3", ".5"],
    "numerator": ["", "5", "0", "-1", "x", "200"],
    "denominator": ["", "100", "0", "x", "50"],
}


@settings(max_examples=150)
@given(
    rows=st.lists(
        st.fixed_dictionaries({k: st.sampled_from(v) for k, v in CELLS.items()}),
        max_size=12,
    ),
    blank=st.sampled_from([None, ",,,,,", "", " , ,", '"",,,,,']),
    newline=st.sampled_from(["\n", "\r\n"]),
    trailing=st.sampled_from(["", "\n", "\n\n"]),
)
def test_the_columnar_path_gives_the_exact_paths_problems_and_data(
    rows: list[dict[str, str]], blank: str | None, newline: str, trailing: str
) -> None:
    header = list(CELLS)
    lines = [",".join(header)] + [",".join(r[h] for h in header) for r in rows]
    if blank is not None and lines[1:]:
        lines.insert(2, blank)
    data = (newline.join(lines) + newline + trailing).encode()
    providers = {"RXA": None, "RXB": None}
    fast = columns.fast_table(data)
    if fast is None:  # a short row, or a header-only file: the exact path reads those
        assert blank == " , ," or not rows
        return
    results = []
    for table in (fast, columns.exact_table(data, [])):
        assert table is not None
        problems: list[Problem] = []
        obs = ic._Checks(table, providers, 2019 * 12 + 5, True, problems).run()  # type: ignore[arg-type]
        results.append(
            (
                sorted(str(p) for p in problems),
                np.asarray(obs.provider).tolist(),
                np.asarray(obs.indicator).tolist(),
                obs.period.tolist(),
                obs.value.tolist(),
            )
        )
    assert results[0] == results[1]


def test_a_quoted_line_break_takes_the_exact_path_and_its_lines(tmp_path: Path) -> None:
    ws = _ws(
        tmp_path,
        'provider,indicator,period,value\n"RXA",ae_4hr_type1,2019-01,"12\n"\nRXA,x,2019-02,1\n',
    )
    assert columns.fast_table((ws / "indicators.csv").read_bytes()) is None
    problems = _problems(ws)
    assert problems[-1].startswith("indicators.csv:4: unknown indicator 'x'")


def test_undecodable_bytes_deep_in_members_csv_are_the_only_problem_said(tmp_path: Path) -> None:
    # the sources naming local members were each reported as unknown beside it (noise)
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace(), ws)
    line = len((ws / "members.csv").read_text().splitlines()) + 1
    with (ws / "members.csv").open("ab") as f:
        f.write(b"Caf\xe9 Group,other,\n")
    with pytest.raises(InputError) as info:
        load_workspace(ws)
    (problem,) = info.value.problems
    assert problem.file == "members.csv" and problem.line == line
    assert "not UTF-8" in problem.message


def test_a_refused_provider_row_is_the_one_problem_said(tmp_path: Path) -> None:
    # as found: a row of providers.csv with a wrong type was reported, and then every row of
    # indicators.csv and every item naming that provider as an "unknown provider code" with
    # the advice to add it to providers.csv, where it already was
    ws = _ws(
        tmp_path,
        ROWS,
        **{
            "intelligence.yaml": (
                "- {id: SI-1, provider: RXB, source: CQC, received: 2019-01-10, domain: safety,"
                " severity: low, grading: A1, summary: Late discharge letters.}\n"
            )
        },
    )
    (ws / "providers.csv").write_text(PROVIDERS.replace("RXB,Example Two,acute", "RXB,Two,gp"))
    with pytest.raises(InputError) as raised:
        load_workspace(ws, today=TODAY)
    said = [str(p) for p in raised.value.problems]
    assert len(said) == 1 and said[0].startswith("providers.csv:3: unknown provider type 'gp'")
    # a code named nowhere in providers.csv is still unknown, in both files
    (ws / "indicators.csv").write_text(ROWS + "RXC,ae_4hr_type1,2019-01,9\n")
    with pytest.raises(InputError) as raised:
        load_workspace(ws, today=TODAY)
    said = [str(p) for p in raised.value.problems]
    assert len(said) == 2 and any("unknown provider code 'RXC'" in s for s in said), said
