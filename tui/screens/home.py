"""Home, symptom-first: "What do you see?" finds the playbook; the three ways in and recent cases
stay below. The ranking is the engine's (``checks.playbooks.rank``), as in ``wxtriage guide find``."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from checks.playbooks import rank

from ..widgets import HintedOptionList

SEARCH_PROMPT = "What do you see? Describe it or type an error code (e.g. status 400, disconnected, 10991)"

WAYS = (
    ("live", "Live session", "For a support engineer with an SP admin: fill in the case, run every check, "
                             "read findings with evidence."),
    ("guided", "Guided self-service", "For an SP admin: describe the symptom above, or pick a technical "
                                      "checklist here; each step says what to check and fix, in plain words."),
    ("bundle", "TAC bundle", "For Cisco TAC: the org IDs, tracking IDs, what was checked and the findings in "
                             "one zip, redacted and leak-checked."),
)


class HomeScreen(Screen):
    AUTO_FOCUS = "#symptom"
    BINDINGS = [
        # Letters act when the focus is outside the search field (escape or tab leaves it).
        Binding("l", "way('live')", "Live session", id="home.live", tooltip="Support engineer with an SP admin"),
        Binding("g", "way('guided')", "Checklists", id="home.guided", tooltip="Technical checklists by area"),
        Binding("b", "app.export_bundle", "TAC bundle", id="home.bundle", tooltip="Write the zip for TAC"),
        Binding("n", "new_case", "New case", id="home.new", tooltip="Start a fresh case"),
        Binding("down", "to_results", "Results", show=False, id="home.results"),
        Binding("slash", "search", "Search", id="home.search", tooltip="Back to the symptom search"),
        # Keys of the recent-cases list: in the footer (and active) while the list has the focus.
        Binding("delete", "delete_case", "Delete", id="home.delete",
                tooltip="Delete the highlighted case with its results and its folder (asks first)"),
        Binding("a", "archive_case", "Archive", id="home.archive",
                tooltip="Archive the highlighted case (asks first), or bring an archived one back"),
        Binding("v", "toggle_archived", "Archived", id="home.archived",
                tooltip="Show the archived cases instead of the recent ones, and back"),
    ]

    #: The list shows the archived cases instead of the recent ones.
    show_archived = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Input(placeholder=SEARCH_PROMPT, id="symptom", tooltip="Type words or an error code; enter opens "
                                                                         "the top match")
            yield HintedOptionList(id="playbooks")
            with Horizontal(id="ways"):
                for button_id, label, text in WAYS:
                    with Vertical(classes="way"):
                        # "way-" keeps these ids apart from other screens' ids in the app-wide stylesheet.
                        # The tooltip repeats the text: on a short terminal the text is hidden
                        # (app.tcss) so the recent cases stay on screen.
                        yield Button(label, id=f"way-{button_id}", compact=True, tooltip=text,
                                     variant="primary" if button_id == "live" else "default")
                        yield Static(text, classes="way-text")
            yield Static("Recent cases (enter to reopen)", classes="section-title", id="cases-title")
            yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#cases", DataTable)
        table.add_columns("case", "updated", "customer org ID", "description")
        self.refresh_cases()
        self._fill("")

    def on_screen_resume(self) -> None:
        self.refresh_cases()

    # Search ---------------------------------------------------------------------------------
    def _fill(self, text: str) -> None:
        matches = [m for m in rank(self.app.playbooks.all(), text) if m.score > 0 or not text.strip()]
        ol = self.query_one("#playbooks", OptionList)
        ol.clear_options()
        for m in matches:
            why = f"  [dim]{m.why}[/]" if m.why else ""
            ol.add_option(Option(f"[b]{_escape(m.playbook.title)}[/]{why}", id=m.playbook.id))
        if not matches:
            ol.add_option(Option(f"[dim]No playbook matches “{_escape(text.strip())}”. Try other words, an error code, "
                                 "or the guided checklists (g).[/]", id="", disabled=True))
        ol.highlighted = 0 if matches else None

    @on(Input.Changed, "#symptom")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#symptom")
    def _open_top(self) -> None:
        ol = self.query_one("#playbooks", OptionList)
        option = ol.get_option_at_index(ol.highlighted) if ol.highlighted is not None else None
        if option is not None and option.id:
            self.app.action_playbook(option.id)

    @on(OptionList.OptionSelected, "#playbooks")
    def _open_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.action_playbook(event.option.id)

    def action_to_results(self) -> None:
        if self.focused is self.query_one("#symptom"):
            self.query_one("#playbooks", OptionList).focus()
        else:
            self.focus_next()

    def action_search(self) -> None:
        self.query_one("#symptom", Input).focus()

    def key_escape(self) -> None:
        # Leave the search field so the letter keys (l, g, b, n) work.
        if self.focused is self.query_one("#symptom"):
            self.query_one("#way-live", Button).focus()

    # Ways in and cases ---------------------------------------------------------------------
    def refresh_cases(self) -> None:
        table = self.query_one("#cases", DataTable)
        was = table.cursor_row
        table.clear()
        # Not the empty cases older versions stored for every quick look around; archived ones
        # only in the archived view.
        for c in self.app.store.list(with_blank=False, limit=50, archived=self.show_archived):
            table.add_row(c.id, c.updated_at[:16].replace("T", " "), c.org_id or "—",
                          (c.description.splitlines() or [""])[0][:40], key=c.id)
        if table.row_count:  # back from a dialog or a case: the cursor stays where it was
            table.move_cursor(row=min(was, table.row_count - 1), animate=False)
        hidden = 0 if self.show_archived else self.app.store.count(archived=True)
        title = ("Archived cases (enter reopens, a brings one back, v shows the recent ones)" if self.show_archived
                 else "Recent cases (enter reopens; with the list focused: delete, a archive"
                      + (f", v shows {hidden} archived" if hidden else "") + ")")
        self.query_one("#cases-title", Static).update(title)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # the list's keys show while it has the focus

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("delete_case", "archive_case", "toggle_archived"):
            try:
                return self.focused is self.query_one("#cases", DataTable)
            except Exception:  # not composed yet
                return False
        return True

    def _highlighted_case(self) -> str | None:
        table = self.query_one("#cases", DataTable)
        if self.focused is not table or not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.refresh_cases()

    def action_archive_case(self) -> None:
        case_id = self._highlighted_case()
        if case_id is None:
            return
        if self.show_archived:  # bringing one back needs no confirmation: nothing is lost either way
            self.app.store.archive(case_id, archived=False)
            self.refresh_cases()
            self.notify(f"Case {case_id} is back in the recent cases")
            return
        from .choice import ChoiceScreen

        def answered(answer: str | None) -> None:
            if answer != "archive":
                return
            self.app.store.archive(case_id)
            if self.app.case is not None and self.app.case.id == case_id:
                self.app.close_case()
            self.refresh_cases()
            self.notify(f"Case {case_id} archived (v shows the archived cases)")
        self.app.push_screen(ChoiceScreen(f"Archive case {case_id}?", [("keep", "Keep it here"),
                                                                      ("archive", "Archive it")],
                                          detail="It leaves the recent cases and `wxtriage case list`; nothing is "
                                                 "deleted, and v then a brings it back."), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "way-bundle":  # the bundle dialog lets the user pick the case
            self.app.action_export_bundle()
        elif event.button.id in ("way-live", "way-guided"):
            self.action_way(event.button.id.removeprefix("way-"))

    def action_way(self, way: str) -> None:
        """A way in, on the current case or a new one: when this session already worked on a case,
        ask whether this is the same problem (a reused case brings its time window and results)."""
        go = {"live": self.app.action_live, "guided": self.app.action_guided}[way]
        case = self.app.case
        if case is None or (case.blank and not self.app.latest_results()):
            go()
            return
        from .choice import ChoiceScreen

        what = (case.description.splitlines() or [""])[0][:60] or "no description"
        window = "a time window is set" if (case.time_window.start or case.time_window.end) else "no time window"
        def answered(answer: str | None) -> None:
            if answer == "new":
                self.app.close_case()
            if answer:
                go()
        self.app.push_screen(ChoiceScreen(
            f"Same problem as case {case.id}, or a new case?",
            [("same", f"Same problem: case {case.id}"), ("new", "New case")],
            detail=f"Case {case.id}: {what}; org ID {case.org_id or '—'}; {window}. Its fields, time window "
                   "and results are used by the checks."), answered)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key is None:  # enter on an empty list
            return
        self.app.open_case(str(event.row_key.value))
        self.app.action_live()

    def action_delete_case(self) -> None:
        case_id = self._highlighted_case()
        if case_id is None:
            return
        from checks.store import StoreError

        from .choice import ChoiceScreen

        def answered(answer: str | None) -> None:
            if answer != "delete":
                return
            try:
                self.app.store.delete(case_id)
            except StoreError as exc:  # deleted meanwhile (a CLI): say so, the list catches up
                self.notify(str(exc), severity="warning")
            if self.app.case is not None and self.app.case.id == case_id:
                self.app.close_case()
            self.refresh_cases()
            self.notify(f"Case {case_id} deleted")
        self.app.push_screen(ChoiceScreen(f"Delete case {case_id}?", [("keep", "Keep it"), ("delete", "Delete it")],
                                          detail="Its fields, results, evidence records, playbook walks and its folder "
                                                 "in the data folder (redacted copies, pasted output) go; evidence "
                                                 "files you gave stay where they are."), answered)

    def action_new_case(self) -> None:
        self.app.close_case()
        self.app.action_live()


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
