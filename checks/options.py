"""Check options as command-line flags: the one mapping the CLI uses and the conformance kit
(``checks.testing``) checks a plugin's options against."""
from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Iterable

from .api import CheckOption
from .interfaces import INTERFACES

#: The kinds a :class:`~checks.api.CheckOption` may have.
KINDS = ("str", "path", "location", "flag")


def add_arguments(group: argparse._ActionsContainer, options: Iterable[CheckOption]) -> None:
    """One ``--name`` flag per option: ``store_true`` for flags, ``append`` for ``multiple``."""
    for o in options:
        flag = f"--{o.name}"
        o = replace(o, help=o.help.replace("%", "%%"))  # argparse treats % as a format code
        if o.kind == "flag":
            group.add_argument(flag, dest=o.dest, action="store_true", help=o.help)
        elif o.multiple:
            group.add_argument(flag, dest=o.dest, action="append", default=[], metavar=o.placeholder,
                               help=o.help, choices=o.choices)
        else:
            group.add_argument(flag, dest=o.dest, metavar=o.placeholder, help=o.help, choices=o.choices)

#: Flags ``wxtriage run`` has of its own (selection, output, fleet scan, cluster): a check option
#: must not take one of these names (tests/test_conformance.py keeps the list equal to the parser's).
RESERVED_FLAGS = frozenset({
    "help", "check", "area", "case", "json", "concurrency", "all-clusters", "parallel-probes", "per-host",
    "store", "inventory", "cluster", *(i.name for i in INTERFACES), "auth-mode", "node", "customers",
})
