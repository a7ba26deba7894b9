"""``har.analyze``: explain the failures in a HAR capture of Control Hub / Partner Hub.

The work happens in :mod:`checks.evidence.har_analysis` (streaming reader, error catalog
``catalog/har_errors.toml``, relevance ranking, extraction); this module adapts it to the check API.
"""
from __future__ import annotations

import asyncio

from ..api import Check, CheckContext, CheckOption, SkipCheck
from ..model import Finding


def _validate_har(path: str) -> None:
    from ..evidence.har import validate_har  # imported when used: the registry imports this module

    validate_har(path)


class HarAnalyzeCheck(Check):
    id = "har.analyze"
    title = "HAR capture of a Control Hub / Partner Hub error"
    area = "har"
    description = ("Reads a HAR (.har, .har.gz or .zip) recorded while an admin operation failed, finds the "
                   "failing calls — including errors hidden inside HTTP 200 bodies such as /users/onboard — "
                   "explains known error codes, ranks them by relevance and extracts org ID, tracking ID, "
                   "e-mail and the failing POST's response for TAC.")
    needs = ("har",)
    timeout_s = 600.0
    options = (CheckOption("har", "HAR capture to analyse (.har, .har.gz, .zip)", kind="path", metavar="FILE",
                           validate=_validate_har),)

    async def run(self, ctx: CheckContext) -> list[Finding]:
        from ..evidence.har import HarError
        from ..evidence.har_analysis import analyze_har

        path = ctx.option("har")
        try:
            # Reading is blocking I/O; keep the event loop free for other checks and the UI.
            analysis = await asyncio.to_thread(analyze_har, path, None, ctx.progress)
        except HarError as exc:
            raise SkipCheck(str(exc)) from None
        return analysis.findings
