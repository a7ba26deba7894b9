"""Cluster inventory: the SP's XSP/ADP clusters as a TOML file (see examples/inventory.toml)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .interfaces import INTERFACES
from .paths import config_dir, refuse_special

AUTH_MODES = ("ci-token", "mtls")
#: ``auth_mode`` when the inventory (or the command line) does not say: wxtriage then reports what it
#: observes on the Auth Service and asks, instead of assuming one mode (issue 16).
UNDECLARED = ""
_INTERFACE_KEYS = tuple(i.key for i in INTERFACES)
_KNOWN_KEYS = {"name", *_INTERFACE_KEYS, "auth_mode", "nodes", "customers"}


class InventoryError(ValueError):
    """The inventory file is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Cluster:
    """One Partner Hub cluster (an XSP/ADP farm) and its interfaces.

    One field per interface of :data:`checks.interfaces.INTERFACES`, named by its ``key``
    (tests/test_interfaces.py keeps the two equal); CTI is ``host:port``, the others URLs.
    """

    name: str
    xsi_actions: str = ""
    xsi_events: str = ""
    auth_service: str = ""
    auth_mode: str = UNDECLARED  # "ci-token", "mtls", or not declared
    cti: str = ""  # host:port
    dms: str = ""
    das: str = ""
    nodes: tuple[str, ...] = ()  # XSP node addresses (IPs or host names) behind the interface names
    customers: int | None = None

    def interfaces(self) -> dict[str, str]:
        """Configured interface name → URL (CTI as ``host:port``), in Partner Hub's order."""
        return {i.name: v for i in INTERFACES if (v := getattr(self, i.key))}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **{k: getattr(self, k) for k in _INTERFACE_KEYS}, "auth_mode": self.auth_mode,
                "nodes": list(self.nodes), "customers": self.customers}

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any], where: str = "cluster") -> "Cluster":
        unknown = set(d) - _KNOWN_KEYS
        if unknown:
            raise InventoryError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                                 f"known: {', '.join(sorted(_KNOWN_KEYS))}")
        name = d.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InventoryError(f"{where}: every cluster needs a name")
        for key in (*_INTERFACE_KEYS, "auth_mode"):
            if key in d and not isinstance(d[key], str):
                raise InventoryError(f"{where} ({name}): {key} must be a string")
        mode = d.get("auth_mode", UNDECLARED).strip()
        if mode not in (*AUTH_MODES, UNDECLARED):
            raise InventoryError(f"{where} ({name}): auth_mode {mode!r} is not one of {', '.join(AUTH_MODES)} "
                                 "(or leave it out if you do not know)")
        nodes = d.get("nodes", [])
        if not isinstance(nodes, list) or not all(isinstance(n, str) for n in nodes):
            raise InventoryError(f"{where} ({name}): nodes must be a list of addresses")
        customers = d.get("customers")
        if customers is not None and (not isinstance(customers, int) or isinstance(customers, bool) or customers < 0):
            raise InventoryError(f"{where} ({name}): customers must be a whole number")
        return cls(name=name.strip(), auth_mode=mode, nodes=tuple(nodes), customers=customers,
                   **{k: d.get(k, "") for k in _INTERFACE_KEYS})


@dataclass(frozen=True)
class Inventory:
    clusters: tuple[Cluster, ...] = ()
    path: Path | None = None

    def cluster(self, name: str) -> Cluster:
        for c in self.clusters:
            if c.name == name:
                return c
        if not self.clusters and self.path is not None and not self.path.exists():
            raise InventoryError(f"no cluster named {name!r}: there is no inventory at {self.path} yet; create it "
                                 "(one [[cluster]] table per cluster, as in examples/inventory.toml) or give "
                                 "--inventory FILE")
        known = ", ".join(c.name for c in self.clusters) or "(none)"
        raise InventoryError(f"no cluster named {name!r} in {self.path or 'the inventory'}; known: {known}")


def default_inventory_path() -> Path:
    return config_dir() / "inventory.toml"


def load_inventory(path: Path | str | None = None) -> Inventory:
    """Load ``path`` or, when None, the default file (an empty inventory if it does not exist)."""
    explicit = path is not None
    p = Path(path) if path is not None else default_inventory_path()
    if not p.exists():
        if explicit:
            raise InventoryError(f"{p}: no such file")
        return Inventory(path=p)
    special = refuse_special(p)
    if special:
        raise InventoryError(special)
    try:
        raw = tomllib.loads(p.read_bytes().decode("utf-8-sig"))
    except IsADirectoryError:
        raise InventoryError(f"{p} is a folder; give the inventory file (TOML), e.g. {p / 'inventory.toml'}") from None
    except OSError as exc:
        raise InventoryError(f"{p}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InventoryError(f"{p}: not a text file (expected TOML)") from None
    except tomllib.TOMLDecodeError as exc:
        raise InventoryError(f"{p}: not valid TOML: {exc}") from None
    except RecursionError:
        raise InventoryError(f"{p}: values nested too deeply to be an inventory (see examples/inventory.toml)") from None
    items = raw.get("cluster", [])
    if not isinstance(items, list):
        raise InventoryError(f"{p}: clusters must be written as [[cluster]] tables")
    for i, c in enumerate(items):
        if not isinstance(c, dict):
            raise InventoryError(f"{p} cluster #{i + 1}: must be a [[cluster]] table with name = \"…\", "
                                 "not a bare value")
    clusters = tuple(Cluster.from_mapping(c, f"{p} cluster #{i + 1}") for i, c in enumerate(items))
    names = [c.name for c in clusters]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InventoryError(f"{p}: duplicate cluster name(s) {', '.join(dupes)}")
    return Inventory(clusters=clusters, path=p)
