"""``wxtriage run``: run checks and print results like ``flutter doctor``."""
from __future__ import annotations

import argparse
import asyncio
import sys

from checks.fleet import DEFAULT_PARALLEL_PROBES, DEFAULT_PER_HOST, ClusterRun, run_fleet, split_pins
from checks.interfaces import INTERFACES
from checks.inventory import load_inventory
from checks.model import exit_code_for
from checks.registry import Registry
from checks.report import fleet_document, json_document, render_fleet, render_text
from checks.runner import CheckStarted, run_checks

from .common import (CliError, add_check_options, add_cluster_args, add_store_arg, build_context,
                     collect_options, emit_safe, open_store)


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
    fleet = p.add_argument_group("fleet scan (every cluster of the inventory at once)")
    fleet.add_argument("--all-clusters", action="store_true",
                       help="run the cluster checks (or --check/--area) on every cluster of the inventory; "
                            "one summary line per cluster, then the details of those with problems")
    fleet.add_argument("--parallel-probes", type=_positive, default=DEFAULT_PARALLEL_PROBES, metavar="N",
                       help=f"node probes in flight over the whole scan (default {DEFAULT_PARALLEL_PROBES})")
    fleet.add_argument("--per-host", type=_positive, default=DEFAULT_PER_HOST, metavar="N",
                       help=f"node probes in flight per address, to be polite to each node (default {DEFAULT_PER_HOST})")
    add_store_arg(p)
    add_cluster_args(p)
    add_check_options(p, registry)
    p.set_defaults(func=cmd_run, registry=registry)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def cmd_run(args: argparse.Namespace) -> int:
    registry: Registry = args.registry
    if args.all_clusters:
        return cmd_fleet(args, registry)
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
        store.record_inputs(case.id, results, registry.checks, ctx.options)  # the bundle attaches them
    if args.json:
        emit_safe(doc=json_document(results, case), where="the run output")
    else:
        emit_safe(render_text(results, case), where="the run output")
    return exit_code_for(results)


def fleet_checks(registry: Registry, check_ids, areas) -> list:
    """The checks of a fleet scan: those asked for, else every check that works on a cluster."""
    if check_ids or areas:
        return registry.select(check_ids, areas)
    return [c for c in registry.all() if "cluster" in c.needs]


def cmd_fleet(args: argparse.Namespace, registry: Registry) -> int:
    explicit = [f"--{k.replace('_', '-')}" for k in ("cluster", *(i.key for i in INTERFACES)) if getattr(args, k, None)]
    if explicit:
        raise CliError(f"--all-clusters scans every cluster of the inventory; leave out {', '.join(explicit)}")
    inventory = load_inventory(args.inventory)
    if not inventory.clusters:
        raise CliError(f"{inventory.path}: no [[cluster]] in the inventory; add them (`wxtriage inventory --path` "
                       "shows where it is) or give one with --inventory FILE")
    options = collect_options(args, registry)
    _, unused = split_pins(options.get("resolve"), inventory.clusters)
    if unused:
        raise CliError(f"--resolve {unused[0]} matches no interface of any cluster in {inventory.path} "
                       "(check the host and the port; a URL without a port is on 443)")
    selected = fleet_checks(registry, args.check_ids, args.areas)
    store = open_store(args) if args.case else None
    case = store.get(args.case) if store else None
    interactive = not args.json and sys.stderr.isatty()
    total = len(inventory.clusters)
    done: list[str] = []

    def on_cluster(run: ClusterRun) -> None:
        done.append(run.cluster)
        if interactive:
            print(f"  {len(done)}/{total} {run.cluster}: {run.summary.status.value}", file=sys.stderr)

    runs = asyncio.run(run_fleet(selected, inventory, options, parallel=args.parallel_probes,
                                 per_host=args.per_host, concurrency=args.concurrency, on_cluster=on_cluster,
                                 case=case))
    if store and case:
        store.add_results(case.id, [r for run in runs for r in run.results])
    if args.json:
        emit_safe(doc=fleet_document(runs, case), where="the fleet scan output")
    else:
        emit_safe(render_fleet(runs, [c.id for c in selected], case), where="the fleet scan output")
    return max((exit_code_for(run.results) for run in runs), default=0)
