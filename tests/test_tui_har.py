"""The HAR screen driven with Pilot: pick a file, ranked findings, drill in, copy into the case."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Markdown, OptionList, Static

from tui.screens.choice import ChoiceScreen
from tui.demo import demo_app
from tui.screens import screen_for_area
from tui.screens.finding import FindingScreen
from tui.screens.har import HarScreen

from . import har_fixtures as hf
from .tui_helpers import har_status

SIZE = (120, 36)


async def test_har_screen_ranks_drills_in_and_copies_into_the_case(tmp_path: Path):
    seed = hf.seed_har(tmp_path / "seed.har")
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(screen_for_area("har"), HarScreen)  # the guided "har" checklist opens it
        app.action_har()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HarScreen)
        screen.query_one("#har-path", Input).value = str(seed)
        await pilot.click("#har-analyse")
        status = await har_status(pilot)
        assert "seed.har: 10 entries, 1 error finding(s)" in status
        ol = screen.query_one("#har-findings", OptionList)
        first = str(ol.get_option_at_index(0).prompt)
        assert "1. " in first and "Webex Calling" in first and "har.onboard.email_in_calling_account" in first
        detail = screen.query_one("#har-detail", Markdown).source
        assert "POST https://admin.webex.com/license/api/v1/organization/" in detail and "10991" in detail
        for secret in hf.SECRETS:
            assert secret not in detail
        # Drill into the finding (full screen with request and response content).
        ol.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FindingScreen)
        # Evidence fences wrap: the end of the 5302 description ("[Error 10991] …") is on screen,
        # not past a right edge that only sideways scrolling (with no scrollbar) would reveal.
        from textual.widgets._markdown import MarkdownFence
        fences = list(app.screen.query(MarkdownFence))
        assert fences and all(f.max_scroll_x == 0 for f in fences)
        assert any("10991" in str(f.query_one("#code-content").content) for f in fences)
        await pilot.press("escape")
        await pilot.pause()
        # Copy the extracted values into the current case.
        case_id = app.case.id
        await pilot.click("#har-copy")
        await pilot.pause()
        # The HAR's seconds would become the case's time window: asked first, keeping it is the default.
        assert isinstance(app.screen, ChoiceScreen) and "time window" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        case = app.store.get(case_id)
        assert hf.EMAIL in case.emails and hf.ONBOARD_TRACKING in case.tracking_ids
        assert case.org_id == hf.ORG  # a new, empty case gets the failing request's org
        assert case.time_window.start is None and case.time_window.end is None
        # Asked again, the other answer sets it (by keyboard: right, then enter).
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("tab", "enter")
        await pilot.pause()
        case = app.store.get(case_id)
        assert case.time_window.start is not None and case.time_window.end >= case.time_window.start
        # Nothing left to change: no question the third time.
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, HarScreen)
        assert any(r.check_id == "har.analyze" for r in app.store.latest_results(case_id))
        # A redacted copy, by key while the path field has the focus: asked where, the case's folder
        # in the data folder by default.
        from checks.paths import case_dir
        from tui.screens.save_as import SaveAsScreen
        screen.query_one("#har-path", Input).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsScreen)
        out = case_dir(case_id) / "seed.redacted.har"
        assert app.screen.query_one("#save-path", Input).value == str(out)
        await pilot.press("enter")
        assert "wrote" in await har_status(pilot)
        assert out.exists() and hf.BEARER not in out.read_text()
        # Again: the copy exists, so the console asks; keeping it (the default) writes nothing.
        out.write_text("mine", encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and "already exists" in app.screen.question
        await pilot.press("enter")  # keep it
        await pilot.pause()
        assert isinstance(app.screen, SaveAsScreen) and out.read_text() == "mine"
        # A folder, typed as drag-and-drop gives it (quoted): the copy goes into it; replacing asks too.
        (tmp_path / "for tac").mkdir()
        app.screen.query_one("#save-path", Input).value = f"'{tmp_path / 'for tac'}'"
        await pilot.press("enter")
        assert "wrote" in await har_status(pilot)
        assert hf.BEARER not in (tmp_path / "for tac" / "seed.redacted.har").read_text()
        assert not (tmp_path / "seed.redacted.har").exists()  # never beside the source unasked


async def test_har_screen_bad_file_shows_one_line(tmp_path: Path):
    bad = tmp_path / "bad.har"
    bad.write_text("[1, 2]")
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_har(str(bad))
        status = await har_status(pilot)
        assert "JSON but not a HAR" in status
        assert app.screen.query_one("#har-status", Static).has_class("error")


async def test_har_screen_shows_server_text_and_file_names_as_plain_text(tmp_path: Path):
    # Server messages and file names hold brackets; read as markup they crash the list ("[/]")
    # or vanish from the status line ("[b]").
    body = '{"errorCode": 777123, "message": "value [/] in field [bold]name[/bold] is [red]bad"}'
    e = hf.entry("PUT", "https://admin.webex.com/api/v1/people/x", 400, body)
    har = hf.write(tmp_path / "capture [b].har", hf.har_doc([e]))
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_har(str(har))
        status = await har_status(pilot)
        assert status.startswith("capture [b].har: 1 entries")
        first = str(app.screen.query_one("#har-findings", OptionList).get_option_at_index(0).prompt)
        assert "value [/] in field [bold]name" in first


async def test_har_screen_redacts_each_har_of_a_zip(tmp_path: Path):
    import zipfile

    two = hf.zip_har(tmp_path / "two.zip", members=2)
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_har(str(two))
        assert "two.zip: 20 entries" in await har_status(pilot)
        await pilot.click("#har-redact")
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(tmp_path)
        await pilot.press("enter")
        assert "wrote" in await har_status(pilot)
    with zipfile.ZipFile(tmp_path / "two.redacted.zip") as zf:
        assert zf.namelist() == ["capture.redacted.har", "capture1.redacted.har"]
        assert hf.BEARER not in zf.read("capture1.redacted.har").decode()



async def test_redacted_copy_is_of_the_file_shown_not_the_last_analysed(tmp_path: Path):
    first = hf.seed_har(tmp_path / "first.har")
    other = hf.write(tmp_path / "other file.har", hf.har_doc([hf.entry(
        "GET", "https://admin.webex.com/api/v1/people/me", 200, '{"ok": true}')]))
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_har(str(first))
        assert "entries" in await har_status(pilot)
        screen = app.screen
        # The field now names another file, pasted as a file:// URI (drag-and-drop).
        screen.query_one("#har-path", Input).value = other.as_uri()
        screen.query_one("#har-path", Input).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        from tui.screens.save_as import SaveAsScreen
        assert isinstance(app.screen, SaveAsScreen)
        assert app.screen.query_one("#save-path", Input).value.endswith("other file.redacted.har")
        app.screen.query_one("#save-path", Input).value = str(tmp_path / "out.har")
        await pilot.press("enter")
        assert "wrote" in await har_status(pilot)
    text = (tmp_path / "out.har").read_text()
    assert "people/me" in text and hf.BEARER not in text and "license/api" not in text


async def test_a_crashing_har_check_is_one_redacted_line_not_a_crash(tmp_path: Path, monkeypatch):
    """The screen runs the HAR check through the runner: a crash in the analysis is an error result,
    shown as one line with the secret it quoted replaced, and the screen stays usable."""
    from checks.evidence import har_analysis

    def boom(*a, **k):
        raise RuntimeError(f"parser fell over on Bearer {hf.BEARER}")

    monkeypatch.setattr(har_analysis, "analyze_har", boom)
    seed = hf.seed_har(tmp_path / "seed.har")
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        app.action_har(str(seed))
        status = await har_status(pilot)
        assert "parser fell over" in status and hf.BEARER not in status and "\n" not in status
        assert app.screen.query_one("#har-status", Static).has_class("error")
        assert not app.screen.query_one("#har-analyse", Button).disabled
        assert not app.internal_error and app.is_running
