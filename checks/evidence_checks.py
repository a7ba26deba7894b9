"""The checks behind the evidence front-ends (``wxtriage logs``, ``wxtriage har``, ``wxtriage users``,
the client-logs and HAR screens): which built-in check reads which evidence.

Front-ends render artifacts and never import check modules or name check ids; they ask here for
the check and run it through the runner like any other (timeout, redaction, events).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .api import Check


def logs_check() -> "type[Check]":
    """Reads Webex app logs; its result carries a :class:`~checks.artifacts.LogSummary`."""
    from .builtin.client_logs import ClientLogsCheck

    return ClientLogsCheck


def har_check() -> "type[Check]":
    """Reads a HAR capture; its result carries a :class:`~checks.artifacts.HarSummary`."""
    from .builtin.har_analyze import HarAnalyzeCheck

    return HarAnalyzeCheck


def users_check() -> "type[Check]":
    """Reads a Control Hub user export or a Partner Hub user status export."""
    from .builtin.user_exports import UsersCsvCheck

    return UsersCsvCheck
