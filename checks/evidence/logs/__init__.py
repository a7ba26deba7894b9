"""Webex app (client) logs: find them, stream them, and pull out what matters for Webex for BroadWorks.

The scanner never loads a file whole. It reads chunks that end on an entry boundary (a line that
starts with a timestamp), counts lines and timestamped lines with C-speed byte operations, and
runs ONE combined prefilter regex (RE2 when available, else Python ``re``) over each chunk. Only
the rare lines the prefilter hits are decoded and checked against the individual catalog
patterns (``catalog/client_log_rules.toml``). Where matches are dense, RE2's pattern set says per
line which patterns match, and a finding that holds its excerpts counts its further matches a
chunk at a time (entry-wide tests too run over a chunk's entries at once, on plain ASCII text). Undecodable bytes become U+FFFD, binary files are skipped with a note, and every
excerpt goes through the shared :class:`~checks.redact.Redactor`.

Times without a zone (the mobile shape, some desktop lines) are compared with the time window as
written, i.e. as if they were UTC; the report says so.

The package's parts: :mod:`.model` (what a scan reports, log times, counting), :mod:`.patterns`
(catalog rules and the prefilter), :mod:`.chunks` (entry-aligned chunks), :mod:`.filescan` (one
file's chunks), :mod:`.scanner` (a whole source). Archives and encodings are read through the
shared :mod:`checks.evidence.sources`. This module finds the logs and re-exports the public names.
"""
from __future__ import annotations

import os
import re
import sys
import zipfile
from contextlib import ExitStack
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping

from ...case import TimeWindow
from ...paths import refuse_special
from ...redact import Redactor
from ..sources import (MAX_WALK_FILES, Listing, Member, file_opener, is_tar_name, list_folder, list_tar, list_zip,
                       maybe_gunzip)
from .chunks import CHUNK_SIZE, MAX_CARRY, iter_chunks
from .filescan import DENSE_AFTER, DENSE_SHARE  # copies for reading: the scan reads them in .filescan
from .model import (MAX_FACT_VALUES, MAX_HITS_PER_RULE, MAX_TIMELINE, MOBILE_RE, TS_AFTER_NL_RE, TS_PARSE_RE,
                    TS_START_RE, LogFileInfo, LogHit, LogScan, RuleStats, count_hit, count_hits, parse_log_time)
from .patterns import (CATALOG, MIN_LITERAL, FactSpec, Patterns, Prefilter, Rule, _re2_module, default_prefilter,
                       load_patterns, required_literals)
from .scanner import CONTEXT_LINES, MAX_ENTRY_LINES, Scanner

# The names the logs side has always used for the shared source types.
LogMember = Member
LogSource = Listing

__all__ = [
    "CATALOG", "CHUNK_SIZE", "CONTEXT_LINES", "DENSE_AFTER", "DENSE_SHARE", "MAX_CARRY", "MAX_ENTRY_LINES",
    "MAX_FACT_VALUES", "MAX_HITS_PER_RULE", "MAX_TIMELINE", "MAX_WALK_FILES", "MIN_LITERAL", "MOBILE_RE",
    "TS_AFTER_NL_RE", "TS_PARSE_RE", "TS_START_RE", "FactSpec", "LogFileInfo", "LogHit", "LogInputError",
    "LogMember", "LogScan", "LogSource", "Patterns", "Prefilter", "Rule", "RuleStats", "Scanner",
    "count_hit", "count_hits", "default_log_dirs", "default_prefilter", "find_default_logs", "iter_chunks",
    "load_patterns", "looks_like_log", "open_source", "parse_log_time", "required_literals", "scan_logs",
]

_LOG_NAME_RE = re.compile(r"(?i)(?:\.(?:log|txt)(?:\.\d+)?|log[^/]*|\.\d+)$")


class LogInputError(ValueError):
    """The logs cannot be read; the message names the path and says what to do."""


# --------------------------------------------------------------------------------------------
# Where the Webex app keeps its logs


def default_log_dirs(platform: str | None = None, home: Path | None = None,
                     env: Mapping[str, str] | None = None) -> list[Path]:
    """The Webex app's log folders on this platform (none on Linux, where the app does not run)."""
    platform = platform or sys.platform
    home = home or Path.home()
    env = os.environ if env is None else env
    if platform.startswith("win"):
        local = env.get("LOCALAPPDATA")
        return [Path(local) / "CiscoSpark" if local else home / "AppData" / "Local" / "CiscoSpark"]
    if platform == "darwin":
        return [home / "Library" / "Logs" / "SparkMacDesktop"]
    return []


def find_default_logs(platform: str | None = None, home: Path | None = None,
                      env: Mapping[str, str] | None = None) -> Path:
    """The first default log folder that exists, or :class:`LogInputError` explaining what to give."""
    dirs = default_log_dirs(platform, home, env)
    if not dirs:
        raise LogInputError(
            "the Webex app does not run on Linux, so there are no local app logs here; give the logs a user "
            "sent you (a folder, a file, a .zip or a .tar.gz): wxtriage logs PATH, or --logs PATH with run")
    for d in dirs:
        if d.is_dir():
            return d
    raise LogInputError(f"no Webex app logs at {dirs[0]} (the app keeps them there on this system); "
                        "give the path to the logs: wxtriage logs PATH, or --logs PATH with run")


# --------------------------------------------------------------------------------------------
# Sources: a folder, a file, a zip or a tar archive


def looks_like_log(name: str) -> bool:
    """Names the Webex app uses for logs: current_log(.txt), *.log, *.txt, rotated *.1, their .gz."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if base.lower().endswith(".gz") and not base.lower().endswith(".tar.gz"):
        base = base[:-3]
    return "." not in base or bool(_LOG_NAME_RE.search(base))


def open_source(path: Path | str, stack: ExitStack) -> LogSource:
    """Describe what can be read at ``path``; archives stay open until ``stack`` closes."""
    p = Path(path).expanduser()
    if not p.exists():
        raise LogInputError(f"{p}: no such file or folder; give a folder, a log file, a .zip or a .tar.gz")
    special = refuse_special(p)
    if special:
        raise LogInputError(special)
    if p.is_dir():
        src = list_folder(p, looks_like_log)
    elif p.name.lower().endswith(".zip") or (zipfile.is_zipfile(p) and not p.name.lower().endswith((".txt", ".log"))):
        src = list_zip(p, stack, looks_like_log, LogInputError)
    elif is_tar_name(p.name):
        src = list_tar(p, stack, looks_like_log, LogInputError)
    else:
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise LogInputError(f"{p}: cannot read ({exc.strerror})") from None
        src = LogSource(str(p), "file", [LogMember(p.name, size, maybe_gunzip(p.name, file_opener(p)))])
    if not src.members:
        what = {"folder": "folder", "zip": "zip", "tar": "archive"}.get(src.kind, "path")
        extra = f" ({src.ignored} other files ignored)" if src.ignored else ""
        raise LogInputError(f"no log files in the {what} {p}{extra}; expected current_log.txt / current_log, "
                            "*.log or *.txt files from the Webex app")
    return src


def scan_logs(path: Path | str, window: TimeWindow | None = None, *, redactor: Redactor | None = None,
              engine: str = "auto", progress: Callable[[str], None] | None = None,
              cancelled: Callable[[], bool] | None = None, chunk_size: int = CHUNK_SIZE) -> LogScan:
    """Find, read and analyse the logs at ``path`` (folder, file, .zip, .tar.gz)."""
    with ExitStack() as stack:
        src = open_source(path, stack)
        return Scanner(window, redactor, engine, progress, cancelled, chunk_size).scan_source(src)
