"""``wxtriage run``: run checks and print results like ``flutter doctor``."""
from __future__ import annotations

import argparse
import asyncio
import sys

from checks.model import exit_code_for
from checks.registry import Registry
from checks.report import json_document, render_text
from checks.runner import CheckStarted, run_checks

from .common import add_check_options, add_cluster_args, add_store_arg, build_context, open_store, emit_safe


def register(sub: argparse._SubParsersAction) -> None:
    # Options depend on the installed checks, so discovery happens while building the parser.
    registry = Registry.discover()
    p = sub.add_parser("run", help="run checks (exit 0: no errors, 1: error findings, 2: bad input)")
    p.add_argument("--check", dest="check_ids", action="append", default=[], metavar="ID",
                   help="check id to run (repeatable; see `wxtriage checks`)")
    p.add_argument("--area", dest="areas", action="append", default=[], metavar="AREA",
                   help="run every check of this area (repeatable)")
    p.add_argument("--case", metavar="ID", help="store the results in this case")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--concurrency", type=int, default=8, metavar="N", help="checks run at once (default 8)")
    add_store_arg(p)
    add_cluster_args(p)
    add_check_options(p, registry)
    p.set_defaults(func=cmd_run, registry=registry)


def cmd_run(args: argparse.Namespace) -> int:
    registry: Registry = args.registry
    selected = registry.select(args.check_ids, args.areas)
    store = open_store(args) if args.case else None
    case = store.get(args.case) if store else None
    ctx = build_context(args, registry, case)
    interactive = not args.json and sys.stderr.isatty()

    def on_event(ev) -> None:
        if interactive and isinstance(ev, CheckStarted):
            print(f"  running {ev.check_id} …", file=sys.stderr)

    results = asyncio.run(run_checks(selected, ctx, concurrency=args.concurrency, on_event=on_event,
                                     load_failures=registry.failures_for(args.check_ids, args.areas)))
    if store and case:
        store.add_results(case.id, results)
    if args.json:
        emit_safe(doc=json_document(results, case), where="the run output")
    else:
        emit_safe(render_text(results, case), where="the run output")
    return exit_code_for(results)
