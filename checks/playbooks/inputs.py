"""Turning what an admin types at a ``collect`` step into check inputs.

A ``cluster`` step takes the interface URLs as copied from Partner Hub (one or several, separated
by spaces or commas) or the name of an inventory cluster. Which interface a URL belongs to is read
from its path with the URL catalog's ``app_path`` of each interface, so a URL without /v2.0/ (the
very mistake the checks report) is still recognised.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from ..api import InputError
from ..catalog import load_catalog
from ..inventory import AUTH_MODES, Cluster, Inventory

_FIELD = {"xsi-actions": "xsi_actions", "xsi-events": "xsi_events", "auth-service": "auth_service",
          "cti": "cti", "dms": "dms", "das": "das"}
_SPLIT = re.compile(r"[\s,;]+")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.-]+:\d{1,5}$")


def _interface_for(url: str) -> str | None:
    lowered = url.lower()
    for name, spec in load_catalog("url_rules")["interfaces"].items():
        app_path = str(spec.get("app_path", "")).lower().rstrip("/")
        if app_path and app_path in lowered and name in _FIELD:
            return name
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
    fields: dict[str, str] = {}
    for part in (p for p in _SPLIT.split(raw) if p):
        name, eq, value = part.partition("=")
        if eq and name.lower() in _FIELD:
            fields[_FIELD[name.lower()]] = value
            continue
        if _HOST_PORT.match(part):
            fields["cti"] = part
            continue
        found = _interface_for(part)
        if found is None:
            known = ", ".join(c.name for c in inventory.clusters) if inventory and inventory.clusters else "none"
            raise InputError(f"cannot tell which interface {part[:80]!r} is: write it as xsi-actions=URL, "
                             f"xsi-events=URL, auth-service=URL or cti=HOST:PORT (inventory clusters: {known})")
        fields[_FIELD[found]] = part
    return Cluster(name="typed", auth_mode=mode if mode in AUTH_MODES else "", **fields)
