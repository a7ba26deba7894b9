"""HAR screen: pick a capture, see the failures ranked, drill into the failing entries, copy the
extracted values into the case, write a redacted copy for TAC.

All reading happens in thread workers that report back only through messages; the analysis and
the redaction are the engine's (:mod:`checks.evidence.har_analysis`, :mod:`checks.redact`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from checks.model import CheckResult, Finding, Severity, status_for
from checks.redact import safe_message
from checks.report import finding_markdown

from ..workers import ReportsWorkerErrors

HINT = ("Give the path of a HAR recorded while the error appeared (.har, .har.gz or a .zip), then "
        "**Analyse**. The most relevant failure comes first; select one to see its request and response.")
_MARK = {Severity.INFO: "•", Severity.WARNING: "!", Severity.ERROR: "✗", Severity.CRITICAL: "✗✗"}


class HarAnalysed(Message):
    def __init__(self, analysis: Any) -> None:
        super().__init__()
        self.analysis = analysis


class HarFailed(Message):
    """The file could not be read (one-line reason) or an output was refused by the leak scanner."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class HarRedacted(Message):
    def __init__(self, path: str, entries: int) -> None:
        super().__init__()
        self.path = path
        self.entries = entries


class HarScreen(ReportsWorkerErrors, Screen):
    CSS_PATH = "har.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="har.back"),
        Binding("ctrl+r", "analyse", "Analyse", id="har.analyse", tooltip="Read the HAR and rank its failures"),
        Binding("ctrl+y", "copy_to_case", "Copy into case", id="har.copy",
                tooltip="Fill the case's org ID, tracking IDs, e-mails and time window from the HAR"),
        # ctrl+s, not ctrl+w: the path input takes ctrl+w (delete word) before the screen sees it.
        Binding("ctrl+s", "write_redacted", "Redacted copy", id="har.redact",
                tooltip="Write a copy of the HAR shown with every secret replaced (asks where)"),
    ]

    def __init__(self, areas: tuple[str, ...] = ("har",), guided: bool = False, path: str | None = None) -> None:
        super().__init__()
        self.areas = areas
        self.guided = guided
        self.initial_path = path or ""
        self.analysis: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="har"):
            with Horizontal(id="har-pick"):
                yield Label("HAR file", id="har-label")
                yield Input(self.initial_path, placeholder="/path/to/capture.har", id="har-path",
                            tooltip=".har, .har.gz or .zip; read locally, never uploaded")
                yield Button("Analyse", id="har-analyse", variant="primary")
                yield Button("Copy into case", id="har-copy", disabled=True)
                yield Button("Redacted copy", id="har-redact", disabled=True)
            yield Static("", id="har-status", markup=False)  # file names and errors are plain text
            with Horizontal(id="har-body"):
                yield OptionList(id="har-findings")
                with VerticalScroll(id="har-detail-scroll"):
                    yield Markdown(HINT, id="har-detail")
        yield Footer()

    def on_mount(self) -> None:
        if self.initial_path:
            self.action_analyse()

    # Actions ---------------------------------------------------------------------------
    @on(Button.Pressed, "#har-analyse")
    @on(Input.Submitted, "#har-path")
    def action_analyse(self) -> None:
        path = self._shown_path()
        if path is None:
            self.notify("Give the path of a HAR file first", severity="warning")
            return
        self._status(f"reading {path.name} …")
        self.query_one("#har-analyse", Button).disabled = True
        self._analyse(str(path))

    def _shown_path(self) -> Path | None:
        """The file the path field names, read as people paste paths (quotes, ~, file://)."""
        from checks.paths import typed_path

        raw = self.query_one("#har-path", Input).value
        return typed_path(raw) if raw.strip() else None

    @on(Button.Pressed, "#har-copy")
    def action_copy_to_case(self) -> None:
        if self.analysis is None:
            return
        from checks.evidence.har_analysis import apply_to_case

        from .choice import ChoiceScreen

        current = self.app.ensure_case().time_window
        proposed = apply_to_case(self.app.case, self.analysis.extract).time_window
        if proposed == current:
            self._copy_to_case(set_window=False)
            return
        seconds = (proposed.end - proposed.start).total_seconds() if proposed.start and proposed.end else None
        span = f"{_when(proposed.start)} – {_when(proposed.end)}" + (f" ({seconds:.0f} s)" if seconds is not None else "")
        was = f"{_when(current.start)} – {_when(current.end)}" if (current.start or current.end) else "not set"
        self.app.push_screen(ChoiceScreen(
            "Also set the case's time window from this HAR?",
            [("keep", "Keep the case's window"), ("set", "Use the HAR's window")],
            detail=f"The HAR covers {span}; the case's window is {was}. Client logs are read only inside the "
                   "case's window, so a window of a few seconds leaves out everything around it."),
            lambda answer: answer and self._copy_to_case(set_window=answer == "set"))

    def _copy_to_case(self, set_window: bool) -> None:
        from checks.evidence.har_analysis import apply_to_case

        case = apply_to_case(self.app.ensure_case(), self.analysis.extract, set_window=set_window)
        self.app.save_case(case)
        findings = tuple(self.analysis.findings)
        self.app.store.add_results(case.id, [CheckResult("har.analyze", "HAR capture of a Control Hub / Partner Hub error",
                                                         "har", status_for(findings), findings)])
        self.app.store.add_evidence(case.id, "har", self.analysis.path, "har.analyze")  # redacted in the bundle
        ex = self.analysis.extract
        window = (f"; time window {_when(case.time_window.start)} – {_when(case.time_window.end)}" if set_window
                  else "; the case's time window is unchanged")
        self.notify(f"Case {case.id}: org ID {case.org_id or '—'}, {len(ex.tracking_ids)} tracking ID(s), "
                    f"{len(ex.emails)} e-mail(s) copied{window}; findings and a redacted copy of the HAR go into "
                    "the bundle", title="Copied into case")

    @on(Button.Pressed, "#har-redact")
    def action_write_redacted(self) -> None:
        """A redacted copy of the file the path field shows (not an earlier one), written where the
        user says — by default in the case's folder — and never over a file without asking."""
        from checks.paths import case_dir, data_dir

        from .save_as import SaveAsScreen

        src = self._shown_path()
        if src is None or not src.is_file():
            self.notify(f"{src} is not a file" if src else "Give the path of a HAR file first", severity="warning",
                        markup=False)
            return
        analysed = self.analysis is not None and Path(self.analysis.path).resolve() == src.resolve()
        stem = src.name.removesuffix(".gz").removesuffix(".har").removesuffix(".zip")
        # A zip of several HARs gets a zip with each one redacted; anything else one HAR.
        several = src.suffix.lower() == ".zip" and (not analysed or len(self.analysis.sources) > 1)
        folder = case_dir(self.app.case.id) if self.app.case else data_dir() / "redacted"
        default = folder / (stem + (".redacted.zip" if several else ".redacted.har"))

        def chosen(out: str | None) -> None:
            if out:
                self._status(f"writing {Path(out).name} …")
                self._redact(str(src), out, analysed)
        self.app.push_screen(SaveAsScreen(f"Redacted copy of {src.name}", default,
                                          "Every token, cookie, password and secret replaced; "
                                          "read locally, nothing is uploaded."), chosen)

    # Workers (blocking file I/O off the UI thread; results come back as messages) ----------
    @work(thread=True, exclusive=True, group="har", exit_on_error=False)
    def _analyse(self, path: str) -> None:
        from checks.evidence.har import HarError
        from checks.evidence.har_analysis import analyze_har

        try:
            self.post_message(HarAnalysed(analyze_har(path)))
        except HarError as exc:
            self.post_message(HarFailed(safe_message(str(exc))))

    @work(thread=True, exclusive=True, group="har-redact", exit_on_error=False)
    def _redact(self, src: str, out: str, analysed: bool = False) -> None:
        from checks.evidence.har import HarError
        from checks.redact import LeakError, redact_har_file

        try:
            # The analysis' redactor (same placeholders as on screen) only for the file it read.
            res = redact_har_file(src, out, redactor=self.analysis.redactor if analysed else None)
        except (HarError, LeakError) as exc:
            self.post_message(HarFailed(safe_message(str(exc))))
            return
        self.post_message(HarRedacted(str(res.path), res.entries))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app shows the error (ReportsWorkerErrors); the screen is ready for another try.
        if event.state is WorkerState.ERROR:
            self.query_one("#har-analyse", Button).disabled = False

    # Messages ----------------------------------------------------------------------------
    def on_har_analysed(self, message: HarAnalysed) -> None:
        from checks.builtin.har_analyze import checked_against_case

        a = self.analysis = message.analysis
        checked_against_case(a, self.app.case)  # another org than the case's: a warning among the findings
        self.query_one("#har-analyse", Button).disabled = False
        self.query_one("#har-copy", Button).disabled = False
        self.query_one("#har-redact", Button).disabled = False
        errors = sum(f.severity >= Severity.ERROR for f in a.findings)
        status = f"{Path(a.path).name}: {a.entries} entries, {errors} error finding(s)"
        if a.truncated:
            status += " — incomplete file, entries before the break only"
        self._status(status)
        ol = self.query_one("#har-findings", OptionList)
        ol.clear_options()
        ol.add_options([Option(self._label(i, f), id=str(i)) for i, f in enumerate(a.findings)])
        if a.findings:
            ol.highlighted = 0
            ol.focus()
            self._show(a.findings[0])

    def on_har_failed(self, message: HarFailed) -> None:
        self.query_one("#har-analyse", Button).disabled = False
        self._status(message.message, error=True)
        self.notify(message.message, severity="error", timeout=10, markup=False)

    def on_har_redacted(self, message: HarRedacted) -> None:
        self._status(f"wrote {message.path} ({message.entries} entries, secrets replaced)")
        self.notify(f"{message.path}", title="Redacted copy written", markup=False)

    @on(OptionList.OptionHighlighted, "#har-findings")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.analysis is not None and event.option.id is not None:
            self._show(self.analysis.findings[int(event.option.id)])

    @on(OptionList.OptionSelected, "#har-findings")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        from .finding import FindingScreen

        if self.analysis is not None and event.option.id is not None:
            self.app.push_screen(FindingScreen(self.analysis.findings[int(event.option.id)]))

    # Helpers -----------------------------------------------------------------------------
    @staticmethod
    def _label(i: int, f: Finding) -> Text:
        title = f.title if len(f.title) <= 70 else f.title[:69] + "…"
        rank = f"{f.data['rank']}. " if "rank" in f.data else ""
        # A Text, not markup: titles quote server text ("[Error 10991]", "[/]", cut tags).
        return Text.assemble(f"{_MARK[f.severity]} {rank}{title}\n  ", (f.code, "dim"))

    def _show(self, f: Finding) -> None:
        self.query_one("#har-detail", Markdown).update("\n".join(finding_markdown(f)))

    def _status(self, text: str, error: bool = False) -> None:
        w = self.query_one("#har-status", Static)
        w.update(text)
        w.set_class(error, "error")


def _when(t) -> str:  # type: ignore[no-untyped-def]
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else "…"
