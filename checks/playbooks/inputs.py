"""Turning what an admin types at a ``collect`` step into check inputs.

A file step takes a path, checked at once the way the CLI checks its flag (exists; the check
option's own ``validate``); a ``paste`` step takes the pasted text, saved as a file first.

A ``cluster`` step takes the interface URLs as copied from Partner Hub (one or several, separated
by spaces or commas) or the name of an inventory cluster. Which interface a URL belongs to is read
from its path with the URL catalog's ``app_path`` of each interface, so a URL without /v2.0/ (the
very mistake the checks report) is still recognised.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Mapping

from ..api import CheckOption, InputError
from ..catalog import load_catalog
from ..interfaces import INTERFACES, InterfaceSpec, by_name
from ..inventory import AUTH_MODES, Cluster, Inventory
from .model import Step

_SPLIT = re.compile(r"[\s,;]+")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}$")
#: A bare host:port is the (one) interface written that way: CTI.
_HOST_PORT_INTERFACE = next((i for i in INTERFACES if not i.is_url), None)
_NAMED = ", ".join(f"{i.name}={i.metavar}" for i in INTERFACES)


def _interface_for(url: str) -> InterfaceSpec | None:
    lowered = url.lower()
    for name, spec in load_catalog("url_rules")["interfaces"].items():
        app_path = str(spec.get("app_path", "")).lower().rstrip("/")
        if app_path and app_path in lowered and (found := by_name(name)) is not None:
            return found
    return None


def cluster_from_text(text: str, inventory: Inventory | None = None, values: Mapping[str, Any] | None = None) -> Cluster:
    """A :class:`Cluster` from a cluster name of the inventory or from pasted interface URLs
    (``name=URL`` pins an interface explicitly). ``values`` are the walk's collected answers: an
    ``auth_mode`` answer sets the Auth Service mode. Raises :class:`InputError` with one line."""
    raw = text.strip()
    mode = str((values or {}).get("auth_mode") or "")
    if not raw:
        raise InputError("type the interface URLs (as Partner Hub shows them) or an inventory cluster name")
    if inventory is not None and any(c.name == raw for c in inventory.clusters):
        cluster = inventory.cluster(raw)
        return Cluster(**(cluster.to_dict() | {"auth_mode": mode, "nodes": cluster.nodes})) if mode in AUTH_MODES \
            else cluster
    fields: dict[str, Any] = {}  # interface keys of Cluster, given as text
    for part in (p for p in _SPLIT.split(raw) if p):
        name, eq, value = part.partition("=")
        spec = by_name(name.lower()) if eq else None
        if spec is not None:
            fields[spec.key] = value
            continue
        if _HOST_PORT.match(part) and _HOST_PORT_INTERFACE is not None:
            fields[_HOST_PORT_INTERFACE.key] = part
            continue
        found = _interface_for(part)
        if found is None:
            known = ", ".join(c.name for c in inventory.clusters) if inventory and inventory.clusters else "none"
            raise InputError(f"cannot tell which interface {part[:80]!r} is: write it as {_NAMED} "
                             f"(inventory clusters: {known})")
        fields[found.key] = part
    return Cluster(name="typed", auth_mode=mode if mode in AUTH_MODES else "", **fields)


#: What a collect step's one-line input says while it is empty, per evidence kind.
EVIDENCE_PLACEHOLDERS = {"cluster": "URLs as Partner Hub shows them, or an inventory cluster name",
                         "har": "path of the .har file (or a .zip of HARs)",
                         "logs": "log folder, log file, .zip or .tar.gz",
                         "csv": "path of the exported .csv file",
                         "cert-chain": "path of the certificate chain file (PEM)"}


def evidence_placeholder(kind: str) -> str:
    return EVIDENCE_PLACEHOLDERS.get(kind, "path")


def collected_value(step: Step, raw: str, *, pasted: bool, option: CheckOption | None, inventory: Inventory | None,
                    collected: Mapping[str, Any], save_paste: Callable[[str], Path]) -> str:
    """What a collect step keeps for ``raw`` (typed, or ``pasted`` into its box): the cluster text,
    or a file's path — a paste goes through ``save_paste`` (it writes the text, redacted, and
    returns the file). Raises :class:`InputError` with one line when it is not what the step needs."""
    if step.evidence == "cluster":
        cluster_from_text(raw, inventory, collected)  # raises InputError
        return raw.strip()
    path = Path(raw.strip().strip("'\"")).expanduser()
    if step.evidence == "paste" and (pasted or not path.is_file()):
        path = save_paste(raw)
    elif not path.exists():
        raise InputError(f"{raw.strip()}: no such file or folder")
    if option is not None and option.validate is not None:
        option.validate(str(path))
    return str(path)
