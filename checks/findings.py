"""Building findings from catalog rules (shared by every check that keeps its rules in TOML)."""
from __future__ import annotations

from typing import Any, Iterable

from .model import Evidence, Finding, Remediation, Severity


class _Fmt(dict):
    """str.format_map that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def make_finding(rule: dict[str, Any], subject: str = "", severity: str | None = None,
                 evidence: Iterable[Evidence] = (), **values: Any) -> Finding:
    """Build a finding from a catalog rule, filling its ``{placeholders}`` from ``values``."""
    fmt = _Fmt(values)
    steps = tuple(s.format_map(fmt) for s in rule.get("steps", ()))
    # ``short``: a few words for compact views (a matrix cell, a timeline row), kept with the rule.
    short = {"short": rule["short"].format_map(fmt)} if "short" in rule else {}
    return Finding(
        code=rule["code"],
        severity=Severity(severity or rule["severity"]),
        title=rule["title"].format_map(fmt),
        detail=rule.get("detail", "").format_map(fmt),
        evidence=tuple(evidence),
        remediation=Remediation(summary=rule["remediation"].format_map(fmt), steps=steps,
                                command=rule.get("command"), doc=rule.get("doc")),
        source=rule["source"],
        data={k: v for k, v in values.items() if k not in ("example", "label", "suggestion")} | (
            {"interface": subject} if subject else {}) | short,
    )
