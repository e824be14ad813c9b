"""The meeting pack: one self-contained HTML file (inline CSS and SVG, no script, no network).

The agenda, the triage board and a section per provider (the proposal and the rules that
fired, an XmR chart for each indicator with a finding, a funnel plot for each peer finding,
the soft items), rendered through Jinja2 with autoescape from a triage and its charts.
What the register adds (the meeting's agenda, standing levels and escalation marks, stale
data, previous decisions, open actions) comes in a ``MeetingContext`` and has its own
template blocks (``agenda``, ``board``, ``provider_register``), so a page built on the pack
(``qsg serve``) can extend ``pack.html.j2`` and override them.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..indicators import BY_ID
from ..model.evidence import HardFinding, SoftFinding
from ..model.pack import AgendaItem, MeetingContext, OpenAction, PastDecision, StandingLevel
from ..model.proposal import HardRef, Proposal, SoftRef, Triage
from ..model.series import IndicatorCharts
from ..model.vocabulary import Level
from .charts import Chart, funnel_chart, month_name, point_kind, xmr_chart

__all__ = ["EXAMPLE_LOCAL_AGENDA", "IndicatorView", "ProviderView", "render_pack"]

_DISCUSSED = "Agree principal risks or concerns"

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
    AgendaItem(number="7", title=_DISCUSSED, lead="All"),
    AgendaItem(number="8", title="Confirm consensus and agree next steps", lead="All"),
    AgendaItem(number="9", title="Date, time and venue of next meeting"),
)


@dataclass(frozen=True)
class IndicatorView:
    """One indicator of a provider's section: its findings and their charts."""

    indicator: str
    title: str
    domain: str
    findings: tuple[HardFinding, ...]
    xmr: Chart | None = None
    xmr_tested: bool = True
    funnel: Chart | None = None
    variation: str = ""
    assurance: str = ""


@dataclass(frozen=True)
class ProviderView:
    """A provider's section of the pack."""

    proposal: Proposal
    anchor: str
    indicators: tuple[IndicatorView, ...]
    soft: tuple[SoftFinding, ...]
    soft_total: float
    cited: dict[str, str]  # rule id -> the evidence it cites, in words
    standing: StandingLevel | None = None
    change: str = ""  # "up", "down" or "same" against the standing level
    stale: str = ""
    decisions: tuple[PastDecision, ...] = ()
    actions: tuple[OpenAction, ...] = ()


_VARIATION = {
    "common_cause": "common cause variation",
    "special_cause_concern": "special cause of concern",
    "special_cause_improvement": "special cause of improvement",
    "special_cause_neutral": "special cause (neither better nor worse)",
}
_ASSURANCE = {
    "consistent_pass": "will consistently meet the standard",
    "consistent_fail": "will consistently fail the standard",
    "inconsistent": "will sometimes meet the standard and sometimes not",
}


def _anchor(code: str, taken: set[str]) -> str:
    """An HTML id from a provider code (codes are data: anything may be in them), unique
    with the ``-title`` id the section's heading takes from it."""
    base = "p-" + re.sub(r"[^A-Za-z0-9_-]", "_", code)
    anchor, n = base, 1
    while anchor in taken or f"{anchor}-title" in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.update((anchor, f"{anchor}-title"))
    return anchor


def _cited(proposal: Proposal) -> dict[str, str]:
    out = {}
    for rule in proposal.rules:
        hard = [
            f"{BY_ID[e.indicator].title} ({e.test}, {e.strength})"
            for e in rule.evidence
            if isinstance(e, HardRef)
        ]
        soft = [f"{e.id} ({e.source})" for e in rule.evidence if isinstance(e, SoftRef)]
        out[rule.id] = "; ".join(hard + soft)
    return out


def _change(proposed: Level, standing: StandingLevel | None) -> str:
    if standing is None:
        return ""
    if proposed > standing.level:
        return "up"
    return "down" if proposed < standing.level else "same"


class _Numbering:
    """Chart ids unique within a page."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"chart-{self.count}"


def _indicators(
    proposal: Proposal, charts: Mapping[tuple[str, str], IndicatorCharts], ids: _Numbering
) -> tuple[IndicatorView, ...]:
    by_indicator: dict[str, list[HardFinding]] = {}
    for h in proposal.evidence.hard:
        by_indicator.setdefault(h.indicator, []).append(h)
    views = []
    for indicator, findings in sorted(
        by_indicator.items(), key=lambda kv: (kv[1][0].domain.rank, kv[1][0].title)
    ):
        c = charts.get((proposal.provider, indicator))
        xmr = c.xmr if c is not None else None
        peer = any(f.test == "peer" for f in findings)
        funnel = c.funnel if c is not None and peer else None
        views.append(
            IndicatorView(
                indicator=indicator,
                title=findings[0].title,
                domain=findings[0].domain.value.replace("_", " "),
                findings=tuple(findings),
                xmr=xmr_chart(xmr, chart_id=ids.next()) if xmr is not None else None,
                xmr_tested=xmr.tested if xmr is not None else True,
                funnel=funnel_chart(funnel, chart_id=ids.next()) if funnel is not None else None,
                variation=_VARIATION.get(point_kind(xmr.variation), "") if xmr is not None else "",
                assurance=_ASSURANCE.get(xmr.assurance or "", "") if xmr is not None else "",
            )
        )
    return tuple(views)


def provider_views(
    result: Triage,
    charts: Mapping[tuple[str, str], IndicatorCharts],
    context: MeetingContext | None = None,
) -> list[ProviderView]:
    """The sections of a pack, highest proposed level first, charts drawn."""
    ctx = context or MeetingContext()
    ids, taken = _Numbering(), set[str]()
    views = []
    for p in result.proposals:
        standing = ctx.standing.get(p.provider)
        views.append(
            ProviderView(
                proposal=p,
                anchor=_anchor(p.provider, taken),
                indicators=_indicators(p, charts, ids),
                soft=p.evidence.soft,
                soft_total=sum(s.weight for s in p.evidence.soft if s.counted),
                cited=_cited(p),
                standing=standing,
                change=_change(p.level, standing),
                stale=ctx.stale.get(p.provider, ""),
                decisions=ctx.decisions.get(p.provider, ()),
                actions=ctx.actions.get(p.provider, ()),
            )
        )
    return views


def _agenda(ctx: MeetingContext, views: Sequence[ProviderView]) -> tuple[AgendaItem, ...]:
    """The meeting's agenda, or Annex D with the providers of concern under item 7."""
    if ctx.agenda is not None:
        return ctx.agenda
    concern = tuple(v.proposal.provider for v in views if v.proposal.level >= Level.REGULAR_REVIEW)
    detail = (
        "Providers proposed for a risk summit or regular review (every provider is on the "
        "triage board):"
        if concern
        else "No provider is proposed for a risk summit or regular review; every provider is "
        "on the triage board."
    )
    return tuple(
        item.model_copy(update={"providers": concern, "detail": detail})
        if item.title == _DISCUSSED
        else item
        for item in EXAMPLE_LOCAL_AGENDA
    )


@functools.cache
def _environment(templates: tuple[str, ...]) -> Any:
    """One Jinja2 environment per template search path: templates compile once."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(list(templates)),
                jinja2.PackageLoader("qsgrules.reports", "templates"),
            ]
        ),
        autoescape=True,  # every string from a workspace is data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["month"] = month_name
    env.filters["svg"] = _svg
    return env


def _svg(chart: Chart) -> Any:
    from markupsafe import Markup

    # matplotlib's own SVG: every string drawn in it was escaped by matplotlib's writer
    return Markup(chart.svg)


def render_pack(
    result: Triage,
    charts: Mapping[tuple[str, str], IndicatorCharts],
    *,
    qsgs: Sequence[str] = (),
    public: bool = False,
    context: MeetingContext | None = None,
    template: str = "pack.html.j2",
    templates: Sequence[str | Path] = (),
) -> str:
    """The meeting pack as one HTML document.

    ``result`` should already be ``publishable`` when ``public`` (the pack then says so);
    ``qsgs`` names the local QSG(s) of the providers (one gives the pack its title);
    ``charts`` holds the series of each (provider, indicator) with a finding
    (``qsgrules.evidence.series.provider_charts``); ``template`` names a template, looked
    for in the folders ``templates`` first, that may extend ``pack.html.j2`` and override its
    blocks (the extension point for pages built on the pack).
    """
    ctx = context or MeetingContext()
    views = provider_views(result, charts, ctx)
    counts = Counter(p.level for p in result.proposals)
    levels = [(lv, counts.get(lv, 0)) for lv in sorted(Level, reverse=True)]
    return str(
        _environment(tuple(str(t) for t in templates))
        .get_template(template)
        .render(
            result=result,
            views=views,
            agenda=_agenda(ctx, views),
            meeting=ctx.meeting,
            context=ctx,
            qsg=qsgs[0] if len(qsgs) == 1 else "",
            qsgs=list(qsgs),
            public=public,
            levels=levels,
            version=__version__,
            has_standing=bool(ctx.standing),
            has_stale=bool(ctx.stale),
            by_code={v.proposal.provider: v for v in views},
            confidential=sum(
                s.handling == "confidential" for p in result.proposals for s in p.evidence.soft
            ),
        )
    )
