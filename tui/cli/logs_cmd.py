"""``wxtriage logs [PATH]``: read Webex app logs and explain the BroadWorks failures in them.

Runs the same ``client.logs`` check as ``wxtriage run`` and the TUI, then prints the files, the
time span, the extracted facts, a timeline and the findings. Exit 0: nothing at error level,
1: error findings, 2: bad input (no logs, unreadable archive, bad time).
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import ExitStack
from dataclasses import replace
from typing import Any

from checks.api import CheckContext
from checks.artifacts import LogSummary, artifacts_of
from checks.case import parse_time
from checks.evidence_checks import logs_check
from checks.humanize import fmt_time, human_size
from checks.evidence.logs import LogInputError, find_default_logs, open_source
from checks.model import CheckResult, Status, exit_code_for
from checks.report import finding_lines, json_document
from checks.runner import CheckProgress, run_one

from .common import CliError, add_store_arg, emit_safe, open_store

TIMELINE_LINES = 40
MATCH_LINES = 3


def _clip(text: str, width: int = 150) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("logs", help="read Webex app logs: version, time span, BroadWorks failures "
                                    "(exit 0: no errors, 1: error findings, 2: bad input)")
    p.add_argument("path", nargs="?", metavar="PATH",
                   help="folder, log file, .zip or .tar.gz (default: this computer's Webex app log folder)")
    p.add_argument("--since", metavar="ISO", help="start of the time window (default: the case's window)")
    p.add_argument("--until", metavar="ISO", help="end of the time window (default: the case's window)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--case", metavar="ID", help="use this case's time window and store the results in it")
    p.add_argument("--copy-facts", action="store_true",
                   help="with --case: add the e-mail, client version, tracking IDs and org ID found to the case")
    add_store_arg(p)
    p.set_defaults(func=cmd_logs)


def cmd_logs(args: argparse.Namespace) -> int:
    if args.copy_facts and not args.case:
        raise CliError("--copy-facts needs --case ID (the case to copy the facts into)")
    for name in ("since", "until"):
        if getattr(args, name):
            parse_time(getattr(args, name), name)  # one-line error before any reading
    store = open_store(args) if args.case else None
    case = store.get(args.case) if store else None
    try:
        path = args.path or str(find_default_logs())
        with ExitStack() as stack:
            open_source(path, stack)  # bad paths and broken archives: exit 2, before the scan
    except LogInputError as exc:
        raise CliError(str(exc)) from None
    ctx = CheckContext(case=case, options={"logs": path, "since": args.since, "until": args.until})
    interactive = not args.json and sys.stderr.isatty()

    def on_event(ev: Any) -> None:
        if interactive and isinstance(ev, CheckProgress):
            print(f"  {ev.message} …", file=sys.stderr)

    result = asyncio.run(run_one(logs_check(), ctx, on_event))
    if result.status is Status.SKIP:
        raise CliError(result.reason)
    notes: list[str] = []
    if store and case:
        store.add_results(case.id, [result])
        summary = next(iter(artifacts_of([result], LogSummary)), None)
        if args.copy_facts and summary is not None:
            facts = summary.case_facts
            changes: list[str] = []

            def copy(current):  # inside the store's transaction, on the case as stored now
                updated, found = current.with_facts(replace(facts, source=""))
                changes[:] = found
                return updated if found else current

            case = store.update(case.id, copy)
            notes.append(f"Copied into case {case.id}: {'; '.join(changes)}" if changes
                         else f"Case {case.id} already has every fact found")
    if args.json:
        emit_safe(doc=json_document([result], case), where="the logs output")
    else:
        emit_safe(render_logs_text(result, notes), where="the logs output")
    return exit_code_for([result])


def render_logs_text(result: CheckResult, notes: list[str] = ()) -> str:  # type: ignore[assignment]
    """The human report: source, files, span, facts, timeline, then the findings."""
    lines: list[str] = []
    d = next(iter(artifacts_of([result], LogSummary)), None)
    if d is None:  # the check crashed: say so plainly
        return f"[{result.status.symbol}] {result.title} ({result.check_id}) — {result.reason}"
    lines.append(f"Webex app logs: {d.root} ({d.source_kind})")
    lines.append(f"  {len(d.files)} file(s), {d.size}, {d.lines} lines, "
                 f"{_t(d.span_start)} – {_t(d.span_end)} (times without a zone are read as UTC)")
    lines.append(f"  {d.unrecognised_share} % of lines not recognised ({d.unrecognised_lines} of {d.lines})")
    windowed = bool(d.window_start or d.window_end)
    if windowed:
        source = f" ({d.window_source})" if d.window_source else ""
        lines.append(f"  time window: {_t(d.window_start)} – {_t(d.window_end)}{source}; "
                     f"{d.outside_window} match(es) outside it left out"
                     + (f", {d.untimed_excluded} without a time left out" if d.untimed_excluded else ""))
    else:
        lines.append("  time window: none, every entry read")
    lines.append("")
    width = max((len(f["name"]) for f in d.files), default=4)
    lines.append(f"  {'file':<{width}}  {'size':>9}  {'lines':>8}  {'from':<19}  {'to':<19}  status")
    for f in d.files:
        lines.append(f"  {f['name']:<{width}}  {human_size(f['size']):>9}  {f['lines']:>8}  {_t(f['first']):<19}  "
                     f"{_t(f['last']):<19}  {f['status']}" + (f" ({f['note']})" if f["note"] else ""))
    for name, reason in d.skipped:
        lines.append(f"  {name:<{width}}  not read: {reason}")
    if d.ignored_files:
        lines.append(f"  ({d.ignored_files} other file(s) whose names do not look like logs were not read)")
    lines.append("")
    lines.append("Facts for the case (wxtriage logs PATH --case ID --copy-facts copies them)")
    for row in d.facts:
        lines.append(f"  {row.label + ':':<16}{', '.join(row.values) or '—'}")
    if d.facts_not_found:
        lines.append(f"  {'Not found:':<16}{', '.join(d.facts_not_found)} (wxtriage case set adds them)")
    lines.extend(f"  {n}" for n in notes)
    if d.timeline:
        lines.append("")
        lines.append("Timeline")
        for item in d.timeline[:TIMELINE_LINES]:
            lines.append(f"  {_t(item.time):<19}  {item.title}  ({item.code})  {item.source}")
        if len(d.timeline) > TIMELINE_LINES:
            lines.append(f"  … {len(d.timeline) - TIMELINE_LINES} more (see --json)")
    lines.append("")
    lines.append(f"[{result.status.symbol}] {result.title} ({result.check_id})")
    # The summary finding's words are the header above; every other finding follows.
    others = result.findings[:-1] if result.findings else ()
    for f in others:
        lines += finding_lines(f, evidence_limit=0)[:1]
        for m in f.data.get("matches", [])[:MATCH_LINES]:
            lines.append(f"        {_t(m['time']):<19}  {m['source']}  {_clip(m['line'])}")
        if f.data.get("count", 0) > MATCH_LINES:
            lines.append(f"        … {f.data['count'] - MATCH_LINES} more (excerpts in --json and the bundle)")
        lines += finding_lines(f, evidence_limit=0)[1:]
    if not others:
        lines.append("    • no BroadWorks-related failures found" + (" in the window" if windowed else ""))
    return "\n".join(lines)


def _t(iso: str | None) -> str:
    if not iso:
        return "…"
    try:
        return fmt_time(parse_time(iso))
    except ValueError:
        return iso
