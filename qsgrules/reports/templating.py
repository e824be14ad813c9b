"""Jinja2 for the HTML reports: templates are package data, every value autoescaped."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2  # only when a report is rendered: the command line starts without it

    return jinja2.Environment(
        loader=jinja2.PackageLoader("qsgrules.reports", "templates"),
        autoescape=True,  # every value a member typed is escaped, whatever the file name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)
