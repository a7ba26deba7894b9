"""The Partner Hub user status export: users grouped by status and error text, each group with
the administrative options of that view."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .common import _SPACES, _cell, _Cancelled, _rows, catalog
from .layouts import Layout
from .reading import CsvFormat

_EMAIL = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+\.[A-Za-z]{2,}")
_LONG_ID = re.compile(r"\b(?=[0-9a-f-]*\d)[0-9a-f]{8,}(?:-[0-9a-f]{4,})*\b|\b\d{5,}\b", re.I)


@dataclass
class StatusGroup:
    kind: str  # provisioned, pending, error, unknown
    status: str
    error: str
    count: int = 0
    users: list[dict[str, Any]] = field(default_factory=list)
    packages: Counter = field(default_factory=Counter)


@dataclass
class UserStatusAnalysis:
    path: str
    fmt: CsvFormat
    layout: Layout
    users: int = 0
    groups: dict[tuple[str, str, str], StatusGroup] = field(default_factory=dict)
    cancelled: bool = False

    def count(self, kind: str) -> int:
        return sum(g.count for g in self.groups.values() if g.kind == kind)


# ------------------------------------------------------------------------- user status export
def status_kind(status: str) -> str:
    s = status.strip().lower()
    if not s:
        return "unknown"
    for rule in catalog()["status_rules"]:
        if re.search(rule["match"], s):
            return str(rule["kind"])
    return "unknown"


def error_key(text: str) -> str:
    """The error text with what differs per user (e-mails, long IDs) replaced, to group users."""
    t = _EMAIL.sub("<e-mail>", text)
    t = _LONG_ID.sub("<id>", t)
    return _SPACES.sub(" ", t).strip()


def _user_status(path: str, fmt: CsvFormat, layout: Layout, reader: Iterator[list[str]], line: int,
                 progress: Callable[[str], None] | None, cancelled: Callable[[], bool] | None) -> UserStatusAnalysis:
    a = UserStatusAnalysis(path, fmt, layout)
    cols = layout.columns
    id_c, st_c = cols["id"], cols["status"]
    pk_c, er_c = cols.get("package"), cols.get("error")
    kinds: dict[str, str] = {}
    try:
        for n, row in _rows(reader, line, progress, cancelled):
            a.users += 1
            status = _cell(_SPACES.sub(" ", st_c.get(row)))
            kind = kinds.get(status)
            if kind is None:
                kind = kinds[status] = status_kind(status)
            err = error_key(_cell(er_c.get(row))) if er_c else ""
            key = (kind, status.casefold(), err.casefold())
            g = a.groups.get(key)
            if g is None:
                g = a.groups[key] = StatusGroup(kind, status or "(empty)", err)
            g.count += 1
            if pk_c:
                g.packages[pk_c.get(row) or "(none)"] += 1
            if kind != "provisioned":
                g.users.append({"row": n, "broadworks_id": _cell(id_c.get(row))})
    except _Cancelled:
        a.cancelled = True
    return a


def actions_for(group: StatusGroup) -> list[str]:
    """The administrative options (keys of ``[actions]``) for a group, in the order to try them."""
    if group.kind == "provisioned":
        return []
    if group.kind == "pending" and not group.error:
        return ["wait", "retry", "copy"]
    if group.kind == "unknown" and not group.error:
        return ["copy"]
    text = group.error.lower()
    for rule in catalog()["error_rules"]:
        if re.search(rule["match"], text):
            return list(dict.fromkeys([*rule["actions"], "copy"]))
    return ["copy"]  # pragma: no cover - the last rule matches everything
