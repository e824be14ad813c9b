"""The workspace's free-text guard is qsgrules' one text guard (``qsgrules.text_guard``),
shared with the register: re-exported here for the workspace's modules."""

from ..text_guard import (
    CODE_CONTROL,
    CODE_IDENTIFIER,
    CODE_TOO_LONG,
    control_problem,
    guard,
    identifier_problems,
    normalised,
    passed,
    visible_form,
)

__all__ = [
    "CODE_CONTROL",
    "CODE_IDENTIFIER",
    "CODE_TOO_LONG",
    "control_problem",
    "guard",
    "identifier_problems",
    "normalised",
    "passed",
    "visible_form",
]
