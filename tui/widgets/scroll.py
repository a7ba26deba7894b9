"""Scrolling areas that say when more is below.

A thin scrollbar at the edge of a 24-row terminal goes unnoticed: the last checklists, the Run
button and the last case fields were off-screen with nothing saying so. These widgets carry the
class ``-more-below`` (and a bottom-border caption) while content lies below the visible part;
the look lives in ``app.tcss``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import OptionList

MORE_BELOW = "▼ more below"


class MoreBelow:
    """Mixin for a scrollable widget (put it first in the bases): keeps ``-more-below`` and the
    caption up to date as it scrolls, resizes or its content grows or shrinks. Not a Widget itself, so the widget's component classes and default
    CSS stay its own."""

    def watch_scroll_y(self: _Scrollable, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)  # type: ignore[misc]
        self._update_more_below()

    def on_resize(self: _Scrollable, event: Resize) -> None:
        self._update_more_below()

    def watch_virtual_size(self: _Scrollable) -> None:
        # A full layout sends Resize only when the region changes size; content that grows or
        # shrinks (a finding's detail replaced) changes only the virtual size.
        self.call_after_refresh(self._update_more_below)

    def on_mount(self: _Scrollable) -> None:
        self.call_after_refresh(self._update_more_below)

    @property
    def more_below(self: _Scrollable) -> bool:
        """True while some content lies below the visible part."""
        return self.max_scroll_y > 0 and round(self.scroll_y) < self.max_scroll_y

    def _update_more_below(self: _Scrollable) -> None:
        more = self.is_mounted and self.more_below
        self.set_class(more, "-more-below")
        self.border_subtitle = MORE_BELOW if more else ""


if TYPE_CHECKING:
    class _Scrollable(MoreBelow, Widget):
        """What the mixin expects of the class it is mixed into."""


class HintedScroll(MoreBelow, VerticalScroll):
    """A ``VerticalScroll`` that shows "▼ more below" while it can scroll further down."""


class HintedOptionList(MoreBelow, OptionList):
    """An ``OptionList`` that shows "▼ more below" in its bottom border while options are hidden."""
