"""The guided layer in the terminal UI: each seed playbook walked from launch to its verdict with
Pilot, counting screens and keystrokes (goal: ≤ 3 screens, ≤ 12 keys, not counting the characters
of search words and paths). Probes run against real TLS servers on loopback."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import trustme

from checks.store import CaseStore
from tests.tls_servers import HOST, Route, TlsServer, free_port, leaf_spec, self_signed, ServerSpec
from tui.app import make_app
from tui.demo import DEMO_BLF_PASTES
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.playbook import PlaybookScreen

from .tui_helpers import settled

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 36)
LOGS = ROOT / "tests" / "fixtures" / "client_logs"


class Walker:
    """Drives the app like a person and counts what the goal counts."""

    def __init__(self, pilot) -> None:
        self.pilot, self.keys, self.screens = pilot, 0, {type(pilot.app.screen).__name__}

    async def type(self, text: str) -> None:  # characters of words and paths are not counted
        await self.pilot.press(*[c if c != " " else "space" for c in text])

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.keys += 1
            await self.pilot.press(key)
            await self.pilot.pause()
            self.screens.add(type(self.pilot.app.screen).__name__)

    async def paste(self, text: str) -> None:  # one paste, as a terminal delivers it
        from textual import events

        self.pilot.app.screen.focused.post_message(events.Paste(text))
        await self.pilot.pause()

    async def at_step(self, step_id: str, timeout: float = 30.0) -> None:
        """The walk's checks (a worker per step, the next step's started by the last one's
        results) have run, and the walk stands at ``step_id``."""
        screen = await settled(self.pilot, timeout)
        transcript = screen.walk.transcript
        assert transcript.current == step_id, (transcript.current, transcript.records)


def _app(tmp_path: Path, inventory: str = ""):
    inv = tmp_path / "inventory.toml"
    inv.write_text(inventory, encoding="utf-8")
    return make_app(store_path=tmp_path / "cases.sqlite3", inventory_path=inv)


async def _open(w: Walker, words: str) -> PlaybookScreen:
    assert isinstance(w.pilot.app.screen, HomeScreen)
    assert w.pilot.app.focused.id == "symptom"  # the focus starts in the search field
    await w.type(words)
    await w.press("enter")
    screen = w.pilot.app.screen
    assert isinstance(screen, PlaybookScreen)
    return screen


@asynccontextmanager
async def _walk(tmp_path: Path, symptom: str, inventory: str = "") -> AsyncIterator[tuple[Walker, PlaybookScreen]]:
    """The app at home, the symptom typed and its playbook opened: the walker counts from here."""
    async with _app(tmp_path, inventory).run_test(size=SIZE) as pilot:
        w = Walker(pilot)
        yield w, await _open(w, symptom)


def _goal(w: Walker, keys: int) -> None:
    assert w.keys == keys and w.keys <= 12 and len(w.screens) <= 3, (w.keys, w.screens)


async def test_status_400_reaches_the_carrier_verdict(tmp_path: Path):
    async with _walk(tmp_path, "status 400") as (w, screen):
        await w.press("2")  # licence assignment
        await w.type(str(ROOT / "examples" / "har" / "onboard-10991.har"))
        await w.press("enter")
        await w.at_step("verdict-carrier")
        assert "10991" in str(screen.query_one("#pb-findings").root.children[0].children[0].label)
        _goal(w, 3)
        await w.press("y")  # fixed
        assert screen.walk.finished and screen.walk.transcript.outcome == "fixed"
    # The transcript and the HAR are in the case, for the bundle.
    store = CaseStore(tmp_path / "cases.sqlite3")
    case = store.list()[0]
    assert [k for k, _ in store.evidence(case.id)] == ["har"]
    assert store.transcripts(case.id)[0].records["where"].answer == "licence"


async def test_cluster_validation_reaches_the_v2_verdict_without_network(tmp_path: Path):
    async with _walk(tmp_path, "interface validation failed") as (w, _):
        await w.press("1")  # Xsi-Actions or Xsi-Events
        await w.type("https://xsp.example.com/com.broadsoft.xsi-actions/ "
                     "https://xsp.example.com/com.broadsoft.xsi-events/v2.0/")
        await w.press("enter")
        await w.at_step("verdict-v2")
        _goal(w, 3)


async def test_cluster_validation_first_cluster_mtls_is_expected(tmp_path: Path):
    async with _walk(tmp_path, "auth service validation fails") as (w, screen):
        await w.press("2", "y")
        assert screen.walk.transcript.current == "verdict-expected-mtls"
        _goal(w, 3)
        await w.press("n")  # not fixed → before you escalate
        assert screen.walk.transcript.current == "status-page"


async def test_a_typed_url_of_no_known_interface_gets_a_visible_message(tmp_path: Path):
    async with _walk(tmp_path, "cluster validation") as (w, screen):
        await w.press("1")
        await w.type("https://xsp.example.com/somewhere/")
        await w.press("enter")
        assert screen.walk.transcript.current == "urls"
        assert "cannot tell which interface" in str(screen.query_one("#pb-error").render())


def _trust(tmp_path: Path, monkeypatch) -> trustme.CA:
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    return ca


async def test_all_users_cannot_sign_in_finds_mtls_not_configured(tmp_path: Path, monkeypatch):
    ca = _trust(tmp_path, monkeypatch)
    port = free_port(["127.0.0.31"])
    inventory = (f'[[cluster]]\nname = "lab"\nauth_service = "https://{HOST}:{port}/authService/v2.0/"\n'
                 f'auth_mode = "ci-token"\nnodes = ["127.0.0.31"]\n')
    routes = {"/authService": Route(404)}
    with TlsServer(leaf_spec(ca.issue_cert(HOST), routes=routes), "127.0.0.31", port):  # no client auth at all
        async with _walk(tmp_path, "all users cannot sign in", inventory) as (w, screen):
            await w.press("y", "1")  # all users; mTLS
            await w.type("lab")
            await w.press("enter", "enter")  # the cluster; no CA file (empty enter skips)
            await w.at_step("verdict-mtls-off")
            _goal(w, 5)
            assert screen.walk.record("webex-ca").state == "skipped"


async def test_phone_services_disconnected_reads_the_logs(tmp_path: Path):
    async with _walk(tmp_path, "disconnected") as (w, screen):
        pilot = w.pilot
        await w.press("y", "3")
        await w.type(str(LOGS / "desktop"))
        await w.press("enter")
        await w.at_step("verdict-token")
        _goal(w, 4)
        await w.press("c")  # the verdict's fix goes to the clipboard (OSC 52)
        assert pilot.app.clipboard.startswith(str(screen.walk.current.fix[0])[:20])
        await w.press("f")  # the finding detail is one key away
        assert type(pilot.app.screen).__name__ == "FindingScreen"
        await w.press("c")  # and its fix is one more
        assert pilot.app.clipboard.startswith(pilot.app.screen.finding.remediation.summary)
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_phone_services_other_service_and_no_icon(tmp_path: Path):
    async with _walk(tmp_path, "no calling icon") as (w, screen):
        await w.press("n")
        assert screen.walk.transcript.current == "verdict-not-enabled"
        await w.press("backspace", "y", "2")
        assert screen.walk.transcript.current == "verdict-other-service"


async def test_blf_reads_pasted_server_output(tmp_path: Path):
    async with _walk(tmp_path, "BLF not working") as (w, screen):
        await w.paste(DEMO_BLF_PASTES["as_patches"])
        await w.press("ctrl+s")
        await w.press("ctrl+s")  # no features list: an empty paste skips the optional step
        await w.at_step("verdict-patches")
        _goal(w, 3)
        assert screen.walk.record("server-check").state == "failed"


async def test_blf_paste_that_is_not_patch_output_is_refused_with_a_message(tmp_path: Path):
    async with _walk(tmp_path, "busy lamp field") as (w, screen):
        await w.paste("hello, this is not a patch list\n")
        await w.press("ctrl+s")
        assert screen.walk.transcript.current == "patches"
        assert str(screen.query_one("#pb-error").render()).strip()


async def test_certificate_playbook_finds_the_self_signed_certificate(tmp_path: Path, monkeypatch):
    _trust(tmp_path, monkeypatch)
    cert, key = self_signed(HOST)
    port = free_port(["127.0.0.32"])
    inventory = (f'[[cluster]]\nname = "lab"\nxsi_actions = "https://{HOST}:{port}/com.broadsoft.xsi-actions/v2.0/"\n'
                 f'nodes = ["127.0.0.32"]\n')
    with TlsServer(ServerSpec(chain_pems=[cert], key_pem=key, routes={"/": Route(401)}), "127.0.0.32", port):
        async with _walk(tmp_path, "certificate expires", inventory) as (w, _):
            await w.press("1")
            await w.type("lab")
            await w.press("enter")
            await w.at_step("verdict-self-signed")
            _goal(w, 3)


async def test_a_walk_resumes_after_a_restart(tmp_path: Path):
    async with _walk(tmp_path, "disconnected") as (w, _):
        await w.press("y")
        await w.press("ctrl+n")
        await w.type("user on Windows 11")
        await w.press("enter")
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        case = app.store.list()[0]
        app.open_case(case.id)
        app.action_playbook("phone-services-disconnected")
        await pilot.pause()
        screen = app.screen
        assert screen.walk.transcript.current == "phone-services"
        assert screen.walk.record("phone-services").note == "user on Windows 11"


async def test_f1_and_question_mark_open_help_with_keys_and_evidence(tmp_path: Path):
    async with _app(tmp_path).run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)
        md = pilot.app.screen.query_one("#help-md").source
        assert "A HAR capture" in md and "Preserve log" in md and "Send Logs" in md
        await pilot.press("escape")
        w = Walker(pilot)
        await _open(w, "blf")
        pilot.app.screen.query_one("#pb-step").focus()
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        assert "`y`" in pilot.app.screen.query_one("#help-md").source


async def test_home_search_shows_no_match_and_letters_work_outside_the_field(tmp_path: Path):
    async with _app(tmp_path).run_test(size=SIZE) as pilot:
        home = pilot.app.screen
        await Walker(pilot).type("zzqx")
        options = home.query_one("#playbooks")
        assert "No playbook matches" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")  # nothing to open: stays home
        assert pilot.app.screen is home
        await pilot.press("escape", "g")
        assert type(pilot.app.screen).__name__ == "GuidedScreen"


async def test_checks_that_cannot_decide_say_so_and_wait_for_evidence(tmp_path: Path):
    async with _walk(tmp_path, "disconnected") as (w, screen):
        await w.press("y", "3")
        await w.press("enter")  # no logs given: the collect step is skipped
        await w.at_step("read-logs")
        assert screen.walk.undecided()
        message = str(screen.query_one("#pb-error").render())
        assert "could not decide" in message and "backspace" in message
        # In words, not as a CLI flag: the admin has no command line here.
        assert "--logs" not in message and "“Logs”" in message, message
        tree = screen.query_one("#pb-findings")
        lines = [str(n.label) for n in tree.root.children]
        assert lines and not any("--logs" in line for line in lines) and any("“Logs”" in line for line in lines), lines
        await w.press("backspace")  # back to the collect step, give the logs, and the verdict follows
        await w.type(str(LOGS / "desktop"))
        await w.press("enter")
        await w.at_step("verdict-token")


async def test_the_palette_opens_playbooks_and_copies_case_ids(tmp_path: Path):
    from checks.case import Case
    from tui.commands import WxTriageCommands

    async with _app(tmp_path).run_test(size=SIZE) as pilot:
        app = pilot.app
        app.save_case(Case.create(org_id="0f3c7d5e-2b2a-4c35-9d0b-7e6a1b2c3d4e",
                               tracking_ids=["ATLAS_5b0a1f6e-6c2d-4a9e-8f3b-1d2e3f4a5b6c_12"]))
        provider = WxTriageCommands(app.screen)
        names = {name: callback for name, callback, _ in provider._commands()}
        guides = [n for n in names if n.startswith("guide: ")]
        assert len(guides) == len(app.playbooks.all()) >= 6
        assert "copy: partner org ID" not in names  # nothing to copy, no entry
        names["copy: org ID"]()
        assert app.clipboard == "0f3c7d5e-2b2a-4c35-9d0b-7e6a1b2c3d4e"
        names["copy: tracking IDs"]()
        assert app.clipboard.startswith("ATLAS_5b0a1f6e")
        names[next(n for n in guides if "disconnected" in n.lower())]()
        await pilot.pause()
        assert isinstance(app.screen, PlaybookScreen) and app.screen.playbook.id == "phone-services-disconnected"
