"""Making Data Count variation and assurance icons, drawn here as SVG.

The icons NHS boards read at a glance beside an XmR chart: a **variation** icon for the type
of the latest point (common cause; a special cause of concern, of improvement or neither,
high or low) and an **assurance** icon for the standard against the process limits (met
every month, missed every month, or hit and miss). The choice follows NHSRplotthedots
(``ptd_get_icons`` in ``R/geom_ptd_icon.R``): the variation icon from the last point's type
and the improvement direction, the assurance icon from ``ptd_calculate_assurance_type``;
``qsgrules.stats.spc`` computes both exactly as it does (tests/stats).

The drawings are ours, in the conventional shapes and colours: a ring in the signal's
colour, a letter (H high, L low; P pass, F fail, ? hit and miss), and a little chart. Each
is a ``<symbol>`` of one hidden sprite (``SPRITE``) that a page includes once, and each use
is an ``<svg role="img">`` with its words as its accessible name and tooltip, so an icon is
never the only cue. The letters are strokes, not text: no font, the same on paper.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final, Literal

from markupsafe import Markup, escape

from ..model.series import XmrSeries
from ..model.vocabulary import Direction

__all__ = [
    "ASSURANCE_WORDS",
    "SPRITE",
    "VARIATION_WORDS",
    "Icon",
    "assurance_icon",
    "icon_svg",
    "series_icons",
    "variation_icon",
]

VariationKey = Literal[
    "common_cause",
    "concern_high",
    "concern_low",
    "improvement_high",
    "improvement_low",
    "neutral_high",
    "neutral_low",
]
AssuranceKey = Literal["pass", "fail", "inconsistent"]

#: What each variation icon says (its text alternative).
VARIATION_WORDS: Final[dict[str, str]] = {
    # the icon is the latest point's type: say so, lest it read as the whole series'
    "common_cause": "Latest month's variation: common cause",
    "concern_high": "Latest month's variation: special cause of concern, high",
    "concern_low": "Latest month's variation: special cause of concern, low",
    "improvement_high": "Latest month's variation: special cause of improvement, high",
    "improvement_low": "Latest month's variation: special cause of improvement, low",
    "neutral_high": "Latest month's variation: special cause, high, neither better nor worse",
    "neutral_low": "Latest month's variation: special cause, low, neither better nor worse",
}
#: What each assurance icon says.
ASSURANCE_WORDS: Final[dict[str, str]] = {
    "pass": "Assurance: the standard is met consistently (it lies beyond the process limits)",
    "fail": "Assurance: the standard is missed consistently (it lies beyond the process limits)",
    "inconsistent": (
        "Assurance: hit and miss, the standard lies within the process limits and will be "
        "met and missed by chance"
    ),
}
NO_ASSURANCE: Final = "No assurance icon: no standard is set for this indicator"


@dataclass(frozen=True)
class Icon:
    """One icon: its kind, its key (``concern_high``, ``pass``...) and its words."""

    kind: Literal["variation", "assurance"]
    key: str
    words: str

    @property
    def symbol(self) -> str:
        """The id of its symbol in ``SPRITE``."""
        return f"mdc-{self.kind}-{self.key.replace('_', '-')}"


def variation_icon(point_type: str, concern: Direction | str) -> Icon:
    """The variation icon of a point type, as NHSRplotthedots picks it: a concern is "high"
    when higher values are the concern (improvement "decrease"), an improvement "high" when
    higher values are the improvement; neutral special causes carry their own side."""
    concern_above = Direction(concern) is Direction.ABOVE
    key: str
    if point_type == "common_cause":
        key = "common_cause"
    elif point_type == "special_cause_concern":
        key = "concern_high" if concern_above else "concern_low"
    elif point_type == "special_cause_improvement":
        key = "improvement_low" if concern_above else "improvement_high"
    elif point_type == "special_cause_neutral_high":
        key = "neutral_high"
    elif point_type == "special_cause_neutral_low":
        key = "neutral_low"
    else:
        raise ValueError(f"unknown point type {point_type!r}")
    return Icon("variation", key, VARIATION_WORDS[key])


def assurance_icon(assurance: str | None) -> Icon | None:
    """The assurance icon (None without a standard, as NHSRplotthedots draws none)."""
    key = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent"}
    if assurance is None:
        return None
    if assurance not in key:
        raise ValueError(f"unknown assurance {assurance!r}")
    return Icon("assurance", key[assurance], ASSURANCE_WORDS[key[assurance]])


def series_icons(series: XmrSeries) -> tuple[Icon, Icon | None]:
    """The icons of an XmR chart: its latest point's variation, its standard's assurance."""
    return variation_icon(series.variation, series.direction), assurance_icon(series.assurance)


def icon_svg(icon: Icon, *, about: str = "", size: str = "") -> Markup:
    """An icon for a page that includes ``SPRITE``: an image whose name is its words
    (``about`` prefixed, e.g. the indicator it is for)."""
    if type(about) is str and type(size) is str:  # never Markup: it equals its plain text
        return _icon_svg(icon, about, size)
    return _icon_svg.__wrapped__(icon, about, size)


@functools.lru_cache(maxsize=4096)  # a board draws the same few icons hundreds of times
def _icon_svg(icon: Icon, about: str, size: str) -> Markup:
    words = f"{about}: {icon.words}" if about else icon.words
    css = f"mdc-icon mdc-{icon.kind} mdc-{icon.key.replace('_', '-')}"
    if size:
        css += f" mdc-icon-{size}"
    return Markup(
        '<svg class="{css}" viewBox="0 0 40 40" role="img" aria-label="{words}" '
        'focusable="false"><title>{words}</title><use href="#{symbol}"/></svg>'
    ).format(css=css, words=escape(words), symbol=icon.symbol)


# --------------------------------------------------------------------------- drawings

GREY: Final = "#7f7f7f"
CONCERN: Final = "#e46c0a"
IMPROVEMENT: Final = "#0072c6"
NEUTRAL: Final = "#490092"
_COLOURS: Final[dict[str, str]] = {
    "common_cause": GREY,
    "concern": CONCERN,
    "improvement": IMPROVEMENT,
    "neutral": NEUTRAL,
    "pass": IMPROVEMENT,
    "fail": CONCERN,
    "inconsistent": GREY,
}

# letters as strokes in a 40 x 40 box
_LETTERS: Final[dict[str, str]] = {
    "H": "M15 7.5v10M25 7.5v10M15 12.5h10",
    "L": "M16.5 22.5v10h8",
    "P": "M16.5 17.5v-10h4.5a2.8 2.8 0 0 1 0 5.6h-4.5",
    "F": "M17 17.5v-10h7M17 12.2h5.5",
    "?": "M16.5 10.2a3.6 3.6 0 1 1 4.6 3.4c-1 .4-1.1 1-1.1 2.2",
}


def _ring(colour: str) -> str:
    return f'<circle cx="20" cy="20" r="17.5" fill="#fff" stroke="{colour}" stroke-width="3"/>'


def _letter(letter: str, colour: str) -> str:
    dot = f'<circle cx="20" cy="18.6" r="1.3" fill="{colour}"/>' if letter == "?" else ""
    return (
        f'<path d="{_LETTERS[letter]}" fill="none" stroke="{colour}" stroke-width="2.6" '
        f'stroke-linecap="round" stroke-linejoin="round"/>{dot}'
    )


def _points(ys: tuple[float, ...], coloured: int, colour: str) -> str:
    """A little run chart: a grey line, its last ``coloured`` points in ``colour``."""
    xs = [9 + 22 * i / (len(ys) - 1) for i in range(len(ys))]
    line = " ".join(f"{x:.1f},{y}" for x, y in zip(xs, ys, strict=True))
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y}" r="2.1" '
        f'fill="{colour if i >= len(ys) - coloured else GREY}"/>'
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    )
    return f'<polyline points="{line}" fill="none" stroke="{GREY}" stroke-width="1.2"/>{dots}'


def _variation(key: str) -> str:
    if key == "common_cause":
        return _ring(GREY) + _points((21, 17.5, 22.5, 18, 22, 19), 0, GREY)
    kind, side = key.rsplit("_", 1)
    colour = _COLOURS[kind]
    if side == "high":
        return _ring(colour) + _letter("H", colour) + _points((28, 26, 28.5, 24, 21), 2, colour)
    return _ring(colour) + _letter("L", colour) + _points((12, 14, 11.5, 16, 19), 2, colour)


_WIGGLE: Final = "M8 26.5l3.5-3 4 4 4-3.5 4 3 4-3 4.5 2"


def _assurance(key: str) -> str:
    colour = _COLOURS[key]
    letter = {"pass": "P", "fail": "F", "inconsistent": "?"}[key]
    target_y = {"pass": 30.5, "fail": 20.5, "inconsistent": 25.5}[key]
    return (
        _ring(colour)
        + _letter(letter, colour)
        + f'<path d="{_WIGGLE}" fill="none" stroke="{GREY}" stroke-width="1.8" '
        'stroke-linejoin="round"/>'
        + f'<path d="M7 {target_y}h26" stroke="{colour}" stroke-width="2" '
        'stroke-dasharray="3.5 1.8"/>'
    )


def _sprite() -> str:
    symbols = [
        f'<symbol id="mdc-variation-{key.replace("_", "-")}" viewBox="0 0 40 40">'
        f"{_variation(key)}</symbol>"
        for key in VARIATION_WORDS
    ] + [
        f'<symbol id="mdc-assurance-{key}" viewBox="0 0 40 40">{_assurance(key)}</symbol>'
        for key in ASSURANCE_WORDS
    ]
    return (
        '<svg class="mdc-sprite" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
        'focusable="false" width="0" height="0">' + "".join(symbols) + "</svg>"
    )


#: Every icon as a ``<symbol>``: include it once in a page that shows icons.
SPRITE: Final = Markup(_sprite())
