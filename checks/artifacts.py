"""Typed artifacts: what a check hands the front-ends besides its findings.

A finding says one thing that matters; an artifact is a view of everything the check saw — the
probe matrix of a cluster, the facts and timeline of a set of logs, the summary of a HAR. Checks
build them (``ctx.add_artifact``), the runner puts them on the :class:`~checks.model.CheckResult`,
and the CLI and the TUI only render them: no front-end rebuilds engine state from ``Finding.data``.

Every artifact is a frozen dataclass with ``kind``, ``to_dict`` and ``from_dict``, so it survives
the case store and JSON (``checks/store.py``) and redaction (every string goes through the same
text rules as the findings: :func:`map_artifact_texts`). An artifact of a kind this version does
not know (a plugin's, or a newer wxtriage's) is kept as :class:`UnknownArtifact`, whole.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterable, Mapping, TypeVar

from .case import CaseFacts

__all__ = ["Artifact", "FactRow", "HarSummary", "LogSummary", "MatrixCell", "MatrixRow", "ProbeMatrix",
           "TimelineItem", "UnknownArtifact", "artifact_from_dict", "artifacts_of", "map_artifact_texts",
           "merge_matrices", "register_artifact"]


class Artifact:
    """Base of every artifact: a ``kind`` and a JSON-able ``to_dict``/``from_dict`` pair."""

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Artifact":  # pragma: no cover - abstract
        raise NotImplementedError


_KINDS: dict[str, type[Artifact]] = {}
A = TypeVar("A", bound=type[Artifact])


def register_artifact(cls: A) -> A:
    """Class decorator: ``from_dict`` of a stored result finds the class by its ``kind``. A plugin
    may register its own kinds; a kind may be registered once."""
    if not cls.kind or (cls.kind in _KINDS and _KINDS[cls.kind] is not cls):
        raise ValueError(f"artifact kind {cls.kind!r} is empty or taken")
    _KINDS[cls.kind] = cls
    return cls


@dataclass(frozen=True)
class UnknownArtifact(Artifact):
    """An artifact of a kind not registered here, kept as it was stored (never dropped)."""

    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:  # type: ignore[override]
        return str(self.data.get("kind", ""))

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "UnknownArtifact":
        return cls(dict(d))


def artifact_from_dict(d: Mapping[str, Any]) -> Artifact:
    cls = _KINDS.get(str(d.get("kind", "")))
    return cls.from_dict(d) if cls is not None else UnknownArtifact.from_dict(d)


T = TypeVar("T", bound=Artifact)


def artifacts_of(results: Iterable[Any], kind: type[T]) -> list[T]:
    """Every artifact of type ``kind`` in ``results`` (CheckResults), in result order."""
    return [a for r in results for a in getattr(r, "artifacts", ()) if isinstance(a, kind)]


def _map_strings(obj: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(obj, str):
        return fn(obj) if obj else obj
    if isinstance(obj, Mapping):  # a "kind" is the engine's vocabulary (an artifact's, a cell's), not text
        return {k: (v if k == "kind" else _map_strings(v, fn)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_map_strings(v, fn) for v in obj]
    return obj


def map_artifact_texts(artifact: Artifact, fn: Callable[[str], str]) -> Artifact:
    """``artifact`` with every string value passed through ``fn`` (redaction). Keys (column ids)
    and ``kind`` values are the engine's own words and stay as they are."""
    return artifact_from_dict(_map_strings(artifact.to_dict(), fn))


# ------------------------------------------------------------------------------ probe matrix
#: A cell's verdict; the front-ends pick the mark and the colour.
CELL_KINDS = ("ok", "bad", "warn", "none")


@dataclass(frozen=True)
class MatrixCell:
    kind: str  # one of CELL_KINDS
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "MatrixCell":
        kind = str(d.get("kind", "none"))
        return cls(kind if kind in CELL_KINDS else "none", str(d.get("text", "")))


@dataclass(frozen=True)
class MatrixRow:
    interface: str
    node: str  # the address probed; "—" for what concerns the interface as a whole
    cells: Mapping[str, MatrixCell] = field(default_factory=dict)  # column id → cell

    def to_dict(self) -> dict[str, Any]:
        return {"interface": self.interface, "node": self.node,
                "cells": {k: c.to_dict() for k, c in self.cells.items()}}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "MatrixRow":
        return cls(str(d["interface"]), str(d["node"]),
                   {str(k): MatrixCell.from_dict(c) for k, c in (d.get("cells") or {}).items()})


@register_artifact
@dataclass(frozen=True)
class ProbeMatrix(Artifact):
    """One row per interface and node, one cell per probe step or verdict the check decides.

    Each network check fills its own columns (``cluster.connectivity`` the steps, ``xsp.tls`` the
    certificate, ``xsp.mtls`` the client certificate); :func:`merge_matrices` lays them side by side.
    """

    kind: ClassVar[str] = "probe-matrix"
    #: Every column a probe check may fill, in the order shown: (id, heading).
    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("dns", "DNS"), ("tcp", "TCP"), ("tls", "TLS"), ("http", "HTTP"), ("cert", "Cert"), ("mtls", "Client cert"))

    rows: tuple[MatrixRow, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": [r.to_dict() for r in self.rows]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ProbeMatrix":
        return cls(tuple(MatrixRow.from_dict(r) for r in d.get("rows") or ()))


def merge_matrices(matrices: Iterable[ProbeMatrix]) -> ProbeMatrix:
    """The matrices of several checks as one, rows sorted by interface and node; where two fill the
    same cell, the later one wins (each check owns its columns, so they do not)."""
    rows: dict[tuple[str, str], dict[str, MatrixCell]] = {}
    for m in matrices:
        for r in m.rows:
            rows.setdefault((r.interface, r.node), {}).update(r.cells)
    return ProbeMatrix(tuple(MatrixRow(i, n, cells) for (i, n), cells in sorted(rows.items())))


# ------------------------------------------------------------------------------ evidence summaries
def _opt(v: Any) -> str | None:
    return None if v is None else str(v)


@dataclass(frozen=True)
class FactRow:
    """One line of facts read from evidence: a label for people and the values found (none: "—")."""

    label: str
    values: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "values": list(self.values)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "FactRow":
        return cls(str(d["label"]), tuple(str(v) for v in d.get("values") or ()))


@dataclass(frozen=True)
class TimelineItem:
    """A finding's occurrence in time: ``code`` ties it to the result's finding of that code."""

    time: str | None  # ISO-8601, None when the line had no time
    code: str
    title: str
    source: str  # file:line

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "code": self.code, "title": self.title, "source": self.source}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TimelineItem":
        return cls(_opt(d.get("time")), str(d.get("code", "")), str(d.get("title", "")), str(d.get("source", "")))


@register_artifact
@dataclass(frozen=True)
class LogSummary(Artifact):
    """What a set of Webex app logs held: files, span, time window, facts and timeline."""

    kind: ClassVar[str] = "log-summary"

    root: str = ""
    source_kind: str = ""  # folder, file, zip, tar.gz
    size: str = ""  # in words ("2.1 MB")
    lines: int = 0
    unrecognised_lines: int = 0
    unrecognised_share: float = 0.0  # per cent
    span_start: str | None = None
    span_end: str | None = None
    window_start: str | None = None
    window_end: str | None = None
    window_text: str = "none"  # "none": no window, every entry read
    window_source: str = ""  # where the window came from, in words
    outside_window: int = 0  # matches outside the window, left out
    untimed_excluded: int = 0  # matches without a time, left out by a window
    left_out: int = 0  # matching events the window left out
    #: One row per file read: name, size, lines, first, last, status, note, … (the scanner's words).
    files: tuple[Mapping[str, Any], ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (file, why) not read
    ignored_files: int = 0  # files whose names do not look like logs
    #: The facts for the case, in the order TAC reads them (the last row says which calling service).
    facts: tuple[FactRow, ...] = ()
    facts_not_found: tuple[str, ...] = ()
    case_facts: CaseFacts = field(default_factory=CaseFacts)
    timeline: tuple[TimelineItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "root": self.root, "source_kind": self.source_kind, "size": self.size,
                "lines": self.lines, "unrecognised_lines": self.unrecognised_lines,
                "unrecognised_share": self.unrecognised_share, "span_start": self.span_start,
                "span_end": self.span_end, "window_start": self.window_start, "window_end": self.window_end,
                "window_text": self.window_text, "window_source": self.window_source,
                "outside_window": self.outside_window, "untimed_excluded": self.untimed_excluded,
                "left_out": self.left_out, "files": [dict(f) for f in self.files],
                "skipped": [{"name": n, "reason": r} for n, r in self.skipped], "ignored_files": self.ignored_files,
                "facts": [r.to_dict() for r in self.facts], "facts_not_found": list(self.facts_not_found),
                "case_facts": self.case_facts.to_dict(), "timeline": [t.to_dict() for t in self.timeline]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "LogSummary":
        return cls(root=str(d.get("root", "")), source_kind=str(d.get("source_kind", "")), size=str(d.get("size", "")),
                   lines=int(d.get("lines", 0)), unrecognised_lines=int(d.get("unrecognised_lines", 0)),
                   unrecognised_share=float(d.get("unrecognised_share", 0.0)),
                   span_start=_opt(d.get("span_start")), span_end=_opt(d.get("span_end")),
                   window_start=_opt(d.get("window_start")), window_end=_opt(d.get("window_end")),
                   window_text=str(d.get("window_text", "none")), window_source=str(d.get("window_source", "")),
                   outside_window=int(d.get("outside_window", 0)), untimed_excluded=int(d.get("untimed_excluded", 0)),
                   left_out=int(d.get("left_out", 0)), files=tuple(dict(f) for f in d.get("files") or ()),
                   skipped=tuple((str(s["name"]), str(s["reason"])) for s in d.get("skipped") or ()),
                   ignored_files=int(d.get("ignored_files", 0)),
                   facts=tuple(FactRow.from_dict(r) for r in d.get("facts") or ()),
                   facts_not_found=tuple(str(v) for v in d.get("facts_not_found") or ()),
                   case_facts=CaseFacts.from_dict(d.get("case_facts") or {}),
                   timeline=tuple(TimelineItem.from_dict(t) for t in d.get("timeline") or ()))


@register_artifact
@dataclass(frozen=True)
class HarSummary(Artifact):
    """What a HAR capture held besides its findings: entries read, what was wrong with the file,
    and the facts for the case and for TAC (org, tracking IDs, e-mails, span, failing requests)."""

    kind: ClassVar[str] = "har-summary"

    file: str = ""
    entries: int = 0
    truncated: bool = False  # the file breaks off: entries before the break only
    sanitised: bool = False  # no authorization data seen (exported "sanitized" by the browser)
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the HARs read (members of a zip)
    #: The extract as TAC reads it: org_ids, tracking_ids, emails, first_time, last_time,
    #: failing_requests (request line, time, bodies).
    extract: Mapping[str, Any] = field(default_factory=dict)
    case_facts: CaseFacts = field(default_factory=CaseFacts)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file, "entries": self.entries, "truncated": self.truncated,
                "sanitised": self.sanitised, "warnings": list(self.warnings), "sources": list(self.sources),
                "extract": dict(self.extract), "case_facts": self.case_facts.to_dict()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "HarSummary":
        return cls(file=str(d.get("file", "")), entries=int(d.get("entries", 0)), truncated=bool(d.get("truncated")),
                   sanitised=bool(d.get("sanitised")), warnings=tuple(str(w) for w in d.get("warnings") or ()),
                   sources=tuple(str(s) for s in d.get("sources") or ()), extract=dict(d.get("extract") or {}),
                   case_facts=CaseFacts.from_dict(d.get("case_facts") or {}))
