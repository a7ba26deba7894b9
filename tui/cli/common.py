"""Pieces shared by CLI commands: errors, the case store, building a CheckContext from flags."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from checks.api import CheckContext, InputError
from checks.options import add_arguments, parse_values
from checks.bundle import BundleError
from checks.case import CaseFieldError
from checks.interfaces import INTERFACES
from checks.inventory import AUTH_MODES, Cluster, InventoryError, load_inventory
from checks.registry import Registry, UnknownCheckError
from checks.redact import (LeakError, LeakScanner, Redactor, default_known_secrets, keyring_redactor,
                           safe_message)
from checks.store import CaseStore, StoreError
from checks.textsafe import escape_controls, one_line


class CliError(Exception):
    """A user-facing error: printed as one line, exit code 2 unless given."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


#: Engine errors whose message is already a clear one-line answer for the user.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    CaseFieldError, InventoryError, StoreError, UnknownCheckError, BundleError, LeakError, InputError)


class SafeArgumentParser(argparse.ArgumentParser):
    """argparse echoes a bad value ("invalid choice: 'https://u:pw@…'"): redact it first."""

    def error(self, message: str):  # type: ignore[override]
        super().error(one_line(safe_message(message)))


def add_store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="FILE", help="case store SQLite file (default: in the user data dir)")


def open_store(args: argparse.Namespace) -> CaseStore:
    path = getattr(args, "store", None)
    # The default location is created on first use; a folder given by hand that does not exist is
    # more likely a typo than a wish for a new tree of folders (and an empty store to go with it).
    if path and not Path(path).expanduser().parent.is_dir():
        raise CliError(f"--store {path}: folder {Path(path).expanduser().parent} does not exist; "
                       "create it first or give an existing folder")
    return CaseStore(path)


def print_json(doc: Any) -> None:
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def emit_safe(text: str | None = None, doc: Any = None, *, where: str = "the output",
              redactor: Redactor | None = None, scanner: LeakScanner | None = None) -> None:
    """The last pass before anything leaves the console: redact, then leak-scan, then print.

    Give ``text`` or a JSON-able ``doc``. The scanner knows the keyring's secrets and every value
    the redactor removed; a hit raises :class:`LeakError` (one line, exit 2) and nothing is printed.
    """
    redactor = keyring_redactor(redactor)  # a stored password is replaced, not just refused
    if doc is not None:
        text = json.dumps(redactor.redact_strings(doc), indent=2, ensure_ascii=False)
    else:
        text = redactor.redact_text(text or "")
    scanner = scanner or LeakScanner(default_known_secrets())
    scanner.add(redactor.removed)
    scanner.check_text(text, where)
    if doc is None:  # JSON escapes control characters itself; text gets them shown, never obeyed
        text = escape_controls(text)
    sys.stdout.write(text + "\n")


def add_cluster_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("cluster (from the inventory, or given explicitly)")
    g.add_argument("--inventory", metavar="FILE", help="cluster inventory TOML (default: user config dir)")
    g.add_argument("--cluster", metavar="NAME", help="cluster name in the inventory")
    for i in INTERFACES:
        g.add_argument(f"--{i.name}", dest=i.key, metavar=i.metavar, help=i.field_label)
    g.add_argument("--auth-mode", choices=AUTH_MODES, help="Auth Service mode (not given: wxtriage reports what the Auth Service does and asks)")
    g.add_argument("--node", dest="nodes", action="append", default=[], metavar="ADDR",
                   help="XSP node address (repeatable)")
    g.add_argument("--customers", type=int, metavar="N", help="number of customers served by the cluster")


def resolve_cluster(args: argparse.Namespace) -> tuple[Cluster | None, Any]:
    """The cluster the flags describe (or None) and the inventory it came from."""
    explicit = {i.key: getattr(args, i.key) for i in INTERFACES if getattr(args, i.key, None)}
    if explicit and args.cluster:
        raise CliError("give either --cluster NAME or interface URLs such as --xsi-actions, not both")
    if explicit:
        inv = load_inventory(args.inventory) if args.inventory else None
        return Cluster(name="command line", auth_mode=args.auth_mode or "", nodes=tuple(args.nodes),
                       customers=args.customers, **explicit), inv
    if not args.cluster and not args.inventory:
        return None, None
    inv = load_inventory(args.inventory)
    if args.cluster:
        cluster = inv.cluster(args.cluster)
    elif len(inv.clusters) == 1:
        cluster = inv.clusters[0]
    else:
        names = ", ".join(c.name for c in inv.clusters) or "(none)"
        raise CliError(f"{inv.path} holds {len(inv.clusters)} clusters; pick one with --cluster NAME ({names})")
    return cluster, inv


def add_check_options(p: argparse.ArgumentParser, registry: Registry) -> None:
    """Expose every option the registered checks declare as a flag."""
    opts = registry.options()
    if not opts:
        return
    add_arguments(p.add_argument_group("check inputs (declared by the checks)"), opts)


def collect_options(args: argparse.Namespace, registry: Registry) -> dict[str, Any]:
    """The check options given as flags, checked before any check runs (bad input: exit 2)."""
    return parse_values(registry.options(), vars(args))


def build_context(args: argparse.Namespace, registry: Registry, case=None) -> CheckContext:
    cluster, inventory = resolve_cluster(args)
    return CheckContext(case=case, cluster=cluster, inventory=inventory,
                        options=collect_options(args, registry))
