"""Case screen: edit the case with live validation; every valid change is saved at once."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from checks.case import CASE_FIELDS, CaseFieldError, field_text, parse_field, with_fields
from checks.redact import safe_message

from ..widgets import HintedScroll


class CaseScreen(Screen):
    AUTO_FOCUS = "#f-org_id"  # typing starts in the first field, not on the scroll container
    BINDINGS = [
        Binding("ctrl+r", "continue", "Run checks", id="case.checks", tooltip="Go to the checks"),
        # ctrl+g, not ctrl+a: a text field takes ctrl+a (start of line) before the screen sees it.
        # Shown only while the evidence offers something (check_action).
        Binding("ctrl+g", "accept_suggestions", "Add found facts", id="case.accept",
                tooltip="Add the facts the evidence found (user e-mail, client version, tracking IDs, org ID)"),
        Binding("escape", "app.pop_screen", "Back", id="case.back"),
    ]

    def __init__(self, next_screen: str | None = None) -> None:
        super().__init__()
        self.next_screen = next_screen
        self.errors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        case = self.app.ensure_case()
        drafts = self.app.store.drafts(case.id)
        yield Header()
        with HintedScroll(id="case-form"):
            # One statement of when it is saved (the title says the same): a case is stored at its
            # first real input, and from then on every valid change at once.
            yield Static(f"Case [b]{case.id} [/]— saved from its first input on. TAC needs the org IDs, a tracking ID, "
                         "the affected user and the client version.", id="case-intro")
            yield Static("", id="case-suggestions", markup=False)
            for f in CASE_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(f.label, classes="field-label")
                    with Vertical(classes="field-input"):
                        yield Input(drafts.get(f.name, field_text(case, f.name)), placeholder=f.placeholder,
                                    id=f"f-{f.name}", compact=True)
                        yield Label("", id=f"e-{f.name}", classes="field-error")
            with Horizontal(id="case-buttons"):
                yield Button("Run checks", id="to-checks", variant="primary")
                yield Button("Export TAC bundle", id="to-bundle")
        yield Footer()

    def on_mount(self) -> None:
        self._show_suggestions()

    def on_screen_resume(self) -> None:  # back from the checks: their results may offer new facts
        self._show_suggestions()

    def _suggestions(self):  # type: ignore[no-untyped-def]
        from checks.consistency import suggested_updates

        return suggested_updates(self.app.ensure_case(), self.app.latest_results())

    def _show_suggestions(self) -> None:
        _, changes = self._suggestions()
        box = self.query_one("#case-suggestions", Static)
        box.update("Found in the evidence, not in the case yet: " + "; ".join(changes) + " — ctrl+g adds them"
                   if changes else "")
        box.display = bool(changes)
        self._offering = bool(changes)
        self.refresh_bindings()

    _offering = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._offering if action == "accept_suggestions" else True

    def action_accept_suggestions(self) -> None:
        updated, changes = self._suggestions()
        if not changes:
            self.notify("Nothing to add: the case already has every fact the evidence found.")
            return
        self.app.save_case(updated)
        for f in CASE_FIELDS:  # show the new values in the fields
            field_input = self.query_one(f"#f-{f.name}", Input)
            with field_input.prevent(Input.Changed):
                field_input.value = field_text(updated, f.name)
        self._show_suggestions()
        self.notify("Added to the case: " + "; ".join(changes), title="Case updated")

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("f-")
        if any(f.name == name for f in CASE_FIELDS):
            self._validate_and_save(name, event.input)

    def _validate_and_save(self, name: str, field_input: Input) -> None:
        error_label = self.query_one(f"#e-{name}", Label)
        store, case_id = self.app.store, self.app.ensure_case().id
        try:
            case = with_fields(self.app.case, {name: parse_field(name, field_input.value)})
        except CaseFieldError as exc:
            self.errors[name] = safe_message(str(exc))  # it quotes what was typed
            error_label.update(self.errors[name])
            field_input.add_class("invalid")
            store.save_draft(self.app.stored_case_id(), name, field_input.value)  # keep what was typed
            return
        self.errors.pop(name, None)
        error_label.update("")
        field_input.remove_class("invalid")
        if self.app.case_stored:
            store.clear_draft(case_id, name)
        if _differs(case, self.app.case):
            self.app.save_case(case)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "to-checks":
            self.action_continue()
        elif event.button.id == "to-bundle":
            self.app.action_export_bundle()

    def action_continue(self) -> None:
        if self.errors:
            self.notify("Fix the fields marked in red first (they are not saved yet).", severity="warning")
            return
        self.app.action_checks()


def _differs(a, b) -> bool:
    keys = ("org_id", "partner_org_id", "tracking_ids", "emails", "client_versions", "release", "description",
            "time_window")
    return any(getattr(a, k) != getattr(b, k) for k in keys)
