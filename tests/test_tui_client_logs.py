"""The client-logs screen (Pilot): a folder of logs in, facts and a timeline out, facts copied to the case."""
from __future__ import annotations

import zipfile
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Markdown, OptionList, Static

from tui.demo import DEMO_CASE_ID
from tui.screens.client_logs import ClientLogsScreen

from .test_client_logs import SECRETS, mixed_folder
from .tui_helpers import demo_pilot, findings_in, wait_for_run


async def test_guided_client_logs_run_timeline_and_copy_facts(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "sent")
    zpath = tmp_path / "sent.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
    async with demo_pilot(tmp_path / "ws", notifications=True) as pilot:
        app = pilot.app
        app.action_guided()
        await pilot.pause()
        areas = app.screen.query_one("#areas", OptionList)
        areas.highlighted = next(i for i in range(areas.option_count)
                                 if areas.get_option_at_index(i).id == "client-logs")
        areas.action_select()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClientLogsScreen)
        assert screen.query_one("#copy-facts", Button).disabled

        # A path that does not exist: a message, no run.
        screen.query_one("#o-logs", Input).value = str(tmp_path / "nope")
        await pilot.click("#run")
        await pilot.pause()
        assert any("no such file or folder" in n.message for n in app._notifications)
        assert str(screen.query_one("#run-status", Static).render()) == ""

        screen.query_one("#o-logs", Input).value = str(zpath)
        screen.query_one("#o-since", Input).value = "2026-11-20T14:00Z"
        await pilot.pause(0.3)  # a button ignores a click while it still shows the last one
        await pilot.click("#run")
        status = await wait_for_run(pilot)
        assert status.startswith("done") and "1 fail" in status
        codes = {f.code for f in findings_in(screen)}
        assert {"logs.bwtoken.fetch_failed", "logs.config_wxt.failed", "logs.summary"} <= codes
        assert "logs.sbc.unreachable" not in codes  # 13:06, before --since

        facts = str(screen.query_one("#facts", Static).render())
        assert "44.10.0.30906" in facts and "alice.smith@example.com" in facts and "Webex for BroadWorks" in facts
        table = screen.query_one("#timeline", DataTable)
        assert table.row_count >= 5
        first_row = [str(c) for c in table.get_row_at(0)]
        assert first_row[0].startswith("2026-11-20 14:00:03")
        table.focus()
        table.move_cursor(row=0)
        await pilot.pause()
        detail = screen.query_one("#detail", Markdown)
        shown = detail.source if hasattr(detail, "source") else detail._markdown
        assert "BroadWorks token" in shown
        for secret in SECRETS:  # nothing on screen carries a secret
            assert secret not in shown and secret not in facts

        copy = screen.query_one("#copy-facts", Button)
        assert not copy.disabled
        copy.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#copy-facts")
        await pilot.pause()
        case = app.store.get(DEMO_CASE_ID)
        assert "alice.smith@example.com" in case.emails
        assert "44.10.0.30906" in case.client_versions
        assert "NA_8666bff8-a5f2-4a6c-a31d-c7dccea7315c" in case.tracking_ids
        assert [r.check_id for r in app.store.latest_results(DEMO_CASE_ID) if r.check_id == "client.logs"]


async def test_enter_in_the_path_input_runs_the_check(tmp_path: Path) -> None:
    # A new user types the path and presses Enter: that runs the check (no hunt for the Run button).
    folder = mixed_folder(tmp_path / "sent")
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.action_area("client-logs")
        await pilot.pause()
        screen = app.screen
        path = screen.query_one("#o-logs", Input)
        path.focus()
        path.value = str(folder)
        await pilot.press("enter")
        status = await wait_for_run(pilot)
        assert status.startswith("done") and "1 fail" in status
        assert "logs.bwtoken.fetch_failed" in {f.code for f in findings_in(screen)}
