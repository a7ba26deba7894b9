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

__all__ = ["Artifact", "MatrixCell", "MatrixRow", "ProbeMatrix", "UnknownArtifact", "artifact_from_dict",
           "artifacts_of", "map_artifact_texts", "merge_matrices", "register_artifact"]


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
