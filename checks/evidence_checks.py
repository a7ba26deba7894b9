"""The checks behind the evidence front-ends (``wxtriage logs``, ``wxtriage har``, the client-logs
and HAR screens): which built-in check reads which evidence.

Front-ends render artifacts and never import check modules or name check ids; they ask here for
the check and run it through the runner like any other (timeout, redaction, events).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .api import Check

#: The built-in check that reads Webex app logs (its result carries a LogSummary).
LOGS_CHECK = "client.logs"
#: The built-in check that reads a HAR capture (its result carries a HarSummary).
HAR_CHECK = "har.analyze"


def logs_check() -> "type[Check]":
    from .builtin.client_logs import ClientLogsCheck

    return ClientLogsCheck


def har_check() -> "type[Check]":
    from .builtin.har_analyze import HarAnalyzeCheck

    return HarAnalyzeCheck
