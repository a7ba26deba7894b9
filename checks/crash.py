"""Unexpected errors: one line for the person, a redacted crash report on disk for the bug report.

An exception nobody planned for is a bug in wxtriage, not a problem with the input and not an
"error finding". The CLI turns it into ``wxtriage: internal error: … — please report it`` and exit
code 3 (distinct from 1, error findings, and 2, bad input); the TUI shows the same line and keeps
running. The traceback goes to ``<data dir>/crash-reports/`` with every line through the redactor
and the leak scanner (an exception message may quote the token that was being parsed); a line the
scanner still flags is withheld.
"""
from __future__ import annotations

import datetime as _dt
import os
import platform
import sys
import traceback
from pathlib import Path
from typing import Sequence

from . import __version__
from .paths import data_dir

#: Exit code of the CLI for an internal error (0 ok, 1 error findings, 2 bad input, 130 interrupted).
INTERNAL_ERROR_EXIT = 3
_KEEP_REPORTS = 20


def crash_dir() -> Path:
    return data_dir() / "crash-reports"


def write_crash_report(exc: BaseException, context: str = "", argv: Sequence[str] = ()) -> Path | None:
    """Write a redacted report of ``exc`` and return its path (None when it cannot be written)."""
    from .redact import LeakScanner, default_known_secrets, keyring_redactor

    try:
        redactor = keyring_redactor()
        lines = [f"wxtriage {__version__} internal error report",
                 f"time: {_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')}",
                 f"python: {sys.version.split()[0]} on {platform.platform(terse=True)}",
                 f"where: {context or 'unknown'}"]
        if argv:
            lines.append("command: wxtriage " + " ".join(str(a) for a in argv))
        lines.append("")
        lines += "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).splitlines()
        scanner = LeakScanner(default_known_secrets())
        red = [redactor.redact_text(line) for line in lines]
        scanner.add(redactor.removed)
        safe = [line if not scanner.scan_text(line, "report") else "<line withheld: it may hold a secret>"
                for line in red]
        folder = crash_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(safe) + "\n")
        _prune(folder)
        return path
    except Exception:  # noqa: BLE001 - reporting a crash must never crash
        return None


def _prune(folder: Path) -> None:
    reports = sorted(folder.glob("crash-*.txt"), key=lambda p: p.name)
    for old in reports[:-_KEEP_REPORTS]:
        try:
            old.unlink()
        except OSError:
            pass


def internal_error_line(exc: BaseException, report: Path | None) -> str:
    """The one line shown for an unexpected error (message redacted, control characters escaped)."""
    from .redact import safe_message
    from .textsafe import one_line

    what = one_line(safe_message(f"{type(exc).__name__}: {exc}"), 200)
    where = f"; details in {report}" if report else ""
    return f"internal error: {what} — please report it{where}"
