"""Render results for people (flutter-doctor-style text, Markdown) and machines (JSON).

The CLI, the TUI and the bundle all render through here, so they say the same thing.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from . import __version__
from .case import Case, missing_for_tac
from .catalog import describe_source
from .model import CheckResult, Finding, Severity

if TYPE_CHECKING:
    from .fleet import ClusterRun, ClusterSummary

TOOL = "wxtriage"
JSON_SCHEMA_VERSION = 2  # 2: the client-log summary moved from logs.summary data to artifacts

_SEVERITY_MARK = {Severity.INFO: "•", Severity.WARNING: "!", Severity.ERROR: "✗", Severity.CRITICAL: "✗✗"}


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line if line else prefix.rstrip() for line in text.splitlines()]


#: Evidence kinds shown longer in text: (characters, continuation lines). A certificate chain is
#: shown whole — the fingerprint and every certificate sent are the point.
_EVIDENCE_LIMITS = {"certificate": (6000, 80)}


def finding_lines(f: Finding, prefix: str = "    ", evidence_limit: int = 6,
                  content_chars: int = 400, content_lines: int = 8) -> list[str]:
    """A finding as indented text lines; each evidence item is cut at ``content_chars`` characters
    and ``content_lines`` continuation lines, or its kind's larger limits (``--json`` always has it
    whole)."""
    lines = [f"{prefix}{_SEVERITY_MARK[f.severity]} [{f.severity.value}] {f.title}  ({f.code})"]
    inner = prefix + "  "
    if f.detail:
        lines += _indent(f.detail, inner)
    for ev in f.evidence[:evidence_limit]:
        if ev.kind == "certificate-pem":
            lines.append(f"{inner}evidence: {ev.label}: {ev.content.count('BEGIN CERTIFICATE')} certificate(s) "
                         "(whole in --json and the TAC bundle)")
            continue
        chars, more = _EVIDENCE_LIMITS.get(ev.kind, (content_chars, content_lines))
        chars, more = max(chars, content_chars), max(more, content_lines)
        content = ev.content if len(ev.content) <= chars else ev.content[:chars] + " …"
        first, *rest = content.splitlines() or [""]
        lines.append(f"{inner}evidence: {ev.label}: {first}")
        lines += [f"{inner}  {r}" for r in rest[:more]]
        if len(rest) > more:
            lines.append(f"{inner}  … (+{len(rest) - more} lines; see --json)")
    if len(f.evidence) > evidence_limit:
        lines.append(f"{inner}(+{len(f.evidence) - evidence_limit} more evidence items; see --json)")
    if f.remediation:
        lines.append(f"{inner}fix: {f.remediation.summary}")
        lines += [f"{inner}  {i}. {s}" for i, s in enumerate(f.remediation.steps, 1)]
        if f.remediation.command:
            lines.append(f"{inner}  $ {f.remediation.command}")
        if f.remediation.doc:
            lines.append(f"{inner}  see: {f.remediation.doc}")
    if f.source:
        lines.append(f"{inner}source: {describe_source(f.source)}")
    return lines


def render_text(results: Sequence[CheckResult], case: Case | None = None) -> str:
    lines: list[str] = []
    if case is not None:
        lines.append(f"Case {case.id}" + (f" · org {case.org_id}" if case.org_id else ""))
    for r in results:
        head = f"[{r.status.symbol}] {r.title} ({r.check_id})"
        if r.reason:
            head += f" — {r.reason}"
        lines.append(head)
        for f in sorted(r.findings, key=lambda f: -f.severity.rank):
            lines += finding_lines(f)
    counts = summary_counts(results)
    lines.append("")
    lines.append("• " + ", ".join(f"{n} {k}" for k, n in counts.items() if n) if any(counts.values())
                 else "• no checks ran")
    return "\n".join(lines)


def summary_counts(results: Iterable[CheckResult]) -> dict[str, int]:
    counts = {"pass": 0, "warn": 0, "fail": 0, "skip": 0, "error": 0}
    for r in results:
        counts[r.status.value] += 1
    return counts


def json_document(results: Sequence[CheckResult], case: Case | None = None) -> dict[str, Any]:
    """The ``--json`` document (schema in docs/json-schema.md)."""
    return {
        "tool": TOOL,
        "version": __version__,
        "schema": JSON_SCHEMA_VERSION,
        "generated_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "case": case.to_dict() if case else None,
        "summary": summary_counts(results),
        "checks": [r.to_dict() for r in results],
    }


def finding_markdown(f: Finding, check_id: str = "", level: int = 2) -> list[str]:
    """One finding as Markdown lines: title, detail, evidence, fix, source."""
    out = [f"{'#' * level} [{f.severity.value}] {f.title}", "",
           f"`{f.code}`" + (f" from `{check_id}`" if check_id else ""), ""]
    if f.detail:
        out += [f.detail, ""]
    if f.remediation:
        out += [f"**Fix:**\u00a0{f.remediation.summary}", ""]  # NBSP: Textual drops a plain space after bold
        out += [f"{i}. {s}" for i, s in enumerate(f.remediation.steps, 1)]
        if f.remediation.command:
            out += ["", "```", f.remediation.command, "```"]
        if f.remediation.doc:
            out += ["", f"See: {f.remediation.doc}"]
        out.append("")
    for ev in f.evidence:
        if ev.kind == "certificate-pem":  # the chain described above; the PEM itself goes to TAC as a file
            n = ev.content.count("BEGIN CERTIFICATE")
            out += [f"**{ev.label}**: {n} certificate(s), in the TAC bundle as a .pem file", ""]
            continue
        out += [f"**{ev.label}**" + (f" ({ev.source})" if ev.source else ""), "", "```", ev.content, "```", ""]
    if f.source:
        out += [f"_Source: {describe_source(f.source)}_", ""]
    return out


def render_markdown(results: Sequence[CheckResult], case: Case | None = None) -> str:
    out = ["# wxtriage report", ""]
    if case is not None:
        out += ["## Case", "", "| field | value |", "|---|---|"]
        rows = [("Case ID", case.id), ("Customer org ID", case.org_id), ("Partner org ID", case.partner_org_id),
                ("Tracking IDs", ", ".join(case.tracking_ids)), ("Affected users", ", ".join(case.emails)),
                ("Client versions", ", ".join(case.client_versions)), ("BroadWorks release", case.release),
                ("Time window", " – ".join(v or "…" for v in case.time_window.to_dict().values())
                 if case.time_window.start or case.time_window.end else ""),
                ("Description", case.description.replace("\n", " "))]
        out += [f"| {k} | {v.replace('|', '/') if v else '—'} |" for k, v in rows]
        out.append("")
        missing = missing_for_tac(case)
        if missing:
            out += ["**Missing for TAC:**", "", *(f"- {note}" for note in missing), ""]
    out += ["## Checks", "", "| | check | status | findings | duration |", "|---|---|---|---|---|"]
    for r in results:
        out.append(f"| {r.status.symbol} | {r.check_id} | {r.status.value}{' — ' + r.reason if r.reason else ''} "
                   f"| {len(r.findings)} | {r.duration_s:.2f} s |")
    out.append("")
    findings = [(r, f) for r in results for f in r.findings]
    if findings:
        out += ["## Findings", ""]
        for r, f in sorted(findings, key=lambda rf: -rf[1].severity.rank):
            out += finding_markdown(f, r.check_id, level=3)
    return "\n".join(out)


def _fleet_line(s: "ClusterSummary", width: int) -> str:
    what = s.title + (f"  ({s.where})" if s.where else "") if s.title else ""
    more = f" (+{s.problems - 1} more)" if s.problems > 1 else ""
    return f"  [{s.status.symbol}] {s.cluster:<{width}}  {s.status.value:<5}  {what}{more}".rstrip()


def render_fleet(runs: Sequence["ClusterRun"], check_ids: Sequence[str], case: Case | None = None) -> str:
    """A fleet scan: one line per cluster (worst status, where it fails first), then the details of
    every cluster that is not a clean pass, each as ``render_text`` shows a single run."""
    summaries = [r.summary for r in runs]
    width = max((len(s.cluster) for s in summaries), default=0)
    lines: list[str] = []
    if case is not None:
        lines.append(f"Case {case.id}" + (f" · org {case.org_id}" if case.org_id else ""))
    lines.append(f"Fleet scan: {len(runs)} cluster{'s' if len(runs) != 1 else ''}, checks "
                 + ", ".join(check_ids))
    lines += [_fleet_line(s, width) for s in summaries]
    unclean = [r for r, s in zip(runs, summaries) if s.status.value != "pass"]
    lines += ["", f"• {len(runs) - len(unclean)} of {len(runs)} clusters pass"
              + (f"; details of the other {len(unclean)} follow (--json has every cluster in full)" if unclean else "")]
    for run in unclean:
        lines += ["", f"== {run.cluster} ==", render_text(run.results)]
    return "\n".join(lines)


def fleet_document(runs: Sequence["ClusterRun"], case: Case | None = None) -> dict[str, Any]:
    """The ``run --all-clusters --json`` document: the single-run document per cluster, with its summary."""
    doc = json_document([r for run in runs for r in run.results], case)
    del doc["checks"]
    doc["clusters"] = [{"cluster": run.cluster, "summary": run.summary.to_dict(),
                        "counts": summary_counts(run.results), "checks": [r.to_dict() for r in run.results]}
                       for run in runs]
    return doc
