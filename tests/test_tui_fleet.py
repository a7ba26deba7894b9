"""The fleet view in the terminal UI: every inventory cluster probed against real loopback peers,
one row per cluster as each finishes, enter opens that cluster's checks."""
from __future__ import annotations

from pathlib import Path

import trustme
from textual.widgets import DataTable, Select

from tests.tls_servers import XSI_ROUTES, ServerSpec, TlsServer, free_port, leaf_spec, self_signed
from tui.app import make_app
from tui.screens.fleet import FleetScreen
from tui.screens.probes import ProbeChecksScreen

from .tui_helpers import workers_done

XSI = "/com.broadsoft.xsi-actions/v2.0/"


def _rows(screen) -> dict[str, list[str]]:
    table = screen.query_one("#fleet-table", DataTable)
    return {str(k.value): [str(c) for c in table.get_row(k)] for k in table.rows}


async def test_fleet_view_lists_each_cluster_and_opens_one(tmp_path: Path, monkeypatch):
    ca = trustme.CA()
    trust = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(trust))
    monkeypatch.setenv("SSL_CERT_FILE", str(trust))
    cert, key = self_signed("xsp-bravo.example.com")
    closed = free_port(["127.0.0.1"])
    with TlsServer(leaf_spec(ca.issue_cert("xsp-alpha.example.com"), routes=XSI_ROUTES)) as alpha, \
            TlsServer(ServerSpec(chain_pems=[cert], key_pem=key, routes=XSI_ROUTES)) as bravo:
        clusters = [("alpha", "xsp-alpha.example.com", alpha.port), ("bravo", "xsp-bravo.example.com", bravo.port),
                    ("charlie", "xsp-charlie.example.com", closed)]
        inv = tmp_path / "inventory.toml"
        inv.write_text("".join(f'[[cluster]]\nname = "{n}"\nxsi_actions = "https://{h}:{p}{XSI}"\n\n'
                               for n, h, p in clusters), encoding="utf-8")
        pins = [f"{h}:{p}:127.0.0.1" for _, h, p in clusters]
        app = make_app(store_path=tmp_path / "cases.sqlite3", inventory_path=inv)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = FleetScreen(options={"resolve": pins, "probe_timeout": "3"})
            app.push_screen(screen)
            await workers_done(pilot, timeout=60)
            rows = _rows(screen)
            assert rows["alpha"][1].endswith("pass")
            assert rows["bravo"][1].endswith("fail") and "step tls" in rows["bravo"][3]
            assert rows["charlie"][1].endswith("fail") and "step tcp" in rows["charlie"][3]
            assert "1 of 3 clusters pass" in str(screen.query_one("#fleet-status").render())
            # Under the table, the highlighted cluster's first failure in full (the table cuts it).
            detail = str(screen.query_one("#fleet-detail").render())
            assert detail.startswith("alpha: pass, nothing to fix"), detail
            await pilot.press("down")
            await pilot.pause()
            detail = str(screen.query_one("#fleet-detail").render())
            assert detail.startswith("bravo: ") and rows["bravo"][3].strip() in detail, (detail, rows["bravo"])
            await pilot.press("enter")  # bravo
            await pilot.pause()
            opened = app.screen
            assert isinstance(opened, ProbeChecksScreen)
            assert opened.query_one("#cluster", Select).value == "bravo"


async def test_fleet_view_without_clusters_says_what_to_do(tmp_path: Path):
    inv = tmp_path / "inventory.toml"
    inv.write_text("", encoding="utf-8")
    app = make_app(store_path=tmp_path / "cases.sqlite3", inventory_path=inv)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_action("fleet")
        await pilot.pause()
        assert isinstance(app.screen, FleetScreen)
        assert "No clusters in the inventory" in str(app.screen.query_one("#fleet-status").render())
        await pilot.press("r")  # nothing to scan: a bell, no crash
        assert isinstance(app.screen, FleetScreen)
