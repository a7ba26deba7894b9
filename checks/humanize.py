"""Times, spans and sizes in the words every front-end prints (one spelling for the CLI and the TUI)."""
from __future__ import annotations

import datetime as _dt


def fmt_time(t: _dt.datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else "?"


def fmt_span(first: _dt.datetime | None, last: _dt.datetime | None) -> str:
    if not first and not last:
        return "no timestamps"
    return f"{fmt_time(first)} – {fmt_time(last)}"


def human_size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover
