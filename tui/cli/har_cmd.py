"""``wxtriage har FILE``: analyse a HAR capture; optionally write a redacted copy or fill a case.

Exit 0: no error findings; 1: error findings; 2: bad input (one line naming the file and why).
Everything printed has been redacted and then leak-scanned; a hit refuses the output.
"""
from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import sys

from checks import __version__
from checks.api import CheckContext, Services
from checks.artifacts import HarSummary, artifacts_of
from checks.evidence.har import HarError
from checks.evidence.har_analysis import EVIDENCE_BODY_CHARS
from checks.evidence_checks import har_check
from checks.model import CheckResult, Severity, Status, exit_code_for
from checks.redact import LeakScanner, Redactor, default_known_secrets
from checks.report import TOOL, finding_lines
from checks.runner import run_one
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


def render(summary: HarSummary, result: CheckResult) -> str:
    """The analysis as text, most relevant finding first (the check already ranked them)."""
    head = f"HAR {summary.file}: {summary.entries} entries"
    if summary.truncated:
        head += " (incomplete file)"
    lines = [head]
    lines += [f"  ! {w}" for w in summary.warnings]
    for f in result.findings:
        # The failing POST's response content is what TAC asks for: shown whole, as far as the
        # analysis keeps it (its evidence excerpts are already capped).
        lines += finding_lines(f, prefix="  ", content_chars=EVIDENCE_BODY_CHARS + 100, content_lines=60)
        lines.append("")
    worst = max((f.severity for f in result.findings), default=Severity.INFO)
    n_err = sum(f.severity >= Severity.ERROR for f in result.findings)
    lines.append(f"• {len(result.findings)} findings, {n_err} at error or above (worst: {worst.value})")
    return "\n".join(lines)


def _give_back_memory() -> None:
    """The analysis ran in a worker thread, and glibc keeps what that thread freed in its own arena,
    out of reach of the redacted copy written next (a HAR nested thousands of levels deep costs the
    reader gigabytes: tests/test_safety_input.py). Hand it back to the system before going on."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        pass


def cmd_har(args: argparse.Namespace) -> int:
    from checks.redact import redact_har_file

    store = open_store(args) if args.case else None
    case = store.get(args.case) if store else None
    check = har_check()
    for option in check.options:  # a file that is no HAR: exit 2 before any reading
        if option.validate is not None:
            option.validate(args.file)
    # The analysis' redactor also writes the redacted copy: the copy's placeholders are the findings'.
    redactor = Redactor()
    ctx = CheckContext(case=case, options={o.dest: args.file for o in check.options},
                       services=Services(redactor=redactor))
    result = asyncio.run(run_one(check, ctx))
    _give_back_memory()
    summary = next(iter(artifacts_of([result], HarSummary)), None)
    if result.status in (Status.ERROR, Status.SKIP) or summary is None:
        raise CliError(result.reason or "the HAR could not be analysed")  # one line, already redacted
    redacted = None
    if args.redact_out:
        try:
            redacted = redact_har_file(args.file, args.redact_out, redactor=redactor)
        except HarError as exc:
            raise CliError(str(exc)) from None
    scanner = LeakScanner(default_known_secrets())  # every secret this analysis saw, plus the keyring's
    scanner.add(redactor.removed)
    if args.json:
        doc = {"tool": TOOL, "version": __version__, "file": summary.file, "entries": summary.entries,
               "truncated": summary.truncated, "sanitised": summary.sanitised, "warnings": list(summary.warnings),
               "findings": [f.to_dict() for f in result.findings], "extract": dict(summary.extract)}
        if redacted is not None:
            doc["redacted_copy"] = {"path": str(redacted.path), "entries": redacted.entries,
                                    "placeholders": redacted.placeholders, "members": list(redacted.members)}
        out = json.dumps(doc, indent=2, ensure_ascii=False)
    else:
        out = render(summary, result)
        if redacted is not None:
            held = f"{len(redacted.members)} HAR(s): {', '.join(redacted.members)}; " if redacted.members else ""
            out += (f"\nWrote redacted copy {redacted.path} ({held}{redacted.entries} entries, "
                    f"{redacted.placeholders} distinct secret values replaced)")
    scanner.check_text(out, "the har output")  # LeakError → one line, exit 2, nothing printed
    if store is not None and case is not None:
        store.add_results(case.id, [result])
        store.update(case.id, lambda current: current.with_facts(summary.case_facts, set_window=True)[0])
        store.add_evidence(case.id, "har", args.file)  # the bundle attaches a redacted copy
        out += "" if args.json else f"\nCopied the extracted values into case {case.id}"
    sys.stdout.write((out if args.json else escape_controls(out)) + "\n")
    return exit_code_for([result])
