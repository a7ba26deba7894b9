"""``har.analyze``: explain the failures in a HAR capture of Control Hub / Partner Hub.

The work happens in :mod:`checks.evidence.har_analysis` (streaming reader, error catalog
``catalog/har_errors.toml``, relevance ranking, extraction); this module adapts it to the check API.
"""
from __future__ import annotations

import asyncio

from typing import Any

from ..api import Check, CheckContext, CheckOption
from ..artifacts import HarSummary
from ..case import Case, CaseFacts, TimeWindow, parse_time
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
                           validate=_validate_har, label="HAR capture"),)

    async def run(self, ctx: CheckContext) -> list[Finding]:
        from ..evidence.har_analysis import analyze_har

        # Reading is blocking I/O; keep the event loop free for other checks and the UI.
        # A file damaged past the first bytes raises HarError, an InputError: the runner reports
        # it as an error result with the one-line reason, as for every other unreadable input,
        # so `run` exits non-zero instead of passing over it as a skip.
        analysis = await asyncio.to_thread(analyze_har, ctx.option("har"), ctx.services.redactor, ctx.progress)
        findings = checked_against_case(analysis, ctx.case)
        ctx.add_artifact(har_summary(analysis))
        return findings


def har_summary(analysis: Any) -> HarSummary:
    """The :class:`~checks.artifacts.HarSummary` of an analysis: the file, what was wrong with it,
    the extract for TAC and the facts for the case (the most relevant org is *the* org)."""
    ex = analysis.extract
    try:
        window = TimeWindow(parse_time(ex.first_time) if ex.first_time else None,
                            parse_time(ex.last_time) if ex.last_time else None)
    except ValueError:  # a capture whose clock runs backwards offers no window
        window = TimeWindow()
    facts = CaseFacts(source="the HAR", org_id=ex.org_ids[0] if ex.org_ids else "", org_ids=tuple(ex.org_ids),
                      emails=tuple(ex.emails), tracking_ids=tuple(ex.tracking_ids), window=window)
    return HarSummary(file=analysis.path, entries=analysis.entries, truncated=analysis.truncated,
                      sanitised=analysis.sanitised, warnings=tuple(analysis.warnings),
                      sources=tuple(analysis.sources), extract=ex.to_dict(), case_facts=facts)


def checked_against_case(analysis: Any, case: Case | None) -> list[Finding]:
    """The analysis' findings plus a warning when the HAR's orgs are not the case's (a capture of
    another org); also stored on ``analysis.findings`` so every view of it shows the warning.
    Without an org ID on either side there is nothing to compare: no finding."""
    from ..catalog import load_catalog
    from ..consistency import mismatch_finding, with_finding

    rule = load_catalog("har_errors")["rules"]["case_mismatch"]
    extra = mismatch_finding(rule, case, {"org_ids": analysis.extract.org_ids}, compare=("org_ids",),
                             source="the HAR's calls")
    if extra is not None and not any(f.code == extra.code for f in analysis.findings):
        analysis.findings = with_finding(analysis.findings, extra, before="har.extracted")
    return list(analysis.findings)
