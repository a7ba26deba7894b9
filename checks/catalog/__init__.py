"""Domain rules as data. Each catalog is a TOML file in this package; every entry names its source.

Sources use the domain digest's tags: ``S0``..``S4`` are the seed documents, ``pub`` public
Cisco/Webex material, ``inf`` an inference that may need correcting.
"""
from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

SOURCE_NAMES = {
    "S0": "Cisco TAC: Troubleshoot Control Hub \"Status: 400\" user error (seed 000)",
    "S1": "Webex Calling license auto-assignment (seed 001)",
    "S2": "Webex for BroadWorks solution guide, management (seed 002)",
    "S3": "Provisioning with untrusted e-mails (seed 003)",
    "S4": "Webex for Cisco BroadWorks troubleshooting and configuration guide (seed 004)",
    "pub": "public Cisco/Webex documentation",
    "inf": "inferred by wxtriage (a hypothesis; correct the catalog if wrong)",
}


@functools.cache
def load_catalog(name: str) -> dict[str, Any]:
    """Load ``checks/catalog/<name>.toml`` (cached; catalogs are read-only at run time)."""
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def describe_source(source: str) -> str:
    """Expand a tag like ``S4 §2`` to a readable origin for reports; ``S0 §1; S2 §1`` expands each."""
    parts = []
    for part in source.split(";"):
        tag, _, rest = part.strip().partition(" ")
        name = SOURCE_NAMES.get(tag)
        parts.append(f"{name} {rest}".strip() if name else part.strip())
    return "; ".join(parts)
