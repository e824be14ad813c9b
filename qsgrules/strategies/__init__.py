"""Hypothesis strategies for qsgrules' domain types, for property tests of rulesets.

Keyword-only factories, in the manner of ``hypothesis.extra.numpy``: each checks its
arguments (``hypothesis.errors.InvalidArgument`` for a bad one) and builds only values the
workspace loader accepts - sources that are member organisations, every provider type,
every catalogue indicator within its range, counts for proportions, rates and ratios, series
long enough for the ruleset's trend tests. ``workspaces(ruleset=...)`` builds workspaces
whose evidence reaches every rule of a ruleset; ``worsen_month``, ``with_items``,
``with_severity``, ``without_data`` and ``shuffled`` change one thing in a workspace,
``known_on`` takes away everything dated after a day; the common edits are one call each
(``with_members``, ``without_items``, ``replacing_items``, ``without_provider``,
``with_rows``, ``replacing_rows``, ``cut_at``), checked as the loader checks;
``write_workspace`` writes one as a folder ``qsg triage --workspace`` reads.

Installed with qsgrules, they are registered with Hypothesis (the ``hypothesis`` entry
point), so ``st.from_type(SoftItem)``, ``st.from_type(Provider)``, ``st.from_type(Member)``
and ``st.from_type(Workspace)`` work.
"""

from __future__ import annotations

from ..workspace.writer import workspace_files, write_workspace
from ._build import Row
from .basic import (
    gradings,
    indicator_series,
    members,
    national_members,
    provider_codes,
    providers,
    soft_items,
)
from .edits import (
    cut_at,
    replacing_items,
    replacing_rows,
    with_members,
    with_rows,
    without_items,
    without_provider,
)
from .perturb import known_on, shuffled, with_items, with_severity, without_data, worsen_month
from .workspaces import resolve_ruleset, workspaces

__all__ = [
    "Row",
    "cut_at",
    "gradings",
    "indicator_series",
    "known_on",
    "members",
    "national_members",
    "provider_codes",
    "providers",
    "replacing_items",
    "replacing_rows",
    "resolve_ruleset",
    "shuffled",
    "soft_items",
    "with_items",
    "with_members",
    "with_rows",
    "with_severity",
    "without_data",
    "without_items",
    "without_provider",
    "workspace_files",
    "workspaces",
    "worsen_month",
    "write_workspace",
]
