"""``wxtriage users FILE``: explain a Control Hub user export or a Partner Hub user status export.

Runs the same check as ``wxtriage run --users-csv FILE``, the playbooks and the TUI. Exit 0: nothing at error level, 1: error findings (users without Webex
Calling, users with provisioning errors), 2: bad input (not one of the two exports, empty,
unreadable, a workbook instead of a CSV).
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from checks.api import CheckContext, InputError
from checks.evidence_checks import users_check
from checks.user_fixes import EVIDENCE_USERS, summary_of, validate_region, validate_users_csv, write_fix_csv
from checks.evidence.user_csv import catalog, detect
from checks.model import CheckResult, Status, exit_code_for
from checks.report import finding_lines, json_document
from checks.runner import CheckProgress, run_one

from .common import CliError, add_store_arg, emit_safe, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="explain a Control Hub user export or Partner Hub user status export "
                                     "(exit 0: no errors, 1: error findings, 2: bad input)")
    p.add_argument("file", metavar="FILE",
                   help="the .csv: Control Hub → Users → Manage users → Export user list, or Partner Hub → "
                        "template → User verification → Show user status → Export")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--region", metavar="CC",
                   help="country of numbers written without a country code (US, DE, PL …); "
                        "default: the country of the other numbers in the file")
    p.add_argument("--case", metavar="ID", help="store the findings in this case (the bundle then carries them)")
    p.add_argument("--fix-csv", metavar="OUT.csv",
                   help="write the users to fix, each with the reason and what to do, to OUT.csv")
    add_store_arg(p)
    p.set_defaults(func=cmd_users)


def cmd_users(args: argparse.Namespace) -> int:
    try:
        if args.region:
            validate_region(args.region)
        validate_users_csv(args.file)  # one line and exit 2 before any work
    except InputError as exc:
        raise CliError(str(exc)) from None
    store = open_store(args) if args.case else None
    case = store.get(args.case) if store else None
    ctx = CheckContext(case=case, options={"users_csv": args.file, "region": args.region})
    interactive = not args.json and sys.stderr.isatty()

    def on_event(ev: Any) -> None:
        if interactive and isinstance(ev, CheckProgress):
            print(f"  {ev.message} …", file=sys.stderr)

    result = asyncio_run(run_one(users_check(), ctx, on_event))
    if result.status is Status.SKIP:
        raise CliError(result.reason)
    notes: list[str] = []
    if args.fix_csv and result.status is not Status.ERROR:
        fmt, _ = detect(args.file)
        n = write_fix_csv(result.findings, args.fix_csv, delimiter=fmt.delimiter if fmt.delimiter != "\t" else ",",
                          inputs=[args.file])
        notes.append(f"Wrote {n} user(s) to fix to {args.fix_csv}")
    if store and case:
        store.add_results(case.id, [result])
        store.add_evidence(case.id, "csv", args.file)
        notes.append(f"Stored in case {case.id}: the bundle carries the findings and the users to fix, "
                     "not the export itself")
    if args.json:
        doc = json_document([result], case)
        if notes:
            doc["notes"] = notes
        emit_safe(doc=doc, where="the users output")
    else:
        emit_safe(render_users_text(result, notes), where="the users output")
    return exit_code_for([result])


def user_export_rules() -> dict[str, Any]:
    return catalog()["rules"]


def asyncio_run(coro: Any) -> CheckResult:
    import asyncio

    return asyncio.run(coro)


def render_users_text(result: CheckResult, notes: list[str] = ()) -> str:  # type: ignore[assignment]
    """The human report: which export and columns, the counts per reason, then each reason's users."""
    summary = summary_of(result.findings)
    if summary is None:
        return f"[{result.status.symbol}] {result.title} ({result.check_id}) — {result.reason}"
    d = summary.data
    lines = [f"{d['export']}: {d['path']} ({d['encoding']}, {d['delimiter']}-separated), {d['total']} users"]
    lines.append("  columns used: " + (", ".join(f"{k} = “{v}”" for k, v in d["columns"].items())
                                       if isinstance(d["columns"], dict) else d["columns"]))
    if d["kind"] == "controlhub":
        lines.append(f"  with Webex Calling: {d['with_calling']}   without: {d['without_calling']}"
                     + (f"   licence cell unreadable: {d['unknown']}" if d.get("unknown") else ""))
        lines.append(f"  region for numbers without a country code: {d['region']} ({d['region_how']})")
        rules = user_export_rules()
        counts = "   ".join(f"{rules.get(k, {}).get('short', k)}: {v}" for k, v in d["reasons"].items())
        lines.append(f"  users without Webex Calling by reason — {counts}")
    else:
        lines.append(f"  provisioned: {d['provisioned']}   pending: {d['pending']}   errors: {d['errors']}"
                     + (f"   unknown status: {d['unknown']}" if d.get("unknown") else ""))
    lines.append("")
    lines.append(f"[{result.status.symbol}] {result.title} ({result.check_id})")
    others = [f for f in result.findings if f is not summary]
    for f in others:
        lines += finding_lines(f, evidence_limit=1, content_chars=4000, content_lines=EVIDENCE_USERS + 1)
    if not others:
        lines.append("    • every user has Webex Calling" if d["kind"] == "controlhub"
                     else "    • every user is provisioned")
    lines.extend(f"  {n}" for n in notes)
    return "\n".join(lines)
