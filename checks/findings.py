"""Building findings from catalog rules (shared by every check that keeps its rules in TOML)."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .catalog.schema import FINDING_TEXTS, CatalogError, rule_placeholders
from .model import Evidence, Finding, Remediation, Severity


class _Partial(dict):  # type: ignore[type-arg]
    """str.format_map that leaves unknown placeholders visible (for previews, never for findings)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_partial(text: str, **values: Any) -> str:
    """``text`` with the ``values`` given filled in and any other ``{placeholder}`` left as written:
    a title shortened for a timeline, where the count is not known yet."""
    return text.format_map(_Partial(values))


def make_finding(rule: Mapping[str, Any], subject: str = "", severity: str | None = None,
                 evidence: Iterable[Evidence] = (), **values: Any) -> Finding:
    """Build a finding from a catalog rule, filling its ``{placeholders}`` from ``values``.

    A placeholder without a value raises :class:`~checks.catalog.CatalogError` (a caller that
    forgot a value is a bug the tests must see, not ``{name}`` in front of an admin)."""
    missing = rule_placeholders(rule, FINDING_TEXTS) - values.keys()
    if missing:
        raise CatalogError(f"rule {rule.get('code', '?')}: no value for "
                           + ", ".join("{" + m + "}" for m in sorted(missing)))
    steps = tuple(s.format_map(values) for s in rule.get("steps", ()))
    # ``short``: a few words for compact views (a matrix cell, a timeline row), kept with the rule.
    short = {"short": rule["short"].format_map(values)} if "short" in rule else {}
    return Finding(
        code=rule["code"],
        severity=Severity(severity or rule["severity"]),
        title=rule["title"].format_map(values),
        detail=rule.get("detail", "").format_map(values),
        evidence=tuple(evidence),
        remediation=Remediation(summary=rule["remediation"].format_map(values), steps=steps,
                                command=rule.get("command"), doc=rule.get("doc")),
        source=rule["source"],
        data={k: v for k, v in values.items() if k not in ("example", "label", "suggestion")} | (
            {"interface": subject} if subject else {}) | short,
    )
