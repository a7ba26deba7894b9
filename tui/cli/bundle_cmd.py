"""``wxtriage bundle``: write the TAC bundle for a case."""
from __future__ import annotations

import argparse

from checks.bundle import write_bundle
from checks.redact import LeakScanner, default_known_secrets

from .common import add_store_arg, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bundle", help="write a TAC bundle (zip) for a case")
    p.add_argument("--case", required=True, metavar="ID", help="case ID (see `wxtriage case list`)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="where to write the zip")
    add_store_arg(p)
    p.set_defaults(func=cmd_bundle)


def cmd_bundle(args: argparse.Namespace) -> int:
    store = open_store(args)
    case = store.get(args.case)
    results = store.latest_results(case.id)
    # Secrets from the keyring are scanned for too; a hit raises LeakError (one line naming the
    # file and line of the leak, exit 2) and nothing is written.
    path = write_bundle(case, results, args.output, scanner=LeakScanner(default_known_secrets()))
    print(f"Wrote {path} ({len(results)} check results)")
    return 0
