"""``wxtriage har FILE``: analyse a HAR capture; optionally write a redacted copy or fill a case.

Exit 0: no error findings; 1: error findings; 2: bad input (one line naming the file and why).
Everything printed has been redacted and then leak-scanned; a hit refuses the output.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys

from checks import __version__
from checks.evidence.har import HarError
from checks.evidence.har_analysis import EVIDENCE_BODY_CHARS
from checks.model import CheckResult, Severity, status_for
from checks.report import TOOL, finding_lines
from checks.textsafe import escape_controls

from .common import CliError, add_store_arg, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("har", help="analyse a HAR capture of a Control Hub / Partner Hub error "
                                   "(exit 0: no errors, 1: error findings, 2: bad input)")
    p.add_argument("file", metavar="FILE", help="HAR capture (.har, .har.gz, or a .zip holding HARs)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--redact-out", metavar="OUT.har",
                   help="also write a redacted copy (valid HAR, secrets replaced consistently); "
                        "OUT.zip gets one redacted HAR per HAR in FILE (needed for a zip of several)")
    p.add_argument("--case", metavar="ID", help="copy org ID, tracking IDs, e-mails and time window into this "
                                                "case and store the findings with it")
    add_store_arg(p)
    p.set_defaults(func=cmd_har)


def render(analysis) -> str:
    """The analysis as text, most relevant finding first (the analysis already ranked them)."""
    head = f"HAR {analysis.path}: {analysis.entries} entries"
    if analysis.truncated:
        head += " (incomplete file)"
    lines = [head]
    lines += [f"  ! {w}" for w in analysis.warnings]
    for f in analysis.findings:
        # The failing POST's response content is what TAC asks for: shown whole, as far as the
        # analysis keeps it (its evidence excerpts are already capped).
        lines += finding_lines(f, prefix="  ", content_chars=EVIDENCE_BODY_CHARS + 100, content_lines=60)
        lines.append("")
    worst = max((f.severity for f in analysis.findings), default=Severity.INFO)
    n_err = sum(f.severity >= Severity.ERROR for f in analysis.findings)
    lines.append(f"• {len(analysis.findings)} findings, {n_err} at error or above (worst: {worst.value})")
    return "\n".join(lines)


def cmd_har(args: argparse.Namespace) -> int:
    from checks.evidence.har_analysis import analyze_har, apply_to_case
    from checks.redact import redact_har_file

    store = open_store(args) if args.case else None
    case = store.get(args.case) if store else None
    started = _dt.datetime.now(_dt.timezone.utc)
    try:
        analysis = analyze_har(args.file)
        redacted = None
        if args.redact_out:
            redacted = redact_har_file(args.file, args.redact_out, redactor=analysis.redactor)
    except HarError as exc:
        raise CliError(str(exc)) from None
    if case is not None:  # a HAR of another org than the case's: a warning in every output
        from checks.builtin.har_analyze import checked_against_case

        checked_against_case(analysis, case)
    scanner = analysis.scanner()
    if args.json:
        doc = {"tool": TOOL, "version": __version__, **analysis.to_dict()}
        if redacted is not None:
            doc["redacted_copy"] = {"path": str(redacted.path), "entries": redacted.entries,
                                    "placeholders": redacted.placeholders, "members": list(redacted.members)}
        out = json.dumps(doc, indent=2, ensure_ascii=False)
    else:
        out = render(analysis)
        if redacted is not None:
            held = f"{len(redacted.members)} HAR(s): {', '.join(redacted.members)}; " if redacted.members else ""
            out += (f"\nWrote redacted copy {redacted.path} ({held}{redacted.entries} entries, "
                    f"{redacted.placeholders} distinct secret values replaced)")
    scanner.check_text(out, "the har output")  # LeakError → one line, exit 2, nothing printed
    if store is not None and case is not None:
        result = CheckResult("har.analyze", "HAR capture of a Control Hub / Partner Hub error", "har",
                             status_for(analysis.findings), tuple(analysis.findings),
                             started_at=started.isoformat(timespec="seconds"),
                             duration_s=(_dt.datetime.now(_dt.timezone.utc) - started).total_seconds())
        store.add_results(case.id, [result])
        store.update(case.id, lambda current: apply_to_case(current, analysis.extract))
        store.add_evidence(case.id, "har", args.file)  # the bundle attaches a redacted copy
        out += "" if args.json else f"\nCopied the extracted values into case {case.id}"
    sys.stdout.write((out if args.json else escape_controls(out)) + "\n")
    return 1 if any(f.severity >= Severity.ERROR for f in analysis.findings) else 0
