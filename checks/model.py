"""The vocabulary every check speaks: severities, statuses, findings and results.

All types are frozen dataclasses with ``to_dict``/``from_dict`` so that results can
be stored in the case store, written to JSON and read back without loss.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .artifacts import Artifact, artifact_from_dict


class Severity(str, enum.Enum):
    """How bad a finding is; ordered ``info < warning < error < critical``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __lt__(self, other: object) -> bool:  # str's ordering would be alphabetical
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2, Severity.CRITICAL: 3}


class Status(str, enum.Enum):
    """Outcome of one check run.

    ``error`` means the check itself crashed or timed out; it says nothing about the
    system under test and is never the same as ``fail``.
    """

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self]


STATUS_SYMBOLS = {
    Status.PASS: "✓",
    Status.WARN: "!",
    Status.FAIL: "✗",
    Status.SKIP: "–",
    Status.ERROR: "☠",
}

#: What an evidence item holds; the reports and the bundle treat some kinds apart (a chain in PEM
#: goes to TAC as a file, a certificate description is shown longer).
EVIDENCE_KINDS = ("text", "json", "http-exchange", "certificate", "certificate-pem", "log-excerpt", "file")


@dataclass(frozen=True)
class Evidence:
    """Something observed that supports a finding. ``content`` is already redacted; ``kind`` is
    one of :data:`EVIDENCE_KINDS` (a check that makes up another kind fails loudly, as an error
    result, instead of its evidence being shown or bundled the wrong way)."""

    label: str
    content: str
    kind: str = "text"
    source: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"evidence kind {self.kind!r} is not one of {', '.join(EVIDENCE_KINDS)}")

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "content": self.content, "source": self.source}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Evidence":
        return cls(label=d["label"], content=d.get("content", ""), kind=d.get("kind", "text"),
                   source=d.get("source", ""))


@dataclass(frozen=True)
class Remediation:
    """What to do about a finding: a summary, ordered steps, an optional command to copy."""

    summary: str
    steps: tuple[str, ...] = ()
    command: str | None = None
    doc: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary, "steps": list(self.steps), "command": self.command, "doc": self.doc}

    def as_text(self) -> str:
        """The fix as plain text to paste into a ticket or a terminal (summary, numbered steps, command)."""
        lines = [self.summary] + [f"{i}. {step}" for i, step in enumerate(self.steps, 1)]
        if self.command:
            lines += ["", self.command]
        return "\n".join(lines)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Remediation":
        return cls(summary=d["summary"], steps=tuple(d.get("steps") or ()), command=d.get("command"),
                   doc=d.get("doc"))


@dataclass(frozen=True)
class Finding:
    """One fact a check established, with why it matters and how to fix it.

    ``code`` is a stable dotted slug (documented in docs/findings.md); ``source`` names
    where the rule comes from (a seed document, public documentation, or inference).
    """

    code: str
    severity: Severity
    title: str
    detail: str = ""
    evidence: tuple[Evidence, ...] = ()
    remediation: Remediation | None = None
    source: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "title": self.title,
            "detail": self.detail,
            "evidence": [e.to_dict() for e in self.evidence],
            "remediation": self.remediation.to_dict() if self.remediation else None,
            "source": self.source,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Finding":
        rem = d.get("remediation")
        return cls(
            code=d["code"],
            severity=Severity(d["severity"]),
            title=d["title"],
            detail=d.get("detail", ""),
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence") or ()),
            remediation=Remediation.from_dict(rem) if rem else None,
            source=d.get("source", ""),
            data=dict(d.get("data") or {}),
        )


def status_for(findings: Iterable[Finding]) -> Status:
    """The status a completed check earns from its findings."""
    worst: Severity | None = None
    for f in findings:
        if worst is None or f.severity > worst:
            worst = f.severity
    if worst is None or worst is Severity.INFO:
        return Status.PASS
    if worst is Severity.WARNING:
        return Status.WARN
    return Status.FAIL


@dataclass(frozen=True)
class CheckResult:
    """One check's run: status, findings and timings (``started_at`` is ISO-8601 UTC), and the
    typed views the check built for the front-ends (``artifacts``; see :mod:`checks.artifacts`)."""

    check_id: str
    title: str
    area: str
    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why it was skipped, or the error message
    started_at: str = ""
    duration_s: float = 0.0
    artifacts: tuple[Artifact, ...] = ()

    @property
    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.check_id,
            "title": self.title,
            "area": self.area,
            "status": self.status.value,
            "reason": self.reason,
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 4),
            "findings": [f.to_dict() for f in self.findings],
            "artifacts": [a.to_dict() for a in self.artifacts],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "CheckResult":
        return cls(
            check_id=d["id"],
            title=d.get("title", d["id"]),
            area=d.get("area", ""),
            status=Status(d["status"]),
            findings=tuple(Finding.from_dict(f) for f in d.get("findings") or ()),
            reason=d.get("reason", ""),
            started_at=d.get("started_at", ""),
            duration_s=float(d.get("duration_s", 0.0)),
            artifacts=tuple(artifact_from_dict(a) for a in d.get("artifacts") or ()),
        )


def exit_code_for(results: Iterable[CheckResult]) -> int:
    """CLI convention: 1 when any finding is at error or above (or a check crashed), else 0."""
    for r in results:
        if r.status is Status.ERROR:  # a crashed check proves nothing: never report success
            return 1
        ws = r.worst_severity
        if ws is not None and ws >= Severity.ERROR:
            return 1
    return 0
