"""``client.logs``: read Webex app logs and explain the BroadWorks-related failures in them.

The scanning lives in :mod:`checks.evidence.logs`; rules, wording and sources in
``catalog/client_log_rules.toml``. This module turns a scan into findings: one per rule (all its
matches in the time window as counted evidence), one per unrecognised error code, a summary
finding, and a :class:`~checks.artifacts.LogSummary` artifact with the files, the time span and
window, the extracted facts and the timeline that the CLI and the TUI show.
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import threading
from functools import partial
from typing import Any, Iterable

from ..api import Check, CheckContext, CheckOption, InputError, SkipCheck
from ..artifacts import FactRow, LogSummary, TimelineItem
from ..case import CaseFacts, CaseFieldError, TimeWindow, parse_time
from ..consistency import mismatch_finding
from ..model import Evidence, Finding
from ..findings import make_finding, render_partial
from ..humanize import fmt_span, fmt_time, human_size

MAX_EVIDENCE = 5
#: The facts TAC asks for, in the order the summary names the ones the logs did not give.
MISSING_FACT_LABELS = (("client_version", "client version"), ("os", "operating system"),
                       ("email", "user e-mail"), ("org_id", "org ID"))
#: The facts the summary shows, in order: (label, scanner fact).
FACT_ROWS = (("Client version", "client_version"), ("Client build", "client_build"), ("OS", "os"),
             ("User e-mail", "email"), ("Org ID", "org_id"), ("Tracking IDs", "tracking_id"))
#: Where the summary's facts come from, in the case's words (conflict messages, copied facts).
SOURCE = "the logs"
MAX_GENERIC_CODES = 10


def window_and_source(ctx: CheckContext) -> tuple[TimeWindow, str]:
    """The time window the logs are read in — ``--since/--until`` when given, else the case's
    window, else none — and where it comes from, in words."""
    since, until = ctx.option("since"), ctx.option("until")
    if since or until:
        return (TimeWindow(parse_time(since, "since") if since else None,
                           parse_time(until, "until") if until else None), "the window given for this run")
    if ctx.case is not None and (ctx.case.time_window.start or ctx.case.time_window.end):
        return ctx.case.time_window, f"the time window of case {ctx.case.id}"
    return TimeWindow(), "no window: every entry"


def fmt_window(w: TimeWindow) -> str:
    return f"{fmt_time(w.start) if w.start else '…'} – {fmt_time(w.end) if w.end else '…'}"


def short_title(rule: dict[str, Any], **values: Any) -> str:
    """A rule's title without its count, for timelines."""
    return render_partial(rule["title"], **values).split(" (")[0]


def _distinct(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def findings_from_scan(scan: Any, window_source: str = "") -> list[Finding]:
    """Turn a :class:`~checks.evidence.logs.LogScan` into findings (summary last).

    ``window_source`` says where the scan's time window came from (the case, the run's options);
    a window that left out matching entries is a warning, never a silent pass."""
    from ..evidence.logs import load_patterns

    cat = load_patterns().catalog
    rules = cat["rules"]
    out: list[Finding] = []
    generic: list[tuple[str, Any]] = []
    for key, st in scan.stats.items():
        rule_key, _, code = key.partition(":")
        if rule_key not in rules:
            continue
        if rules[rule_key].get("generic"):
            generic.append((code, st))
            continue
        out.append(_rule_finding(rules[rule_key], st))
    generic.sort(key=lambda cs: -cs[1].count)
    for code, st in generic[:MAX_GENERIC_CODES]:
        out.append(_rule_finding(rules["other_error"], st, code=code))
    if len(generic) > MAX_GENERIC_CODES:
        rest = generic[MAX_GENERIC_CODES:]
        code = f"{len(rest)} other codes"
        merged = type(rest[0][1])(count=sum(s.count for _, s in rest))
        merged.hits = [h for _, s in rest for h in s.hits][:MAX_EVIDENCE]
        merged.files = {f for _, s in rest for f in s.files}
        out.append(_rule_finding(rules["other_error"], merged, code=code))

    if scan.facts.get("telephony_webex_calling") and not scan.facts.get("telephony_broadworks"):
        out.append(make_finding(rules["webex_calling"], evidence=[
            Evidence("Webex Calling seen", ", ".join(scan.facts["telephony_webex_calling"]), "text")]))
    w = scan.window
    window_source = window_source or ("the window given" if (w.start or w.end) else "no window: every entry")
    if (w.start or w.end) and not scan.overlaps_window():
        out.append(make_finding(rules["no_overlap"], span=fmt_span(*scan.span), window=fmt_window(w)))
    left_out = _left_out(scan, rules)
    if left_out:
        out.append(make_finding(
            rules["window_hides"], count=sum(n for n, _ in left_out), window=fmt_window(w), window_source=window_source,
            left_out="; ".join(f"{n} × {title}" for n, title in left_out),
            evidence=[Evidence("left out by the time window", "\n".join(f"{n:>7}  {t}" for n, t in left_out), "text")]))
    share = scan.unrecognised_share
    if share >= rules["unrecognised"]["threshold"]:
        worst = sorted((f for f in scan.files if f.unrecognised), key=lambda f: -f.unrecognised)[:5]
        out.append(make_finding(rules["unrecognised"], evidence=[
            Evidence(f.name, f"{f.unrecognised} of {f.lines} lines not recognised", "text", f.name) for f in worst],
            share=round(share * 100), unrecognised=scan.unrecognised, lines=scan.lines))
    skipped = [(f.name, f.note) for f in scan.files if f.status in ("binary", "unreadable")] + list(scan.skipped)
    if skipped:
        out.append(make_finding(rules["skipped"], evidence=[Evidence(n, why, "file", n) for n, why in skipped[:20]],
                                count=len(skipped)))
    out.sort(key=lambda f: (-f.severity.rank, f.data.get("first") or ""))
    out.append(_summary(scan, rules["summary"]))
    return out


def _titles(scan: Any, rules: dict[str, Any]) -> dict[str, str]:
    """The timeline's words for each of the scan's stats keys (a rule, or ``other_error:<code>``)."""
    titles: dict[str, str] = {}
    for key in scan.stats:
        rule_key, _, code = key.partition(":")
        if rule_key in rules:
            titles[key] = short_title(rules[rule_key], code=code) if rules[rule_key].get("generic") \
                else short_title(rules[rule_key])
    return titles


def _left_out(scan: Any, rules: dict[str, Any]) -> list[tuple[int, str]]:
    """(count, rule title) of the matches the window left out, most first."""
    rows = [(n, short_title(rules[key], code="…")) for key, n in scan.left_out.items() if key in rules]
    return sorted(rows, key=lambda r: (-r[0], r[1]))


def _rule_finding(rule: dict[str, Any], st: Any, code: str = "") -> Finding:
    hits = st.hits
    evidence = [Evidence(f"{fmt_time(h.time) if h.time else 'no time'}  {h.file}:{h.line}", h.excerpt,
                         "log-excerpt", f"{h.file}:{h.line}") for h in hits[:MAX_EVIDENCE]]
    statuses = _distinct(h.values.get("sip_status") or h.values.get("http_status") for h in hits)
    return make_finding(
        rule, "", None, evidence,
        count=st.count, first=st.first.isoformat() if st.first else None,
        last=st.last.isoformat() if st.last else None, files=", ".join(sorted(st.files)),
        status=", ".join(statuses) or "none logged", code=code or None,
        tracking_ids=_distinct(h.values.get("tracking_id") for h in hits),
        error_codes=_distinct(h.values.get("error_code") for h in hits),
        last_source=st.last_source,
        matches=[{"time": h.time.isoformat() if h.time else None, "source": f"{h.file}:{h.line}", "line": h.text}
                 for h in hits])


def _summary(scan: Any, rule: dict[str, Any]) -> Finding:
    """The ``logs.summary`` finding: the files and span in a few words (the rest is in the
    :class:`~checks.artifacts.LogSummary` artifact)."""
    facts = scan.facts
    first, last = scan.span
    rows = [f"{f.name}  {human_size(f.size)}  {f.lines} lines  {fmt_span(f.first, f.last)}  {f.status}"
            + (f" ({f.note})" if f.note else "") for f in scan.files]
    one = lambda key: (facts.get(key) or ["unknown"])[0]  # noqa: E731
    return make_finding(
        rule, "", None, [Evidence("log files", "\n".join(rows) or "(none)", "text", scan.root)],
        files=len(scan.files), size=human_size(scan.size), span=fmt_span(first, last),
        lines=scan.lines, unrecognised_share=round(scan.unrecognised_share * 100, 1),
        client_version=one("client_version"), os=one("os"), email=one("email"), org_id=one("org_id"),
        telephony=scan.telephony())


def case_facts_of(scan: Any) -> CaseFacts:
    """The scan's facts in the case's vocabulary; the org ID is offered only when the logs name
    exactly one (a user signs in to one org: several mean mixed logs)."""
    found = scan.case_facts()
    orgs = list(dict.fromkeys(found.get("org_ids", [])))
    return CaseFacts(source=SOURCE, org_id=orgs[0] if len(orgs) == 1 else "", org_ids=tuple(orgs),
                     emails=tuple(found.get("emails", [])), client_versions=tuple(found.get("client_versions", [])),
                     tracking_ids=tuple(found.get("tracking_ids", [])))


def summary_from_scan(scan: Any, window_source: str = "") -> LogSummary:
    """The :class:`~checks.artifacts.LogSummary` of a scan (``window_source`` as for
    :func:`findings_from_scan`)."""
    from ..evidence.logs import load_patterns

    facts = scan.facts
    first, last = scan.span
    w = scan.window
    window_source = window_source or ("the window given" if (w.start or w.end) else "no window: every entry")
    rows = [FactRow(label, tuple(facts.get(key, []))) for label, key in FACT_ROWS]
    rows.append(FactRow("Calling", (scan.telephony(),)))
    return LogSummary(
        root=scan.root, source_kind=scan.kind, size=human_size(scan.size), lines=scan.lines,
        unrecognised_lines=scan.unrecognised, unrecognised_share=round(scan.unrecognised_share * 100, 1),
        span_start=first.isoformat() if first else None, span_end=last.isoformat() if last else None,
        window_start=w.start.isoformat() if w.start else None, window_end=w.end.isoformat() if w.end else None,
        window_text=fmt_window(w) if (w.start or w.end) else "none", window_source=window_source,
        outside_window=scan.outside_window, untimed_excluded=scan.untimed_excluded,
        left_out=sum(scan.left_out.values()), files=tuple(f.to_dict() for f in scan.files),
        skipped=tuple(scan.skipped), ignored_files=scan.ignored, facts=tuple(rows),
        facts_not_found=tuple(label for key, label in MISSING_FACT_LABELS if not facts.get(key)),
        case_facts=case_facts_of(scan),
        timeline=tuple(TimelineItem(t["time"], t["code"], t["title"], t["source"])
                       for t in scan.timeline(_titles(scan, load_patterns().catalog["rules"]))))


def validate_logs_path(path: str) -> None:
    """``--logs`` given to ``wxtriage run``: a missing path or broken archive is bad input (exit 2)."""
    from contextlib import ExitStack

    from ..evidence.logs import LogInputError, open_source

    try:
        with ExitStack() as stack:
            open_source(path, stack)
    except LogInputError as exc:
        raise InputError(f"--logs {exc}") from None


def validate_time(name: str, text: str) -> None:
    """``--since``/``--until``: a time that does not parse is bad input (exit 2), not a crashed check."""
    try:
        parse_time(text, name)
    except CaseFieldError as exc:
        raise InputError(f"--{name} {exc}") from None


class ClientLogsCheck(Check):
    id = "client.logs"
    title = "Webex app logs"
    area = "client-logs"
    description = ("Reads Webex app logs (a folder, a file, a .zip or .tar.gz; by default this computer's "
                   "Webex app log folder) and reports the client version, the time span and the BroadWorks "
                   "token, config-wxt.xml, service discovery, SIP registration, SBC and SSO failures.")
    timeout_s = 900.0
    options = (
        CheckOption("logs", "Webex app logs: folder, file, .zip or .tar.gz (default: this computer's app logs)",
                    kind="location", metavar="PATH", validate=validate_logs_path, label="Logs",
                    unset_label="folder, file, .zip or .tar.gz (default: this computer's app logs)"),
        CheckOption("since", "start of the time window, ISO-8601 (default: the case's window)", metavar="ISO",
                    validate=partial(validate_time, "since"), label="Since",
                    unset_label="ISO time such as 2026-11-20T14:05 (default: the case's window)"),
        CheckOption("until", "end of the time window, ISO-8601 (default: the case's window)", metavar="ISO",
                    validate=partial(validate_time, "until"), label="Until",
                    unset_label="ISO time (default: the case's window)"),
    )

    async def run(self, ctx: CheckContext) -> list[Finding]:
        from ..evidence.logs import LogInputError, find_default_logs, scan_logs

        window, window_source = window_and_source(ctx)
        try:
            path = ctx.option("logs") or find_default_logs()
        except LogInputError as exc:
            raise SkipCheck(str(exc)) from None
        stop = threading.Event()
        ctx.progress(f"reading {path}")
        try:
            scan = await asyncio.to_thread(scan_logs, path, window, progress=ctx.progress,
                                           cancelled=lambda: stop.is_set() or ctx.cancelled)
        except LogInputError as exc:
            raise SkipCheck(str(exc)) from None
        except asyncio.CancelledError:
            stop.set()  # the worker thread stops at its next chunk
            raise
        if scan.cancelled:
            raise SkipCheck("cancelled while reading the logs")
        if scan.lines == 0:  # nothing read: passing would be a silent success
            why = "; ".join(f"{f.name}: {f.note or f.status}" for f in scan.files[:3]) or "no log files"
            raise SkipCheck(f"no log lines found in {path} ({why}); point at the Webex app log folder "
                            "(the one holding current_log.txt) or the zip the user sent")
        findings = findings_from_scan(scan, window_source)
        ctx.add_artifact(summary_from_scan(scan, window_source))
        mismatch = case_mismatch(ctx.case, scan.case_facts())
        return findings[:-1] + ([mismatch] if mismatch else []) + findings[-1:]  # the summary stays last


def case_mismatch(case: Any, facts: dict[str, list[str]]) -> Finding | None:
    """A warning when the logs' org ID, user or client version disagree with what the case holds
    (only fields both hold; a case or logs without them have nothing to disagree with)."""
    from ..evidence.logs import load_patterns

    return mismatch_finding(load_patterns().catalog["rules"]["case_mismatch"], case, facts, source="the logs")
