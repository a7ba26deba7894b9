"""Ask where to write a file: a path field with a default, then a question before overwriting.

Dismisses with the path to write (a folder typed means "in that folder, under the default name"),
or None when cancelled. Paths are read as people paste them (quotes, ``~``, ``file://``)."""
from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from checks.paths import typed_path


class SaveAsScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="save.cancel")]

    def __init__(self, title: str, default: Path, detail: str = "") -> None:
        super().__init__()
        self.title_text, self.default, self.detail = title, default, detail

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog", classes="dialog"):
            yield Static(self.title_text, classes="section-title", markup=False)
            if self.detail:
                yield Static(self.detail, markup=False)
            yield Label("Write to (a file, or a folder for the name below)")
            yield Input(str(self.default), id="save-path")
            yield Label("", id="save-message", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Write", id="save-ok", variant="primary")
                yield Button("Cancel", id="save-cancel")

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._chosen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save-ok":
            self._chosen()
        else:
            self.dismiss(None)

    def _chosen(self) -> None:
        raw = self.query_one("#save-path", Input).value
        if not raw.strip():
            self.query_one("#save-message", Label).update("Give a file or folder to write to.")
            return
        out = typed_path(raw)
        if out.is_dir():
            out = out / self.default.name
        if not out.parent.is_dir():
            # The case's own folder is made on demand; another missing folder is probably a typo.
            if out.parent == self.default.parent:
                out.parent.mkdir(parents=True, exist_ok=True)
            else:
                self.query_one("#save-message", Label).update(f"The folder {out.parent} does not exist.")
                return
        if not out.exists():
            self.dismiss(str(out))
            return
        from .choice import ChoiceScreen

        def answered(answer: str | None) -> None:
            if answer == "replace":
                self.dismiss(str(out))
        self.app.push_screen(ChoiceScreen(f"{out.name} already exists. Replace it?",
                                          [("keep", "Keep it, pick another name"), ("replace", "Replace it")],
                                          detail=str(out)), answered)
