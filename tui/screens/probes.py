"""Connectivity and mTLS checklists: the generic checks screen plus a probe matrix.

One row per interface and node, one column per step (DNS, TCP, TLS, HTTP) and for the
certificate and client-certificate verdicts: the checks' :class:`~checks.artifacts.ProbeMatrix`
artifacts laid side by side as results arrive (the screen only draws them). It also lends the
checks a password prompt (a modal) for the optional authenticated Xsi-Actions probe, so nothing is
ever read from the terminal under the UI.
"""
from __future__ import annotations

import threading

from rich.text import Text
from textual.widgets import DataTable

from checks.api import Services
from checks.artifacts import MatrixCell, ProbeMatrix, merge_matrices
from checks.model import CheckResult

from .checks import ChecksScreen

_STYLE = {"ok": "green", "bad": "red", "warn": "yellow", "none": "dim"}
_MARK = {"ok": "✓ ", "bad": "✗ ", "warn": "! ", "none": ""}


def _cell(cell: MatrixCell | None) -> Text:
    if cell is None:
        return Text("")
    return Text(_MARK.get(cell.kind, "") + cell.text, style=_STYLE.get(cell.kind, ""))


class ProbeChecksScreen(ChecksScreen):
    """The checks screen for the connectivity and mTLS areas (see ``tui.screens.AREA_SCREENS``)."""

    CSS_PATH = "probes.tcss"

    def on_mount(self) -> None:
        # No super() call: Textual runs ChecksScreen.on_mount itself after this one (handlers run
        # for every class in the MRO); calling it here too added every check to the tree twice.
        table: DataTable = DataTable(id="probe-matrix", zebra_stripes=True, cursor_type="row")
        table.add_columns("Interface", "Node", *(heading for _, heading in ProbeMatrix.COLUMNS))
        self.query_one("#results-pane").mount(table, before=0)
        self._results: dict[str, CheckResult] = {}

    def services(self) -> Services:
        return Services(password_prompt=self._prompt_password)

    def _prompt_password(self, user: str) -> str:
        """Called from the run's thread: show the modal on the UI thread and wait for it."""
        from .password import PasswordScreen

        answer: dict[str, str | None] = {}
        done = threading.Event()

        def show() -> None:
            def got(value: str | None) -> None:
                answer["v"] = value
                done.set()
            self.app.push_screen(PasswordScreen(user), got)

        self.app.call_from_thread(show)
        done.wait(600)
        return answer.get("v") or ""

    def _show_result(self, r: CheckResult) -> None:
        super()._show_result(r)
        if any(isinstance(a, ProbeMatrix) for a in r.artifacts) or r.check_id in self._results:
            self._results[r.check_id] = r  # a re-run without a matrix (skipped) clears its cells
            self._refresh_matrix()

    def _refresh_matrix(self) -> None:
        table = self.query_one("#probe-matrix", DataTable)
        table.clear()
        merged = merge_matrices(a for r in self._results.values() for a in r.artifacts if isinstance(a, ProbeMatrix))
        for row in merged.rows:
            table.add_row(row.interface, row.node, *(_cell(row.cells.get(col)) for col, _ in ProbeMatrix.COLUMNS))
