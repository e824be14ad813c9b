"""What a meeting pack shows beyond the triage: the meeting, its agenda, and the record.

The triage alone makes a pack (``qsg pack``). The decision register (meetings, positions,
decisions, actions, risk summits, standing levels) and the data-coverage marks fill a
``MeetingContext`` so that the same pack also shows the meeting's own agenda, each
provider's standing level with an escalation mark, stale data, previous decisions, open
actions and risk summits. Every field is
optional: an empty context is a pack without the register.
"""

from __future__ import annotations

from pydantic import Field

from . import Model
from .ladder import LevelName
from .rebase import Rebase


class AgendaItem(Model):
    """One item of an agenda; ``providers`` are discussed under it (with why, when given)."""

    number: str
    title: str
    lead: str = ""
    detail: str = ""
    providers: tuple[str, ...] = ()
    why: dict[str, str] = Field(default_factory=dict)  # provider -> why it is on the agenda


#: The title of Annex D's item under which the providers of concern are discussed.
DISCUSSED = "Agree principal risks or concerns"

#: Annex D of the guidance (How to Establish a Quality Surveillance Group, 2013).
EXAMPLE_LOCAL_AGENDA: tuple[AgendaItem, ...] = (
    AgendaItem(number="1", title="Welcome & Introductions", lead="Area Team Director"),
    AgendaItem(number="2", title="Previous Minutes & Matters Arising", lead="Area Team Director"),
    AgendaItem(number="3", title="Update from regional QSG", lead="Area Team Director"),
    AgendaItem(
        number="4",
        title="Overview of local information",
        lead="All",
        detail="Standard Reports / Updates (verbal or in writing): Area Team overview report, "
        "CCG reports, CQC, Monitor, Deanery/LETB, Healthwatch, Local Authority (if applicable)",
    ),
    AgendaItem(
        number="5",
        title="Any additional information participants wish to share to build on current "
        "information",
        lead="All",
    ),
    AgendaItem(
        number="6", title="Reflection and summary of the information known and shared", lead="All"
    ),
    AgendaItem(number="7", title=DISCUSSED, lead="All"),
    AgendaItem(number="8", title="Confirm consensus and agree next steps", lead="All"),
    AgendaItem(number="9", title="Date, time and venue of next meeting"),
)


class MeetingInfo(Model):
    """The meeting a pack is for (as the register records it)."""

    id: str
    date: str  # YYYY-MM-DD
    qsg: str = ""
    chair: str = ""
    time: str = ""
    venue: str = ""
    # the register's audit chain head when the pack was made ("record N, sha256 HASH"):
    # printed so that the chain is anchored outside the file (`qsg audit verify --note`)
    chain_head: str = ""


class StandingLevel(Model):
    """A provider's standing level: the level its last decision concluded."""

    level: LevelName
    decided_on: str  # YYYY-MM-DD
    meeting: str = ""
    review_by: str = ""
    exit_criteria: str = ""


class PastDecision(Model):
    """A previous decision about a provider, as the register keeps it."""

    meeting: str
    decided_on: str
    level: LevelName
    rationale: str
    dissent: str = ""


class OpenAction(Model):
    """An action agreed about a provider and not yet closed."""

    id: str
    text: str
    owner: str
    due: str  # YYYY-MM-DD
    overdue: bool = False
    kind: str = "action"  # "action", "information request", "convene a risk summit"


class MemberReport(Model):
    """A member's written report attached to the meeting, as the pack lists it. Published
    (``--public``), a confidential report keeps none of its fields: ``withheld``."""

    withheld: bool = False
    title: str = ""
    author: str = ""
    confidential: bool = False
    text: str = ""
    file: str = ""  # where it is kept, relative to the register's folder
    size: int = 0
    sha256: str = ""


class MeetingContext(Model):
    """Everything a pack shows that is not in the triage; all of it optional.

    ``agenda`` replaces the guidance's example local agenda; ``stale`` maps a provider to its
    data-coverage mark (e.g. "no data since 2018-12").
    """

    meeting: MeetingInfo | None = None
    agenda: tuple[AgendaItem, ...] | None = None
    standing: dict[str, StandingLevel] = Field(default_factory=dict)
    stale: dict[str, str] = Field(default_factory=dict)
    decisions: dict[str, tuple[PastDecision, ...]] = Field(default_factory=dict)
    actions: dict[str, tuple[OpenAction, ...]] = Field(default_factory=dict)
    #: each provider's risk summits, in words: to convene, convened, held since the QSG
    #: last decided (``qsgrules.register.follow_up.summit_lines``)
    summits: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    rebases: dict[str, tuple[Rebase, ...]] = Field(default_factory=dict)  # recorded, by provider
    #: liaison before the fact: another local QSG's conclusions on this QSG's providers since
    #: its last meeting ("RJ6 Croydon ...: North West London concluded ... at M-...: why")
    liaison: tuple[str, ...] = ()
    #: the members' written reports attached to the meeting (``qsg meeting report``)
    reports: tuple[MemberReport, ...] = ()

    def published(self) -> MeetingContext:
        """This context as a published output (``--public``) may show it: a confidential
        report says only that there was one (not its title, author, text or file)."""
        cut = tuple(
            MemberReport(withheld=True, confidential=True) if r.confidential else r
            for r in self.reports
        )
        return self.model_copy(update={"reports": cut})

    #: the providers of other local QSGs left out of a local QSG's pack (reachable on request)
    other_qsgs: tuple[str, ...] = ()
