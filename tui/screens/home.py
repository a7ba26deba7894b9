"""Home: the three ways in, and recent cases to reopen."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

INTRO = ("Troubleshoot Webex for Cisco BroadWorks: cluster interfaces, XSP certificates and mTLS, "
         "client logs, HAR captures and server prerequisites — then hand TAC a clean bundle.")


WAYS = (
    ("live", "Live session", "For a support engineer with an SP admin: fill in the case, run every check, "
                             "read findings with evidence."),
    ("guided", "Guided self-service", "For an SP admin: pick a checklist; each step says what to check "
                                      "and how to fix it, in plain words."),
    ("bundle", "TAC bundle", "For Cisco TAC: the org IDs, tracking IDs and findings in one zip, "
                             "redacted and leak-checked."),
)


class HomeScreen(Screen):
    BINDINGS = [
        Binding("l", "app.live", "Live session", id="home.live", tooltip="Support engineer with an SP admin"),
        Binding("g", "app.guided", "Guided", id="home.guided", tooltip="Self-service checklists"),
        Binding("b", "app.export_bundle", "TAC bundle", id="home.bundle", tooltip="Write the zip for TAC"),
        Binding("n", "new_case", "New case", id="home.new", tooltip="Start a fresh case"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(INTRO, id="intro")
            with Horizontal(id="ways"):
                for button_id, label, text in WAYS:
                    with Vertical(classes="way"):
                        # "way-" keeps these ids apart from other screens' ids in the app-wide stylesheet
                        # (a bare "guided" once picked up the guided screen's padding and hid the label).
                        yield Button(label, id=f"way-{button_id}",
                                     variant="primary" if button_id == "live" else "default")
                        yield Static(text, classes="way-text")
            yield Static("Recent cases (enter to reopen)", classes="section-title")
            yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#cases", DataTable)
        table.add_columns("case", "updated", "customer org ID", "description")
        self.refresh_cases()

    def on_screen_resume(self) -> None:
        self.refresh_cases()

    def refresh_cases(self) -> None:
        table = self.query_one("#cases", DataTable)
        table.clear()
        for c in self.app.store.list(with_blank=False)[:50]:  # not the empty cases of quick looks
            table.add_row(c.id, c.updated_at[:16].replace("T", " "), c.org_id or "—",
                          (c.description.splitlines() or [""])[0][:40], key=c.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"way-live": self.app.action_live, "way-guided": self.app.action_guided,
         "way-bundle": self.app.action_export_bundle}[event.button.id]()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_case(str(event.row_key.value))
        self.app.action_live()

    def action_new_case(self) -> None:
        self.app.case = None
        self.app.action_live()
