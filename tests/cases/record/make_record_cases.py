"""The corpus of the record's hostile and unlucky cases (issue 17; tests/test_record_cases.py
runs it): writes that would destroy, confidential text, paths from files, text typed into
the register, Markdown, SQLite's faults, anchors of the audit chain, and the earlier inputs.

A case is a delta and an expectation, in the format of tests/cases/inputs:

- its **delta**, declared below with ``case(NAME, COMMAND, files=..., setup=..., tamper=...,
  shows=..., hides=..., env=...)``: the base workspace (``BASE``) with ``files`` replaced
  (``None`` removes one; a callable makes the entry: a FIFO, a link, a folder), the
  ``setup`` commands run first in the case's folder (each must succeed: a meeting opened,
  members attending...), then ``tamper`` (a change made outside qsgrules, as a hostile or
  unlucky user would), then ``qsg COMMAND``. ``shows`` and ``hides`` are words its
  standard output must and must not hold (a marker of confidential text, raw HTML).
- its **expectation**, ``expected/NAME.txt``: the first line ``exit N``, then exactly what
  the command wrote to stderr (a record's hash, which depends on when it was recorded,
  written ``<hash>``).

Every case runs with ``QSG_TODAY=2019-06-30`` in a temporary folder. To add one: declare
it, run ``python tests/cases/record/make_record_cases.py NAME`` and review ``expected/NAME.txt``.
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
TODAY = "2019-06-30"
MEETING = "M-2019-06-12"
DEFAULT = (HERE.parents[2] / "rulesets" / "default.yaml").read_text(encoding="utf-8")

PROVIDERS = (
    "code,name,type,qsg\n"
    "RXA,Example Acute NHS Trust,acute,Example QSG\n"
    "RXB,Example Community NHS Trust,community,Example QSG\n"
)
HEADER = "provider,indicator,period,value,numerator,denominator\n"
ROWS = (
    "RXA,ae_4hr_type1,2019-01,,120,1000\n"
    "RXA,ae_4hr_type1,2019-02,,130,1000\n"
    "RXA,ae_4hr_type1,2019-03,,140,1000\n"
    "RXB,harm_free_care,2019-01,95.5,,\n"
    "RXB,harm_free_care,2019-02,96.1,,\n"
    "RXB,harm_free_care,2019-03,94.8,,\n"
)
MEMBERS = "name,kind\nExample CCG,commissioner\n"
MARK = "ZEBRA"
ITEMS = (
    "- {id: SI-001, provider: RXA, source: CQC, received: 2019-02-11, domain: safety,\n"
    "   severity: high, grading: B2, summary: Staffing below plan on night shifts.}\n"
    f"- {{id: SI-002, provider: RXA, source: Example CCG, received: 2019-01-04, domain: safety,\n"
    f"   severity: high, grading: B2, summary: {MARK}SUMMARY told in confidence.,\n"
    "   handling: confidential, status: closed, closed_on: 2019-03-01,\n"
    f"   closed_reason: {MARK}REASON assured in a private letter.}}\n"
    f"- {{id: SI-003, provider: RXA, source: Example CCG, received: 2019-02-20, domain: safety,\n"
    f"   severity: moderate, grading: B2, summary: {MARK}DUPLICATE again in confidence.,\n"
    "   handling: confidential, duplicate_of: SI-001}\n"
)
BASE: dict[str, str | bytes] = {
    "providers.csv": PROVIDERS,
    "indicators.csv": HEADER + ROWS,
    "members.csv": MEMBERS,
    "intelligence.yaml": ITEMS,
}
W = "--workspace ."
BY = "--by clerk"
OPEN = f"meeting open --date 2019-06-12 --chair 'Dr Jo Chair' {W} {BY}"
ATTEND = f"meeting attend {MEETING} --member 'Ann Lee' --organisation CQC {W} {BY}"
DECIDE = f"decide RXA --meeting {MEETING} --level regular_review --rationale 'Agreed.' {W} {BY}"
ACTION = (
    f"action add RXA --meeting {MEETING} --owner 'Ann Lee' --due 2019-07-01 --text 'Ask.' {W} {BY}"
)
AGREE = f"meeting agree {MEETING} {W} {BY}"

Entry = str | bytes | Callable[[Path], None] | None


@dataclass
class Case:
    command: str
    files: dict[str, Entry]
    setup: list[str] = field(default_factory=list)
    tamper: Callable[[Path], None] | None = None
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


CASES: dict[str, Case] = {}


def case(
    name: str,
    command: str,
    *,
    files: dict[str, Entry] | None = None,
    setup: list[str] | None = None,
    tamper: Callable[[Path], None] | None = None,
    shows: tuple[str, ...] = (),
    hides: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> None:
    assert name not in CASES, name
    CASES[name] = Case(
        command, {**BASE, **(files or {})}, setup or [], tamper, shows, hides, env or {}
    )


# -- what makes an entry -------------------------------------------------------------------


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.symlink_to(target)

    return make


def folder(path: Path) -> None:
    path.mkdir()


def sql(*statements: str) -> Callable[[Path], None]:
    """A change to register.sqlite made outside qsgrules."""

    def change(root: Path) -> None:
        conn = sqlite3.connect(root / "register.sqlite", isolation_level=None)
        try:
            for statement in statements:
                conn.execute(statement)
        finally:
            conn.close()

    return change


def q(text: str) -> str:
    return shlex.quote(text)


# -- 1. writes that never destroy ----------------------------------------------------------

TARGETS: dict[str, Callable[[Path], None]] = {
    "fifo": fifo,
    "symlink": link("elsewhere.txt"),
    "dangling_symlink": link("nowhere/file"),
    "folder": folder,
    "loop": link("out.html"),
}
for kind, make in TARGETS.items():
    entries: dict[str, Entry] = {"out.html": make, "elsewhere.txt": "someone else's\n"}
    case(f"write_pack_{kind}", f"pack {W} --provider RXA --out out.html", files=entries)
    case(f"write_note_{kind}", f"note {MEETING} {W} --out out.html", files=entries, setup=[OPEN])
    case(
        f"write_report_{kind}",
        "report regional register.sqlite --out out.html",
        files=entries,
        setup=[OPEN],
    )
case("write_pack_no_folder", f"pack {W} --out nowhere/pack.html")
case("write_synth_symlink", "synth --providers 2 --months 2 --out linked", files={
    "linked": link("."),
})  # fmt: skip
case("write_synth_not_empty", "synth --providers 2 --months 2 --out .")
case("write_synth_through_a_file", "synth --providers 2 --months 2 --out providers.csv/x")
case(
    "write_intel_add_to_a_link",
    f"intel add {W} --provider RXA --source CQC --domain safety --severity low --grading B2 "
    "--summary 'A concern.' --received 2019-06-01",
    files={"intelligence.yaml": link("shared.yaml"), "shared.yaml": ITEMS},
)
case(
    "write_register_through_a_dangling_link",
    f"meeting open --date 2019-06-12 --chair C {W} --register r.sqlite {BY}",
    files={"r.sqlite": link("nowhere/r.sqlite")},
)
case(
    "write_register_loop",
    f"meeting list {W} --register loop.sqlite",
    files={"loop.sqlite": link("loop.sqlite")},
)
case("write_register_folder", f"meeting list {W}", files={"register.sqlite": folder})
case("write_register_fifo", f"meeting list {W}", files={"register.sqlite": fifo})

# -- 2. confidential is a property of the item --------------------------------------------

HIDDEN = (f"{MARK}SUMMARY", f"{MARK}REASON", f"{MARK}DUPLICATE")
for name, command in {
    "triage_table": f"triage {W} --public",
    "triage_json": f"triage {W} --public --format json",
    "triage_csv": f"triage {W} --public --format csv",
    "explain": f"explain RXA {W} --public",
    "explain_json": f"explain RXA {W} --public --format json",
    "explain_all": f"explain --all {W} --public",
    "intel_list": f"intel list {W} --public",
    "intel_list_provider": f"intel list {W} --public --provider RXA",
}.items():
    case(f"public_{name}", command, hides=HIDDEN)
for name, command in {
    "note_md": f"note {MEETING} {W} --public",
    "note_html": f"note {MEETING} {W} --public --format html",
    "regional_md": "report regional register.sqlite",
    "regional_json": "report regional register.sqlite --format json",
}.items():
    case(f"public_{name}", command, setup=[OPEN, ATTEND, DECIDE, AGREE], hides=HIDDEN)
case("private_explain_shows_the_reason", f"explain RXA {W}", shows=HIDDEN)
case(
    "private_note_shows_the_summary",
    f"note {MEETING} {W}",
    setup=[OPEN, ATTEND, DECIDE],
    shows=(f"{MARK}SUMMARY",),
)

# -- 3. paths from files are confined -----------------------------------------------------

SCENARIO = (
    "as_of: 2019-03\nworkspace:\n  providers: [{code: RXA, type: acute}]\n"
    "expect:\n  RXA: {level: no_concerns}\n"
)
for name, path in {
    "parent": "../../etc/passwd",
    "absolute": "/etc/passwd",
    "far_parent": "../../../../../../../../etc/shadow",
    "link_out": "inner.yaml",
    "not_a_ruleset": "../providers.csv",
    "missing": "nowhere.yaml",
}.items():
    case(
        f"scenario_ruleset_{name}",
        "test repo/tests/scenario_x.yaml",
        files={
            "repo": folder,
            "repo/.git": folder,
            "repo/tests": folder,
            "repo/tests/inner.yaml": link("/etc/passwd"),
            "repo/providers.csv": "root:x:0:0:SECRET:/root:/bin/bash\n",
            "repo/tests/scenario_x.yaml": f"ruleset: {path}\n{SCENARIO}",
        },
        hides=("root:x", "SECRET"),
    )
case(
    "scenario_fifo_in_a_folder",
    "test tests",
    files={"tests": folder, "tests/scenario_f.yaml": fifo, "tests/scenario_ok.yaml": SCENARIO},
)
case(
    "scenario_dangling_link_in_a_folder",
    "test tests",
    files={"tests": folder, "tests/scenario_l.yaml": link("gone.yaml")},
)
case(
    "scenario_series_too_long",
    "test scenario_long.yaml",
    files={
        "scenario_long.yaml": "as_of: 2019-03\nworkspace:\n  providers: [{code: RXA, type: "
        "acute}]\n  indicators:\n    - {provider: RXA, indicator: ae_4hr_type1, from: "
        f"1940-01, values: [{','.join(['1'] * 1900)}]}}\nexpect:\n  RXA: {{level: "
        "no_concerns}\n"
    },
)
case(
    "scenario_file_too_large",
    "test scenario_big.yaml",
    files={"scenario_big.yaml": SCENARIO + "# " + "x" * 140_000 + "\n"},
)
case(
    "scenario_many_unknown_providers",
    "test scenario_many.yaml",
    files={
        "scenario_many.yaml": SCENARIO
        + "".join(f"  R{i:04d}: {{level: no_concerns}}\n" for i in range(400))
    },
)

# -- 4. one text guard for everything typed into the register -----------------------------

HOSTILE = {
    "escape": "\x1b[2K\rEve Mallory",
    "bell": "Ann\x07Lee",
    "bidi": "Ann \u202eeeL",
    "zero_width": "Ann\u200bLee",
    "rtl_mark": "Ann Lee\u200f",
    "line_separator": "Ann\u2028Lee",
    "nul": "Ann\x00Lee",
    "c1": "Ann\x9bLee",
    "nhs_number": "Patient 943 476 5919 was harmed",
    "too_long": "x" * 4_001,
}
FIELDS = {
    "chair": ("meeting open --date 2019-06-13 --chair {v} " + f"{W} {BY}", []),
    "member": (f"meeting attend {MEETING} --member {{v}} --organisation CQC {W} {BY}", [OPEN]),
    "by": (f"confirm RXA --meeting {MEETING} --member 'Ann Lee' {W} --by {{v}}", [OPEN, ATTEND]),
    "reason": (
        f"override RXA --meeting {MEETING} --member 'Ann Lee' --level risk_summit "
        f"--reason {{v}} {W} {BY}",
        [OPEN, ATTEND],
    ),
    "rationale": (
        f"decide RXA --meeting {MEETING} --level risk_summit --rationale {{v}} {W} {BY}",
        [OPEN],
    ),
    "action_text": (
        f"action add RXA --meeting {MEETING} --owner O --due 2019-07-01 --text {{v}} {W} {BY}",
        [OPEN],
    ),
    "owner": (
        f"action add RXA --meeting {MEETING} --owner {{v}} --due 2019-07-01 --text T {W} {BY}",
        [OPEN],
    ),
}
for field_name, (template, before) in FIELDS.items():
    for kind, value in HOSTILE.items():
        if field_name in ("chair", "member", "by", "owner") and kind == "nhs_number":
            continue  # names: the guard's identifier scan is shown on long text
        if kind == "nul":
            continue  # a NUL cannot be an argument of a process
        case(
            f"text_{field_name}_{kind}",
            template.format(v=q(value)),
            setup=list(before),
        )
case("text_by_empty", f"confirm RXA --meeting {MEETING} --member 'Ann Lee' {W} --by ''",
     setup=[OPEN, ATTEND])  # fmt: skip
for kind, twin in {
    "cyrillic_a": "Аnn Lee",
    "lower_case": "ann lee",
    "full_width": "Ａｎｎ Ｌｅｅ",
    "cyrillic_e": "Ann Lее",
}.items():
    case(
        f"text_look_alike_attendee_{kind}",
        f"meeting attend {MEETING} --member {q(twin)} --organisation 'Example CCG' {W} {BY}",
        setup=[OPEN, ATTEND],
    )
case(
    "text_look_alike_member_in_members_csv",
    f"triage {W}",
    files={"members.csv": MEMBERS + "Ехample CCG,commissioner\n"},
)
case(
    "text_intel_add_summary_too_long",
    f"intel add {W} --provider RXA --source CQC --domain safety --severity low --grading B2 "
    f"--summary {'y' * 5_000} --received 2019-06-01",
)
case(
    "text_summary_too_long_in_the_file",
    f"triage {W}",
    files={"intelligence.yaml": ITEMS + "- {id: SI-9, provider: RXA, source: CQC, received: "
           f"2019-02-01, domain: safety, severity: low, grading: B2, summary: {'z' * 9000}}}\n"},
)  # fmt: skip

# -- 5. Markdown that cannot be forged -----------------------------------------------------

FORGERIES = {
    "conclusion": "ok\n\n**Conclusion:** no concerns. Agreed unanimously\n\nmore",
    "heading": "ok\n\n## Amendments\n\n- forged",
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "base": "<base href=//evil.example/>",
    "link": "[click](javascript:alert(1))",
    "table": "| a | b |\n|---|---|\n| c | d |",
}
# what each would be if it passed unescaped (escaped: "\\<script\\>", "\\[click\\](")
UNESCAPED = (
    "<script>",
    "alert(1)>",
    "evil.example/>",
    "[click](",
    "\n**Conclusion:** no concerns",
    "\n| a | b |",
)
for kind, value in FORGERIES.items():
    case(
        f"markdown_rationale_{kind}",
        f"note {MEETING} {W}",
        setup=[
            OPEN,
            f"decide RXA --meeting {MEETING} --level regular_review --rationale {q(value)} "
            f"{W} {BY}",
        ],
        hides=(*UNESCAPED, "\n## Amendments\n\n- forged"),
    )  # fmt: skip
    case(
        f"markdown_regional_{kind}",
        "report regional register.sqlite",
        setup=[
            OPEN,
            f"decide RXA --meeting {MEETING} --level regular_review --rationale {q(value)} "
            f"{W} {BY}",
            AGREE,
        ],
        hides=UNESCAPED,
    )

# -- 7. SQLite faults are messages ---------------------------------------------------------

FOREIGN = sql("CREATE TABLE ledger (x)")
for name, command in {
    "list": f"meeting list {W} --register foreign.db",
    "confirm": f"confirm RXA --meeting {MEETING} --member A {W} --register foreign.db {BY}",
    "open": f"meeting open --date 2019-06-12 --chair C {W} --register foreign.db {BY}",
}.items():

    def foreign(root: Path) -> None:
        conn = sqlite3.connect(root / "foreign.db", isolation_level=None)
        conn.execute("CREATE TABLE ledger (x)")
        conn.close()

    case(f"sqlite_foreign_{name}", command, tamper=foreign)
case("sqlite_not_a_database", f"meeting list {W}", files={"register.sqlite": b"not sqlite" * 20})
case("sqlite_empty_file", f"meeting list {W}", files={"register.sqlite": b""})
TAMPERING = {
    "body_not_json": sql("UPDATE records SET body = 'not json' WHERE seq = 1"),
    "unknown_kind": sql("UPDATE records SET kind = 'teleported' WHERE seq = 1"),
    "unknown_level": sql(
        "UPDATE records SET body = json_set(body, '$.proposed.RXA', 'extreme') WHERE seq = 1"
    ),
    "field_missing": sql("UPDATE records SET body = json_remove(body, '$.date') WHERE seq = 1"),
    "dropped_table": sql("DROP TABLE records"),
    "body_a_list": sql("UPDATE records SET body = '[1, 2]' WHERE seq = 1"),
    "newer_schema": sql("PRAGMA user_version = 99"),
}
for name, change in TAMPERING.items():
    for command in ("meeting list", f"agenda {MEETING}", f"note {MEETING}"):
        case(
            f"sqlite_{name}_{command.split()[0]}",
            f"{command} {W}",
            setup=[OPEN],
            tamper=change,
        )
case("sqlite_edited_decision_verify", f"audit verify {W}", setup=[OPEN, DECIDE],
     tamper=sql("UPDATE records SET body = replace(body, 'regular_review', 'no_concerns') "
                "WHERE kind = 'decision'"))  # fmt: skip
for name, command in {
    "coverage_months": f"coverage {W} --months 999999",
    "coverage_months_zero": f"coverage {W} --months 0",
    "coverage_on": f"coverage {W} --on 2019-02-30",
    "action_list_on": f"action list {W} --on yesterday",
}.items():
    case(f"argument_{name}", command, setup=[OPEN])

# -- 6. the chain anchored outside the file ----------------------------------------------


def truncate(root: Path) -> None:
    conn = sqlite3.connect(root / "register.sqlite", isolation_level=None)
    top = conn.execute("SELECT max(seq) FROM records").fetchone()[0]
    conn.execute("DELETE FROM records WHERE seq > ?", (top - 1,))
    conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'records'", (top - 1,))
    conn.close()


def truncate_to(keep: int) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        conn = sqlite3.connect(root / "register.sqlite", isolation_level=None)
        conn.execute("DELETE FROM records WHERE seq > ?", (keep,))
        conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'records'", (keep,))
        conn.close()

    return change


def rewrite(root: Path) -> None:
    from qsgrules.register.store import _COLUMNS, GENESIS, record_hash

    conn = sqlite3.connect(root / "register.sqlite", isolation_level=None)
    conn.execute(
        "UPDATE records SET body = json_set(body, '$.level', 'no_concerns') WHERE kind = 'decision'"
    )
    prev = GENESIS
    for row in conn.execute(f"SELECT {_COLUMNS} FROM records ORDER BY seq").fetchall():
        digest = record_hash(row, prev)
        conn.execute("UPDATE records SET prev_hash = ?, hash = ? WHERE seq = ?",
                     (prev, digest, row[0]))  # fmt: skip
        prev = digest
    conn.close()


NOTE = f"note {MEETING} {W} --out note.md"
LATER = f"meeting open --date 2019-06-20 --chair 'Dr Jo Chair' {W} {BY}"  # records after it
for name, change in {"truncated": truncate, "rewritten": rewrite}.items():
    case(f"anchor_{name}_plain", f"audit verify {W}", setup=[OPEN, DECIDE, AGREE, NOTE, LATER],
         tamper=change)  # fmt: skip
    case(f"anchor_{name}_note", f"audit verify {W} --note note.md",
         setup=[OPEN, DECIDE, AGREE, NOTE, LATER], tamper=change)  # fmt: skip
# records removed back past the head the note printed (the agreement, record 4)
case("anchor_truncated_past_the_head_note", f"audit verify {W} --note note.md",
     setup=[OPEN, DECIDE, AGREE, NOTE, LATER], tamper=truncate_to(3))  # fmt: skip
case("anchor_bad_expect", f"audit verify {W} --expect 14:xyz", setup=[OPEN])
case("anchor_note_without_head", f"audit verify {W} --note providers.csv", setup=[OPEN])
case("anchor_keyed_rewritten", f"audit verify {W}", setup=[OPEN, DECIDE, AGREE],
     tamper=rewrite, env={"QSG_AUDIT_KEY": "kept by the clerk"})  # fmt: skip
case("anchor_keyed_macs_removed", f"audit verify {W}", setup=[OPEN, DECIDE],
     tamper=sql("DELETE FROM record_macs"), env={"QSG_AUDIT_KEY": "k"})  # fmt: skip

# -- 9 (smaller) and 10. the earlier inputs -----------------------------------------------

case("regional_one_register_twice", "report regional register.sqlite ./register.sqlite",
     setup=[OPEN])  # fmt: skip
case("synth_items_too_many", "synth --providers 2 --items 1000000000000 --out new")
case("synth_end_in_the_future", "synth --providers 2 --end 2019-07 --out new")
case("verify_shrink_nan", "verify ruleset.yaml --shrink-seconds nan",
     files={"ruleset.yaml": "x: 1\n"})  # fmt: skip
case("diff_stale_data", f"diff ruleset.yaml ruleset.yaml {W} --as-of 2019-06",
     files={"ruleset.yaml": DEFAULT})  # fmt: skip
for name, row in {
    "value_contradicts_counts": "RXA,ae_4hr_type1,2019-04,50,140,1000",
    "value_rounded_wrongly": "RXA,ae_4hr_type1,2019-04,14.1,140,1000",
    "fractional_numerator": "RXA,ae_4hr_type1,2019-04,,140.5,1000",
    "fractional_denominator": "RXA,ae_4hr_type1,2019-04,,140,1000.5",
    "fractional_events": "RXA,never_events_rate,2019-04,,0.5,10000",
    "long_value": "RXA,ae_4hr_type1,2019-04," + "9" * 200_000 + "x,,",
    "long_provider_code": "R" + "X" * 100_000 + ",ae_4hr_type1,2019-04,12,,",
    "long_period": "RXA,ae_4hr_type1,2019-" + "4" * 50_000 + ",12,,",
}.items():
    case(f"inputs_{name}", f"triage {W}", files={"indicators.csv": HEADER + ROWS + row + "\n"})
for name, row in {
    "value_rounded_to_a_whole": "RXA,ae_4hr_type1,2019-04,14,140,1000",
    "ratio_expected_fractional": "RXA,amenable_deaths,2019-04,1.04,147,141.4",
}.items():
    case(f"inputs_{name}_accepted", f"triage {W}",
         files={"indicators.csv": HEADER + ROWS + row + "\n"})  # fmt: skip
case(
    "inputs_ruleset_too_large",
    f"triage {W} --ruleset big.yaml",
    files={"big.yaml": "name: big\nversion: '1'\nrules: []\n# " + "x" * 270_000 + "\n"},
)
NEVER = (
    'name: case\nversion: "1"\nrules:\n  - id: r1\n    level: regular_review\n'
    "    description: x\n    because: x\n    when: {soft: {min: 5}}\n"
    "  - id: never\n    level: regular_review\n    description: d\n    because: b\n"
    "    when: {breach: {min: 30}}\n"
    "soft:\n  severity_points: {low: 1, moderate: 2, high: 5, critical: 10}\n"
    "  source_reliability: {A: 1.0, B: 0.8, C: 0.6, D: 0.4, E: 0.2}\n"
    "  information_assessment: {1: 1.0, 2: 0.9, 3: 0.7, 4: 0.4, 5: 0.0}\n"
    "  half_life_days: 182\n"
)
case("inputs_triage_warns_like_check", f"triage {W} --ruleset never.yaml",
     files={"never.yaml": NEVER})  # fmt: skip


# -- building and running ------------------------------------------------------------------


def _write(path: Path, content: Entry) -> None:
    if content is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if callable(content):
        content(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def build_case(name: str, root: Path) -> Path:
    """Write case ``name``'s files into a new folder ``root/name`` and return it (folders
    before what is in them)."""
    folder_path = root / name
    folder_path.mkdir(parents=True)
    for file_name, content in sorted(CASES[name].files.items(), key=lambda kv: kv[0]):
        _write(folder_path / file_name, content)
    return folder_path


def run_case(name: str, scratch: Path) -> tuple[int, str, str, BaseException | None]:
    """Build case ``name`` under ``scratch``, run its setup, its tampering and its command
    there: exit code, stdout, stderr, and the exception if the command raised one."""
    from click.testing import CliRunner

    from qsgrules.cli.main import cli

    c = CASES[name]
    folder_path = build_case(name, scratch)
    runner = CliRunner(env={"QSG_TODAY": TODAY, **c.env})
    cwd = Path.cwd()
    os.chdir(folder_path)
    try:
        for step in c.setup:
            done = runner.invoke(cli, shlex.split(step))
            if done.exit_code != 0:
                raise RuntimeError(f"{name}: setup {step!r} failed: {done.output}")
        if c.tamper is not None:
            c.tamper(folder_path)
        result = runner.invoke(cli, shlex.split(c.command))
    finally:
        os.chdir(cwd)
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    # a record's hash depends on when it was recorded: shown as <hash> in expectations;
    # the case's folder is shown as "."
    stderr = re.sub(r"\b[0-9a-f]{16,64}\b", "<hash>", result.stderr)
    stderr = stderr.replace(str(folder_path.resolve()), ".").replace(str(folder_path), ".")
    return result.exit_code, result.stdout, stderr, error


def expected(name: str) -> tuple[int, str]:
    """Case ``name``'s expected exit code and stderr (``expected/NAME.txt``)."""
    text = (EXPECTED / f"{name}.txt").read_bytes().decode("utf-8")
    first, _, stderr = text.partition("\n")
    verb, code = first.split(" ")
    assert verb == "exit", f"expected/{name}.txt: the first line is 'exit N'"
    return int(code), stderr


def expect(names: list[str]) -> None:
    """Run each case once and write what it gave as its expectation (review it)."""
    import tempfile

    EXPECTED.mkdir(exist_ok=True)
    for name in names:
        with tempfile.TemporaryDirectory() as scratch:
            code, _, stderr, error = run_case(name, Path(scratch))
        if error is not None:
            raise RuntimeError(f"{name}: {error!r}") from error
        (EXPECTED / f"{name}.txt").write_bytes(f"exit {code}\n{stderr}".encode())


if __name__ == "__main__":
    chosen = sys.argv[1:] or sorted(CASES)
    unknown = [n for n in chosen if n not in CASES]
    if unknown:
        raise SystemExit(f"no such case: {', '.join(unknown)}")
    expect(chosen)
    print(f"{len(chosen)} expectation(s) written under {EXPECTED}", file=sys.stderr)
