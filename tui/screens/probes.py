"""Connectivity and mTLS checklists: the generic checks screen plus a probe matrix.

One row per interface and node, one column per step (DNS, TCP, TLS, HTTP) and for the
certificate and client-certificate verdicts: the checks' :class:`~checks.artifacts.ProbeMatrix`
artifacts laid side by side as results arrive (the screen only draws them). (The password for the
optional authenticated Xsi-Actions probe is asked by every checks screen before its run:
``ChecksScreen.ask_before_run``.)
"""
from __future__ import annotations

from rich.text import Text

from checks.artifacts import MatrixCell, ProbeMatrix, merge_matrices
from checks.model import CheckResult

from ..widgets.results import TonedTable
from .checks import ChecksScreen

_MARK = {"ok": "✓ ", "bad": "✗ ", "warn": "! ", "none": ""}
#: A cell's tone (coloured by app.tcss) follows from its verdict.
_TONE = {"ok": "ok", "bad": "bad", "warn": "warn", "none": "muted"}


def _cell(table: TonedTable, cell: MatrixCell | None) -> Text:
    if cell is None:
        return table.tone_text("", "muted")
    return table.tone_text(_MARK.get(cell.kind, "") + cell.text, _TONE.get(cell.kind, "muted"))


class ProbeChecksScreen(ChecksScreen):
    """The checks screen for the connectivity and mTLS areas (see ``tui.screens.AREA_SCREENS``)."""

    CSS_PATH = "probes.tcss"

    def on_mount(self) -> None:
        # No super() call: Textual runs ChecksScreen.on_mount itself after this one (handlers run
        # for every class in the MRO); calling it here too added every check to the tree twice.
        table = TonedTable(id="probe-matrix", zebra_stripes=True, cursor_type="row")
        table.add_columns("Interface", "Node", *(heading for _, heading in ProbeMatrix.COLUMNS))
        self.query_one("#results-pane").mount(table, before=0)
        self._results: dict[str, CheckResult] = {}

    def _show_result(self, r: CheckResult) -> None:
        super()._show_result(r)
        if any(isinstance(a, ProbeMatrix) for a in r.artifacts) or r.check_id in self._results:
            self._results[r.check_id] = r  # a re-run without a matrix (skipped) clears its cells
            self._refresh_matrix()

    def _refresh_matrix(self) -> None:
        table = self.query_one("#probe-matrix", TonedTable)
        table.clear()
        merged = merge_matrices(a for r in self._results.values() for a in r.artifacts if isinstance(a, ProbeMatrix))
        for row in merged.rows:
            table.add_row(row.interface, row.node, *(_cell(table, row.cells.get(col)) for col, _ in ProbeMatrix.COLUMNS))
