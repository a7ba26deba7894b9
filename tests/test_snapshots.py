"""Snapshot tests guard the look of the main screens (pytest-textual-snapshot).

Update after an intended change: pytest tests/test_snapshots.py --snapshot-update
"""
from __future__ import annotations

from pathlib import Path

from tui.demo import DEMO_CASE_ID, demo_app
from tui.screenshots import type_symptom, wait_for_run, walk_status_400

from .tui_helpers import SIZE, SMALL, on_demo_case, steady


def test_home(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=steady)


def test_case_screen(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=on_demo_case("edit_case"))


def test_case_screen_invalid_org_id(snap_compare, tmp_path: Path):
    async def type_bad(pilot):
        await pilot.pause()
        pilot.app.screen.query_one("#f-org_id").value = "not-an-org"
        await steady(pilot)

    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE,
                        run_before=on_demo_case("edit_case", before_picture=type_bad))


async def run_urls(pilot) -> None:
    pilot.app.open_case(DEMO_CASE_ID)
    pilot.app.action_checks(check_ids=("xsp.urls",))
    await pilot.pause()
    await pilot.press("ctrl+r")  # as the Run button does; the button is off-screen at 80×24
    await wait_for_run(pilot)
    tree = pilot.app.screen.query_one("#results")
    tree.focus()
    tree.cursor_line = 2
    await steady(pilot)


def test_checks_screen_with_findings(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=run_urls)


def test_checks_screen_on_a_small_terminal(snap_compare, tmp_path: Path):
    # 80×24: the input panel shrinks so the findings keep most of the width.
    assert snap_compare(demo_app(tmp_path), terminal_size=SMALL, run_before=run_urls)


def test_guided(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=on_demo_case("guided"))


def test_home_search(snap_compare, tmp_path: Path):
    async def search(pilot):
        await type_symptom(pilot, "disconnected")
        await steady(pilot)

    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=search)


async def walk_to_verdict(pilot) -> None:
    pilot.app.open_case(DEMO_CASE_ID)
    await walk_status_400(pilot)
    await steady(pilot)


def test_playbook_at_its_verdict(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=walk_to_verdict)


def test_playbook_on_a_small_terminal(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SMALL, run_before=walk_to_verdict)


def test_fleet_view(snap_compare, tmp_path: Path):
    from tui.screenshots import fleet_scan

    async def scan(pilot):
        await fleet_scan(pilot.app, pilot, tmp_path, refused=False)
        await steady(pilot)

    assert snap_compare(demo_app(tmp_path / "ws"), terminal_size=SIZE, run_before=scan)


# 80×24, the smallest terminal in use: recent cases on screen, "▼ more below" where content is
# hidden, input fields as wide as the panel allows while one has the focus.


def test_home_on_a_small_terminal(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SMALL, run_before=steady)


def test_guided_on_a_small_terminal(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SMALL, run_before=on_demo_case("guided"))


def test_case_screen_on_a_small_terminal(snap_compare, tmp_path: Path):
    assert snap_compare(demo_app(tmp_path), terminal_size=SMALL, run_before=on_demo_case("edit_case"))


def test_checks_inputs_on_a_small_terminal(snap_compare, tmp_path: Path):
    async def typing(pilot):
        await pilot.pause()
        pilot.app.screen.query_one("#c-xsi_events").focus()
        await steady(pilot)

    assert snap_compare(demo_app(tmp_path), terminal_size=SMALL,
                        run_before=on_demo_case("area", "urls", before_picture=typing))
