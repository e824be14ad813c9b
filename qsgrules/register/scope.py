"""A local QSG's scope (issue 21, item 3): a meeting of a local QSG is about its own
providers (the ``qsg`` column of providers.csv, as frozen when it was opened); providers of
other local QSGs are reachable on request. And liaison before the fact (guidance, chapters
7 and 9): the providers of this QSG that another local QSG concluded on since this QSG's
last meeting, listed to it at its own meeting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model.ladder import AnyRung
from .state import Meeting, State

__all__ = ["Liaison", "liaison", "own", "own_codes"]


def own(m: Meeting, code: str) -> bool:
    """Whether ``code`` is one of the meeting's own providers (every provider is, for a
    meeting of all the workspace's local QSGs)."""
    return m.qsg is None or m.providers.get(code, {}).get("qsg") == m.qsg


def own_codes(m: Meeting) -> list[str]:
    """The meeting's own providers, in the frozen triage's order."""
    return [code for code in m.proposed if own(m, code)]


@dataclass(frozen=True)
class Liaison:
    """Another local QSG's conclusion on one of this QSG's providers."""

    provider: str
    name: str
    qsg: str
    meeting: str
    decided_on: str
    level: AnyRung
    rationale: str

    def line(self) -> str:
        return (
            f"{self.qsg} concluded {self.level.label} at {self.meeting} ({self.decided_on}): "
            f"{self.rationale}"
        )


def liaison(m: Meeting, states: Iterable[State]) -> list[Liaison]:
    """The conclusions other local QSGs reached on ``m``'s own providers after this QSG's
    last meeting before ``m`` and on or before ``m``'s date, in ``states`` (this register's
    and any other's given), newest first; none for a meeting of all local QSGs. Read from
    the meetings' headers and the decisions about its providers: no meeting is read in
    full."""
    if m.qsg is None:
        return []
    everything = list(states)
    heads = [{h.id: h for h in s.headers()} for s in everything]
    since = max(
        (
            h.date
            for hs in heads
            for h in hs.values()
            if h.qsg == m.qsg and (h.date, h.seq) < (m.date, m.seq) and h.id != m.id
        ),
        default=None,
    )
    found: dict[tuple[str, str], Liaison] = {}
    codes = own_codes(m)  # the decisions about them by the provider index, never a scan
    for s, hs in zip(everything, heads, strict=True):
        # only the meetings that can count: after this QSG's last, not after this one
        for d in s.history(providers=codes, after=since, until=m.date) if codes else ():
            o = hs.get(d.meeting)
            if o is None or o.qsg in (None, m.qsg) or o.date > m.date:
                continue
            if since is not None and o.date <= since:
                continue
            known = m.providers.get(d.provider, {})
            if known.get("qsg") != m.qsg:
                continue
            found[(o.id, d.provider)] = Liaison(
                d.provider,
                known.get("name", d.provider),
                str(o.qsg),
                o.id,
                d.decided_on.isoformat(),
                d.level,
                d.rationale,
            )
    return sorted(found.values(), key=lambda x: (x.decided_on, x.meeting, x.provider), reverse=True)
