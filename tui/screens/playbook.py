"""A playbook, walked step by step: the checklist with a mark per step on the left, the current
step on the right (its help, the place or command to copy, the input it needs, and for checks the
findings inline). Renders any playbook from the engine's model; it knows step kinds only.

Every answer goes through :class:`checks.playbooks.Walk`, which picks the next step; the
transcript is saved in the case store on each change, so a walk resumes after a restart.
"""
from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Markdown, Static, TextArea, Tree
from textual.worker import Worker, WorkerState

from checks.api import CheckContext, InputError, in_words
from checks.model import CheckResult, Finding
from checks.playbooks import Playbook, Step, Walk, checklist, tac_items
from checks.playbooks.inputs import cluster_from_text, collected_value, evidence_placeholder
from checks.playbooks.render import KIND_LABELS
from checks.redact import redact_pasted_text, safe_message
from checks.textsafe import one_line

from ..background import BackgroundRun
from ..messages import RunCompleted
from ..widgets import HangingList, HintedScroll, Row
from ..widgets.results import ResultsTree
from ..widgets.step_text import keys_hint, step_markdown
from ..workers import ReportsWorkerErrors, ask_password_first, run_in_thread

#: The mark shown per step state (the walk's states; choice ids show as their first letters).
MARKS = {"todo": " ", "done": "✓", "skipped": "–", "n/a": "·", "running": "⟳", "pass": "✓", "warn": "!",
         "failed": "✗", "error": "☠", "fixed": "✓", "not fixed": "✗", "yes": "y", "no": "n", "not-sure": "?"}


class PlaybookScreen(ReportsWorkerErrors, Screen):
    CSS_PATH = "playbook.tcss"
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("y", "key_yes", "Yes/done", id="playbook.yes", tooltip="Yes; a manual step is done; a verdict fixed it"),
        Binding("n", "key_no", "No", id="playbook.no", tooltip="No; a verdict did not fix it"),
        Binding("enter", "advance", "Next", id="playbook.next", tooltip="Confirm this step and go on"),
        Binding("s", "skip", "Skip", id="playbook.skip", tooltip="Skip this step"),
        Binding("backspace", "previous", "Previous", id="playbook.previous", tooltip="Back to the previous step"),
        Binding("c", "copy", "Copy", id="playbook.copy", tooltip="Copy the command, place or fix of this step"),
        Binding("f", "finding", "Finding", id="playbook.finding", tooltip="Open the most severe finding"),
        Binding("r", "rerun", "Re-run", id="playbook.rerun", tooltip="Run this step's checks again"),
        Binding("ctrl+n", "note", "Note", id="playbook.note", tooltip="Add a note to this step (kept for TAC)"),
        Binding("ctrl+b", "app.export_bundle", "Bundle", id="playbook.bundle", tooltip="Export the TAC bundle"),
        Binding("escape", "leave", "Back", id="playbook.back"),
        *[Binding(str(i), f"choose({i})", show=False, id=f"playbook.choice{i}") for i in range(1, 10)],
    ]

    def __init__(self, playbook: Playbook) -> None:
        super().__init__()
        self.playbook = playbook
        self.background = BackgroundRun()
        self.walk: Walk | None = None
        self.results: dict[str, list[CheckResult]] = {}  # check step id → results, for findings inline
        self._last_check: str = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="pb-body"):
            with Vertical(id="pb-left"):
                yield Static(f"[b]{_esc(self.playbook.title)}[/]", id="pb-title")
                with HintedScroll(id="pb-list"):
                    yield HangingList(id="pb-steps")
            with HintedScroll(id="pb-step", can_focus=True):
                yield Static("", id="pb-kind")
                yield Markdown("", id="pb-text")
                yield Static("", id="pb-keys")
                yield Input(id="pb-input", compact=True)
                yield TextArea(id="pb-paste", soft_wrap=False)
                yield Static("", id="pb-error", classes="error", markup=False)
                yield Input(id="pb-note", compact=True, placeholder="A note for this step (enter saves, escape cancels)")
                yield ResultsTree(id="pb-findings")
        yield Footer()

    def on_mount(self) -> None:
        case = self.app.ensure_case()
        saved = next((t for t in self.app.store.transcripts(case.id) if t.playbook_id == self.playbook.id), None)
        # An answer stores a new case; opening the playbook alone does not.
        self.walk = Walk(self.playbook, saved,
                         on_change=lambda t: self.app.store.save_transcript(self.app.stored_case_id(), t))
        if saved is None and self.app.case_stored:
            self.app.store.save_transcript(case.id, self.walk.transcript)
        self.show()

    # Rendering ------------------------------------------------------------------------------
    def show(self) -> None:
        walk = self.walk
        assert walk is not None
        rows: list[Row] = []
        current = 0
        for step, mark in checklist(walk):
            here = step.id == walk.transcript.current
            style = "bold reverse" if here else ("dim" if mark == "n/a" else "")
            if step.shared and step is walk.playbook.escalation_start:
                rows.append(Row("", "before you escalate", "dim italic"))
            if here:
                current = len(rows)
            rows.append(Row(f"{'▶' if here else ' '} [{MARKS.get(mark, '✓')}] ", step.title, style))
        steps = self.query_one("#pb-steps", HangingList)
        steps.set_rows(rows)
        # Keep the current step in view on small terminals (the list wraps long titles).
        self.call_after_refresh(lambda: self.query_one("#pb-list", VerticalScroll).scroll_to(
            y=max(0, steps.line_of(current) - 3), animate=False))
        step = walk.current
        for wid in ("#pb-input", "#pb-paste", "#pb-note"):
            self.query_one(wid).display = False
        self.query_one("#pb-error", Static).update("")
        if step is None:
            self._show_finished()
            return
        n = [s.id for s in walk.playbook.steps].index(step.id) + 1
        self.query_one("#pb-kind", Static).update(
            f"[b]{KIND_LABELS[step.kind]}[/] · step {n} of {len(walk.playbook.steps)}"
            + (" · [dim]before you escalate[/]" if step.shared else ""))
        self.query_one("#pb-text", Markdown).update(self._step_markdown(step))
        self.query_one("#pb-keys", Static).update(keys_hint(step))
        if walk.undecided():
            self.query_one("#pb-error", Static).update(self._undecided_message(step))
        self._show_findings(step)
        if step.kind == "collect":
            self._show_collect(step)
        else:
            self.query_one("#pb-step").focus()
        if step.kind == "check" and self._last_check != step.id:
            self._last_check = step.id
            self.call_after_refresh(self._run_checks, step)

    def _step_markdown(self, step: Step) -> str:
        tac_lines: list[str] = []
        if step.kind == "escalate":
            kinds = {kind for kind, _ in self.app.store.evidence(self.app.case.id)} if self.app.case else set()
            items = tac_items(tuple(dict.fromkeys(step.tac + self.playbook.tac)), self.app.case, kinds)
            tac_lines = [f"- {'✓' if i.present else '✗'} {i.label}: " + (f"`{i.value}`" if i.present else
                                                                        f"*missing* — {i.fill}") for i in items]
        rec = self.walk.record(step.id) if self.walk else None
        return step_markdown(step, tac_lines, rec.note if rec else "")

    def _in_words(self, text: str) -> str:
        """A reason for this screen: CLI flags become the options' names (the admin has no CLI here)."""
        return in_words(text, self.app.registry.options())

    def _undecided_message(self, step: Step) -> str:
        """Why a check step waits: none of its checks could decide, each with its own reason."""
        if step.id in self.results:
            reasons = [f"{r.title}: {r.reason or r.status.value}" for r in self.results[step.id]]
        else:  # reopened from the case store: the transcript keeps ids and reasons
            rec = self.walk.record(step.id) if self.walk else None
            reasons = [f"{r.get('check_id')}: {r.get('reason') or r.get('status')}" for r in (rec.results if rec else ())]
        return ("The checks could not decide, so there is no verdict yet — "
                + "; ".join(_esc(safe_message(self._in_words(x))) for x in reasons)
                + ". Go back with backspace to give the evidence they need, r to run them again, "
                  "or s to skip this step (the walk then goes on without a verdict from it).")

    def _show_collect(self, step: Step) -> None:
        if step.evidence == "paste":
            area = self.query_one("#pb-paste", TextArea)
            area.display = True
            area.text = ""
            area.focus()
            return
        field = self.query_one("#pb-input", Input)
        field.display = True
        field.value = ""
        field.placeholder = evidence_placeholder(step.evidence)
        field.focus()

    def _show_findings(self, step: Step) -> None:
        tree = self.query_one("#pb-findings", ResultsTree)
        results = self._results_for(step)
        tree.show_flat(results, words=self._in_words)
        tree.display = bool(results)

    def _results_for(self, step: Step) -> list[CheckResult]:
        """The findings shown with a step: its own checks', or for a verdict the check that led to it."""
        if step.kind == "check":
            return self.results.get(step.id, [])
        if step.kind == "verdict" and self.walk:
            path = self.walk.transcript.path
            before = [sid for sid in path[:-1] if self.playbook.step(sid).kind == "check"]
            return self.results.get(before[-1], []) if before else []
        return []

    def _show_finished(self) -> None:
        t = self.walk.transcript if self.walk else None
        outcome = {"fixed": "Fixed — well done.", "escalated": "Escalated: export the TAC bundle with ctrl+b."}.get(
            t.outcome if t else "", "Finished.")
        self.query_one("#pb-kind", Static).update("[b]Done[/]")
        self.query_one("#pb-text", Markdown).update(f"## {outcome}\n\nEverything you answered is kept with the case "
                                                    "and goes into the TAC bundle (“What was checked”).")
        self.query_one("#pb-keys", Static).update("[b]backspace[/] previous step   [b]escape[/] home   "
                                                  "[b]ctrl+b[/] TAC bundle")
        self.query_one("#pb-findings", Tree).display = False
        self.query_one("#pb-step").focus()

    # Answers ----------------------------------------------------------------------------------
    def _answer(self, choice: str) -> None:
        try:
            self.walk.answer(choice)
        except ValueError:
            self.app.bell()
            return
        self.show()

    def action_key_yes(self) -> None:
        step = self.walk.current if self.walk else None
        if step is None:
            return
        self._answer({"ask": "yes", "verdict": "fixed"}.get(step.kind, "done"))

    def action_key_no(self) -> None:
        step = self.walk.current if self.walk else None
        if step is not None and step.kind in ("ask", "verdict"):
            self._answer("no" if step.kind == "ask" else "not-fixed")

    def action_choose(self, number: int) -> None:
        step = self.walk.current if self.walk else None
        if step is not None and step.kind == "ask" and number <= len(step.choices):
            self._answer(step.choices[number - 1].id)

    def action_advance(self) -> None:
        step = self.walk.current if self.walk else None
        if step is not None and step.kind in ("do", "escalate"):
            self._answer("done")

    def action_skip(self) -> None:
        if self.walk and self.walk.current is not None:
            self.background.cancel()
            self.walk.skip()
            self.show()

    def action_previous(self) -> None:
        if self.walk:
            self.background.cancel()
            self.walk.back()
            self._last_check = ""
            self.show()

    def action_leave(self) -> None:
        note = self.query_one("#pb-note", Input)
        if note.display:
            note.display = False
            self.query_one("#pb-step").focus()
            return
        self.app.pop_screen()

    def action_note(self) -> None:
        step = self.walk.current if self.walk else None
        if step is None:
            return
        note = self.query_one("#pb-note", Input)
        rec = self.walk.record(step.id)
        note.value = rec.note if rec else ""
        note.display = True
        note.focus()

    @on(Input.Submitted, "#pb-note")
    def _save_note(self, event: Input.Submitted) -> None:
        event.stop()
        step = self.walk.current
        if step is not None:
            self.walk.set_note(step.id, event.value.strip())
        self.query_one("#pb-note", Input).display = False
        self.show()

    def action_copy(self) -> None:
        step = self.walk.current if self.walk else None
        if step is None:
            return
        text = step.command or str(step.place) or "\n".join(str(f) for f in step.fix) or str(step.text)
        self.app.copy_to_clipboard(text)
        self.notify("Copied to the clipboard" + (f": {text[:60]}" if len(text) <= 60 else ""), timeout=3)

    def action_finding(self) -> None:
        step = self.walk.current if self.walk else None
        findings = [f for r in (self._results_for(step) if step else []) for f in r.findings]
        if not findings:
            self.app.bell()
            return
        from .finding import FindingScreen

        self.app.push_screen(FindingScreen(max(findings, key=lambda f: f.severity.rank)))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if isinstance(event.node.data, Finding):
            from .finding import FindingScreen

            self.app.push_screen(FindingScreen(event.node.data))

    # Evidence -------------------------------------------------------------------------------
    @on(Input.Submitted, "#pb-input")
    def _collect_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self._collect(event.value.strip())

    def key_ctrl_s(self) -> None:
        if self.query_one("#pb-paste", TextArea).display:
            self._collect(self.query_one("#pb-paste", TextArea).text, pasted=True)

    def _collect(self, raw: str, pasted: bool = False) -> None:
        step = self.walk.current
        if step is None or step.kind != "collect":
            return
        if not raw.strip():
            self.walk.skip()
            self.show()
            return
        try:
            value = collected_value(step, raw, pasted=pasted, option=self.app.registry_option(step.option),
                                    inventory=self.app.inventory, collected=self.walk.collected(),
                                    save_paste=lambda text: self._save_paste(step, text))
        except InputError as exc:
            self.query_one("#pb-error", Static).update(one_line(safe_message(str(exc))))
            return
        if self.app.case and step.evidence in ("har", "logs", "csv", "cert-chain"):
            self.app.store.add_evidence(self.app.stored_case_id(), step.evidence, value)
        self.walk.provide(step.evidence, value)
        self.show()

    def _save_paste(self, step: Step, text: str) -> Path:
        folder = Path(self.app.store.path).parent / "pastes" / self.app.ensure_case().id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.playbook.id}-{step.id}.txt"
        path.write_text(redact_pasted_text(text), encoding="utf-8")  # a plain file: never a password
        return path

    # Checks -----------------------------------------------------------------------------------
    def _run_checks(self, step: Step) -> None:
        if self.walk is None or self.walk.current is None or self.walk.current.id != step.id:
            return
        checks = self.app.registry.select(step.checks, ())
        values = self.walk.collected()
        options = {}
        for name, value in values.items():
            option = self.app.registry_option(name)
            if option is not None:
                options[option.dest] = [value] if option.multiple and not isinstance(value, list) else value
        cluster = None
        cluster_text = next((e["path"] for sid in self.walk.transcript.path
                             for e in (self.walk.record(sid).evidence if self.walk.record(sid) else ())
                             if e.get("kind") == "cluster"), None)
        if cluster_text:
            try:
                cluster = cluster_from_text(cluster_text, self.app.inventory, values)
            except InputError as exc:
                self.query_one("#pb-error", Static).update(one_line(safe_message(str(exc))))
        ctx = CheckContext(case=self.app.case, cluster=cluster, inventory=self.app.inventory, options=options)
        self.query_one("#pb-keys", Static).update("⟳ running " + ", ".join(c.title for c in checks) + " …")
        self._run(step.id, checks, ctx)

    @work(exclusive=True, group="playbook", exit_on_error=False)
    async def _run(self, step_id: str, checks, ctx: CheckContext) -> None:  # type: ignore[no-untyped-def]
        # As on the checks screen (ChecksScreen._run): a worker on the UI's loop, the checks in a
        # thread, the results back as a message.
        run = self.background = BackgroundRun()
        await ask_password_first(self.app, checks, ctx)
        results, cancelled = await run_in_thread(run, checks, ctx)
        self.post_message(StepRunCompleted(step_id, results, cancelled))

    def on_step_run_completed(self, message: "StepRunCompleted") -> None:
        if self.app.case and message.results:
            self.app.store.add_results(self.app.stored_case_id(), message.results)
        step = self.walk.current if self.walk else None
        if message.cancelled or step is None or step.id != message.step_id:
            return
        self.results[step.id] = message.results
        self.walk.record_results(message.results)
        self.show()

    def action_rerun(self) -> None:
        step = self.walk.current if self.walk else None
        if step is not None and step.kind == "check":
            self._run_checks(step)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app shows the error (ReportsWorkerErrors); the step says how to go on.
        if event.state is WorkerState.ERROR and event.worker.group == "playbook":
            self.query_one("#pb-keys", Static).update("The checks failed to run (see the message): "
                                                      "[b]r[/] runs them again, [b]s[/] skips this step")


class StepRunCompleted(RunCompleted):
    def __init__(self, step_id: str, results: list[CheckResult], cancelled: bool = False) -> None:
        super().__init__(results, cancelled)
        self.step_id = step_id


def _esc(text: str) -> str:
    return text.replace("[", r"\[")
