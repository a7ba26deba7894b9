"""The Textual app driven with Pilot: the same flow a support engineer walks."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from textual.widgets import Input, Label, Static, Tree

from checks.bundle import verify_bundle
from checks.model import Finding
from tui.demo import DEMO_CASE_ID, demo_app
from tui.screens.bundle import BundleScreen
from tui.screens.case import CaseScreen
from tui.screens.checks import ChecksScreen
from tui.screens.finding import FindingScreen
from tui.screens.home import HomeScreen

from .tui_helpers import SIZE, demo_pilot, findings_in, settled, wait_for_run, workers_done


async def test_live_session_flow_case_checks_finding_bundle(tmp_path: Path):
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape", "n")  # leave the symptom search; new case, live session
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        new_id = app.case.id
        assert new_id != DEMO_CASE_ID

        # An invalid org ID shows the message and is not saved.
        await pilot.click("#f-org_id")
        await pilot.press(*"acme-corp")
        await pilot.pause()
        message = str(app.screen.query_one("#e-org_id", Label).render())
        assert "is not an org ID" in message and "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8" in message
        assert app.store.get(new_id).org_id == ""
        await pilot.press("ctrl+r")  # refused while a field is invalid
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)

        # A valid one (upper case, no hyphens) is normalised and saved at once.
        app.screen.query_one("#f-org_id", Input).value = "1EB65FDF9643417F9974AD72CAE0E10F"
        await pilot.pause()
        assert str(app.screen.query_one("#e-org_id", Label).render()) == ""
        assert app.store.get(new_id).org_id == "1eb65fdf-9643-417f-9974-ad72cae0e10f"
        app.screen.query_one("#f-emails", Input).value = "a@example.com, b@example.com"
        await pilot.pause()
        assert app.store.get(new_id).emails == ("a@example.com", "b@example.com")

        # Run the URL check against the demo inventory cluster.
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ChecksScreen)
        app.pop_screen()
        app.action_checks(check_ids=("xsp.urls",))
        await pilot.pause()
        await pilot.click("#run")
        assert await wait_for_run(pilot) == "done: 1 fail"
        tree = app.screen.query_one("#results", Tree)
        assert "url.path.missing_v2" in {f.code for f in findings_in(app.screen)}
        # Results are stored in the case.
        assert [r.check_id for r in app.store.latest_results(new_id)] == ["xsp.urls"]

        # Open the finding's detail with its remediation.
        tree.focus()
        tree.cursor_line = 2
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FindingScreen)
        assert app.screen.finding.code == "url.path.missing_v2"
        assert "Add /v2.0/" in app.screen.finding.remediation.summary
        await pilot.press("escape")
        await pilot.pause()

        # Export the TAC bundle.
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BundleScreen)
        out = tmp_path / "tac.zip"
        app.screen.query_one("#bundle-path", Input).value = str(out)
        await pilot.click("#export")
        await workers_done(pilot)
        assert "Wrote" in str(app.screen.query_one("#bundle-message", Label).render())
    assert verify_bundle(out) == []
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["case"]["id"] == new_id and manifest["checks"][0]["id"] == "xsp.urls"


async def test_bundle_error_is_visible(tmp_path: Path):
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.action_export_bundle()
        await pilot.pause()
        app.screen.query_one("#bundle-path", Input).value = str(tmp_path / "missing" / "x.zip")
        app.screen.query_one("#bundle-path", Input).focus()
        await pilot.press("enter")  # enter in the path field exports, like the button
        await workers_done(pilot)
        assert "does not exist" in str(app.screen.query_one("#bundle-message", Label).render())


async def _palette(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await workers_done(pilot)  # the palette searches in a worker
    await pilot.press("enter")
    await pilot.pause()


async def test_command_palette_runs_a_check(tmp_path: Path):
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        await _palette(pilot, "run: Cluster interface URLs")  # by its title, not its id
        assert isinstance(app.screen, ChecksScreen)
        await wait_for_run(pilot)
        assert app.store.latest_results(DEMO_CASE_ID)[0].check_id == "xsp.urls"
        await _palette(pilot, "export: TAC bundle")
        assert isinstance(app.screen, BundleScreen)


async def test_home_shows_the_three_ways_in(tmp_path: Path):
    """Each way in is a button with its label visible (a stylesheet rule for another screen's
    id once padded the Guided button so its label did not fit) and opens its screen."""
    from textual.widgets import Button

    from tui.screens.guided import GuidedScreen

    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        buttons = list(app.screen.query(Button))
        assert [str(b.label) for b in buttons] == ["Live session", "Guided self-service", "TAC bundle"]
        for button in buttons:
            assert button.content_size.height >= 1, button.id
            assert button.size.width >= len(str(button.label)), button.id
        await pilot.click("#way-guided")
        await pilot.pause()
        assert isinstance(app.screen, GuidedScreen)
        app.pop_screen()
        await pilot.pause()
        await pilot.click("#way-bundle")
        await pilot.pause()
        assert isinstance(app.screen, BundleScreen)


async def test_reopen_case_from_home(tmp_path: Path):
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#cases").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert app.case.id == DEMO_CASE_ID
        assert app.screen.query_one("#f-release", Input).value == "R24"


async def test_broken_inventory_is_reported_not_fatal(tmp_path: Path):
    from tui.app import make_app

    bad = tmp_path / "inv.toml"
    bad.write_text("[[cluster]]\nname = 3\n")
    app = make_app(store_path=tmp_path / "s.sqlite3", inventory_path=bad)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("every cluster needs a name" in n.message for n in app._notifications)


async def test_invalid_text_survives_a_closed_terminal(tmp_path: Path):
    """Text that does not validate yet is kept as a draft and shown again on reopening."""
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.action_edit_case()
        await pilot.pause()
        app.screen.query_one("#f-emails", Input).value = "alex.doe@customer.example.com, half-typed@"
        await pilot.pause()
    store_path = tmp_path / "ws" / "cases.sqlite3"
    from checks.store import CaseStore
    from tui.app import make_app

    assert CaseStore(store_path).get(DEMO_CASE_ID).emails == ("alex.doe@customer.example.com",)
    again = make_app(store_path=store_path, inventory_path=tmp_path / "ws" / "inventory.toml")
    async with again.run_test(size=SIZE) as pilot:
        again.open_case(DEMO_CASE_ID)
        again.action_edit_case()
        await pilot.pause()
        assert again.screen.query_one("#f-emails", Input).value.endswith("half-typed@")
        await pilot.pause()
        assert "not an e-mail" in str(again.screen.query_one("#e-emails", Label).render())


async def test_every_checklist_screen_lists_each_check_once(tmp_path: Path):
    """Area screens subclass ChecksScreen; Textual runs every class's on_mount, so a stray
    super().on_mount() would add each check twice."""
    from checks.api import AREAS
    from tui.screens import screen_for_area

    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        for area in AREAS:
            screen = screen_for_area(area, guided=True)
            if not hasattr(screen, "selected_checks"):
                continue  # a screen of its own (HAR viewer), not a checks list
            app.push_screen(screen)
            await pilot.pause()
            tree = app.screen.query_one("#results", Tree)
            labels = [str(n.label) for n in tree.root.children]
            assert len(labels) == len(screen.selected_checks), (area, labels)
            app.pop_screen()
            await pilot.pause()



async def _first_field_focused(pilot) -> None:
    """A checks screen focuses its first field after its first refresh."""
    await settled(pilot)
    assert isinstance(pilot.app.focused, Input), pilot.app.focused

async def test_typing_starts_in_the_first_field_without_an_inventory(tmp_path: Path):
    """A new user with no inventory opens the URL checklist and types the URL straight away."""
    from tui.app import make_app

    app = make_app(store_path=tmp_path / "s.sqlite3", inventory_path=tmp_path / "none.toml")
    async with app.run_test(size=SIZE) as pilot:
        app.action_area("urls")
        await _first_field_focused(pilot)
        await pilot.press(*"https://xsp.example.com/com.broadsoft.xsi-actions/")
        await pilot.press("ctrl+r")
        await wait_for_run(pilot)
        assert str(app.screen.query_one("#run-status", Static).render()) == "done: 1 fail"
        # The run the user asked for ends on its worst finding: enter opens it.
        tree = app.screen.query_one("#results", Tree)
        assert app.focused is tree and tree.cursor_node.data.code == "url.path.missing_v2"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FindingScreen)
        assert app.screen.finding.code == "url.path.missing_v2"


async def test_long_checks_form_starts_at_its_top(tmp_path: Path):
    """Live session, every check: the form is taller than the screen. The first input has the
    focus and the panel still shows its heading and the first label (focusing must not scroll)."""
    from tui.app import make_app

    app = make_app(store_path=tmp_path / "s.sqlite3", inventory_path=tmp_path / "none.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "n")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await settled(pilot)
        assert isinstance(app.screen, ChecksScreen)
        panel = app.screen.query_one("#inputs")
        assert panel.max_scroll_y > 0  # the form really is longer than the screen
        assert app.focused is app.screen.query_one("#c-xsi_actions", Input)
        assert panel.scroll_y == 0
        await pilot.press(*"https://xsp.example.com/com.broadsoft.xsi-actions/")
        assert app.screen.query_one("#c-xsi_actions", Input).value.endswith("xsi-actions/")


async def test_ctrl_x_cancels_a_run_started_while_typing(tmp_path: Path):
    """The README: "ctrl+x cancels". The focus is still in an input after ctrl+r, and Textual's
    Input binds ctrl+x to cut: the screen's key must win while a run is going (and only then)."""
    import asyncio

    from checks.api import Check, CheckOption
    from checks.registry import Registry
    from tui.app import make_app

    class Waits(Check):
        id, title, area, timeout_s = "t.waits", "waits", "provisioning", 30
        options = (CheckOption("note", "anything"),)

        async def run(self, ctx):
            await asyncio.sleep(30)
            return []

    app = make_app(store_path=tmp_path / "s.sqlite3", inventory_path=tmp_path / "none.toml",
                   registry=Registry([Waits]))
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ChecksScreen(check_ids=("t.waits",)))
        await pilot.pause()
        field = app.screen.query_one("#o-note", Input)
        assert app.focused is field
        await pilot.press(*"abc")
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        assert app.focused is field
        await pilot.press("ctrl+x")
        await wait_for_run(pilot)
        assert "cancelled" in str(app.screen.query_one("#run-status", Static).render())
        assert field.value == "abc"
        # With nothing running, ctrl+x is the input's own key again (cut the selection).
        field.selection = (0, 3)  # type: ignore[assignment]
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert field.value == ""


async def test_a_plugin_in_a_checklist_with_its_own_screen_gets_its_inputs(tmp_path: Path):
    """README, 'Writing a check plugin': a plugin in area provisioning (the paste-box checklist)
    declaring an option and needing a cluster gets the cluster form and an input for its option,
    and runs with them; the built-in paste boxes stay as they are. Same for the client-logs screen."""
    from checks.api import Check, CheckOption
    from checks.builtin.bw_server import FlowthroughCheck
    from checks.builtin.client_logs import ClientLogsCheck
    from checks.model import Severity
    from checks.registry import Registry
    from tui.app import make_app
    from tui.screens import screen_for_area
    from tui.screens.paste import PasteStepsScreen

    seen: dict[str, object] = {}

    def plugin(area: str) -> type[Check]:
        class DndSync(Check):
            id, title, needs = f"acme.{area}", "DND sync", ("cluster",)
            options = (CheckOption("template-export", "Partner Hub template export", kind="path"),)

            async def run(self, ctx):
                seen["template"], seen["cluster"] = ctx.option("template-export"), ctx.cluster.xsi_actions
                return [Finding("acme.dnd.disabled", Severity.WARNING, "DND sync is off", source="inf")]
        DndSync.area = area
        return DndSync

    template = tmp_path / "template.csv"
    template.write_text("dnd,false\n")
    xsi = "https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/"
    for area, builtin in (("provisioning", FlowthroughCheck), ("client-logs", ClientLogsCheck)):
        seen.clear()
        app = make_app(store_path=tmp_path / f"{area}.sqlite3", inventory_path=tmp_path / "none.toml",
                       registry=Registry([builtin, plugin(area)]))
        async with app.run_test(size=SIZE) as pilot:
            await app.push_screen(screen_for_area(area, guided=True))
            await pilot.pause()
            screen = app.screen
            if area == "provisioning":
                assert isinstance(screen, PasteStepsScreen)
            screen.query_one("#o-template_export", Input).value = str(template)
            screen.query_one("#c-xsi_actions", Input).value = xsi
            if area == "client-logs":
                screen.query_one("#o-logs", Input).value = str(Path(__file__).parent / "fixtures" / "client_logs")
            await pilot.press("ctrl+r")
            await wait_for_run(pilot)
            assert seen == {"template": str(template), "cluster": xsi}, area
            tree = screen.query_one("#results", Tree)
            assert any("acme.dnd.disabled" == getattr(n.data, "code", "") for c in tree.root.children
                       for n in c.children), area


async def test_screen_keys_work_while_typing_in_an_input(tmp_path: Path):
    # A screen key that an Input also binds (ctrl+e end of line, ctrl+w delete word) never reaches
    # the screen while a field has the focus — which is most of the time on these screens.
    from tui.screens.bundle import BundleScreen

    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.action_checks(check_ids=("xsp.urls",))
        await _first_field_focused(pilot)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BundleScreen)


async def test_home_asks_same_problem_or_new_case_when_a_case_is_current(tmp_path: Path):
    """g / l from home on a session that already worked on a case: the case (with its time window
    and results) is reused only when the user says it is the same problem."""
    from tui.screens.case import CaseScreen
    from tui.screens.choice import ChoiceScreen
    from tui.screens.guided import GuidedScreen

    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape", "g")  # no current case yet: no question
        await pilot.pause()
        assert isinstance(app.screen, GuidedScreen)
        first = app.case.id
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("g")  # a blank case without results: nothing to confuse, no question
        await pilot.pause()
        assert isinstance(app.screen, GuidedScreen) and app.case.id == first
        await pilot.press("escape")
        app.open_case(DEMO_CASE_ID)
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and DEMO_CASE_ID in app.screen.question
        await pilot.press("enter")  # the default: same problem
        await pilot.pause()
        assert isinstance(app.screen, GuidedScreen) and app.case.id == DEMO_CASE_ID
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("tab", "enter")  # new case
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and app.case.id not in (DEMO_CASE_ID, first)
        app.pop_screen()
        app.open_case(DEMO_CASE_ID)
        await pilot.pause()
        app.screen.query_one("#way-live").focus()
        await pilot.press("g", "escape")  # escape on the question: nothing opens, the case stays
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen" and app.case.id == DEMO_CASE_ID


async def test_no_command_line_words_on_the_checks_screens(tmp_path: Path):
    """Field labels, skip reasons and input errors use the options' labels, not their flags."""
    from textual.widgets import Input, Label

    async with demo_pilot(tmp_path / "ws", notifications=True) as pilot:
        app = pilot.app
        app.action_checks(check_ids=("bw.blf", "xsp.tls"))
        await pilot.pause()
        screen = app.screen
        labels = " ".join(str(w.render()) for w in screen.query(Label))
        assert "Patch list" in labels and "Seconds allowed per network step" in labels
        assert "probe-timeout" not in labels and "xsp-platform" not in labels and "comma-separated)" in labels
        screen.query_one("#o-release", Input).value = "R9x"
        await pilot.press("ctrl+r")
        await pilot.pause()
        shown = [n.message + n.title for n in app._notifications]
        assert shown and not any("--" in m for m in shown), shown
        screen.query_one("#o-release", Input).value = ""
        screen.query_one("#o-probe_timeout", Input).value = "1"
        await pilot.press("ctrl+r")
        await wait_for_run(pilot)
        tree_text = str(screen.query_one("#results").nodes["bw.blf"].label)
        assert "“Patch list”" in tree_text and "--patches" not in tree_text


async def test_delete_a_case_from_home_asks_first(tmp_path: Path):
    from textual.widgets import DataTable

    from tui.screens.choice import ChoiceScreen

    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_case(DEMO_CASE_ID)
        table = app.screen.query_one("#cases", DataTable)
        table.focus()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and DEMO_CASE_ID in app.screen.question
        await pilot.press("enter")  # the default keeps it
        await pilot.pause()
        assert app.store.get(DEMO_CASE_ID)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert [c.id for c in app.store.list()] == [] and app.case is None and table.row_count == 0
        await pilot.press("delete", "enter")  # an empty list: nothing to ask about
        assert type(app.screen).__name__ == "HomeScreen"


def test_cli_case_delete_asks_or_needs_yes(tmp_path: Path):
    from .helpers import wxtriage

    home = tmp_path / "home"
    case = wxtriage("case", "new", "--description", "to delete", home=home).out.split()[-1]
    r = wxtriage("case", "delete", case, home=home)  # no terminal: refuses, nothing deleted
    assert r.code == 2 and "--yes" in r.err
    assert case in wxtriage("case", "list", "--all", home=home).out
    r = wxtriage("case", "delete", case, "--yes", home=home)
    assert r.code == 0 and f"Deleted case {case}" in r.out
    assert wxtriage("case", "show", case, home=home).code == 2


async def test_bundle_dialog_shows_what_tac_will_miss_before_export(tmp_path: Path):
    from textual.widgets import Static

    from checks.case import Case

    app = demo_app(tmp_path / "ws")
    sparse = app.store.save(Case.create(description="only a description"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_case(sparse.id)
        app.action_export_bundle()
        await pilot.pause()
        text = str(app.screen.query_one("#bundle-missing", Static).render())
        assert "Missing for TAC" in text and "org ID" in text and "wxtriage" not in text and "--" not in text
        app.screen.query_one("#bundle-case").value = DEMO_CASE_ID
        await pilot.pause()
        assert "partner" not in str(app.screen.query_one("#bundle-missing", Static).render()).lower()


async def test_case_screen_offers_facts_from_the_logs(tmp_path: Path):
    from textual.widgets import Input, Static

    from checks.api import CheckContext
    from checks.builtin.client_logs import ClientLogsCheck
    from checks.case import Case
    from checks.runner import run_one
    from tui.screens.case import CaseScreen

    log = tmp_path / "current_log.txt"
    log.write_text("2026-11-20T14:00:00.000Z <Info> [0x1] Startup.cpp:10 Webex version 45.10.0.33456\n"
                   "2026-11-20T14:00:01.000Z <Info> [0x1] Auth.cpp:20 User signed in: alex.doe@example.com\n",
                   encoding="utf-8")
    app = demo_app(tmp_path / "ws")
    case = app.store.save(Case.create(description="from logs"))
    app.store.add_results(case.id, [await run_one(ClientLogsCheck, CheckContext(case=case, options={"logs": str(log)}))])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.open_case(case.id)
        app.push_screen(CaseScreen())
        await pilot.pause()
        box = app.screen.query_one("#case-suggestions", Static)
        assert box.display and "alex.doe@example.com" in str(box.render()) and "45.10.0.33456" in str(box.render())
        await pilot.press("ctrl+g")  # the focus is in the first field: the key still reaches the screen
        await pilot.pause()
        saved = app.store.get(case.id)
        assert saved.emails == ("alex.doe@example.com",) and saved.client_versions == ("45.10.0.33456",)
        assert app.screen.query_one("#f-emails", Input).value == "alex.doe@example.com"
        assert not box.display
