"""The shape of a catalog file, checked when it is loaded.

Every finding catalog holds its rules as ``[rules.<id>]`` tables with the same keys
(:data:`RULE_KEYS`); a catalog may declare a few extra keys its loader reads (a log pattern, the
error codes a HAR rule matches). Everything else in a file — interface specs, thresholds, a
cipher-name table — is declared here too, so a misspelt key, a severity outside the four, an
unknown source tag or a ``{placeholder}`` the catalog does not declare fails at load time with the
file and table named, instead of printing ``{name}`` to an admin.

The spec language is small on purpose: a Python type (``str``, ``int``, ``bool``, ``float``),
:class:`ListOf`, :class:`MapOf` (any keys, one value shape), :class:`Table` (known keys only) and
:data:`ANY`.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from ..model import Severity
from ..sources import SourceError, parse_source, sourced_tables

SEVERITIES = frozenset(s.value for s in Severity)


class CatalogError(ValueError):
    """A catalog file that does not match its schema, or a rule rendered without a value it needs."""


@dataclass(frozen=True, eq=False)
class ListOf:
    item: Any


@dataclass(frozen=True, eq=False)
class MapOf:
    value: Any


@dataclass(frozen=True, eq=False)
class Table:
    keys: Mapping[str, Any]
    required: frozenset[str] = frozenset()


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()
STRS = ListOf(str)
#: ``source``/``cites``/``uncited``: the provenance keys every sourced table may carry (docs/sources.md).
SOURCED = {"source": str, "cites": STRS, "uncited": STRS}

#: The keys of a ``[rules.<id>]`` table. ``short``: a few words for a matrix cell or a timeline;
#: ``meaning``: the row text of docs/findings.md when the title alone does not say enough.
RULE_KEYS: Mapping[str, Any] = {
    "code": str, "severity": str, "title": str, "detail": str, "remediation": str, "steps": STRS,
    "command": str, "doc": str, "short": str, "meaning": str, **SOURCED,
}
RULE_REQUIRED = frozenset({"code", "severity", "title", "detail", "remediation", "source"})
#: The rule texts that are rendered with the caller's values (``meaning`` is documentation only;
#: a ``code`` with a placeholder is a family filled in by its check, e.g. ``bw.manual.{id}``).
RENDERED = ("code", "title", "detail", "remediation", "steps", "short", "command")
#: What :func:`checks.findings.make_finding` fills in (a ``command`` is filled by its check).
FINDING_TEXTS = ("title", "detail", "remediation", "steps", "short")


@dataclass(frozen=True, eq=False)
class CatalogSchema:
    """A catalog file: its top-level keys (``sections``) and, for a finding catalog, the extra
    keys its rules may carry. ``rules`` and ``placeholders`` are added for finding catalogs."""

    sections: Mapping[str, Any] = field(default_factory=dict)
    rule_keys: Mapping[str, Any] = field(default_factory=dict)
    finding_catalog: bool = True

    def top(self) -> Table:
        keys = dict(self.sections)
        if self.finding_catalog:
            keys["rules"] = MapOf(Table({**RULE_KEYS, **self.rule_keys}, RULE_REQUIRED))
            keys["placeholders"] = STRS
        return Table(keys, frozenset({"rules", "placeholders"}) if self.finding_catalog else frozenset())


#: A plugin's catalog with nothing but ``[rules.<id>]`` and its ``placeholders`` list.
RULES_ONLY = CatalogSchema()


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a format string uses (``{a.b}`` and ``{a[0]}`` count as ``a``)."""
    out = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name:
            out.add(name.split(".")[0].split("[")[0])
    return out


def rule_placeholders(rule: Mapping[str, Any], keys: tuple[str, ...] = RENDERED) -> set[str]:
    """Every placeholder the rendered texts of ``rule`` (its ``keys``) use."""
    names: set[str] = set()
    for key in keys:
        value = rule.get(key)
        for text in (value if isinstance(value, list) else [value] if isinstance(value, str) else []):
            names |= placeholders(text)
    return names


def _shape(value: Any, spec: Any, where: str) -> Iterator[str]:
    if spec is ANY:
        return
    if isinstance(spec, type):
        # TOML booleans are not integers here, and an integer is a fine float.
        ok = (isinstance(value, spec) and not (spec is int and isinstance(value, bool))) or (
            spec is float and isinstance(value, int) and not isinstance(value, bool))
        if not ok:
            yield f"{where}: expected {spec.__name__}, got {type(value).__name__}"
    elif isinstance(spec, ListOf):
        if not isinstance(value, list):
            yield f"{where}: expected a list, got {type(value).__name__}"
            return
        for i, item in enumerate(value):
            yield from _shape(item, spec.item, f"{where}[{i}]")
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            yield f"{where}: expected a table, got {type(value).__name__}"
            return
        for key, item in value.items():
            yield from _shape(item, spec.value, f"{where}.{key}")
    elif isinstance(spec, Table):
        if not isinstance(value, dict):
            yield f"{where}: expected a table, got {type(value).__name__}"
            return
        for key in value:
            if key not in spec.keys:
                yield f"{where}: unknown key {key!r} (known: {', '.join(sorted(spec.keys))})"
        for key in sorted(spec.required - value.keys()):
            yield f"{where}: missing key {key!r}"
        for key, item in value.items():
            if key in spec.keys:
                yield from _shape(item, spec.keys[key], f"{where}.{key}" if where else key)
    else:  # pragma: no cover - a schema bug, not a catalog one
        raise TypeError(f"bad schema entry {spec!r}")


def problems(doc: Mapping[str, Any], schema: CatalogSchema) -> list[str]:
    """Everything wrong with a loaded catalog ``doc`` (empty when it matches ``schema``)."""
    out = list(_shape(doc, schema.top(), ""))
    for where, table in sourced_tables(doc):
        try:
            parse_source(table["source"])
        except SourceError as e:
            out.append(f"{where}: {e}")
    if schema.finding_catalog and isinstance(doc.get("rules"), dict):
        declared = set(doc.get("placeholders") or ())
        for rid, rule in doc["rules"].items():
            if not isinstance(rule, dict):
                continue
            sev = rule.get("severity")
            if sev not in SEVERITIES:
                out.append(f"rules.{rid}: severity {sev!r} is not one of {', '.join(sorted(SEVERITIES))}")
            try:
                undeclared = rule_placeholders(rule) - declared
            except ValueError as e:  # an unbalanced brace
                out.append(f"rules.{rid}: bad placeholder syntax: {e}")
                continue
            if undeclared:
                out.append(f"rules.{rid}: placeholder(s) {', '.join('{' + n + '}' for n in sorted(undeclared))} "
                           f"not in the catalog's `placeholders` list (what its callers supply)")
    return out


def validate(doc: Mapping[str, Any], schema: CatalogSchema, name: str) -> None:
    """Raise :class:`CatalogError` naming ``name`` and every problem when ``doc`` breaks ``schema``."""
    found = problems(doc, schema)
    if found:
        raise CatalogError(f"catalog {name}: " + "; ".join(found[:10])
                           + (f"; … {len(found) - 10} more" if len(found) > 10 else ""))


# ------------------------------------------------------------------- the built-in catalogs
#: ``areas.toml``: the checklists (built-in, or a plugin's own under the ``wxtriage.areas`` group).
AREAS_SCHEMA = CatalogSchema(finding_catalog=False, sections={
    "areas": MapOf(Table({"title": str, "description": str, "guide": str}, frozenset({"title", "description"})))})

_PATCH_ENTRY = Table({"release": str, "role": str, "names": STRS, "platform": str, **SOURCED},
                     frozenset({"release", "names", "source"}))
_MANUAL = Table({"id": str, "title": str, "detail": str, "steps": STRS, "command": str, "meaning": str, **SOURCED},
                frozenset({"id", "title", "steps", "source"}))

BUILTIN: dict[str, CatalogSchema] = {
    "url_rules": CatalogSchema(
        # Keyed by the names of checks/interfaces.py, which holds the labels.
        sections={"interfaces": MapOf(Table({"app_path": str, "app_path_severity": str,
                                             "required_suffix": str, "example": str}, frozenset({"example"})))},
        rule_keys={"limit": int}),
    "bw_rules": CatalogSchema(),
    "probe_rules": CatalogSchema(
        sections={"thresholds": Table({"expiry_warning_days": int, "expiry_urgent_days": int, **SOURCED},
                                      frozenset({"expiry_warning_days", "expiry_urgent_days", "source"})),
                  "expect": MapOf(Table({"mode": str, "webex_ca": bool, "why": str, **SOURCED},
                                        frozenset({"mode", "webex_ca", "why", "source"}))),
                  "texts": MapOf(Table({"text": str, **SOURCED}, frozenset({"text", "source"})))}),
    "client_log_rules": CatalogSchema(
        sections={"timestamps": Table({"desktop": str, "mobile": str, **SOURCED}, frozenset({"source"})),
                  "facts": MapOf(Table({"label": str, "pattern": str, "once": bool, "from_version": str, **SOURCED},
                                       frozenset({"label", "pattern", "source"}))),
                  "extract": MapOf(Table({"pattern": str, **SOURCED}, frozenset({"pattern", "source"})))},
        # A rule with `pattern` is matched against log lines; the others are built by the check.
        rule_keys={"pattern": str, "require": str, "exclude": str, "generic": bool, "codes": STRS, "threshold": float}),
    "har_errors": CatalogSchema(
        sections={"endpoints": ListOf(Table({"pattern": str, "label": str, "weight": int, **SOURCED},
                                            frozenset({"pattern", "label", "weight", "source"}))),
                  "noise": ListOf(Table({"pattern": str, "statuses": ListOf(int), "reason": str, **SOURCED},
                                        frozenset({"pattern", "reason", "source"}))),
                  "relevance": Table({"server_error": int, **SOURCED}, frozenset({"server_error", "source"}))},
        # A rule with `codes`, `text` or `endpoint` explains a failed call (tried in file order).
        rule_keys={"codes": STRS, "text": str, "endpoint": str}),
    "user_exports": CatalogSchema(
        sections={"exports": MapOf(Table({"title": str, "where": str, "user": STRS, "phone": STRS, "extension": STRS,
                                          "location": STRS, "calling_prefix": STRS, "id": STRS, "status": STRS,
                                          "package": STRS, "error": STRS, "email": STRS, **SOURCED},
                                         frozenset({"title", "where", "source"}))),
                  "booleans": Table({"true": STRS, "false": STRS, **SOURCED}, frozenset({"true", "false", "source"})),
                  "status_rules": ListOf(Table({"match": str, "kind": str, **SOURCED},
                                               frozenset({"match", "kind", "source"}))),
                  "actions": MapOf(Table({"title": str, "text": str, **SOURCED}, frozenset({"title", "text", "source"}))),
                  "error_rules": ListOf(Table({"match": str, "actions": STRS, **SOURCED},
                                              frozenset({"match", "actions", "source"}))),
                  "reminders": MapOf(Table({"title": str, "text": str, **SOURCED},
                                           frozenset({"title", "text", "source"})))}),
    # Not finding catalogs: data with a declared shape of its own.
    "areas": AREAS_SCHEMA,
    "patches": CatalogSchema(finding_catalog=False, sections={
        "installed_states": STRS, "every_server_roles": STRS, "every_server_roles_source": str,
        "releases": MapOf(Table({"build": str, "platforms": STRS, **SOURCED}, frozenset({"build", "platforms", "source"}))),
        "support": Table({"previous_majors": int, "newest_known": str, "policy": str, **SOURCED},
                         frozenset({"previous_majors", "newest_known", "policy", "source"})),
        "roles": MapOf(str),
        "commands": MapOf(str),
        "features": MapOf(Table({
            "short": str, "title": str, "patch_numbers": STRS, "activatable_ids": STRS, **SOURCED,
            "patches": ListOf(_PATCH_ENTRY),
            "applications": ListOf(Table({"release": str, "platform": str, "minimum": STRS, "or_later": STRS,
                                          "later_accepted": Table({"builds": STRS, **SOURCED}, frozenset({"builds", "source"})),
                                          **SOURCED}, frozenset({"release", "minimum", "source"}))),
            "activatable": ListOf(Table({"id": str, "name": str, "command": str, **SOURCED},
                                        frozenset({"id", "name", "command", "source"}))),
            "device_type": Table({"attribute": str, "value": str, "label": str, "command": str, "why": str, **SOURCED},
                                 frozenset({"attribute", "value", "command", "source"})),
            "config_tags": ListOf(Table({"element": str, "attribute": str, "tag": str, "required": bool, "numeric": bool,
                                         **SOURCED}, frozenset({"element", "attribute", "tag", "source"}))),
            "manual": ListOf(_MANUAL)}, frozenset({"title", "source"}))),
    }),
    "tac_info": CatalogSchema(finding_catalog=False, sections={
        "missing": ListOf(Table({"field": str, "flag": str, "when": str, "note": str, "found_in": str, **SOURCED},
                                frozenset({"field", "flag", "when", "note", "source"})))}),
    "tls_ciphers": CatalogSchema(finding_catalog=False, sections={"source": str, "iana": MapOf(str)}),
    "sources": CatalogSchema(finding_catalog=False, sections={
        "seeds": MapOf(Table({"file": str, "title": str}, frozenset({"file", "title"}))),
        "inf": Table({"title": str}, frozenset({"title"})),
        "documents": MapOf(Table({"title": str, "where": str}, frozenset({"title", "where"})))}),
}
