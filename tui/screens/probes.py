"""Connectivity and mTLS checklists: the generic checks screen plus a probe matrix.

One row per interface and node, one column per step (DNS, TCP, TLS, HTTP) and for the
certificate and client-certificate verdicts, filled from the findings' ``interface``/``node``/
``step`` data as results arrive. (The password for the optional authenticated Xsi-Actions probe
is asked by every checks screen before its run: ``ChecksScreen.ask_before_run``.)
"""
from __future__ import annotations

from rich.text import Text

from checks.model import CheckResult, Finding, Severity

from ..widgets.results import TonedTable
from .checks import ChecksScreen

COLUMNS = ("Interface", "Node", "DNS", "TCP", "TLS", "HTTP", "Cert", "Client cert")
STEPS = ("dns", "tcp", "tls", "http")
PROBE_CHECKS = ("cluster.connectivity", "xsp.tls", "xsp.mtls")

_MARK = {"ok": "✓ ", "bad": "✗ ", "warn": "! ", "none": ""}
#: A cell's tone (coloured by app.tcss) follows from its mark.
_TONE_OF_MARK = {"✓": "ok", "✗": "bad", "!": "warn"}


def _cell(kind: str, text: str) -> Text:
    return Text(_MARK[kind] + text)


def _toned(table: TonedTable, cell: Text) -> Text:
    text = str(cell)
    return table.tone_text(text, _TONE_OF_MARK.get(text[:1], "muted"))


def matrix_rows(results: list[CheckResult]) -> dict[tuple[str, str], dict[str, Text]]:
    """Cells per (interface, node) from the probe checks' findings."""
    rows: dict[tuple[str, str], dict[str, Text]] = {}

    def row(f: Finding) -> dict[str, Text]:
        key = (str(f.data.get("interface", "")), str(f.data.get("node", "")) or "—")
        return rows.setdefault(key, {})

    for r in results:
        for f in r.findings:
            d = f.data
            if r.check_id == "cluster.connectivity" and d.get("step") in STEPS:
                cells = row(f)
                if "short" in d:  # a failed step: the catalog gives it a few words for the cell
                    step = d["step"]
                    i = STEPS.index(step)
                    for s in STEPS[:i]:
                        cells.setdefault(s, _cell("ok", ""))
                    cells[step] = _cell("bad", str(d["short"]))
                    for s in STEPS[i + 1:]:
                        cells.setdefault(s, _cell("none", "–"))
                elif f.code == "conn.dns.non_public_address":
                    continue  # interface-wide: shown in the tree
                else:
                    for s in STEPS[:3]:
                        cells.setdefault(s, _cell("ok", ""))
                    if f.code == "conn.tls.client_certificate_required":
                        cells["http"] = _cell("none", "needs client cert")
                    elif "status" in d:
                        cells["http"] = _cell("ok", str(d["status"]))
                    else:
                        cells.setdefault("http", _cell("none", "n/a"))
            elif r.check_id == "xsp.tls" and f.code != "tls.summary" and d.get("node"):
                for node in str(d["node"]).split(", "):
                    cells = rows.setdefault((str(d.get("interface", "")), node), {})
                    bad = f.severity >= Severity.ERROR
                    text = str(d.get("short", f.code))
                    old = cells.get("cert")
                    if old is None or bad:
                        cells["cert"] = _cell("bad" if bad else "warn", text)
            elif r.check_id == "xsp.tls" and f.code == "tls.summary":
                row(f).setdefault("cert", _cell("ok", str(d.get("version", ""))))
            elif r.check_id == "xsp.mtls" and d.get("node") and "client_auth" in d:
                cells = row(f)
                kind = "bad" if f.severity >= Severity.ERROR else "warn" if f.severity is Severity.WARNING else "ok"
                prev = cells.get("mtls")
                if prev is None or kind == "bad" or (kind == "warn" and not str(prev).startswith("✗")):
                    # The rule's few words ("no Webex CA") where it has them, else what was observed.
                    cells["mtls"] = _cell(kind, str(d.get("short", d["client_auth"])))
    return rows


class ProbeChecksScreen(ChecksScreen):
    """The checks screen for the connectivity and mTLS areas (see ``tui.screens.AREA_SCREENS``)."""

    CSS_PATH = "probes.tcss"

    def on_mount(self) -> None:
        # No super() call: Textual runs ChecksScreen.on_mount itself after this one (handlers run
        # for every class in the MRO); calling it here too added every check to the tree twice.
        table = TonedTable(id="probe-matrix", zebra_stripes=True, cursor_type="row")
        table.add_columns(*COLUMNS)
        self.query_one("#results-pane").mount(table, before=0)
        self._results: dict[str, CheckResult] = {}

    def _show_result(self, r: CheckResult) -> None:
        super()._show_result(r)
        if r.check_id in PROBE_CHECKS:
            self._results[r.check_id] = r
            self._refresh_matrix()

    def _refresh_matrix(self) -> None:
        table = self.query_one("#probe-matrix", TonedTable)
        table.clear()
        for (interface, node), cells in sorted(matrix_rows(list(self._results.values())).items()):
            table.add_row(interface, node, *(_toned(table, cells.get(k, Text("")))
                                             for k in ("dns", "tcp", "tls", "http", "cert", "mtls")))
