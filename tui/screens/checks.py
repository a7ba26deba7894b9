"""Checks screen: pick inputs, run checks in a worker, watch results arrive, read each finding."""
from __future__ import annotations

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Markdown, Static, Tree
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from checks.api import AREAS, Check, CheckContext, CheckOption, InputError, Services, in_words
from checks.inventory import Cluster
from checks.model import CheckResult, Finding
from checks.report import finding_markdown, summary_counts
from checks.runner import CheckFinished, CheckProgress, CheckStarted

from ..background import BackgroundRun
from ..messages import CheckEventMessage, RunCompleted
from ..widgets import HintedScroll
from ..widgets.cluster_form import ClusterForm
from ..widgets.option_form import OptionForm
from ..widgets.results import ResultsTree
from ..workers import ReportsWorkerErrors, ask_password_first, run_in_thread

HINT = "Select a finding to read what it means and how to fix it."


class ChecksScreen(ReportsWorkerErrors, Screen):
    # Typing starts in the first field (not on the scroll container or the cluster drop-down):
    # see _focus_first_input. Textual's own auto focus would also scroll the input panel before
    # its layout exists, which hid the heading and the first label on a long form.
    AUTO_FOCUS = ""
    FIRST_INPUT = "#inputs Input, #inputs TextArea"
    BINDINGS = [
        Binding("ctrl+r", "run(True)", "Run", id="checks.run", tooltip="Run the checks listed"),
        # priority: the focus is usually still in an input while a run goes, and Input binds ctrl+x
        # to "cut"; action_cancel hands the key back to the input when nothing is running.
        Binding("ctrl+x", "cancel", "Cancel", id="checks.cancel", tooltip="Stop the running checks", priority=True),
        # ctrl+b, not ctrl+e: a text input takes ctrl+e (end of line) before the screen sees it.
        Binding("ctrl+b", "app.export_bundle", "Bundle", id="checks.bundle", tooltip="Export the TAC bundle"),
        Binding("escape", "app.pop_screen", "Back", id="checks.back"),
    ]

    def __init__(self, check_ids: tuple[str, ...] = (), areas: tuple[str, ...] = (), autorun: bool = False,
                 guided: bool = False, cluster: str = "") -> None:
        super().__init__()
        self.check_ids, self.areas, self.autorun, self.guided = check_ids, areas, autorun, guided
        self.cluster_name = cluster  # an inventory cluster to select (the fleet view opens one)
        self.background = BackgroundRun()  # the run going on (each run gets its own)
        self._focus_results_from: Widget | None | bool = False  # see action_run

    @property
    def selected_checks(self) -> list[type[Check]]:
        return self.app.registry.select(self.check_ids, self.areas)

    def _options(self) -> list[CheckOption]:
        seen: dict[str, CheckOption] = {}
        for c in self.selected_checks:
            for o in c.options:
                seen.setdefault(o.name, o)
        return list(seen.values())

    def _needs_cluster(self) -> bool:
        return any("cluster" in c.needs for c in self.selected_checks)

    def compose(self) -> ComposeResult:
        # The frame every checklist screen shares; subclasses override the compose_* hooks only.
        yield Header()
        with Horizontal(id="checks-body"):
            with HintedScroll(id="inputs"):
                yield Static(self._heading(), id="checks-heading")
                yield from self.compose_inputs()
                with Horizontal(id="run-buttons"):
                    yield Button("Run", id="run", variant="primary")
                    yield Button("Cancel", id="cancel", disabled=True)
                yield Static("", id="run-status")
                yield from self.compose_after_run()
            with Vertical(id="results-pane"):
                yield ResultsTree(id="results")
                yield from self.compose_extra_results()
                with HintedScroll(id="detail-scroll"):
                    yield Markdown(HINT, id="detail")
        yield Footer()

    def compose_inputs(self) -> ComposeResult:
        """The inputs above the Run button: the cluster form and the option form."""
        if self._needs_cluster():
            yield from self.compose_cluster_form()
        pasteable = [c.id for c in self.selected_checks if c.guided_steps]
        if pasteable:
            # Checks that read pasted server output: their paste boxes are one press away.
            # The label stays short enough for the narrow input panel; the tooltip names the checks.
            yield Button("Paste server output…", id="paste-steps", compact=True,
                         tooltip=f"For {', '.join(pasteable)}: one box per command to run; "
                                 "the check re-runs on each paste")
        yield self.option_form()

    def compose_cluster_form(self) -> ComposeResult:
        """Pick a cluster of the inventory or type its interfaces (read back by ``_cluster``)."""
        yield ClusterForm(self.app.inventory, self.cluster_name, id="cluster-form")

    def form_options(self) -> list[CheckOption]:
        """The options the option form draws: all of them here; a screen that serves some in its
        own way (paste boxes) leaves those out."""
        return self._options()

    def option_form(self) -> OptionForm:
        return OptionForm(self.form_options(), words=self.in_words, id="options")

    def compose_after_run(self) -> ComposeResult:
        """Widgets under the run status (e.g. facts read from evidence)."""
        yield from ()

    def compose_extra_results(self) -> ComposeResult:
        """Widgets between the results tree and the finding detail (e.g. a timeline)."""
        yield from ()

    def _heading(self) -> str:
        if self.areas and len(self.areas) == 1:
            area = AREAS[self.areas[0]]
            return f"[b]{area.title}[/]\n{area.description}" + (f"\n\n{area.guide}" if self.guided else "")
        # Titles one per line (a comma list of check ids was a wall of text in the narrow panel);
        # a long selection is only counted, since the results tree lists every check anyway.
        checks = self.selected_checks
        if len(checks) > 4:
            return f"[b]{len(checks)} checks[/]\nEach is listed on the right with its result."
        return "[b]Checks[/]\n" + "\n".join(f"• {_escape(c.title)}" for c in checks)

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_first_input)
        tree = self.query_one("#results", ResultsTree)
        previous = {r.check_id: r for r in self.app.latest_results()}
        for c in self.selected_checks:
            tree.add_check(c.id, c.title)
            if c.id in previous:
                self._show_result(previous[c.id])
        if self.autorun:
            self.action_run(focus_results=True)

    # Inputs ------------------------------------------------------------------------
    def _focus_first_input(self) -> None:
        first = next(iter(self.query(self.FIRST_INPUT)), None)
        if first is not None and self.focused is None:
            self.set_focus(first, scroll_visible=False)

    def _cluster(self) -> Cluster | None:
        return self.query_one(ClusterForm).cluster() if self._needs_cluster() else None

    def _option_values(self) -> dict[str, object] | None:
        """The values of the options, or None after saying what is wrong (nothing runs then)."""
        return self._form_values()

    def _form_values(self) -> dict[str, object] | None:
        """The option form's values, checked like the CLI's flags; a problem is shown in words."""
        try:
            return self.query_one(OptionForm).values()
        except InputError as exc:
            self.notify(self.in_words(str(exc)), severity="error", timeout=10)
            return None

    def in_words(self, text: str) -> str:
        """An engine message or reason with the option flags (``--patches FILE``) as their labels."""
        return in_words(text, self.app.registry.options())

    def services(self) -> Services:
        """Engine services for a run (``CheckContext.services``); area screens add their own."""
        return Services()

    # Running -----------------------------------------------------------------------
    # Enter in an input runs the checks, as a new user expects after typing a path or URL.
    RUN_ON_SUBMIT = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.RUN_ON_SUBMIT and (event.input.id or "").startswith("c-"):  # the cluster form's lines
            event.stop()
            self.action_run()

    def on_option_form_submitted(self, message: OptionForm.Submitted) -> None:
        if self.RUN_ON_SUBMIT:
            self.action_run()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run":
            self.action_run(focus_results=True)
        elif event.button.id == "cancel":
            self.action_cancel()
        elif event.button.id == "paste-steps":
            self.app.action_paste_steps(tuple(c.id for c in self.selected_checks if c.guided_steps))

    def action_run(self, focus_results: bool = False) -> None:
        """Run the selected checks in the background.

        ``focus_results`` (a run the user asked for: ctrl+r, Run, the palette) moves the focus to
        the most severe finding when the run ends — unless the user has moved the focus since, so
        re-runs while typing (paste boxes) never take the keyboard away."""
        options = self._option_values()
        if options is None:
            return
        self._focus_results_from = self.focused if focus_results else False
        self._run_options = options
        ctx = CheckContext(case=self.app.case, cluster=self._cluster(), inventory=self.app.inventory, options=options,
                           services=self.services())
        tree = self.query_one("#results", ResultsTree)
        for c in self.selected_checks:
            tree.set_state(c.id, c.title, "…", "waiting")
        self.query_one("#run", Button).disabled = True
        self.query_one("#cancel", Button).disabled = False
        self.query_one("#run-status", Static).update("running …")
        self._run(ctx)

    @work(exclusive=True, group="checks", exit_on_error=False)
    async def _run(self, ctx: CheckContext) -> None:
        """The run, as a Textual worker on the UI's loop: it asks for what the checks need from
        the user (a modal, awaited), then runs the checks on their own loop in a thread — a slow
        or CPU-heavy check never blocks the UI — and hands everything back as messages."""
        run = self.background = BackgroundRun()
        await ask_password_first(self.app, ctx)
        results, cancelled = await run_in_thread(run, self.selected_checks, ctx,
                                                 lambda ev: self.post_message(CheckEventMessage(ev)),
                                                 self.app.registry.failures_for(self.check_ids, self.areas))
        self.post_message(RunCompleted(results, cancelled))

    def action_cancel(self) -> None:
        if self.query_one("#cancel", Button).disabled:  # nothing running: ctrl+x is the input's cut
            raise SkipAction()
        if self.background.cancel():
            self.query_one("#run-status", Static).update("cancelling …")
        else:  # still asking (the password dialog): the worker stops before any check runs
            self.workers.cancel_group(self, "checks")
            self.query_one("#run", Button).disabled = False
            self.query_one("#cancel", Button).disabled = True
            self.query_one("#run-status", Static).update("cancelled")

    def on_check_event_message(self, message: CheckEventMessage) -> None:
        ev = message.event
        if isinstance(ev, CheckStarted) and ev.check_id in self.app.registry.checks:
            check = self.app.registry.checks[ev.check_id]
            self.query_one("#results", ResultsTree).set_state(check.id, check.title, "⟳", "running")
        elif isinstance(ev, CheckProgress):
            self.query_one("#run-status", Static).update(f"{ev.check_id}: {ev.message}")
        elif isinstance(ev, CheckFinished):
            self._show_result(ev.result)

    def on_run_completed(self, message: RunCompleted) -> None:
        self.query_one("#run", Button).disabled = False
        self.query_one("#cancel", Button).disabled = True
        if self.app.case and message.results:
            self.app.store.add_results(self.app.stored_case_id(), message.results)
            # Every file a check read (a HAR, a paste, a CA file …) goes into the bundle.
            self.app.store.record_inputs(self.app.stored_case_id(), message.results, self.app.registry.checks,
                                         getattr(self, "_run_options", {}))
        counts = summary_counts(message.results)
        text = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing ran"
        self.query_one("#run-status", Static).update(("cancelled: " if message.cancelled else "done: ") + text)
        focus_from, self._focus_results_from = self._focus_results_from, False
        if focus_from is not False and not message.cancelled and self.focused is focus_from:
            self._focus_worst_finding()

    def _focus_worst_finding(self) -> None:
        """Put the results tree's cursor on the first finding of the highest severity, so
        ``enter`` opens it."""
        tree = self.query_one("#results", ResultsTree)
        best = tree.worst_finding()
        if best is not None:
            tree.focus()
            # A node's line is known once the tree has laid out the results just added.
            tree.call_after_refresh(tree.move_cursor, best)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app shows the error (ReportsWorkerErrors); the screen only gets ready for a new run.
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED) and event.worker.group == "checks":
            self.query_one("#run", Button).disabled = False
            self.query_one("#cancel", Button).disabled = True
            if event.state is WorkerState.ERROR:
                self.query_one("#run-status", Static).update("the run failed (see the message)")

    # Results -----------------------------------------------------------------------
    def _show_result(self, r: CheckResult) -> None:
        n = len(r.findings)
        note = f"— {self.in_words(r.reason)}" if r.reason else f"{n} finding{'s' if n != 1 else ''}"
        self.query_one("#results", ResultsTree).show_result(r, note)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        data = event.node.data
        md = self.query_one("#detail", Markdown)
        if isinstance(data, Finding):
            md.update("\n".join(finding_markdown(data)))
        elif isinstance(data, CheckResult):
            check = self.app.registry.checks.get(data.check_id)
            md.update(f"## {data.title}\n\n{check.description if check else ''}\n\n"
                      f"**Status:** {data.status.value}" + (f" — {self.in_words(data.reason)}" if data.reason else "")
                      + f"\n\n{HINT}")

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if isinstance(event.node.data, Finding):
            from .finding import FindingScreen

            self.app.push_screen(FindingScreen(event.node.data))


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
