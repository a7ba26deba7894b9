"""Check options as command-line flags — the one mapping the CLI uses and the conformance kit
(``checks.testing``) checks a plugin's options against — and the one parser of their values
(:func:`parse_values`), shared by the CLI's flags and the TUI's option form."""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from .api import CheckOption, InputError, check_option_requirements
from .interfaces import INTERFACES
from .paths import refuse_special, typed_path

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


def split_line(o: CheckOption, raw: str) -> list[str]:
    """The values of one option typed as one line (a form's input): nothing for an empty line, the
    line itself for a single value; for ``multiple`` options the option's own splitter, else commas.
    A splitter's ``ValueError`` becomes :class:`InputError` naming the option."""
    raw = raw.strip()
    if not o.multiple:
        return [raw] if raw else []
    if o.split is None:
        return [p.strip() for p in raw.split(",") if p.strip()]
    try:
        return o.split(raw)
    except ValueError as exc:
        raise InputError(f"--{o.name}: {exc}") from None


def _existing(o: CheckOption, path: str) -> None:
    """A ``path`` option names a regular file, a ``location`` a file or folder that exists."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"--{o.name} {path}: no such file" + (" or folder" if o.kind == "location" else ""))
    special = refuse_special(p)
    if special:
        raise InputError(f"--{o.name} {special}")
    if o.kind == "path" and not p.is_file():
        raise InputError(f"--{o.name} {path}: not a file")


def parse_values(options: Iterable[CheckOption], given: Mapping[str, Any], *, typed: bool = False) -> dict[str, Any]:
    """The check options' values from what a front-end read — the one parser the CLI and the TUI
    share, so both accept and refuse the same input with the same message.

    ``given`` maps an option's ``dest`` to a bool (a flag), a string (``None`` or missing: not
    given) or, for ``multiple``, a list of strings (the CLI's repeated flag) or — ``typed`` — one
    line the option's splitter cuts (:func:`split_line`). With ``typed`` a path is read as people
    paste it (quotes, ``~``, escaped spaces, ``file://``). Every value is checked: a choice must be
    one of ``choices``, a ``path`` must be a file and a ``location`` exist (never a FIFO or a
    device), the option's ``validate`` runs on each, and an option given without the one it
    ``requires`` is refused. Returns ``{dest: value}`` (a flag: bool; ``multiple``: a list; else
    a string or None); raises :class:`InputError` with one line naming the option's flag (a screen
    shows it with :func:`~checks.api.in_words`)."""
    options = list(options)
    values: dict[str, Any] = {}
    for o in options:
        raw = given.get(o.dest)
        if o.kind == "flag":
            values[o.dest] = bool(raw)
            continue
        if isinstance(raw, (list, tuple)):
            items = [str(v) for v in raw if v]
        elif typed and isinstance(raw, str):
            items = split_line(o, raw)
        else:
            items = [str(raw)] if raw else []
        if typed and o.kind in ("path", "location"):
            items = [str(typed_path(i)) for i in items]
        for item in items:
            if o.choices and item not in o.choices:
                raise InputError(f"--{o.name} {item}: not one of {', '.join(o.choices)}")
            if o.kind in ("path", "location"):
                _existing(o, item)
            if o.validate is not None:  # an unreadable paste is bad input, not a failed check
                o.validate(item)
        values[o.dest] = items if o.multiple else (items[0] if items else None)
    check_option_requirements(options, values)
    return values
