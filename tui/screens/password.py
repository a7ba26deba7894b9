"""Ask for a BroadWorks test user's password; the answer stays in memory (never stored)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class PasswordScreen(ModalScreen[str | None]):
    """Dismisses with the typed password, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="password.cancel")]

    def __init__(self, user: str) -> None:
        super().__init__()
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(id="password-dialog", classes="dialog"):
            yield Static(f"Password for BroadWorks test user [b]{self.user}[/b]\n"
                         "[dim]Kept in memory for this session only; sent only over verified TLS to the "
                         "cluster's Xsi-Actions host.[/]", id="password-text")
            yield Input(password=True, id="password-input", placeholder="password")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="password-ok", variant="primary")
                yield Button("Cancel", id="password-cancel")

    def on_mount(self) -> None:
        self.query_one("#password-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value or None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "password-ok":
            self.dismiss(self.query_one("#password-input", Input).value or None)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
