"""What the user-export modules share: the catalog, column-name normalising, cell cleaning,
localized booleans, and reading rows with progress and cancellation."""
from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from ...catalog import load_catalog

CONTROLHUB, USER_STATUS = "controlhub", "user_status"
_NORM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def norm(name: str) -> str:
    """A column name compared ignoring case, spaces and punctuation."""
    return _NORM.sub("", name.casefold())


def catalog() -> dict[str, Any]:
    return load_catalog("user_exports")


def _cell(text: str) -> str:
    """A cell a finding reports: one line, no control characters (they would reach the terminal)."""
    return text if text.isprintable() else _SPACES.sub(" ", "".join(c if c.isprintable() else " " for c in text))


def _clip(text: str, width: int = 30) -> str:
    """A cell quoted in a one-line message: control characters and line breaks become spaces."""
    text = _SPACES.sub(" ", "".join(c if c.isprintable() else " " for c in text)).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


_BOOLS: dict[str, bool] | None = None


def parse_bool(value: str) -> bool | None:
    """True / False for the words Excel writes in any language, None for anything else."""
    global _BOOLS
    if _BOOLS is None:
        b = catalog()["booleans"]
        _BOOLS = {**{w.casefold(): False for w in b["false"]}, **{w.casefold(): True for w in b["true"]}}
    return _BOOLS.get(value.strip().casefold())


def _rows(reader: Iterator[list[str]], first_line: int, progress: Callable[[str], None] | None,
          cancelled: Callable[[], bool] | None) -> Iterator[tuple[int, list[str]]]:
    n = first_line
    for row in reader:
        n += 1
        if not row or not any(c.strip() for c in row):
            continue
        if n % 20000 == 0:
            if cancelled is not None and cancelled():
                raise _Cancelled
            if progress is not None:
                progress(f"{n} rows read")
        yield n, row


class _Cancelled(Exception):
    pass
