"""Snapshot of the paste-steps screen after the demo pastes ran (update: --snapshot-update)."""
from __future__ import annotations

from pathlib import Path

from tui.demo import demo_app, load_demo_pastes

from .tui_helpers import SIZE, on_demo_case, steady, wait_for_run


def test_paste_steps(snap_compare, tmp_path: Path):
    async def paste(pilot):
        await pilot.pause()
        load_demo_pastes(pilot.app.screen)
        assert (await wait_for_run(pilot)).startswith("done")
        tree = pilot.app.screen.query_one("#results")
        tree.focus()
        tree.cursor_line = 1
        await steady(pilot)

    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE,
                        run_before=on_demo_case("paste_steps", ("bw.blf",), before_picture=paste))
