"""The corpus of invalid, hostile and unusual inputs (tests/test_input_cases.py runs it).

A case is a delta and an expectation, never a copy of a workspace:

- its **delta**, declared below: ``ws(NAME, {FILE: CONTENT}, COMMAND)`` is the base workspace
  (``BASE``: providers.csv, indicators.csv, members.csv, intelligence.yaml) with those files
  replaced (``None`` removes one, ``folder`` puts a folder there, ``link(TARGET)`` a
  symbolic link), run as ``qsg COMMAND`` (default ``triage --workspace .``) in the
  workspace's folder; ``rs(NAME, CONTENT)`` is a ``ruleset.yaml`` checked with
  ``qsg check ruleset.yaml``. CONTENT is text (written as UTF-8) or bytes (written as
  they are: other encodings, NUL bytes). Names get a ``ws_`` or ``rs_`` prefix.
- its **expectation**, ``expected/NAME.txt``: the first line ``exit N`` (the exit code),
  then exactly what the command wrote to stderr.

The suite builds each case in a temporary folder (``build_case``) and runs it with
``QSG_TODAY=2019-06-30``. To add a case: declare it, then write its expectation by running
it once and review the new file (a changed message is a changed behaviour)::

    python tests/cases/inputs/make_cases.py ws_my_new_case     # write expected/ for these
    python tests/cases/inputs/make_cases.py                    # rewrite every expectation
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2019-06-30"  # QSG_TODAY for every case: "the future" is after June 2019

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
ITEM1 = (
    "- id: SI-001\n"
    "  provider: RXA\n"
    "  source: CQC\n"
    "  received: 2019-02-11\n"
    "  domain: safety\n"
    "  severity: high\n"
    "  grading: B2\n"
    "  summary: Staffing below plan on night shifts.\n"
)
ITEM2 = (
    "- id: SI-002\n"
    "  provider: RXB\n"
    "  source: Example CCG\n"
    "  received: 2019-03-04\n"
    "  domain: experience\n"
    "  severity: moderate\n"
    "  grading: C3\n"
    "  summary: Complaints about discharge letters.\n"
)
BASE: dict[str, str | bytes] = {
    "providers.csv": PROVIDERS,
    "indicators.csv": HEADER + ROWS,
    "members.csv": MEMBERS,
    "intelligence.yaml": ITEM1 + ITEM2,
}
CSV_HEADER = "id,provider,source,received,domain,severity,grading,summary\n"
CSV_ITEM = "SI-101,RXA,CQC,2019-02-12,safety,low,B2,Late escalation of sepsis.\n"

Files = dict[str, "str | bytes | Callable[[Path], None] | None"]
CASES: dict[str, dict[str, object]] = {}


def ws(name: str, files: Files, command: str = "triage --workspace .") -> None:
    """A workspace case: the base with ``files`` replaced (None removes a file)."""
    CASES[f"ws_{name}"] = {"files": {**BASE, **files}, "command": command}


def rs(name: str, text: str | bytes | Callable[[Path], None]) -> None:
    """A ruleset case, checked with `qsg check ruleset.yaml`."""
    CASES[f"rs_{name}"] = {"files": {"ruleset.yaml": text}, "command": "check ruleset.yaml"}


def item(**fields: str | None) -> str:
    """ITEM1 with fields changed (value None removes; keys keep ITEM1's order)."""
    base: dict[str, str | None] = {}
    for line in ITEM1.strip().splitlines():
        key, value = line.strip("- ").split(": ", 1)
        base[key] = value
    base.update(fields)
    lines = [f"{k}: {v}" for k, v in base.items() if v is not None]
    return "- " + "\n  ".join(lines) + "\n"


def link(target: str) -> Callable[[Path], None]:
    """A symbolic link to ``target``, made when the case is built (so that no link to a
    device is committed, where tools that walk the repository would read it)."""

    def make(path: Path) -> None:
        path.symlink_to(target)

    return make


def folder(path: Path) -> None:
    path.mkdir()
    (path / "README").write_text("a folder where a file should be\n")


def rows(*lines: str) -> str:
    return HEADER + ROWS + "".join(line + "\n" for line in lines)


# -- providers.csv --------------------------------------------------------------------------
ws("providers_empty", {"providers.csv": ""})
ws("providers_header_only", {"providers.csv": "code,name,type,qsg\n"})
ws("providers_missing_column", {"providers.csv": "code,name,type\nRXA,A,acute\n"})
ws(
    "providers_extra_column_kept",
    {"providers.csv": PROVIDERS.replace("qsg\n", "qsg,region\n").replace("QSG\n", "QSG,London\n")},
)
ws("providers_duplicate_code", {"providers.csv": PROVIDERS + "RXA,Again,acute,Q\n"})
ws("providers_unknown_type", {"providers.csv": PROVIDERS + "RXC,C,hospital,Q\n"})
ws("providers_type_typo", {"providers.csv": PROVIDERS + "RXC,C,acut,Q\n"})
ws("providers_type_upper", {"providers.csv": PROVIDERS + "RXC,C,Acute,Q\n"})
ws("providers_type_empty", {"providers.csv": PROVIDERS + "RXC,C,,Q\n"})
ws("providers_code_empty", {"providers.csv": PROVIDERS + ",C,acute,Q\n"})
ws("providers_short_row", {"providers.csv": PROVIDERS + "RXC,C,acute\n"})
ws("providers_long_row", {"providers.csv": PROVIDERS + "RXC,C,acute,Q,extra\n"})
ws("providers_newline_in_name", {"providers.csv": PROVIDERS + 'RXC,"Split\nName",acute,Q\n'})
ws("providers_bel_in_name", {"providers.csv": PROVIDERS + "RXC,Bell\x07,acute,Q\n"})
ws("providers_escape_in_name", {"providers.csv": PROVIDERS + "RXC,\x1b[31mRed,acute,Q\n"})
ws("providers_tab_in_name", {"providers.csv": PROVIDERS + "RXC,Tab\there,acute,Q\n"})
ws("providers_bidi_in_name", {"providers.csv": PROVIDERS + "RXC,Trust\u202eevil,acute,Q\n"})
ws("providers_nhs_number_in_name", {"providers.csv": PROVIDERS + "RXC,NHS no 9434765919,acute,Q\n"})
ws("providers_phone_in_qsg", {"providers.csv": PROVIDERS + "RXC,C,acute,Call 07700 900123\n"})
ws("providers_email_in_name", {"providers.csv": PROVIDERS + "RXC,jo@example.org,acute,Q\n"})
ws("providers_control_in_code", {"providers.csv": PROVIDERS + "RX\x01C,C,acute,Q\n"})
ws("providers_bom_and_crlf_ok", {"providers.csv": "\ufeff" + PROVIDERS.replace("\n", "\r\n")})
ws(
    "providers_latin1",
    {"providers.csv": PROVIDERS.encode() + "RXC,Café,acute,Q\n".encode("latin-1")},
)
ws("providers_utf16", {"providers.csv": PROVIDERS.encode("utf-16")})
ws("providers_nul_byte", {"providers.csv": PROVIDERS + "RXC,C\x00,acute,Q\n"})
ws("providers_folder", {"providers.csv": folder})
ws("providers_device", {"providers.csv": link("/dev/null")})
ws("providers_missing", {"providers.csv": None})
ws("providers_unterminated_quote", {"providers.csv": PROVIDERS + 'RXC,"Open,acute,Q\n'})
ws("providers_spaces_trimmed_ok", {"providers.csv": PROVIDERS.replace("RXA,", " RXA ,")})

# -- indicators.csv -------------------------------------------------------------------------
ws("ind_empty", {"indicators.csv": ""})
ws("ind_header_only_no_items", {"indicators.csv": HEADER, "intelligence.yaml": None})
ws("ind_header_only_with_items", {"indicators.csv": HEADER})
ws("ind_header_only_as_of", {"indicators.csv": HEADER}, "triage --workspace . --as-of 2019-03")
ws("ind_missing_columns", {"indicators.csv": "provider,indicator\nRXA,ae_4hr_type1\n"})
ws(
    "ind_only_numerator_column",
    {
        "indicators.csv": "provider,indicator,period,value,numerator\n"
        "RXA,ae_4hr_type1,2019-01,12,3\n"
    },
)
ws("ind_missing", {"indicators.csv": None})
ws("ind_folder", {"indicators.csv": folder})
ws("ind_device", {"indicators.csv": link("/dev/zero")})
ws("ind_value_text", {"indicators.csv": rows("RXB,harm_free_care,2019-04,ninety,,")})
ws("ind_value_empty", {"indicators.csv": rows("RXB,harm_free_care,2019-04,,,")})
ws("ind_value_nan", {"indicators.csv": rows("RXB,harm_free_care,2019-04,NaN,,")})
ws("ind_value_inf", {"indicators.csv": rows("RXB,harm_free_care,2019-04,inf,,")})
ws("ind_value_minus_inf", {"indicators.csv": rows("RXB,harm_free_care,2019-04,-Infinity,,")})
ws("ind_value_overflow", {"indicators.csv": rows("RXB,harm_free_care,2019-04,1e309,,")})
ws("ind_value_huge", {"indicators.csv": rows("RXB,harm_free_care,2019-04,1e308,,")})
ws("ind_percent_negative", {"indicators.csv": rows("RXB,harm_free_care,2019-04,-5,,")})
ws("ind_percent_over_100", {"indicators.csv": rows("RXB,harm_free_care,2019-04,150,,")})
ws("ind_percent_just_over", {"indicators.csv": rows("RXB,harm_free_care,2019-04,100.0001,,")})
ws("ind_percent_100_ok", {"indicators.csv": rows("RXB,harm_free_care,2019-04,100,,")})
ws("ind_per_1000_over", {"indicators.csv": rows("RXA,elective_deaths_30d,2019-01,1200,,")})
ws("ind_rate_negative", {"indicators.csv": rows("RXA,infections_rate,2019-01,-0.2,,")})
ws("ind_rate_large_ok", {"indicators.csv": rows("RXA,infections_rate,2019-01,250,,")})
ws("ind_rating_zero", {"indicators.csv": rows("RXA,trust_rating,2019-01,0,,")})
ws("ind_rating_five", {"indicators.csv": rows("RXA,trust_rating,2019-01,5,,")})
ws("ind_score_over", {"indicators.csv": rows("RXA,net_promoter,2019-01,101,,")})
ws("ind_score_negative_ok", {"indicators.csv": rows("RXA,net_promoter,2019-01,-40,,")})
ws("ind_count_negative", {"indicators.csv": rows("RXA,cqc_compliance_notices,2019-01,-1,,")})
ws("ind_ratio_negative", {"indicators.csv": rows("RXA,amenable_deaths,2019-01,-0.5,,")})
ws("ind_value_underscores_ok", {"indicators.csv": rows("RXA,cqc_compliance_notices,2019-01,1_0,,")})
ws("ind_value_plus_sign_ok", {"indicators.csv": rows("RXA,cqc_compliance_notices,2019-01,+3,,")})
ws("ind_value_comma_decimal", {"indicators.csv": rows('RXB,harm_free_care,2019-04,"95,5",,')})
ws("ind_value_percent_sign", {"indicators.csv": rows("RXB,harm_free_care,2019-04,95%,,")})
ws("ind_period_short_month", {"indicators.csv": rows("RXB,harm_free_care,2019-4,95,,")})
ws("ind_period_two_digit_year", {"indicators.csv": rows("RXB,harm_free_care,19-04,95,,")})
ws("ind_period_slash", {"indicators.csv": rows("RXB,harm_free_care,2019/04,95,,")})
ws("ind_period_month_zero", {"indicators.csv": rows("RXB,harm_free_care,2019-00,95,,")})
ws("ind_period_before_nhs", {"indicators.csv": rows("RXB,harm_free_care,1947-12,95,,")})
ws("ind_period_this_month_ok", {"indicators.csv": rows("RXB,harm_free_care,2019-06,95,,")})
ws("ind_period_next_month", {"indicators.csv": rows("RXB,harm_free_care,2019-07,95,,")})
ws("ind_period_2099", {"indicators.csv": rows("RXB,harm_free_care,2099-01,95,,")})
ws("ind_period_full_date", {"indicators.csv": rows("RXB,harm_free_care,2019-04-01,95,,")})
ws("ind_unknown_indicator", {"indicators.csv": rows("RXB,kindness_score,2019-04,95,,")})
ws("ind_indicator_typo", {"indicators.csv": rows("RXB,harm_free_car,2019-04,95,,")})
ws("ind_indicator_upper", {"indicators.csv": rows("RXB,HARM_FREE_CARE,2019-04,95,,")})
ws("ind_unknown_provider", {"indicators.csv": rows("RXC,harm_free_care,2019-04,95,,")})
ws("ind_provider_lower", {"indicators.csv": rows("rxb,harm_free_care,2019-04,95,,")})
ws("ind_provider_empty", {"indicators.csv": rows(",harm_free_care,2019-04,95,,")})
ws(
    "ind_many_unknown_rows",
    {"indicators.csv": rows(*(f"RXZ,harm_free_care,2018-{m:02d},95,," for m in range(1, 13)))},
)
ws("ind_duplicate_row", {"indicators.csv": rows("RXB,harm_free_care,2019-03,94.8,,")})
ws("ind_numerator_above", {"indicators.csv": rows("RXA,ae_4hr_type1,2019-04,,1200,1000")})
ws("ind_numerator_above_ratio_ok", {"indicators.csv": rows("RXA,amenable_deaths,2019-04,,12,10")})
ws("ind_numerator_empty", {"indicators.csv": rows("RXA,ae_4hr_type1,2019-04,,,1000")})
ws("ind_denominator_zero", {"indicators.csv": rows("RXA,ae_4hr_type1,2019-04,,0,0")})
ws("ind_denominator_negative", {"indicators.csv": rows("RXA,ae_4hr_type1,2019-04,,1,-10")})
ws("ind_numerator_negative", {"indicators.csv": rows("RXA,ae_4hr_type1,2019-04,,-1,10")})
ws("ind_denominator_text", {"indicators.csv": rows("RXA,ae_4hr_type1,2019-04,,1,ten")})
ws("ind_counts_and_value_ok", {"indicators.csv": rows("RXA,ae_4hr_type1,2019-04,14,140,1000")})
ws(
    "ind_blank_lines_ok",
    {"indicators.csv": HEADER + ROWS[:70] + "\n\n" + ROWS[70:] + "RXC,x,2019-13,,,\n"},
)
ws("ind_trailing_blank_lines_ok", {"indicators.csv": HEADER + ROWS + "\n\n\n"})
ws("ind_spaces_row", {"indicators.csv": HEADER + ROWS + " , , , , , \nRXC,x,2019-01,1,,\n"})
ws(
    "ind_quoted_newline",
    {
        "indicators.csv": HEADER
        + ROWS
        + '"RXB\n",harm_free_care,2019-04,9,,\n'
        + "RXB,nope,2019-05,9,,\n"
    },
)
ws("ind_short_row", {"indicators.csv": rows("RXB,harm_free_care,2019-04")})
ws("ind_long_row", {"indicators.csv": rows("RXB,harm_free_care,2019-04,95,,,extra")})
ws("ind_crlf_ok", {"indicators.csv": (HEADER + ROWS).replace("\n", "\r\n")})
ws("ind_cr_only", {"indicators.csv": (HEADER + ROWS + "RXC,x,2019-01,1,,\n").replace("\n", "\r")})
ws("ind_bom_ok", {"indicators.csv": "\ufeff" + HEADER + ROWS})
ws(
    "ind_latin1_line",
    {"indicators.csv": (HEADER + ROWS).encode() + "RXB,café,2019-04,9,,\n".encode("latin-1")},
)
ws("ind_nul_byte", {"indicators.csv": rows("RXB,harm_free_care,2019-04,9\x00,,")})
ws("ind_unterminated_quote", {"indicators.csv": rows('RXB,harm_free_care,2019-04,"9,,')})
ws(
    "ind_duplicate_header",
    {"indicators.csv": "provider,indicator,period,value,value\nRXA,ae_4hr_type1,2019-01,12,13\n"},
)
ws("ind_header_spaces_ok", {"indicators.csv": HEADER.replace(",", " , ") + ROWS})
ws(
    "ind_extra_column_ok",
    {"indicators.csv": HEADER.replace("\n", ",note\n") + ROWS.replace("\n", ",checked\n")},
)
ws("ind_no_data_for_one", {"indicators.csv": HEADER + ROWS[:105], "intelligence.yaml": ITEM1})
ws("ind_one_row_in_2099_moves_nothing", {"indicators.csv": rows("RXA,ae_4hr_type1,2099-01,,1,10")})

# -- intelligence.yaml ----------------------------------------------------------------------
ws("yaml_empty_warns", {"intelligence.yaml": ""})
ws("yaml_comments_only", {"intelligence.yaml": "# nothing yet\n"})
ws("yaml_mapping", {"intelligence.yaml": "id: SI-1\nprovider: RXA\n"})
ws("yaml_scalar", {"intelligence.yaml": "just text\n"})
ws("yaml_list_of_scalars", {"intelligence.yaml": "- SI-1\n- SI-2\n"})
ws(
    "yaml_items_key_ok",
    {
        "intelligence.yaml": "items:\n"
        + "".join("  " + line + "\n" for line in (ITEM1 + ITEM2).splitlines())
    },
)
ws("yaml_folder", {"intelligence.yaml": folder})
ws("yaml_device", {"intelligence.yaml": link("/dev/zero")})
ws("yaml_broken_link", {"intelligence.yaml": link("missing.yaml")})
ws("yaml_latin1", {"intelligence.yaml": ITEM1.encode() + "  # café\n".encode("latin-1")})
ws(
    "yaml_alias_bomb",
    {
        "intelligence.yaml": "a: &a ["
        + ",".join(["x"] * 10)
        + "]\n"
        + "".join(
            f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
    },
)
ws("yaml_recursive_alias", {"intelligence.yaml": "&r [*r]\n"})
ws("yaml_deep_nesting", {"intelligence.yaml": "[" * 2000 + "]" * 2000 + "\n"})
ws("yaml_tab_indent", {"intelligence.yaml": ITEM1.replace("  provider", "\tprovider")})
ws("yaml_duplicate_key", {"intelligence.yaml": ITEM1 + "  severity: low\n"})
ws("yaml_unknown_key", {"intelligence.yaml": item(priority="high")})
ws("yaml_missing_received", {"intelligence.yaml": item(received=None)})
ws("yaml_missing_summary", {"intelligence.yaml": item(summary=None)})
ws("yaml_missing_provider", {"intelligence.yaml": item(provider=None)})
ws("yaml_received_future", {"intelligence.yaml": item(received="2019-07-01")})
ws("yaml_received_bad_date", {"intelligence.yaml": item(received="2019-02-30")})
ws("yaml_received_text", {"intelligence.yaml": item(received="last week")})
ws("yaml_received_datetime", {"intelligence.yaml": item(received="2019-02-11 10:00:00")})
ws(
    "yaml_closed_without_reason",
    {"intelligence.yaml": item(status="closed", closed_on="2019-03-01")},
)
ws(
    "yaml_closed_before_received",
    {"intelligence.yaml": item(status="closed", closed_on="2019-01-01", closed_reason="Assured.")},
)
ws(
    "yaml_closed_in_future",
    {"intelligence.yaml": item(status="closed", closed_on="2019-08-01", closed_reason="Assured.")},
)
ws("yaml_closed_on_but_open", {"intelligence.yaml": item(closed_on="2019-03-01")})
ws("yaml_status_unknown", {"intelligence.yaml": item(status="pending")})
ws("yaml_handling_unknown", {"intelligence.yaml": item(handling="secret")})
ws("yaml_grading_f9", {"intelligence.yaml": item(grading="F9")})
ws("yaml_grading_lower", {"intelligence.yaml": item(grading="b2")})
ws("yaml_grading_number", {"intelligence.yaml": item(grading="22")})
ws("yaml_severity_typo", {"intelligence.yaml": item(severity="hgih")})
ws("yaml_domain_typo", {"intelligence.yaml": item(domain="saftey")})
ws("yaml_unknown_provider", {"intelligence.yaml": item(provider="RXQ")})
ws("yaml_provider_number", {"intelligence.yaml": item(provider="12")})
ws("yaml_unknown_source", {"intelligence.yaml": item(source="Example CGG")})
ws("yaml_summary_empty", {"intelligence.yaml": item(summary='""')})
ws("yaml_summary_yes", {"intelligence.yaml": item(summary="yes")})
ws("yaml_summary_nhs_number", {"intelligence.yaml": item(summary="Patient 943 476 5919 fell.")})
ws("yaml_summary_phone", {"intelligence.yaml": item(summary="Ring 020 7946 0958 to discuss.")})
ws("yaml_summary_email", {"intelligence.yaml": item(summary="From jo.bloggs@example.org.")})
ws("yaml_summary_postcode", {"intelligence.yaml": item(summary="Lives at SW1A 1AA.")})
ws("yaml_summary_dob", {"intelligence.yaml": item(summary="Patient born 12/03/1954.")})
ws("yaml_summary_mrn", {"intelligence.yaml": item(summary="'MRN: A123456 transferred.'")})
ws("yaml_summary_bel", {"intelligence.yaml": item(summary='"Alarm \\a sounded"')})
ws("yaml_summary_escape", {"intelligence.yaml": item(summary='"\\e[2J cleared"')})
ws("yaml_summary_bidi", {"intelligence.yaml": item(summary='"Trust \\u202e reversed"')})
ws(
    "yaml_summary_multiline_ok",
    {"intelligence.yaml": item(summary="|\n    Line one.\n    Line two.")},
)
ws(
    "yaml_reason_phone",
    {
        "intelligence.yaml": item(
            status="closed", closed_on="2019-03-01", closed_reason="Call 07700 900123"
        )
    },
)
ws("yaml_id_nhs_number", {"intelligence.yaml": item(id="'9434765919'")})
ws("yaml_id_newline", {"intelligence.yaml": item(id='"SI-\\n1"')})
ws("yaml_id_integer_ok", {"intelligence.yaml": item(id="7")})
ws("yaml_duplicate_id", {"intelligence.yaml": ITEM1 + ITEM1})
ws(
    "yaml_duplicate_of_missing",
    {"intelligence.yaml": ITEM1 + item(id="SI-003", duplicate_of="SI-009")},
)
ws("yaml_duplicate_of_self", {"intelligence.yaml": item(duplicate_of="SI-001")})
ws(
    "yaml_duplicate_of_cycle",
    {"intelligence.yaml": item(duplicate_of="SI-003") + item(id="SI-003", duplicate_of="SI-001")},
)
ws(
    "yaml_corroborates_cycle_of_three",
    {
        "intelligence.yaml": item(corroborates="SI-003")
        + item(id="SI-003", corroborates="SI-004")
        + item(id="SI-004", corroborates="SI-001")
    },
)
ws(
    "yaml_mixed_cycle",
    {"intelligence.yaml": item(duplicate_of="SI-003") + item(id="SI-003", corroborates="SI-001")},
)
ws(
    "yaml_chain_ok",
    {
        "intelligence.yaml": item()
        + item(id="SI-003", duplicate_of="SI-001")
        + item(id="SI-004", duplicate_of="SI-003")
    },
)
ws("yaml_python_tag", {"intelligence.yaml": "- !!python/object:os.system {}\n"})
ws("yaml_binary", {"intelligence.yaml": item(summary="!!binary aGVsbG8=")})
ws("yaml_expires_ok", {"intelligence.yaml": item(expires="2019-03-01")})
ws("yaml_long_line_ok", {"intelligence.yaml": item(summary="Concern " * 500)})
ws("yaml_syntax_error", {"intelligence.yaml": ITEM1 + "  summary: [unclosed\n"})
ws("yaml_old_item_ok", {"intelligence.yaml": item(received="1990-01-01")})

# -- intelligence.csv -----------------------------------------------------------------------
ws("csv_only_ok", {"intelligence.yaml": None, "intelligence.csv": CSV_HEADER + CSV_ITEM})
ws("csv_empty_warns", {"intelligence.csv": ""})
ws(
    "csv_unknown_column",
    {
        "intelligence.csv": CSV_HEADER.replace("\n", ",priority\n")
        + CSV_ITEM.replace("\n", ",high\n")
    },
)
ws("csv_short_row", {"intelligence.csv": CSV_HEADER + "SI-101,RXA,CQC\n"})
ws("csv_long_row", {"intelligence.csv": CSV_HEADER + CSV_ITEM.replace("\n", ",extra\n")})
ws(
    "csv_latin1",
    {
        "intelligence.csv": (CSV_HEADER + CSV_ITEM).encode()
        + "SI-102,RXA,CQC,2019-02-12,safety,low,B2,Café.\n".encode("latin-1")
    },
)
ws(
    "csv_phone_in_summary",
    {"intelligence.csv": CSV_HEADER + CSV_ITEM.replace("Late escalation", "Call 07700 900123")},
)
ws("csv_bel_in_summary", {"intelligence.csv": CSV_HEADER + CSV_ITEM.replace("Late", "Late\x07")})
ws("csv_id_also_in_yaml", {"intelligence.csv": CSV_HEADER + CSV_ITEM.replace("SI-101", "SI-001")})
ws(
    "csv_future_received",
    {"intelligence.csv": CSV_HEADER + CSV_ITEM.replace("2019-02-12", "2020-01-01")},
)
ws("csv_folder", {"intelligence.csv": folder})

# -- members.csv ----------------------------------------------------------------------------
ws("members_latin1", {"members.csv": MEMBERS.encode() + "Café Group,other\n".encode("latin-1")})
ws("members_missing_kind", {"members.csv": "name\nExample CCG\n"})
ws("members_empty_file", {"members.csv": ""})
ws("members_unknown_kind", {"members.csv": MEMBERS + "Local Council,council\n"})
ws("members_duplicate", {"members.csv": MEMBERS + "Example CCG,commissioner\n"})
ws("members_national_again", {"members.csv": MEMBERS + "CQC,regulator\n"})
ws("members_empty_name", {"members.csv": MEMBERS + ",other\n"})
ws(
    "members_phone_in_title",
    {"members.csv": "name,kind,title\nExample CCG,commissioner,Call 07700 900123\n"},
)
ws("members_newline_in_name", {"members.csv": MEMBERS + '"Two\nLines",other\n'})
ws("members_folder", {"members.csv": folder})
ws("members_short_row", {"members.csv": MEMBERS + "Lonely\n"})

# -- commands and options -------------------------------------------------------------------
ws("cli_bad_as_of", {}, "triage --workspace . --as-of 2019-13")
ws("cli_as_of_far_future", {}, "triage --workspace . --as-of 9999-12")
ws("cli_explain_unknown", {}, "explain RXZ --workspace .")
ws("cli_triage_unknown_provider", {}, "triage --workspace . --provider RXZ")
ws("cli_intel_close_unknown", {}, "intel close SI-999 --workspace . --reason Assured.")
ws(
    "cli_intel_close_nhs_number",
    {},
    "intel close SI-001 --workspace . --reason 'NHS no 943 476 5919'",
)
ws("cli_intel_close_ok", {}, "intel close SI-001 --workspace . --reason 'Assured at visit.'")
ws(
    "cli_intel_add_ok",
    {},
    "intel add --workspace . --provider RXA --source CQC --domain safety "
    "--severity low --grading B2 --summary 'Late escalation.' --received 2019-03-01",
)
ws(
    "cli_intel_add_bel_summary",
    {},
    "intel add --workspace . --provider RXA --source CQC "
    "--domain safety --severity low --grading B2 --summary 'Bell\x07' --received 2019-03-01",
)
ws(
    "cli_intel_close_before_received",
    {},
    "intel close SI-001 --workspace . --reason Assured. --on 2019-01-01",
)
ws(
    "cli_intel_add_unknown_provider",
    {},
    "intel add --workspace . --provider RXQ --source CQC "
    "--domain safety --severity low --grading B2 --summary Late. --received 2019-03-01",
)
ws(
    "cli_intel_add_future",
    {},
    "intel add --workspace . --provider RXA --source CQC "
    "--domain safety --severity low --grading B2 --summary Late. --received 2019-12-01",
)
ws(
    "cli_intel_add_bad_grading",
    {},
    "intel add --workspace . --provider RXA --source CQC "
    "--domain safety --severity low --grading Z9 --summary Late. --received 2019-03-01",
)
ws(
    "cli_intel_add_bad_duplicate_of",
    {},
    "intel add --workspace . --provider RXA --source CQC "
    "--domain safety --severity low --grading B2 --summary Late. --received 2019-03-01 "
    "--duplicate-of SI-404",
)
ws("cli_intel_list_unknown_provider", {}, "intel list --workspace . --provider RXZ")
ws("cli_no_such_workspace", {}, "triage --workspace nowhere")
ws("cli_explain_no_such_workspace", {}, "explain RXA -w nowhere")
ws("cli_intel_close_no_such_workspace", {}, "intel close SI-001 --workspace nowhere --reason x")
ws(
    "cli_intel_add_no_such_workspace",
    {},
    "intel add --workspace nowhere --provider RXA --source CQC --domain safety --severity low "
    "--grading B2 --summary Late.",
)

# -- rulesets -------------------------------------------------------------------------------
RULE = (
    'name: case\nversion: "1"\nrules:\n  - id: r1\n    level: regular_review\n'
    "    description: x\n    because: x\n    when: {soft: {min: 5}}\n"
    "soft:\n  severity_points: {low: 1, moderate: 2, high: 5, critical: 10}\n"
    "  source_reliability: {A: 1.0, B: 0.8, C: 0.6, D: 0.4, E: 0.2}\n"
    "  information_assessment: {1: 1.0, 2: 0.9, 3: 0.7, 4: 0.4, 5: 0.0}\n"
    "  half_life_days: 182\n"
)
rs(
    "alias_bomb",
    'name: case\nversion: "1"\nrules: []\nlol: &a ['
    + ",".join(["x"] * 10)
    + "]\n"
    + "".join(
        f"l{i}: &a{i} [" + ",".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]\n"
        for i in range(1, 9)
    ),
)
rs("recursive_alias", 'name: case\nversion: "1"\nrules: &r [*r]\n')
rs("deep_nesting", 'name: case\nversion: "1"\nrules: ' + "[" * 2000 + "]" * 2000 + "\n")
rs("empty", "")
rs("comments_only", "# nothing\n")
rs("a_list", "- rules\n")
rs("a_scalar", "rules\n")
rs("device", link("/dev/zero"))
rs("broken_link", link("nowhere.yaml"))
rs("latin1", RULE.encode() + "# café\n".encode("latin-1"))
rs("utf16", RULE.encode("utf-16"))
rs("nul_byte", RULE + "# \x00\n")
rs("tab_indent", RULE.replace("    level", "\tlevel"))
rs("python_tag", RULE + "extra: !!python/object/apply:os.system ['true']\n")
rs("unknown_top_key", RULE + "colour: blue\n")
rs("missing_rules", RULE.replace("rules:", "rulez:"))
rs("version_number", RULE.replace('version: "1"', "version: 1"))
rs("level_no_concerns", RULE.replace("regular_review", "no_concerns"))
rs("soft_nan", RULE.replace("min: 5", "min: .nan"))
rs("soft_inf", RULE.replace("min: 5", "min: .inf"))
rs("half_life_zero", RULE.replace("half_life_days: 182", "half_life_days: 0"))
rs("half_life_negative", RULE.replace("half_life_days: 182", "half_life_days: -5"))
rs("weight_below_one", RULE + "  corroboration_weight: 0.5\n")
rs("severity_missing", RULE.replace("critical: 10", ""))
rs("assessment_string_keys", RULE.replace("{1: 1.0", "{'1': 1.0"))
rs("merge_key", RULE + "base: &b {x: 1}\nmore:\n  <<: *b\n")
rs(
    "duplicate_rule_id",
    RULE.replace(
        "rules:\n",
        "rules:\n  - {id: r1, level: risk_summit, description: x, because: x, "
        "when: {soft: {min: 9}}}\n",
    ),
)
rs("bom_ok", "\ufeff" + RULE)
rs("ok", RULE)


EXPECTED = HERE / "expected"


def _write(path: Path, content: object) -> None:
    if content is None:
        return
    if callable(content):
        content(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        assert isinstance(content, str)
        path.write_bytes(content.encode("utf-8"))


def build_case(name: str, root: Path) -> Path:
    """Write case ``name``'s files into a new folder ``root/name`` and return it."""
    folder_path = root / name
    folder_path.mkdir(parents=True)
    files = CASES[name]["files"]
    assert isinstance(files, dict)
    for file_name, content in files.items():
        _write(folder_path / file_name, content)
    return folder_path


def run_case(name: str, scratch: Path) -> tuple[int, str, BaseException | None]:
    """Build case ``name`` under ``scratch`` and run its command there: exit code, stderr,
    and the exception if the command raised one (it never should)."""
    from click.testing import CliRunner

    from qsgrules.cli.main import cli

    folder_path = build_case(name, scratch)
    args = shlex.split(str(CASES[name]["command"]))
    cwd = Path.cwd()
    os.chdir(folder_path)
    try:
        result = CliRunner(env={"QSG_TODAY": TODAY}).invoke(cli, args)
    finally:
        os.chdir(cwd)
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.stderr, error


def expected(name: str) -> tuple[int, str]:
    """Case ``name``'s expected exit code and stderr (``expected/NAME.txt``)."""
    text = (EXPECTED / f"{name}.txt").read_bytes().decode("utf-8")
    first, _, stderr = text.partition("\n")
    verb, code = first.split(" ")
    assert verb == "exit", f"expected/{name}.txt: the first line is 'exit N'"
    return int(code), stderr


def expect(names: list[str]) -> None:
    """Run each case once and write what it gave as its expectation (review before
    committing)."""
    import tempfile

    EXPECTED.mkdir(exist_ok=True)
    for name in names:
        with tempfile.TemporaryDirectory() as scratch:
            code, stderr, error = run_case(name, Path(scratch))
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
