"""What may be published: items given in confidence are withheld, their weights kept.

QSG records are subject to the Freedom of Information Act; information provided in
confidence (section 41) is withheld in anything published, and the record says so.
"""

from __future__ import annotations

from ..model.evidence import SoftFinding
from ..model.proposal import Evidence, Triage

WITHHELD = "withheld: information provided in confidence"


def _public(finding: SoftFinding) -> SoftFinding:
    if finding.handling != "confidential":
        return finding
    return finding.model_copy(update={"summary": WITHHELD})


def publishable(result: Triage) -> Triage:
    """The same triage with every confidential summary withheld (weights and factors kept)."""
    proposals = tuple(
        p.model_copy(
            update={
                "evidence": Evidence(
                    hard=p.evidence.hard, soft=tuple(_public(s) for s in p.evidence.soft)
                )
            }
        )
        for p in result.proposals
    )
    return result.model_copy(update={"proposals": proposals})
