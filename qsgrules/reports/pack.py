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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..indicators import BY_ID
from ..model.evidence import SoftFinding
from ..model.ladder import DEFAULT_LADDER, AnyRung, ladder_of
from ..model.months import month_end, month_number
from ..model.pack import (
    DISCUSSED,
    EXAMPLE_LOCAL_AGENDA,
    AgendaItem,
    MeetingContext,
    OpenAction,
    PastDecision,
    StandingLevel,
)
from ..model.proposal import HardRef, Proposal, SoftRef, Triage
from ..model.rebase import Rebase, RebaseSuggestion
from ..model.series import FunnelSection, IndicatorCharts
from .charts import Chart, month_name
from .icons import SPRITE, icon_svg
from .pack_charts import ChartDrawer, IndicatorIcons, IndicatorView
from .summary import SummaryRow, SummaryTable, provider_summary

__all__ = [
    "EXAMPLE_LOCAL_AGENDA",
    "ChartDrawer",
    "IndicatorView",
    "ProviderView",
    "agenda_items",
    "agenda_order",
    "provider_views",
    "render_pack",
    "render_template",
]


@dataclass(frozen=True)
class ProviderView:
    """A provider's section of the pack."""

    proposal: Proposal
    anchor: str
    indicators: tuple[IndicatorView, ...]  # drawn only for the sections a page shows
    soft: tuple[SoftFinding, ...]
    soft_total: float
    cited: dict[str, str]  # rule id -> the evidence it cites, in words
    standing: StandingLevel | None = None
    change: str = ""  # "up", "down" or "same" against the standing level
    stale: str = ""
    lag: str = ""  # how far its data lag behind the date ("data to 2019-03, 2 months behind")
    decisions: tuple[PastDecision, ...] = ()
    actions: tuple[OpenAction, ...] = ()
    summits: tuple[str, ...] = ()  # risk summits to convene, convened, held (in words)
    # rebases recorded in the register since this triage was made (they apply to the next)
    pending_rebases: tuple[Rebase, ...] = ()
    icons: tuple[IndicatorIcons, ...] = ()  # MDC icons of the indicators with a finding
    glance: SummaryRow | None = None  # every indicator's latest value and icons

    @property
    def suggestions(self) -> tuple[RebaseSuggestion, ...]:
        """The proposal's rebase suggestions not already answered by a recorded rebase."""
        answered = {r.indicator for r in self.pending_rebases}
        return tuple(s for s in self.proposal.rebase_suggestions if s.indicator not in answered)


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


def _change(proposed: AnyRung, standing: StandingLevel | None) -> str:
    if standing is None:
        return ""
    if proposed > standing.level:
        return "up"
    return "down" if proposed < standing.level else "same"


def stale_mark(p: Proposal) -> str:
    """The proposal's stale-data mark ("no data since 2019-03"), or ""."""
    return p.coverage.mark if p.coverage is not None else ""


def lag_mark(p: Proposal, when: str) -> str:
    """How far the proposal's data lag behind ``when`` ("data to 2019-03, 2 months behind
    the meeting"), from the first missing month; "" when they reach its month."""
    return p.coverage.behind(when) if p.coverage is not None else ""


def made_on(result: Triage) -> str:
    """The triage's date when it is not the last day of its data month ("" then)."""
    month = month_number(result.as_of)
    if result.on is None or month is None or result.on == month_end(month).isoformat():
        return ""
    return result.on


def agenda_order(ctx: MeetingContext, proposals: Sequence[Proposal]) -> tuple[str, ...]:
    """The providers in the agenda's order (each once), then the rest in the board's: the
    order a meeting moves through them."""
    on = [code for item in agenda_items(ctx, proposals) for code in item.providers]
    known = {p.provider for p in proposals}
    first = [c for c in dict.fromkeys(on) if c in known]
    return (*first, *(p.provider for p in proposals if p.provider not in set(first)))


def provider_views(
    result: Triage,
    charts: Mapping[tuple[str, str], IndicatorCharts] | ChartDrawer,
    context: MeetingContext | None = None,
    *,
    sections: Sequence[str] | None = None,
    summary: SummaryTable | None = None,
    jobs: int = 1,
) -> list[ProviderView]:
    """Every provider's view, highest proposed level first, with charts drawn for the
    providers in ``sections`` (all when None), by ``jobs`` processes at once. The
    stale-data mark is the context's, else the proposal's own coverage mark: it shows with
    or without a register."""
    ctx = context or MeetingContext()
    when = "the meeting" if ctx.meeting is not None else f"the date ({result.on or result.as_of})"
    drawer = charts if isinstance(charts, ChartDrawer) else ChartDrawer(charts)
    shown = None if sections is None else set(sections)
    if jobs > 1:
        drawer.draw_ahead(
            [p for p in result.proposals if shown is None or p.provider in shown], jobs
        )
    taken = set[str]()
    views = []
    for p in result.proposals:
        standing = ctx.standing.get(p.provider)
        views.append(
            ProviderView(
                proposal=p,
                anchor=_anchor(p.provider, taken),
                indicators=drawer.indicators(p) if shown is None or p.provider in shown else (),
                soft=p.evidence.soft,
                soft_total=sum(s.weight for s in p.evidence.soft if s.counted),
                cited=_cited(p),
                standing=standing,
                change=_change(p.level, standing),
                stale=ctx.stale.get(p.provider) or stale_mark(p),
                lag=lag_mark(p, when),
                decisions=ctx.decisions.get(p.provider, ()),
                actions=ctx.actions.get(p.provider, ()),
                summits=ctx.summits.get(p.provider, ()),
                pending_rebases=tuple(
                    r for r in ctx.rebases.get(p.provider, ()) if r not in p.rebases
                ),
                icons=drawer.icons(p),
                glance=provider_summary(summary, p.provider) if summary is not None else None,
            )
        )
    return views


def _agenda(ctx: MeetingContext, views: Sequence[ProviderView]) -> tuple[AgendaItem, ...]:
    return agenda_items(ctx, [v.proposal for v in views])


def agenda_items(ctx: MeetingContext, proposals: Sequence[Proposal]) -> tuple[AgendaItem, ...]:
    """The meeting's agenda, or Annex D with the providers of concern under item 7."""
    if ctx.agenda is not None:
        return ctx.agenda
    concern = tuple(p.provider for p in proposals if p.level.escalation)
    # the escalations of the proposals' ladder, highest first ("a risk summit or regular
    # review" on the 2013 ladder)
    rungs = proposals[0].level.ladder_ids if proposals else ()
    ladder = DEFAULT_LADDER if rungs == DEFAULT_LADDER.ids or not proposals else None
    named = (
        "a risk summit or regular review"
        if ladder is not None
        else " or ".join(
            lv.label
            for lv in sorted(
                {p.level for p in proposals if p.level.escalation}, key=lambda lv: -lv.rank
            )
        )
        or "an escalation"
    )
    detail = (
        f"Providers proposed for {named} (every provider is on the triage board):"
        if concern
        else f"No provider is proposed for {named}; every provider is on the triage board."
    )
    return tuple(
        item.model_copy(update={"providers": concern, "detail": detail})
        if item.title == DISCUSSED
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
    env.filters["icon"] = icon_svg
    env.globals["mdc_sprite"] = SPRITE
    return env


def render_template(template: str, *, templates: Sequence[str | Path] = (), **values: Any) -> str:
    """Render a template looked for in ``templates`` first, then the pack's own, with the
    pack's environment (autoescape, strict undefined) and filters."""
    return str(
        _environment(tuple(str(t) for t in templates)).get_template(template).render(**values)
    )


def _svg(chart: Chart) -> Any:
    from markupsafe import Markup

    # matplotlib's own SVG: every string drawn in it was escaped by matplotlib's writer
    return Markup(chart.svg)


def _in_page(view: ProviderView) -> str:
    return f"#{view.anchor}"


def render_pack(
    result: Triage,
    charts: Mapping[tuple[str, str], IndicatorCharts] | ChartDrawer,
    *,
    qsgs: Sequence[str] = (),
    public: bool = False,
    context: MeetingContext | None = None,
    template: str = "pack.html.j2",
    templates: Sequence[str | Path] = (),
    sections: Sequence[str] | None = None,
    href: Callable[[ProviderView], str] = _in_page,
    page: Mapping[str, Any] | None = None,
    summary: SummaryTable | None = None,
    jobs: int = 1,
    across: Sequence[FunnelSection] = (),
) -> str:
    """The meeting pack as one HTML document.

    ``result`` should already be ``publishable`` when ``public`` (the pack then says so);
    ``qsgs`` names the local QSG(s) of the providers (one gives the pack its title);
    ``charts`` holds the series of each (provider, indicator) with a finding
    (``qsgrules.evidence.series.provider_charts``), or a ``ChartDrawer`` that keeps them
    drawn between renders; ``template`` names a template, looked for in the folders
    ``templates`` first, that may extend ``pack.html.j2`` and override its blocks (the
    extension point for pages built on the pack). A page may show the sections of some
    providers only (``sections``, codes; all when None), link to a provider elsewhere than
    its section (``href``), and give its template more values (``page``). ``summary`` is
    the summary icon table (a section after the board, and each provider's row of it in its
    section), none when not given. The charts are drawn by ``jobs`` forked processes at
    once (the same document for any number). ``across`` are funnels drawn with no provider
    highlighted (``qsgrules.evidence.series.group_funnels``): each indicator with a peer test
    looked at across providers, a section after the summary table.
    """
    ctx = context or MeetingContext()
    if public:  # a confidential member's report never leaves here whole (issue 21)
        ctx = ctx.published()
    views = provider_views(result, charts, ctx, sections=sections, summary=summary, jobs=jobs)
    shown = [v for v in views if sections is None or v.proposal.provider in sections]
    counts = Counter(p.level for p in result.proposals)
    levels = [(lv, counts.get(lv, 0)) for lv in ladder_of(result).high_first()]
    values: dict[str, Any] = dict(
        result=result,
        views=views,
        sections=shown,
        href=href,
        agenda=_agenda(ctx, views),
        meeting=ctx.meeting,
        context=ctx,
        qsg=qsgs[0] if len(qsgs) == 1 else "",
        qsgs=list(qsgs),
        public=public,
        levels=levels,
        version=__version__,
        has_standing=bool(ctx.standing),
        has_stale=any(v.stale for v in views),
        made_on=made_on(result),
        known_at=f"on {result.on}" if made_on(result) else f"at {month_name(result.as_of)}",
        by_code={v.proposal.provider: v for v in views},
        summary=summary,
        across_views=[
            ChartDrawer.reading(
                IndicatorCharts(provider="", indicator=f.indicator, funnel=f),
                prefix=f"across-{k}",
            )
            for k, f in enumerate(across, start=1)
        ],
        confidential=sum(
            s.handling == "confidential" for p in result.proposals for s in p.evidence.soft
        ),
    )
    clash = sorted(set(values) & set(page or {}))
    if clash:
        raise ValueError(f"a page's values may not replace the pack's: {', '.join(clash)}")
    return render_template(template, templates=templates, **values, **(page or {}))
