"""``qsg verify``'s check that absence is never reassurance (issue 16).

Generated workspaces end in the month ``qsg verify`` triages them as of: no row lies after
it. Moving the date forward must then remove no hard-data finding of any provider, whatever
the ruleset; and where the later date gives a lower level, the proposal must say so and name
the soft items that weigh less (decay, closure, expiry), each weighing less (compared with
the last day of the data: a workspace with no row at all has no data clock to compare).
"""

from __future__ import annotations

from ..engine.triage import triage
from ..model.months import month_number, month_text
from ..model.proposal import Triage
from ..ruleset import CompiledRuleset
from ..workspace import Workspace
from .checks import Counterexample, PropertyFailed

ABSENCE = (
    "a month without data never removes a hard finding, and a lower level later is owed to "
    "named soft items that weigh less"
)


def check_absence(ws: Workspace, ruleset: CompiledRuleset, current: Triage, months: int) -> None:
    """``current`` (the triage as of the data's last month) against the triage ``months``
    months later, with no new row."""
    month = month_number(current.as_of)
    assert month is not None
    later_month = month_text(month + months)
    later = triage(
        ws, ruleset, as_of=later_month, providers=[p.provider for p in current.proposals]
    )
    before = {p.provider: p for p in current.proposals}
    for p in later.proposals:
        then = before[p.provider]
        lost = [f for f in then.evidence.hard if f not in p.evidence.hard]
        if lost:
            said = ", ".join(f"{f.indicator} ({f.test})" for f in lost)
            problem = (
                f"{p.provider}: {said} found as of {current.as_of} is gone as of {later_month}"
            )
        elif (
            p.level < then.level
            and len(ws.observations)
            and (
                p.lowered is None
                or not p.lowered.items
                or any(i.weight_now >= i.weight_then for i in p.lowered.items)
            )
        ):
            problem = (
                f"{p.provider} is {p.level.value} as of {later_month}, lower than "
                f"{then.level.value} as of {current.as_of}, and the proposal does not name "
                "the soft items that weigh less"
            )
        else:
            continue
        raise PropertyFailed(
            Counterexample(
                ABSENCE,
                problem,
                p.provider,
                later_month,
                {"workspace": ws},
                {"workspace": p.level.value},
            )
        )


__all__ = ["ABSENCE", "check_absence"]
