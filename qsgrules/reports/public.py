"""What may be published: items given in confidence are withheld, their weights kept.

QSG records are subject to the Freedom of Information Act; information provided in
confidence (section 41) is withheld in anything published, and the record says so.

Confidential is a property of the item: :func:`public_finding` is the one place that
decides what a public reader sees of an item, and every ``--public`` surface (triage in
every format, explain, the pack, the meeting's pack, the live page, intel list, the note)
shows findings only through it.
"""

from __future__ import annotations

from ..model.evidence import SoftFinding
from ..model.proposal import Evidence, Proposal, Triage
from ..model.vocabulary import Handling

WITHHELD = "withheld: information provided in confidence"


def confidential(finding: SoftFinding) -> bool:
    """Whether the item behind ``finding`` was provided in confidence."""
    return finding.handling == Handling.CONFIDENTIAL


def public_finding(finding: SoftFinding) -> SoftFinding:
    """``finding`` as a public reader may see it. For an item given in confidence every
    field of text that comes from the item is withheld: its summary, and its note (the
    reason it was closed, what it duplicates); what is not text from the item (its id,
    source, domain, severity, grading, dates, whether it counted, its weight and how the
    weight was made) is kept, so that the level can still be checked."""
    if not confidential(finding):
        return finding
    return finding.model_copy(
        update={"summary": WITHHELD, "note": WITHHELD if finding.note else ""}
    )


def public_proposal(p: Proposal) -> Proposal:
    """The proposal with every confidential item's text withheld (``public_finding``)."""
    return p.model_copy(
        update={
            "evidence": Evidence(
                hard=p.evidence.hard, soft=tuple(public_finding(s) for s in p.evidence.soft)
            )
        }
    )


def publishable(result: Triage) -> Triage:
    """The same triage with every confidential item's text withheld (``public_finding``)."""
    proposals = tuple(public_proposal(p) for p in result.proposals)
    return result.model_copy(update={"proposals": proposals})
