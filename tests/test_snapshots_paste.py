"""Snapshot of the paste-steps screen after the demo pastes ran (update: --snapshot-update)."""
from __future__ import annotations

from pathlib import Path

from tui.demo import DEMO_CASE_ID, demo_app, load_demo_pastes
from tui.screenshots import markdown_settled, steady_cursors, wait_for_run

SIZE = (120, 36)


def test_paste_steps(snap_compare, tmp_path: Path):
    async def paste(pilot):
        pilot.app.open_case(DEMO_CASE_ID)
        pilot.app.action_paste_steps(check_ids=("bw.blf",))
        await pilot.pause()
        load_demo_pastes(pilot.app.screen)
        await wait_for_run(pilot)
        tree = pilot.app.screen.query_one("#results")
        tree.focus()
        tree.cursor_line = 1
        await markdown_settled(pilot)
        steady_cursors(pilot.app)
        await pilot.pause()

    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=paste)
