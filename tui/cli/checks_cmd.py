"""``wxtriage checks``: list the available checks."""
from __future__ import annotations

import argparse

from checks.registry import Registry

from .common import print_json, safe_message


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("checks", help="list the available checks")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_checks)


def cmd_checks(args: argparse.Namespace) -> int:
    reg = Registry.discover()
    checks = reg.all()
    if args.json:
        print_json({"checks": [dict(c.describe()) for c in checks],
                    "load_failures": [{**f.__dict__, "message": safe_message(f.message)} for f in reg.failures]})
        return 0
    width = max((len(c.id) for c in checks), default=10)
    for c in checks:
        print(f"{c.id:<{width}}  {c.area:<13} {c.title}")
    for f in reg.failures:
        print(f"{f.name:<{width}}  {'(error)':<13} plugin failed to load: {safe_message(f.message)}")
    return 0
