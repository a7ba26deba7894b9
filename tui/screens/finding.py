"""A finding in full: what it means, the evidence, how to fix it, where the rule comes from."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

from checks.model import Finding
from checks.report import finding_markdown

from ..widgets import HintedScroll


class FindingScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close", id="finding.close"),
                Binding("c", "copy_fix", "Copy the fix", id="finding.copy")]

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        with Vertical(id="finding-dialog", classes="dialog"):
            with HintedScroll():
                yield Markdown("\n".join(finding_markdown(self.finding)), id="finding-md")
            yield Button("Close", id="close", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss()

    def action_copy_fix(self) -> None:
        # OSC 52 through Textual: works over SSH, where a support engineer usually is.
        self.app.copy_to_clipboard(self.finding.remediation.as_text())
        self.notify("The fix is on the clipboard", timeout=3)
