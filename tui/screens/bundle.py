"""Export the TAC bundle for the current case (or pick one)."""
from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from checks.api import in_words
from checks.bundle import BundleError, export_case_bundle
from checks.paths import typed_path
from checks.store import StoreError
from checks.redact import LeakError, safe_message
from checks.textsafe import one_line


class BundleScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss", "Close", id="bundle.close")]

    def compose(self) -> ComposeResult:
        cases = self.app.store.list()
        current = self.app.case.id if self.app.case else (cases[0].id if cases else None)
        with Vertical(id="bundle-dialog", classes="dialog"):
            yield Static("[b]TAC bundle[/]\nA zip with the case fields, every check result and a readable "
                         "report, with a checksum for each file. Secrets are refused, never written.")
            if not cases:
                yield Label("No cases yet: open a case first (Live session or Guided).", id="bundle-message")
                yield Button("Close", id="close")
                return
            yield Label("Case")
            yield Select([(f"{c.id}  {c.org_id or '(no org ID)'}", c.id) for c in cases], value=current,
                         allow_blank=False, id="bundle-case")
            yield Static("", id="bundle-missing", markup=False)
            yield Label("Write to")
            yield Input(f"~/wxtriage-{current}.zip", id="bundle-path")
            yield Label("", id="bundle-message", markup=False)  # paths and errors: plain text
            with Horizontal(classes="buttons"):
                yield Button("Export", id="export", variant="primary")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        if self.query("#bundle-case"):
            self._show_missing(str(self.query_one("#bundle-case", Select).value))

    def _show_missing(self, case_id: str) -> None:
        """What TAC will ask for that the case lacks, before the export, with where to add it."""
        from checks.case import missing_for_tac

        try:
            missing = missing_for_tac(self.app.store.get(case_id))
        except StoreError:
            missing = []
        text = ("Missing for TAC (add on the case screen, F2 then l, or the palette's \"case: edit fields\"):\n"
                + "\n".join(f"• {in_words(m, self.app.registry.options())}" for m in missing)) if missing else ""
        box = self.query_one("#bundle-missing", Static)
        box.update(text)
        box.display = bool(text)  # a complete case: no empty line

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_missing(str(event.value))
        path = self.query_one("#bundle-path", Input)
        path.value = str(Path(path.value).with_name(f"wxtriage-{event.value}.zip"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "close":
            self.dismiss(None)
        elif event.button.id == "export":
            self.export()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter in the path field exports, as the Export button does."""
        if event.input.id == "bundle-path":
            self.export()

    def export(self) -> None:
        case_id = str(self.query_one("#bundle-case", Select).value)
        out = typed_path(self.query_one("#bundle-path", Input).value)  # as pasted; a folder: the zip goes there
        self.query_one("#bundle-message", Label).update("writing …")
        self._export(case_id, out)

    @work(thread=True, exclusive=True, group="bundle")
    def _export(self, case_id: str, out: Path) -> None:
        try:
            done = export_case_bundle(self.app.store, case_id, out)
        except (BundleError, LeakError, StoreError) as exc:
            self.app.call_from_thread(self._show, safe_message(str(exc)), error=True)
            return
        extra = "".join(f"\n{in_words(n, self.app.registry.options())}" for n in done.notes)
        if done.attached:
            extra = f" with {len(done.attached)} evidence file(s)" + extra
        self.app.call_from_thread(self._done, f"{done.path}{extra}")

    def _show(self, text: str, error: bool = False) -> None:
        try:
            label = self.query_one("#bundle-message", Label)
        except NoMatches:  # closed while the zip was being written: say it where it shows
            self.app.notify(text, title="TAC bundle", severity="error" if error else "information")
            return
        label.update(one_line(text) if error else text)
        label.set_class(error, "error")

    def _done(self, path: str) -> None:
        if self.query("#bundle-message"):
            self._show(f"Wrote {path}")
        self.app.notify(f"Wrote {path}", title="TAC bundle")
