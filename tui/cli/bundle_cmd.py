"""``wxtriage bundle``: write the TAC bundle for a case."""
from __future__ import annotations

import argparse
import sys

from checks.bundle import export_case_bundle
from checks.paths import typed_path
from checks.textsafe import escape_controls, one_line

from .common import add_store_arg, open_store, safe_message


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bundle", help="write a TAC bundle (zip) for a case")
    p.add_argument("--case", required=True, metavar="ID", help="case ID (see `wxtriage case list`)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="where to write the zip (a folder: the zip goes in it)")
    add_store_arg(p)
    p.set_defaults(func=cmd_bundle)


def cmd_bundle(args: argparse.Namespace) -> int:
    # Secrets from the keyring are scanned for too; a hit raises LeakError (one line naming the
    # file and line of the leak, exit 2) and nothing is written.
    done = export_case_bundle(open_store(args), args.case, typed_path(args.output))
    attached = f", attached {', '.join(done.attached)}" if done.attached else ""
    results = f"{done.results} check result{'' if done.results == 1 else 's'}"
    print(escape_controls(f"Wrote {done.path} ({results}{attached})"))
    for note in done.notes:
        print(f"note: {one_line(safe_message(note))}", file=sys.stderr)
    return 0
