"""The connectivity/mTLS checklist screen, driven with Pilot against real loopback nodes."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import keyring
import trustme
from keyring.backends.fail import Keyring as FailKeyring
from textual.widgets import DataTable, Input, Select

from tests.tls_servers import HOST, XSI_ROUTES, Route, TlsServer, free_port, leaf_spec
from tui.demo import DEMO_CASE_ID, demo_app
from tui.screens import screen_for_area
from tui.screens.password import PasswordScreen
from checks.artifacts import MatrixCell
from tui.screens.probes import ProbeChecksScreen

from .tui_helpers import demo_pilot, screen_shown, wait_for_run

SIZE = (140, 40)
XSI = "/com.broadsoft.xsi-actions/v2.0/"


def _matrix(screen) -> dict[tuple[str, str], list[str]]:
    table = screen.query_one("#probe-matrix", DataTable)
    out = {}
    for key in table.rows:
        cells = [str(c) for c in table.get_row(key)]
        out[(cells[0], cells[1])] = cells[2:]
    return out


async def _type_xsi_actions(pilot, url: str):
    """Pick "typed below" and leave only the Xsi-Actions URL filled in; return the screen."""
    s = pilot.app.screen
    s.query_one("#cluster", Select).value = "__typed__"
    await pilot.pause()
    for name in ("xsi_actions", "xsi_events", "auth_service", "cti", "dms"):
        s.query_one(f"#c-{name}", Input).value = ""
    s.query_one("#c-xsi_actions", Input).value = url
    return s


async def test_matrix_names_the_node_and_step(tmp_path: Path, monkeypatch):
    ca = trustme.CA()
    trust = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(trust))
    monkeypatch.setenv("SSL_CERT_FILE", str(trust))
    now = dt.datetime.now(dt.timezone.utc)
    expired = ca.issue_cert(HOST, not_before=now - dt.timedelta(days=300), not_after=now - dt.timedelta(days=2))
    port = free_port(["127.0.0.20", "127.0.0.21"])
    app = demo_app(tmp_path / "ws")
    with TlsServer(leaf_spec(ca.issue_cert(HOST), routes=XSI_ROUTES), "127.0.0.20", port), \
            TlsServer(leaf_spec(expired, routes=XSI_ROUTES), "127.0.0.21", port):
        async with app.run_test(size=SIZE) as pilot:
            app.open_case(DEMO_CASE_ID)
            screen = screen_for_area("connectivity")
            assert isinstance(screen, ProbeChecksScreen)
            app.push_screen(ProbeChecksScreen(areas=("connectivity", "mtls")))
            await pilot.pause()
            s = await _type_xsi_actions(pilot, f"https://{HOST}:{port}{XSI}")
            # --resolve's own commas separate the addresses of one pin; pins are separated by spaces.
            s.query_one("#o-resolve", Input).value = f"{HOST}:{port}:127.0.0.20,127.0.0.21 {HOST}:1:127.0.0.1"
            s.query_one("#o-probe_timeout", Input).value = "3"
            s.action_run()
            await wait_for_run(pilot, timeout=60)
            await pilot.pause()
            rows = _matrix(s)
    good, bad = rows[("xsi-actions", "127.0.0.20")], rows[("xsi-actions", "127.0.0.21")]
    assert good[:4] == ["✓ ", "✓ ", "✓ ", "✓ 401"] and good[4].startswith("✓")
    assert bad[2] == "✗ untrusted" and bad[3] == "–" and bad[4] == "✗ expired"
    assert good[5] == "✓ none" and bad[5] == "✓ none"


async def test_password_prompt_is_a_modal_and_stays_in_memory(tmp_path: Path, monkeypatch):
    keyring.set_keyring(FailKeyring())
    ca = trustme.CA()
    trust = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(trust))
    monkeypatch.setenv("SSL_CERT_FILE", str(trust))
    routes = dict(XSI_ROUTES)
    routes[XSI + "user/bob@example.com/profile"] = Route(200, basic=("bob@example.com", "Typed-In-Tui-1"))
    app = demo_app(tmp_path / "ws")
    with TlsServer(leaf_spec(ca.issue_cert(HOST), routes=routes), "127.0.0.22") as srv:
        async with app.run_test(size=SIZE) as pilot:
            app.open_case(DEMO_CASE_ID)
            app.push_screen(ProbeChecksScreen(check_ids=("cluster.connectivity",)))
            await pilot.pause()
            s = await _type_xsi_actions(pilot, f"https://{HOST}:{srv.port}{XSI}")
            s.query_one("#o-resolve", Input).value = f"{HOST}:{srv.port}:127.0.0.22"
            s.query_one("#o-test_user", Input).value = "bob@example.com"
            s.action_run()
            assert isinstance(await screen_shown(pilot, PasswordScreen), PasswordScreen)
            await pilot.press(*"Typed-In-Tui-1", "enter")
            await wait_for_run(pilot, timeout=60)
            results = app.store.latest_results(DEMO_CASE_ID)
    codes = [f.code for r in results for f in r.findings]
    assert "conn.auth.ok" in codes
    assert "Typed-In-Tui-1" not in (tmp_path / "ws" / "cases.sqlite3").read_bytes().decode("latin-1")


async def test_a_lone_address_in_resolve_is_bad_input_not_a_crashed_run(tmp_path: Path):
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.push_screen(ProbeChecksScreen(areas=("connectivity",)))
        await pilot.pause()
        s = app.screen
        s.query_one("#cluster", Select).value = "__typed__"
        await pilot.pause()
        s.query_one("#c-xsi_actions", Input).value = f"https://{HOST}:8443{XSI}"
        s.query_one("#o-resolve", Input).value = "127.0.0.20"
        s.action_run()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("127.0.0.20 is an address on its own" in m for m in messages), messages
        assert str(s.query_one("#run-status").render()) == ""  # nothing ran
        assert "Pinned addresses (HOST:PORT:ADDRESS) (pins separated by spaces)" in [
            str(lbl.render()) for lbl in s.query(".input-label")]


def test_matrix_client_cert_cell_says_what_is_wrong():
    """A node that requires certificates but lacks the Webex CA reads "✗ no Webex CA", not "✗ required"."""
    from checks.probes.findings import finding
    from checks.probes.matrix import mtls_matrix

    base = dict(client_auth="required", how="", why="", expected="required", observed="required",
                advertised=[], first_test="")
    findings = (finding("mtls", "as_expected", "cti", "127.0.0.1", "tls", **base),
                finding("mtls", "webex_ca_missing", "cti", "127.0.0.1", "tls", missing="CN=Webex", **base),
                finding("mtls", "as_expected", "cti", "127.0.0.2", "tls", **base))
    rows = {(r.interface, r.node): r.cells for r in mtls_matrix(findings).rows}
    assert rows[("cti", "127.0.0.1")]["mtls"] == MatrixCell("bad", "no Webex CA")
    assert rows[("cti", "127.0.0.2")]["mtls"] == MatrixCell("ok", "required")
