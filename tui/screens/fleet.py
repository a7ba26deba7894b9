"""Fleet view: the cluster checks on every cluster of the inventory at once, one row per cluster
with its worst status and where it fails first; enter opens that cluster's checks.

The scan is the engine's (``checks.fleet.run_fleet``, as ``wxtriage run --all-clusters``); rows
fill in as clusters finish, in a worker, so the screen never blocks.
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from checks.fleet import ClusterRun, ClusterSummary, run_fleet
from checks.model import Status

from ..background import BackgroundRun
from ..widgets.results import STATUS_TONE, TonedTable
from ..workers import ReportsWorkerErrors

#: A cluster's status cell while its scan runs (the widest the status column shows).
PROBING = "⟳ probing"


class ClusterDone(Message):
    def __init__(self, run: ClusterRun) -> None:
        super().__init__()
        self.run = run


class FleetDone(Message):
    def __init__(self, cancelled: bool) -> None:
        super().__init__()
        self.cancelled = cancelled


class FleetScreen(ReportsWorkerErrors, Screen):
    BINDINGS = [
        Binding("r", "scan", "Scan again", id="fleet.scan", tooltip="Probe every cluster again"),
        Binding("ctrl+x", "cancel", "Cancel", id="fleet.cancel", tooltip="Stop the scan"),
        Binding("escape", "app.pop_screen", "Back", id="fleet.back"),
    ]

    def __init__(self, options: dict | None = None) -> None:
        super().__init__()
        self.options = dict(options or {})  # check options by dest, e.g. resolve pins, probe_timeout
        self.background = BackgroundRun()
        self.runs: dict[str, ClusterRun] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="fleet"):
            yield Static("", id="fleet-title", classes="section-title")
            yield Static("", id="fleet-status")
            yield TonedTable(id="fleet-table", cursor_type="row", zebra_stripes=True)
            # The highlighted cluster's first failure in full: at 80 columns the table cuts it off.
            yield Static("", id="fleet-detail")
        yield Footer()

    @property
    def checks(self) -> list:
        return [c for c in self.app.registry.all() if "cluster" in c.needs]

    def on_mount(self) -> None:
        table = self.query_one("#fleet-table", DataTable)
        clusters = self.app.inventory.clusters
        # Fixed widths: sized from the cells, these columns came out differently depending on
        # whether a "probing" row had been drawn before the cluster's result replaced it.
        table.add_column("cluster", key="cluster", width=max([len("cluster"), *(len(c.name) for c in clusters)]))
        table.add_column("status", key="status", width=len(PROBING))
        table.add_column("problems", key="problems")  # before the long text, so it shows at 80 columns
        table.add_column("where it fails first", key="where")
        path = getattr(self.app.inventory, "path", None)
        self.query_one("#fleet-title", Static).update(
            f"Fleet scan: {len(clusters)} cluster{'s' if len(clusters) != 1 else ''} of the inventory, "
            f"{len(self.checks)} checks each")
        if not clusters:
            self.query_one("#fleet-status", Static).update(
                f"[b]No clusters in the inventory[/] ({path or 'none loaded'}). Add a [[cluster]] entry per "
                "Partner Hub cluster (see examples/inventory.toml), then open this view again.")
            return
        self.action_scan()

    # Scan -----------------------------------------------------------------------------------
    def action_scan(self) -> None:
        if not self.app.inventory.clusters:
            self.app.bell()
            return
        table = self.query_one("#fleet-table", TonedTable)
        table.clear()
        self.runs.clear()
        for c in self.app.inventory.clusters:
            table.add_row(c.name, table.tone_text(PROBING, "muted"), "", "", key=c.name)
        self._status(f"Probing {len(self.app.inventory.clusters)} clusters … (ctrl+x cancels)")
        self._scan()

    @work(thread=True, exclusive=True, group="fleet", exit_on_error=False)
    def _scan(self) -> None:
        inventory = self.app.inventory
        _, cancelled = self.background.run_coroutine(
            lambda: run_fleet(self.checks, inventory, self.options, on_cluster=lambda run: self.post_message(ClusterDone(run)),
                              case=self.app.case))
        self.post_message(FleetDone(cancelled))

    def action_cancel(self) -> None:
        if not self.background.cancel():
            self.app.bell()

    def on_cluster_done(self, message: ClusterDone) -> None:
        run = message.run
        self.runs[run.cluster] = run
        s = run.summary
        table = self.query_one("#fleet-table", TonedTable)
        # update_width: these columns were sized for the empty cells of the first draw.
        table.update_cell(run.cluster, "status", table.tone_text(f"{s.status.symbol} {s.status.value}",
                                                                 STATUS_TONE[s.status.value]))
        table.update_cell(run.cluster, "where", _where(s, table), update_width=True)
        table.update_cell(run.cluster, "problems", str(s.problems) if s.problems else "", update_width=True)
        if self.app.case is not None:
            self.app.store.add_results(self.app.stored_case_id(), run.results)
        self._show_detail()

    def on_fleet_done(self, message: FleetDone) -> None:
        summaries = [r.summary for r in self.runs.values()]
        clean = sum(1 for s in summaries if s.status is Status.PASS)
        total = len(self.app.inventory.clusters)
        if message.cancelled:
            self._status(f"Cancelled: {len(summaries)} of {total} clusters finished. r scans again.")
        else:
            self._status(f"{clean} of {total} clusters pass. Enter opens a cluster's checks; r scans again.")
        self.query_one("#fleet-table", DataTable).focus()

    def _status(self, text: str) -> None:
        self.query_one("#fleet-status", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        table = self.query_one("#fleet-table", TonedTable)
        detail = self.query_one("#fleet-detail", Static)
        if not table.row_count:
            detail.update("")
            return
        name = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        run = self.runs.get(name)
        if run is None:
            detail.update(Text.assemble((name, "bold"), ": ", table.tone_text(PROBING, "muted")))
        elif not run.summary.title:
            detail.update(Text.assemble((name, "bold"), f": {run.summary.status.value}, nothing to fix"))
        else:
            detail.update(Text.assemble((name, "bold"), ": ", _where(run.summary, table)))

    # Drill down -----------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from .probes import ProbeChecksScreen

        name = str(event.row_key.value)
        self.app.ensure_case()
        self.app.push_screen(ProbeChecksScreen(check_ids=tuple(c.id for c in self.checks), cluster=name,
                                               autorun=True))


def _where(s: ClusterSummary, table: TonedTable) -> Text:
    if not s.title:
        return Text("")
    return Text.assemble(s.title, table.tone_text(f"  ({s.where})" if s.where else "", "muted"))
