"""``wxtriage inventory``: where the inventory lives and what it holds."""
from __future__ import annotations

import argparse

from checks.inventory import default_inventory_path, load_inventory

from .common import emit_safe


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inventory", help="show the cluster inventory")
    p.add_argument("--inventory", metavar="FILE", help="inventory TOML (default: user config dir)")
    p.add_argument("--path", action="store_true", help="only print the default inventory path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_inventory)


def cmd_inventory(args: argparse.Namespace) -> int:
    if args.path:
        print(default_inventory_path())
        return 0
    inv = load_inventory(args.inventory)
    if args.json:
        # Redacted like every other output: an inventory URL may carry user:password@ or a token.
        emit_safe(doc={"path": str(inv.path), "clusters": [c.to_dict() for c in inv.clusters]}, where="the inventory")
        return 0
    if not inv.clusters:
        print(f"No clusters in {inv.path}. See examples/inventory.toml for the format.")
        return 0
    lines = [f"{inv.path}:"]
    for c in inv.clusters:
        lines.append(f"  {c.name}: {', '.join(c.interfaces()) or 'no interfaces'}"
                     + (f"; {len(c.nodes)} nodes" if c.nodes else "")
                     + (f"; {c.customers} customers" if c.customers is not None else ""))
    emit_safe("\n".join(lines), where="the inventory")
    return 0
