"""``client.logs``: read Webex app logs and explain the BroadWorks-related failures in them.

The scanning lives in :mod:`checks.evidence.logs`; rules, wording and sources in
``catalog/client_log_rules.toml``. This module turns a scan into findings: one per rule (all its
matches in the time window as counted evidence), one per unrecognised error code, and a summary
whose ``data`` carries the files, the time span, the extracted facts and the timeline that the
CLI and the TUI show.
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import threading
from typing import Any, Iterable

from ..api import Check, CheckContext, CheckOption, InputError, SkipCheck
from ..case import TimeWindow, parse_time
from ..model import Evidence, Finding
from ..findings import make_finding, render_partial

MAX_EVIDENCE = 5
#: The facts TAC asks for, in the order the summary names the ones the logs did not give.
MISSING_FACT_LABELS = (("client_version", "client version"), ("os", "operating system"),
                       ("email", "user e-mail"), ("org_id", "org ID"))
MAX_GENERIC_CODES = 10


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover


def fmt_time(t: _dt.datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else "?"


def fmt_span(first: _dt.datetime | None, last: _dt.datetime | None) -> str:
    if not first and not last:
        return "no timestamps"
    return f"{fmt_time(first)} – {fmt_time(last)}"


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
    titles: dict[str, str] = {}
    for key, st in scan.stats.items():
        rule_key, _, code = key.partition(":")
        if rule_key not in rules:
            continue
        if rules[rule_key].get("generic"):
            generic.append((code, st))
            titles[key] = short_title(rules[rule_key], code=code)
            continue
        titles[key] = short_title(rules[rule_key])
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
    out.append(_summary(scan, rules["summary"], titles, window_source))
    return out


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


def _summary(scan: Any, rule: dict[str, Any], titles: dict[str, str], window_source: str = "") -> Finding:
    facts = scan.facts
    first, last = scan.span
    files = [f.to_dict() for f in scan.files]
    rows = [f"{f['name']}  {human_size(f['size'])}  {f['lines']} lines  "
            f"{fmt_span(scan.files[i].first, scan.files[i].last)}  {f['status']}"
            + (f" ({f['note']})" if f["note"] else "") for i, f in enumerate(files)]
    timeline = scan.timeline(titles)
    w = scan.window
    one = lambda key: (facts.get(key) or ["unknown"])[0]  # noqa: E731
    data_facts = {"client_version": facts.get("client_version", []), "client_build": facts.get("client_build", []),
                  "os": facts.get("os", []), "email": facts.get("email", []), "org_id": facts.get("org_id", []),
                  "tracking_id": facts.get("tracking_id", []), "telephony": scan.telephony()}
    finding = make_finding(
        rule, "", None, [Evidence("log files", "\n".join(rows) or "(none)", "text", scan.root)],
        files=len(scan.files), size=human_size(scan.size), span=fmt_span(first, last),
        lines=scan.lines, unrecognised_share=round(scan.unrecognised_share * 100, 1),
        client_version=one("client_version"), os=one("os"), email=one("email"), org_id=one("org_id"),
        telephony=scan.telephony())
    data = dict(finding.data) | {
        "root": scan.root, "kind": scan.kind, "files": files,
        "skipped": [{"name": n, "reason": r} for n, r in scan.skipped], "ignored_files": scan.ignored,
        "unrecognised_lines": scan.unrecognised,
        "span": {"start": first.isoformat() if first else None, "end": last.isoformat() if last else None},
        "window": w.to_dict(), "window_source": window_source, "window_text": fmt_window(w) if (w.start or w.end)
        else "none", "outside_window": scan.outside_window, "untimed_excluded": scan.untimed_excluded,
        "left_out": sum(scan.left_out.values()),
        "facts": data_facts, "case_facts": scan.case_facts(), "timeline": timeline, "engine": scan.engine,
        "facts_not_found": [label for key, label in MISSING_FACT_LABELS if not data_facts.get(key)],
        "times_without_zone": "compared as UTC",
    }
    return Finding(finding.code, finding.severity, finding.title, finding.detail, finding.evidence,
                   finding.remediation, finding.source, data)


def validate_logs_path(path: str) -> None:
    """``--logs`` given to ``wxtriage run``: a missing path or broken archive is bad input (exit 2)."""
    from contextlib import ExitStack

    from ..evidence.logs import LogInputError, open_source

    try:
        with ExitStack() as stack:
            open_source(path, stack)
    except LogInputError as exc:
        raise InputError(f"--logs {exc}") from None


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
                    kind="location", metavar="PATH", validate=validate_logs_path, label="Logs"),
        CheckOption("since", "start of the time window, ISO-8601 (default: the case's window)", metavar="ISO",
                    label="Since"),
        CheckOption("until", "end of the time window, ISO-8601 (default: the case's window)", metavar="ISO",
                    label="Until"),
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
        mismatch = case_mismatch(ctx.case, scan.case_facts())
        return findings[:-1] + ([mismatch] if mismatch else []) + findings[-1:]  # the summary stays last


def summary_of(findings: Iterable[Finding]) -> Finding | None:
    """The ``logs.summary`` finding of a ``client.logs`` result (files, facts, timeline in ``data``)."""
    return next((f for f in findings if f.code == "logs.summary"), None)


MAX_COPIED_TRACKING_IDS = 10


def case_with_facts(case: Any, case_facts: dict[str, list[str]]) -> tuple[Any, list[str]]:
    """``case`` with the facts from the logs added (lists appended, org ID only if the case has none
    and the logs show exactly one); also returns what changed, in words."""
    changes: list[str] = []
    emails = [e for e in case_facts.get("emails", []) if e not in case.emails]
    versions = [v for v in case_facts.get("client_versions", []) if v not in case.client_versions]
    tracking = [t for t in case_facts.get("tracking_ids", []) if t not in case.tracking_ids][:MAX_COPIED_TRACKING_IDS]
    org_ids = case_facts.get("org_ids", [])
    updates: dict[str, Any] = {}
    if emails:
        updates["emails"] = case.emails + tuple(emails)
        changes.append(f"e-mail {', '.join(emails)}")
    if versions:
        updates["client_versions"] = case.client_versions + tuple(versions)
        changes.append(f"client version {', '.join(versions)}")
    if tracking:
        updates["tracking_ids"] = case.tracking_ids + tuple(tracking)
        changes.append(f"{len(tracking)} tracking ID(s)")
    if not case.org_id and len(org_ids) == 1:
        updates["org_id"] = org_ids[0]
        changes.append(f"org ID {org_ids[0]}")
    return (case.updated(**updates) if updates else case), changes




def case_mismatch(case: Any, facts: dict[str, list[str]]) -> Finding | None:
    """A warning when the logs' org ID, user or client version disagree with what the case holds
    (only fields the case has; a case without them has nothing to disagree with)."""
    from ..evidence.logs import load_patterns

    if case is None:
        return None
    parts: list[tuple[str, str]] = []
    org_ids = facts.get("org_ids", [])
    if case.org_id and org_ids and case.org_id.lower() not in (o.lower() for o in org_ids):
        parts.append(("org ID", f"the logs show org {', '.join(org_ids)}, the case has {case.org_id}"))
    emails = facts.get("emails", [])
    if case.emails and emails and not {e.lower() for e in emails} & {e.lower() for e in case.emails}:
        parts.append(("user", f"the logs' user {', '.join(emails)} is not among the case's users "
                              f"({', '.join(case.emails)})"))
    versions = facts.get("client_versions", [])
    if case.client_versions and versions and not set(versions) & set(case.client_versions):
        parts.append(("client version", f"the logs show version {', '.join(versions)}, the case has "
                                        f"{', '.join(case.client_versions)}"))
    if not parts:
        return None
    rule = load_patterns().catalog["rules"]["case_mismatch"]
    return make_finding(rule, what=", ".join(w for w, _ in parts), details="; ".join(d for _, d in parts).capitalize(),
                        evidence=[Evidence(w, d, "text") for w, d in parts],
                        fields=[w for w, _ in parts])


def suggested_updates(case: Any, results: Iterable[Any]) -> tuple[Any, list[str]]:
    """What the case would gain from the facts the latest ``client.logs`` result found (the same
    rules as "Copy facts"): the updated case and the changes in words (empty: nothing to offer)."""
    for r in results:
        if r.check_id == "client.logs":
            summary = summary_of(r.findings)
            if summary is not None:
                return case_with_facts(case, summary.data.get("case_facts", {}))
    return case, []
