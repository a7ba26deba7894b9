"""The user CSV exports admins already have: read them however Excel saved them, say which export
a file is from its header row, and analyse its rows.

Two exports are known (column names in ``catalog/user_exports.toml``):

- the **Control Hub user export** (Users → Manage users → Export user list): one row per user,
  ``User ID/Email (Required)``, ``Phone Number``, ``Extension``, ``Location`` and one TRUE/FALSE
  column per licence (``Webex Calling VAR Professional [Sub…]``). For every user without Webex
  Calling the analysis names the reason seed 001 gives (no number, a number not in E.164, a
  number another user has, or "check it in Webex Calling").
- the **Partner Hub user status export** (template → User verification → Show user status →
  Export): users grouped by status and error text, each group with the administrative options
  of that view.

Files are read as a stream (one row at a time): UTF-8 with or without a BOM, UTF-16 with a BOM
(Excel's "Unicode text", tab-separated), Windows-1252 as a last resort; ``,``, ``;`` or tab as
delimiter (read from the header row, or from Excel's ``sep=`` line); CRLF; quoted fields with
newlines; extra, missing or reordered columns; localized TRUE/FALSE (WAHR/FALSCH, VRAI/FAUX,
VERDADEIRO/FALSO, PRAWDA/FAŁSZ …). What is kept per row is only what a finding reports.

The package's parts: :mod:`.reading` (encoding, delimiter, rows), :mod:`.layouts` (which export,
from the header row), :mod:`.controlhub` and :mod:`.status` (one analysis per export), and
:mod:`.common` (catalog, names, cells, booleans, the row loop). This module re-exports them.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable

from ...api import InputError
from .common import CONTROLHUB, USER_STATUS, catalog, norm, parse_bool
from .controlhub import MAX_SHARED, REASONS, ControlHubAnalysis, UserRow, _controlhub
from .layouts import Column, Layout, _header, detect, recognise
from .reading import SNIFF_BYTES, CsvFormat, open_csv
from .status import StatusGroup, UserStatusAnalysis, _user_status, actions_for, error_key, status_kind

__all__ = [
    "CONTROLHUB", "MAX_SHARED", "REASONS", "SNIFF_BYTES", "USER_STATUS", "Column", "ControlHubAnalysis",
    "CsvFormat", "Layout", "StatusGroup", "UserRow", "UserStatusAnalysis", "actions_for", "analyse", "catalog",
    "detect", "error_key", "norm", "open_csv", "parse_bool", "recognise", "status_kind",
]


def analyse(path: Path | str, region: str | None = None, progress: Callable[[str], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> ControlHubAnalysis | UserStatusAnalysis:
    """Read the whole export (a row at a time) and analyse it; InputError for unreadable files."""
    name = Path(path).name
    fmt, fh, reader = open_csv(path)
    with fh:
        try:
            header, line = _header(reader, name)
            layout = recognise(header, name)
            if layout.kind == CONTROLHUB:
                return _controlhub(str(path), fmt, layout, reader, line, region, progress, cancelled)
            return _user_status(str(path), fmt, layout, reader, line, progress, cancelled)
        except csv.Error as exc:
            raise InputError(f"{name}: not readable as CSV near row {getattr(reader, 'line_num', '?')} ({exc})") \
                from None
