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

from ..messages import BundleRefused, BundleWritten
from ..workers import ReportsWorkerErrors


class BundleScreen(ReportsWorkerErrors, ModalScreen[str | None]):
    # Enter exports at once (the case and path are filled in); the case drop-down was focused
    # first, and enter opened it instead.
    AUTO_FOCUS = "#export, #close"
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="bundle.close"),
        Binding("ctrl+g", "accept_found", "Add found facts", id="bundle.accept",
                tooltip="Add the facts the case's evidence found (e-mail, client version, org ID) before the export"),
        Binding("ctrl+e", "edit_case", "Edit case", id="bundle.edit", tooltip="Open the case's fields"),
    ]

    def compose(self) -> ComposeResult:
        cases = self.app.store.list()
        # The current case (archived or not) if it is stored; a new case with nothing in it yet is
        # not: the newest case then.
        if self.app.case is not None and self.app.case_stored and all(c.id != self.app.case.id for c in cases):
            try:
                cases.insert(0, self.app.store.get(self.app.case.id))
            except StoreError:
                pass
        ids = {c.id for c in cases}
        current = (self.app.case.id if self.app.case is not None and self.app.case.id in ids
                   else cases[0].id if cases else None)
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
            with Horizontal(classes="buttons", id="bundle-fill"):
                yield Button("Add found facts (ctrl+g)", id="accept-found", compact=True)
                yield Button("Edit case (ctrl+e)", id="edit-case", compact=True)
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
        """What TAC will ask for that the case lacks, before the export, each with what fills it:
        a value the evidence found (ctrl+g adds it), the evidence that holds it, or the case screen."""
        from checks.case import CASE_FIELDS
        from checks.consistency import gaps_for_tac

        try:
            gaps = gaps_for_tac(self.app.store.get(case_id), self.app.store.latest_results(case_id))
        except StoreError:
            gaps = []
        labels = {f.name: f.label for f in CASE_FIELDS}
        rows = []
        for g in gaps:
            if g.found:
                how = f"found {g.found}: ctrl+g adds it"
            elif g.seen:
                how = f"the evidence shows {g.seen}: type the right one (ctrl+e)"
            elif g.evidence:
                how = f"in {g.evidence}; or type it (ctrl+e)"
            else:
                how = "type it on the case screen (ctrl+e)"
            rows.append(f"• {labels.get(g.field, g.field)} — {how}")
        box = self.query_one("#bundle-missing", Static)
        box.update("Missing for TAC:\n" + "\n".join(rows) if rows else "")
        box.display = bool(rows)  # a complete case: no empty line
        self.query_one("#bundle-fill").display = bool(rows)
        self.query_one("#accept-found", Button).disabled = not any(g.found for g in gaps)

    def action_accept_found(self) -> None:
        """Add what the case's evidence found to the case chosen here, then show what is still missing."""
        from checks.consistency import suggested_updates

        if not self.query("#bundle-case"):
            return
        case_id = str(self.query_one("#bundle-case", Select).value)
        store = self.app.store
        changes: list[str] = []

        def add(current):  # type: ignore[no-untyped-def]
            updated, found = suggested_updates(current, store.latest_results(current.id))
            changes.extend(found)
            return updated
        try:
            saved = store.update(case_id, add)
        except StoreError as exc:
            self._show(safe_message(str(exc)), error=True)
            return
        if self.app.case is not None and self.app.case.id == saved.id:
            self.app.case = saved
        self._show_missing(case_id)
        self._show("Added to the case: " + "; ".join(changes) if changes else "The evidence found nothing to add.")

    def action_edit_case(self) -> None:
        from .case import CaseScreen

        if not self.query("#bundle-case"):
            return
        case_id = str(self.query_one("#bundle-case", Select).value)
        self.dismiss(None)
        self.app.open_case(case_id)
        self.app.push_screen(CaseScreen())

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_missing(str(event.value))
        path = self.query_one("#bundle-path", Input)
        path.value = str(Path(path.value).with_name(f"wxtriage-{event.value}.zip"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "close":
            self.dismiss(None)
        elif event.button.id == "accept-found":
            self.action_accept_found()
        elif event.button.id == "edit-case":
            self.action_edit_case()
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

    @work(thread=True, exclusive=True, group="bundle", exit_on_error=False)
    def _export(self, case_id: str, out: Path) -> None:
        # Blocking file I/O off the UI thread; the outcome comes back as a message.
        try:
            done = export_case_bundle(self.app.store, case_id, out)
        except (BundleError, LeakError, StoreError) as exc:
            self._tell(BundleRefused(safe_message(str(exc))))
            return
        extra = "".join(f"\n{in_words(n, self.app.registry.options())}" for n in done.notes)
        if done.attached:
            extra = f" with {len(done.attached)} evidence file(s)" + extra
        self._tell(BundleWritten(f"{done.path}{extra}"))

    def _tell(self, message: BundleWritten | BundleRefused) -> None:
        if not self.post_message(message):  # closed while the zip was written: say it where it shows
            error = isinstance(message, BundleRefused)
            self.app.notify(message.text if error else f"Wrote {message.text}", title="TAC bundle",
                            severity="error" if error else "information")

    def on_bundle_refused(self, message: BundleRefused) -> None:
        self._show(message.text, error=True)

    def on_bundle_written(self, message: BundleWritten) -> None:
        self._done(message.text)

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
