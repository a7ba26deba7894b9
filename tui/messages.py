"""Messages workers post to screens (workers never touch widgets directly)."""
from __future__ import annotations

from textual.message import Message

from checks.model import CheckResult
from checks.runner import RunEvent


class CheckEventMessage(Message):
    """A runner event (started / progress / finished) from the background run."""

    def __init__(self, event: RunEvent) -> None:
        super().__init__()
        self.event = event


class RunCompleted(Message):
    def __init__(self, results: list[CheckResult], cancelled: bool = False) -> None:
        super().__init__()
        self.results = results
        self.cancelled = cancelled


class CaseChanged(Message):
    """The current case was edited and saved."""


class BundleWritten(Message):
    """The bundle worker wrote the zip: ``text`` says where, with what it attached and noted."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class BundleRefused(Message):
    """The bundle worker could not write the zip (bad path, a leak found): one line why."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
