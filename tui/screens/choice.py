"""A question with a few answers (buttons); dismisses with the chosen answer's id, or None on escape.

Used wherever the console must ask before it acts: changing the case from evidence, the same
problem or a new case, overwriting a file, deleting a case.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ChoiceScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="choice.cancel")]

    def __init__(self, question: str, answers: list[tuple[str, str]], detail: str = "") -> None:
        """``answers``: (id, button label) pairs, the first one is the default (focused)."""
        super().__init__()
        self.question, self.answers, self.detail = question, answers, detail

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-dialog", classes="dialog"):
            yield Static(self.question, id="choice-question", markup=False, classes="section-title")
            if self.detail:
                yield Static(self.detail, id="choice-detail", markup=False)
            with Horizontal(classes="buttons"):
                for i, (answer_id, label) in enumerate(self.answers):
                    yield Button(label, id=f"choice-{answer_id}", variant="primary" if i == 0 else "default")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))
