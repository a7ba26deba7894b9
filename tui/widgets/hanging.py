"""A list of "marker  title" rows whose wrapped titles stay indented under the title.

The playbook's step list wrapped long titles back to the left edge at 80 columns, so the second
line of one step read like the start of the next ("[ ] The user's Webex / app logs").
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from rich.text import Text
from textual.events import Resize
from textual.widgets import Static


@dataclass(frozen=True)
class Row:
    """One row: ``marker`` (``"▶ [✓] "``; empty for a heading line), its text and a Rich style
    name (``bold``, ``dim`` … text styles only; colours come from the stylesheet)."""

    marker: str
    text: str
    style: str = ""


class HangingList(Static):
    """Renders :class:`Row` s wrapped to its own width, re-wrapping when that width changes."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, classes=classes)
        self._rows: list[Row] = []
        self._starts: list[int] = []
        self._width = 0

    def set_rows(self, rows: list[Row]) -> None:
        self._rows = list(rows)
        self._draw()

    def line_of(self, index: int) -> int:
        """The first line of row ``index`` (to scroll it into view)."""
        return self._starts[index] if 0 <= index < len(self._starts) else 0

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:  # a height change alone needs no new wrap
            self._draw()

    def _draw(self) -> None:
        self._width = width = self.content_region.width or self.size.width or 40
        out = Text()
        self._starts = []
        line = 0
        for row in self._rows:
            self._starts.append(line)
            indent = len(row.marker)
            wrapped = textwrap.wrap(row.text, max(8, width - indent)) or [""]
            for i, part in enumerate(wrapped):
                out.append((row.marker if i == 0 else " " * indent) + part + "\n", style=row.style)
            line += len(wrapped)
        self.update(out)
