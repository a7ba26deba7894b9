"""Domain rules as data. Each catalog is a TOML file in this package; every entry names its source.

Sources use the tags of ``sources.toml`` (format: docs/sources.md): ``S0``..``S4`` are the seed
documents (with ``cites``, seed lines a test checks), ``pub:<document>`` a public Cisco/Webex
document, ``inf`` an inference that may need correcting.

Every file is checked against its schema (:mod:`checks.catalog.schema`) when it is loaded:
finding rules are ``[rules.<id>]`` tables of one shape, other data has a declared shape of its own.
A plugin loads its own catalogs the same way: ``load_catalog("my_plugin", "rules")`` reads
``my_plugin/rules.toml`` and checks it as a rule catalog (or against the ``schema`` it passes).
"""
from __future__ import annotations

import functools
import importlib.util
import tomllib
from pathlib import Path
from typing import Any

from ..sources import describe, registry
from .schema import BUILTIN, RULES_ONLY, CatalogError, CatalogSchema, validate

__all__ = ["CatalogError", "CatalogSchema", "SOURCE_NAMES", "describe_source", "load_catalog"]


def _source_names() -> dict[str, str]:
    reg = registry()
    names = {tag: f"{seed['title']} (seed {seed['file']})" for tag, seed in reg["seeds"].items()}
    return names | {"pub": "public Cisco/Webex documentation", "inf": reg["inf"]["title"]}


def __getattr__(name: str) -> Any:
    # SOURCE_NAMES: tag → readable origin (the registry is ``sources.toml``; ``pub:<document>``
    # names the document). Built when first asked for: every command imports this package.
    if name == "SOURCE_NAMES":
        return _source_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_catalog(package: str, name: str | None = None, *, schema: CatalogSchema | None = None) -> dict[str, Any]:
    """Load ``<package>/<name>.toml`` and check it against its schema (cached; catalogs are read-only
    at run time). ``load_catalog("url_rules")`` is a built-in catalog of this package.

    ``schema``: the shape of the file; by default a built-in catalog's own, else :data:`RULES_ONLY`
    (``[rules.<id>]`` and ``placeholders``). Raises :class:`CatalogError` naming the file and every
    problem (an unknown key, a severity outside the four, an unknown source tag, an undeclared
    ``{placeholder}``); FileNotFoundError when there is no such file."""
    if name is None:
        package, name = __name__, package
    if schema is None:
        schema = BUILTIN.get(name, RULES_ONLY) if package == __name__ else RULES_ONLY
    return _load(package, name, schema)


def _folder(package: str) -> Path:
    """The folder of an importable package (this one, or a plugin's)."""
    if package == __name__:
        return Path(__file__).parent
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not locations:
        raise CatalogError(f"catalog {package}: not an importable package (a folder with __init__.py)")
    return Path(locations[0])


@functools.cache
def _load(package: str, name: str, schema: CatalogSchema) -> dict[str, Any]:
    text = (_folder(package) / f"{name}.toml").read_text(encoding="utf-8")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CatalogError(f"catalog {package}/{name}.toml: not valid TOML: {e}") from None
    validate(doc, schema, f"{package.replace('.', '/')}/{name}.toml")
    return doc


def describe_source(source: str) -> str:
    """Expand a tag like ``S4 §2`` to a readable origin for reports; ``S0 §1; S2 §1`` expands each."""
    return describe(source)
