"""The console on the smallest terminal support engineers use (80×24) and on 120×36: nothing a
person needs is off-screen without a sign, inputs show long URLs, screen styles stay on their
screen."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList, Static, Tree

from tui.demo import demo_app
from tui.screens import screen_for_area
from tui.screens.case import CaseScreen
from tui.screens.checks import ChecksScreen
from tui.widgets import MORE_BELOW

from .tui_helpers import SIZE as LARGE, SMALL, demo_pilot, playbook_from_home, settled, workers_done


def _on_screen(app, widget) -> bool:  # type: ignore[no-untyped-def]
    """The widget's top row is inside the terminal (not scrolled or pushed below it)."""
    region = widget.region
    return region.height > 0 and 0 <= region.y < app.size.height - 1


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_home_keeps_recent_cases_on_screen(tmp_path: Path, size):
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cases", DataTable)
        assert _on_screen(app, table), table.region
        # The header row and at least the demo case's row are visible.
        assert table.region.height >= 2 and table.row_count == 1
        texts = list(app.screen.query(".way-text"))
        if size == SMALL:  # the descriptions give their rows up; the buttons' tooltips keep them
            assert not any(t.display for t in texts)
            assert all(b.tooltip for b in app.screen.query("#ways Button"))
        else:
            assert all(t.display for t in texts)


@pytest.mark.parametrize("size, hidden", [(SMALL, True), (LARGE, False)])
async def test_guided_list_says_more_is_below(tmp_path: Path, size, hidden):
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        app.action_guided()
        await pilot.pause()
        await pilot.pause()
        areas = app.screen.query_one("#areas", OptionList)
        assert areas.has_class("-more-below") is hidden
        assert (areas.border_subtitle == MORE_BELOW) is hidden
        if hidden:
            areas.focus()
            await pilot.press("end")  # the last checklist: nothing more below
            await pilot.pause()
            await pilot.pause()
            assert not areas.has_class("-more-below") and not areas.border_subtitle
            await pilot.press("home")
            await pilot.pause()
            await pilot.pause()
            assert areas.has_class("-more-below")


async def test_case_form_says_more_is_below_at_80x24(tmp_path: Path):
    async with demo_pilot(tmp_path, SMALL) as pilot:
        app = pilot.app
        app.action_edit_case()
        await pilot.pause()
        await pilot.pause()
        form = app.screen.query_one("#case-form")
        assert form.has_class("-more-below") and form.border_subtitle == MORE_BELOW
        form.scroll_end(animate=False)
        await pilot.pause()
        await pilot.pause()
        assert not form.has_class("-more-below")
        assert _on_screen(app, app.screen.query_one("#to-checks"))


async def test_case_screen_says_once_when_it_saves(tmp_path: Path):
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        app.action_edit_case()  # a new case: stored at its first input
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        intro = str(app.screen.query_one("#case-intro", Static).render())
        assert "first input" in intro and "as you type" not in intro
        assert "first input" in app.sub_title


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_inputs_take_the_width_while_typing(tmp_path: Path, size):
    async with demo_pilot(tmp_path, size) as pilot:
        app = pilot.app
        app.push_screen(screen_for_area("urls", guided=True))
        await settled(pilot)
        field = app.screen.query_one("#c-xsi_actions", Input)
        field.focus()
        await settled(pilot)  # the panel is laid out again for its new width
        # A whole Xsi-Actions URL (58 characters) fits on a 120-column terminal; at 80 columns
        # the field still shows well over the ~28 characters of a 40 % panel.
        url = "https://xsp.demo-sp.example.com/com.broadsoft.xsi-actions/"
        assert field.content_region.width >= (len(url) if size == LARGE else 50)
        app.screen.query_one("#results", Tree).focus()
        await settled(pilot)
        # The results get the width back with the focus.
        assert app.screen.query_one("#inputs").region.width <= max(30, size[0] * 0.4)


async def test_a_screens_styles_stay_on_that_screen(tmp_path: Path):
    """probes.tcss once narrowed every later checklist's input panel (a screen's CSS_PATH
    applies app-wide once loaded)."""
    async with demo_pilot(tmp_path, LARGE) as pilot:
        app = pilot.app

        async def panel_width_with_results_focused(area: str) -> int:
            app.push_screen(screen_for_area(area))
            await settled(pilot)  # the screen has focused its first field by now
            app.screen.query_one("#results", Tree).focus()
            await settled(pilot)  # and the panel is laid out for the results' focus
            width = app.screen.query_one("#inputs").region.width
            app.pop_screen()
            return width

        before = await panel_width_with_results_focused("urls")
        assert await panel_width_with_results_focused("connectivity") < before  # its own, narrower panel
        assert await panel_width_with_results_focused("urls") == before


@pytest.mark.parametrize("check_ids, areas", [((), ()), (("xsp.urls",), ()), (("xsp.urls", "xsp.tls", "xsp.mtls"), ())])
async def test_checks_heading_lists_titles_not_ids(tmp_path: Path, check_ids, areas):
    async with demo_pilot(tmp_path, SMALL) as pilot:
        app = pilot.app
        app.push_screen(ChecksScreen(check_ids=check_ids, areas=areas))
        await pilot.pause()
        heading = str(app.screen.query_one("#checks-heading", Static).render())
        checks = app.screen.selected_checks
        assert not any(c.id in heading for c in checks)
        if len(checks) > 4:
            assert f"{len(checks)} checks" in heading
        else:
            assert all(c.title in heading for c in checks)
        # No line of the heading is wider than the panel: it wraps at words, not inside an id.
        assert app.screen.query_one("#checks-heading").region.width <= app.screen.query_one("#inputs").region.width


async def test_enter_in_the_bundle_dialog_exports(tmp_path: Path):
    """The dialog opens on Export: enter writes the zip (it used to open the case drop-down)."""
    async with demo_pilot(tmp_path / "ws", SMALL) as pilot:
        app = pilot.app
        app.action_export_bundle()
        await pilot.pause()
        app.screen.query_one("#bundle-path", Input).value = str(tmp_path / "out.zip")
        assert app.focused is app.screen.query_one("#export")
        await pilot.press("enter")
        await workers_done(pilot)
        assert "Wrote" in str(app.screen.query_one("#bundle-message").render())
        assert (tmp_path / "out.zip").is_file()


async def test_playbook_steps_wrap_under_their_title(tmp_path: Path):
    """A long step title wraps under the title, not under the check mark (80 columns)."""
    from tui.widgets import HangingList

    async with demo_pilot(tmp_path, SMALL, case=None) as pilot:
        app = pilot.app
        await playbook_from_home(pilot, "phone services disconnected")
        steps = app.screen.query_one("#pb-steps", HangingList)
        lines = str(steps.render()).splitlines()
        marks = [i for i, line in enumerate(lines) if line.lstrip("▶ ").startswith("[")]
        assert len(marks) < len(lines), "some titles wrap at 80 columns"
        for i, line in enumerate(lines):
            if i not in marks and line.strip() and not line.startswith("before"):
                assert line.startswith(" " * 6), line  # under the title, after "▶ [ ] "


async def test_playbook_choices_wrap_under_their_words(tmp_path: Path):
    """The first question of "Status: 400" has long choices: at 80 columns each is on its own
    lines, wrapped under its words, never after the next choice's number."""
    from rich.console import Console


    async with demo_pilot(tmp_path, SMALL, case=None) as pilot:
        app = pilot.app
        await playbook_from_home(pilot, "status 400")
        keys_pane = app.screen.query_one("#pb-keys", Static)
        console = Console(width=keys_pane.content_region.width, record=True, file=open("/dev/null", "w"))
        console.print(keys_pane.content)
        keys = console.export_text().rstrip().splitlines()
        assert keys[0].startswith("Answer") and keys[1].lstrip().startswith("1 ")
        assert len(keys) > 1 + len(app.screen.walk.current.choices), "a choice wraps at 80 columns"
        for line in keys[1:]:
            assert line.startswith("  ") and (line.lstrip()[0].isdigit() or line.startswith("    ")), line


async def test_option_help_reads_as_words(tmp_path: Path):
    """An option's help shown as a placeholder names no flag, nor itself by its label (the help
    of "Pinned addresses" read “like curl's “Pinned addresses””)."""
    async with demo_pilot(tmp_path, LARGE) as pilot:
        app = pilot.app
        app.push_screen(screen_for_area("connectivity"))
        await pilot.pause()
        labels = {f"o-{o.dest}": o.human for o in app.registry.options()}
        seen = 0
        for field in app.screen.query("#inputs Input"):
            if field.id in labels:
                seen += 1
                assert " --" not in field.placeholder, field.placeholder
                assert f"“{labels[field.id]}”" not in field.placeholder, field.placeholder
        assert seen >= 3


async def test_footer_keeps_a_screens_own_keys_at_80_columns(tmp_path: Path):
    from textual.widgets._footer import FooterKey


    async with demo_pilot(tmp_path, SMALL, case=None) as pilot:
        app = pilot.app
        await playbook_from_home(pilot, "status 400")
        keys = {k.key: k for k in app.screen.query(FooterKey)}
        palette = next(k for k in keys.values() if k.has_class("-command-palette"))
        for key in ("y", "n", "s", "c", "f", "r"):
            # Each of the screen's own keys is drawn left of the palette key, not cut off.
            assert keys[key].region.right <= palette.region.x, key


async def test_cluster_fields_do_not_repeat_their_label(tmp_path: Path):
    async with demo_pilot(tmp_path, SMALL) as pilot:
        app = pilot.app
        app.push_screen(screen_for_area("urls"))
        await pilot.pause()
        labels = [str(lbl.render()) for lbl in app.screen.query(".input-label")]
        fields = [f for f in app.screen.query("#inputs Input") if (f.id or "").startswith("c-")]
        assert len(fields) >= 5
        for field in fields:
            assert field.placeholder and field.placeholder not in labels, field.placeholder


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_bundle_dialog_keeps_export_on_screen(tmp_path: Path, size):
    """A new case lists every gap for TAC: on 24 rows that pushed the path and Export off the dialog."""
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        app.action_edit_case()  # a new case with only a description: every other gap is listed
        await pilot.pause()
        app.screen.query_one("#f-description", Input).value = "Calls drop"
        await pilot.pause()
        app.action_export_bundle()
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        for wid in ("#export", "#close", "#bundle-path"):
            widget = screen.query_one(wid)
            assert _on_screen(app, widget) and widget.region.bottom <= size[1], (wid, widget.region)
        body = screen.query_one("#bundle-body")
        assert body.has_class("-more-below") is (size == SMALL)
