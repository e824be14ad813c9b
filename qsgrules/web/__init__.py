"""The live review page, `qsg serve`: the board, a page per provider with the same content
as its section of the meeting pack, and, while a meeting is open in the register, forms to
record attendance, positions, the chair's decision and actions.

A thin layer: proposals and the pack come through ``qsgrules.api``, every write goes
through the register's API (``qsgrules.register``), the pages extend the pack's template.
Importing this package imports Flask: the command line imports it only for `qsg serve`.
"""

from .app import make_app
from .live import LiveReview
from .server import RunningServer, free_port, serve, start_server

__all__ = ["LiveReview", "RunningServer", "free_port", "make_app", "serve", "start_server"]
