"""The Python API: everything `qsg` and the live page do can be done from here, and they
do it through here. One resolver of inputs (``inputs``: the workspace or the demo, the
ruleset or the default, the register) and a module per use case: ``proposals`` (the
triage), ``intel``, ``pack``, ``record`` (meetings and the QSG's record) and ``rulesets``
(check, diff, backtest, verify, test)."""

from __future__ import annotations

from ..engine.triage import triage as triage
from ..reports.public import publishable as publishable
from ..ruleset import load_ruleset as load_ruleset
from ..workspace import load_workspace as load_workspace
from ..workspace.discover import Found as Found
from ..workspace.discover import find_workspace as find_workspace
from ..workspace.init import init_workspace as init_workspace
from ..workspace.privacy_scan import scan_workspace as scan_workspace
from .inputs import REGISTER_FILE as REGISTER_FILE
from .inputs import open_inputs as open_inputs
from .inputs import open_register as open_register
from .inputs import open_ruleset as open_ruleset
from .inputs import open_rulesets as open_rulesets
from .inputs import open_workspace as open_workspace
from .inputs import register_file as register_file
from .intel import Intelligence as Intelligence
from .intel import add_item as add_item
from .intel import close_item as close_item
from .intel import intelligence as intelligence
from .intel import list_intelligence as list_intelligence
from .intel import shared_at as shared_at
from .members import Roster as Roster
from .members import add_member as add_member
from .members import retire_member as retire_member
from .members import roster as roster
from .pack import PackSource as PackSource
from .pack import meeting_pack as meeting_pack
from .pack import pack_context as pack_context
from .pack import pack_source as pack_source
from .proposals import prepare_triage as prepare_triage
from .proposals import recorded_rebases as recorded_rebases
from .proposals import run_triage as run_triage
from .proposals import standing_levels as standing_levels
from .proposals import with_standing as with_standing
from .proposals import write_triage_csv as write_triage_csv
from .proposals import write_triage_json as write_triage_json
from .proposals import write_triage_table as write_triage_table
from .record import audit_verify as audit_verify
from .record import coverage as coverage
from .record import decided_levels as decided_levels
from .record import open_meeting as open_meeting
from .record import plan_meeting as plan_meeting
from .record import regional_report as regional_report
from .record import workspace_settings as workspace_settings
from .rulesets import BacktestRun as BacktestRun
from .rulesets import RulesetCheck as RulesetCheck
from .rulesets import VerifyRun as VerifyRun
from .rulesets import check_ruleset as check_ruleset
from .rulesets import compare_rulesets as compare_rulesets
from .rulesets import load_scenario_files as load_scenario_files
from .rulesets import ruleset_warnings as ruleset_warnings
from .rulesets import run_backtest as run_backtest
from .rulesets import verify_ruleset as verify_ruleset

__all__ = [
    "REGISTER_FILE",
    "BacktestRun",
    "Found",
    "Intelligence",
    "PackSource",
    "Roster",
    "RulesetCheck",
    "VerifyRun",
    "add_item",
    "add_member",
    "audit_verify",
    "check_ruleset",
    "close_item",
    "compare_rulesets",
    "coverage",
    "decided_levels",
    "find_workspace",
    "init_workspace",
    "intelligence",
    "list_intelligence",
    "load_ruleset",
    "load_scenario_files",
    "load_workspace",
    "meeting_pack",
    "open_inputs",
    "open_meeting",
    "open_register",
    "open_ruleset",
    "open_rulesets",
    "open_workspace",
    "pack_context",
    "pack_source",
    "plan_meeting",
    "prepare_triage",
    "publishable",
    "recorded_rebases",
    "regional_report",
    "register_file",
    "retire_member",
    "roster",
    "ruleset_warnings",
    "run_backtest",
    "run_triage",
    "scan_workspace",
    "shared_at",
    "standing_levels",
    "triage",
    "verify_ruleset",
    "with_standing",
    "workspace_settings",
    "write_triage_csv",
    "write_triage_json",
    "write_triage_table",
]
