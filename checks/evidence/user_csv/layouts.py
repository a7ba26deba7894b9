"""Which export a file is, from its header row: the columns each export names in the catalog."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from ...api import InputError
from .common import CONTROLHUB, USER_STATUS, _clip, catalog, norm
from .reading import CsvFormat, open_csv


@dataclass(frozen=True)
class Column:
    index: int
    name: str  # as the file writes it

    def get(self, row: list[str]) -> str:
        return row[self.index].strip() if self.index < len(row) else ""


@dataclass(frozen=True)
class Layout:
    """Which export a header row belongs to, and the columns used for each role."""

    kind: str
    columns: Mapping[str, Column]
    calling: tuple[Column, ...] = ()
    header: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return str(catalog()["exports"][self.kind]["title"])

    def used(self) -> dict[str, str]:
        out = {role: c.name for role, c in self.columns.items()}
        if self.calling:
            out["calling"] = ", ".join(c.name for c in self.calling)
        return out


def _find(header: list[str], names: list[str]) -> Column | None:
    normed = [norm(h) for h in header]
    for wanted in names:
        key = norm(wanted)
        if key in normed:
            i = normed.index(key)
            return Column(i, header[i].strip())
    return None


def recognise(header: list[str], name: str = "the file") -> Layout:
    """The export a header row belongs to; :class:`InputError` naming the expected columns if none."""
    header = [h.strip().lstrip("\ufeff") for h in header]
    cat = catalog()["exports"]
    ch, us = cat[CONTROLHUB], cat[USER_STATUS]
    prefixes = [norm(p) for p in ch["calling_prefix"]]
    calling = tuple(Column(i, h) for i, h in enumerate(header) if any(norm(h).startswith(p) for p in prefixes))
    ch_cols = {role: _find(header, ch[role]) for role in ("user", "phone", "extension", "location")}
    us_cols = {role: _find(header, us[role]) for role in ("id", "status", "package", "error", "email")}
    # "User ID/Email (Required)" is the Control Hub export's own name; a plain "Email" is not enough.
    strong_user = ch_cols["user"] is not None and norm(ch_cols["user"].name).startswith("useridemail")
    if ch_cols["user"] is not None and (calling or strong_user):
        return Layout(CONTROLHUB, {r: c for r, c in ch_cols.items() if c is not None}, calling, tuple(header))
    if us_cols["id"] is not None and us_cols["status"] is not None:
        return Layout(USER_STATUS, {r: c for r, c in us_cols.items() if c is not None}, (), tuple(header))
    if ch_cols["user"] is not None and (ch_cols["phone"] is not None or ch_cols["extension"] is not None):
        return Layout(CONTROLHUB, {r: c for r, c in ch_cols.items() if c is not None}, calling, tuple(header))
    seen = ", ".join(_clip(h) for h in header[:6] if h.strip()) or "no column names"
    if len(header) > 6:
        seen += f" … ({len(header)} columns)"
    raise InputError(
        f"{name}: not a Control Hub user export nor a Partner Hub user status export (its first row has {seen}); "
        f"expected “{ch['user'][0]}” with “{ch['calling_prefix'][0]} …” licence columns, or “{us['id'][0]}” and "
        f"“{us['status'][0]}”")


def _header(reader: Iterator[list[str]], name: str) -> tuple[list[str], int]:
    """The first non-blank row and its line in the file (1-based, as Excel numbers rows)."""
    n = 0
    for row in reader:
        n += 1
        if any(c.strip() for c in row):
            return row, n
    raise InputError(f"{name}: the file holds no rows; export the user list again")


def detect(path: Path | str) -> tuple[CsvFormat, Layout]:
    """Read only the header row: which export ``path`` is (InputError with one line if neither)."""
    fmt, fh, reader = open_csv(path)
    with fh:
        try:
            header, _ = _header(reader, Path(path).name)
        except csv.Error as exc:
            raise InputError(f"{Path(path).name}: not readable as CSV ({exc})") from None
    return fmt, recognise(header, Path(path).name)
