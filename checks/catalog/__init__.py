"""Domain rules as data. Each catalog is a TOML file in this package; every entry names its source.

Sources use the tags of ``sources.toml`` (format: docs/sources.md): ``S0``..``S4`` are the seed
documents (with ``cites``, seed lines a test checks), ``pub:<document>`` a public Cisco/Webex
document, ``inf`` an inference that may need correcting.
"""
from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

def _source_names() -> dict[str, str]:
    from ..sources import registry

    reg = registry()
    names = {tag: f"{seed['title']} (seed {seed['file']})" for tag, seed in reg["seeds"].items()}
    return names | {"pub": "public Cisco/Webex documentation", "inf": reg["inf"]["title"]}


#: Tag → readable origin (the registry is ``sources.toml``; ``pub:<document>`` names the document).
SOURCE_NAMES = _source_names()


@functools.cache
def load_catalog(name: str) -> dict[str, Any]:
    """Load ``checks/catalog/<name>.toml`` (cached; catalogs are read-only at run time)."""
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def describe_source(source: str) -> str:
    """Expand a tag like ``S4 §2`` to a readable origin for reports; ``S0 §1; S2 §1`` expands each."""
    from ..sources import describe

    return describe(source)
