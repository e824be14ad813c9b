"""The register's Python API, kept at its old path for code written against it: it is now
``qsgrules.api`` (``qsgrules.api.record`` and ``qsgrules.api.inputs``)."""

from .api.inputs import REGISTER_FILE as REGISTER_FILE
from .api.inputs import open_register as open_register
from .api.record import MAX_COVERAGE_MONTHS as MAX_COVERAGE_MONTHS
from .api.record import audit_verify as audit_verify
from .api.record import coverage as coverage
from .api.record import decided_levels as decided_levels
from .api.record import open_meeting as open_meeting
from .api.record import plan_meeting as plan_meeting
from .api.record import regional_report as regional_report
from .api.record import workspace_settings as workspace_settings

__all__ = [
    "MAX_COVERAGE_MONTHS",
    "REGISTER_FILE",
    "audit_verify",
    "coverage",
    "decided_levels",
    "open_meeting",
    "open_register",
    "plan_meeting",
    "regional_report",
    "workspace_settings",
]
