"""Client logs: point at the Webex app logs, run ``client.logs``, read the facts and the timeline.

The same check as ``wxtriage logs`` and ``wxtriage run``; its inputs (the logs, the window) are
the checks screen's option form, and this screen draws the check's
:class:`~checks.artifacts.LogSummary`: the extracted facts (with a button to copy them into the
case) and the timeline of findings.
"""
from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, DataTable, Label, Markdown, Static

from checks.artifacts import LogSummary, artifacts_of
from checks.case import parse_time
from checks.humanize import fmt_time
from checks.model import CheckResult, Finding
from checks.report import finding_markdown

from .checks import ChecksScreen


def window_line(d: LogSummary) -> str:
    """Which window the run used, where it came from and what it left out."""
    if d.window_text == "none":
        return "none, every entry read"
    return (f"{d.window_text} ({d.window_source or 'given'}); "
            + (f"{d.left_out} matching event(s) left out" if d.left_out else "nothing left out"))


class ClientLogsScreen(ChecksScreen):
    CSS_PATH = "client_logs.tcss"

    def __init__(self, check_ids: tuple[str, ...] = (), areas: tuple[str, ...] = ("client-logs",),
                 autorun: bool = False, guided: bool = False) -> None:
        super().__init__(check_ids=check_ids, areas=areas, autorun=autorun, guided=guided)
        self.summary: LogSummary | None = None
        self.row_findings: dict[str, Finding] = {}

    def compose_after_run(self) -> ComposeResult:
        yield Label("Facts from the logs", classes="section-title")
        yield Static("Run the check to read the client version, user and org.", id="facts", markup=False)
        yield Button("Copy facts into the case", id="copy-facts", disabled=True,
                     tooltip="Adds the e-mail, client version, tracking IDs and (if empty) the org ID")

    def compose_extra_results(self) -> ComposeResult:
        yield Label("Timeline", classes="section-title", id="timeline-title")
        # Columns from the start: the checks screen shows the case's previous results on mount.
        timeline: DataTable[str | Text] = DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        timeline.add_columns("time", "finding", "where")
        yield timeline

    # Results -----------------------------------------------------------------------
    def _show_result(self, r: CheckResult) -> None:
        super()._show_result(r)
        summaries = artifacts_of([r], LogSummary)
        if not summaries:
            return
        self.summary = summaries[0]
        self._fill_facts()
        self._fill_timeline(r)

    def _fill_facts(self) -> None:
        d = self.summary
        if d is None or not d.facts:
            return
        lines = [f"{row.label + ':':<16}{', '.join(row.values) or '—'}" for row in d.facts]
        lines.append(f"{'Files:':<16}{len(d.files)}, {d.unrecognised_share} % lines not recognised")
        lines.append(f"{'Time window:':<16}{window_line(d)}")
        if d.facts_not_found:
            lines.append(f"{'Not found:':<16}{', '.join(d.facts_not_found)} (add them on the case screen)")
        self.query_one("#facts", Static).update("\n".join(lines))
        has_any = any(d.case_facts.as_dict().values())
        self.query_one("#copy-facts", Button).disabled = not (has_any and self.app.case)

    def _fill_timeline(self, r: CheckResult) -> None:
        table = self.query_one("#timeline", DataTable)
        table.clear()
        self.row_findings = {}
        if self.summary is None:
            return
        by_code: dict[str, list[Finding]] = {}
        for f in r.findings:
            by_code.setdefault(f.code, []).append(f)
        for i, item in enumerate(self.summary.timeline):
            candidates = by_code.get(item.code, [])
            finding = next((f for f in candidates if f.title.startswith(item.title)), candidates[0] if candidates
                           else None)
            key = f"t{i}"
            if finding is not None:
                self.row_findings[key] = finding
            when = fmt_time(parse_time(item.time)) if item.time else "no time"
            table.add_row(when, Text(item.title), Text(item.source, style="dim"), key=key)
        self.query_one("#timeline-title", Label).update(f"Timeline ({table.row_count})")

    def _row_finding(self, event: DataTable.RowHighlighted | DataTable.RowSelected) -> Finding | None:
        # An empty timeline still answers page down / enter with a message whose row key is None.
        return self.row_findings.get(str(event.row_key.value)) if event.row_key is not None else None

    @on(DataTable.RowHighlighted, "#timeline")
    def _timeline_row(self, event: DataTable.RowHighlighted) -> None:
        finding = self._row_finding(event)
        if finding is not None:
            self.query_one("#detail", Markdown).update("\n".join(finding_markdown(finding)))

    @on(DataTable.RowSelected, "#timeline")
    def _timeline_open(self, event: DataTable.RowSelected) -> None:
        finding = self._row_finding(event)
        if finding is not None:
            from .finding import FindingScreen

            self.app.push_screen(FindingScreen(finding))

    @on(Button.Pressed, "#copy-facts")  # the base class's on_button_pressed still handles Run/Cancel
    def _copy_pressed(self) -> None:
        self.action_copy_facts()

    def action_copy_facts(self) -> None:
        if self.summary is None or self.app.case is None:
            return
        updated, changes = self.app.case.with_facts(replace(self.summary.case_facts, source=""))
        if changes:
            self.app.save_case(updated)
            self.notify("Added to the case: " + "; ".join(changes), title="Case updated")
        else:
            self.notify("The case already has every fact found in the logs.")
