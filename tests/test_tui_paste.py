"""The paste-steps screen (Pilot): one box per guided step; each paste re-runs bw.blf."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static, TextArea
from tui.demo import DEMO_CASE_ID
from tui.screens.paste import PasteStepsScreen

from . import bwfixtures as fx
from .tui_helpers import demo_pilot, findings_in, wait_for_run


async def test_guided_blf_paste_boxes_rerun_and_bad_paste(tmp_path: Path) -> None:
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.action_guided()
        await pilot.pause()
        areas = app.screen.query_one("#areas", OptionList)
        areas.highlighted = next(i for i in range(areas.option_count) if areas.get_option_at_index(i).id == "blf")
        areas.action_select()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PasteStepsScreen)
        boxes = [b.id for b in screen.query(TextArea)]
        assert boxes == ["p-as_patches", "p-xsp_patches", "p-features", "p-device_type", "p-config_wxt",
                         "p-custom_tags"]
        assert "listPatch.pl" in str(screen.query_one("#step-as_patches .paste-command", Static).render())

        # Paste the R23 XSP system of the acceptance scenario, box by box (no Run button pressed).
        as_list = fx.listpatch([n for n in fx.BLF["R23"] if n != "AP.as.23.0.1075.ap383520"] + fx.OTHER["R23"])
        screen.query_one("#p-as_patches", TextArea).load_text(as_list)
        screen.query_one("#p-xsp_patches", TextArea).load_text(
            fx.detail("PB.xsp", fx.BLF["R23-xsp"] + ["AP.platform.23.0.1075.ap382053"], cli="XSP_CLI", crlf=True))
        screen.query_one("#p-features", TextArea).load_text(fx.features({"101642": False}))
        screen.query_one("#p-device_type", TextArea).load_text(fx.device_type(rpi="false"))
        screen.query_one("#p-config_wxt", TextArea).load_text(fx.CONFIG_RESOLVED)
        assert (await wait_for_run(pilot)).startswith("done")
        problems = sorted(f.code for f in findings_in(screen) if f.severity.value != "info")
        assert problems == ["bw.device_type.remote_party_info_disabled", "bw.feature.not_activated",
                            "bw.patch.missing"]
        assert (Path(app.store.path).parent / "pastes" / DEMO_CASE_ID / "features.txt").is_file()
        assert [r.check_id for r in app.store.latest_results(DEMO_CASE_ID)] == ["bw.blf"]

        # A paste of the wrong command: a visible message under that box, the rest still checked.
        screen.query_one("#run-status", Static).update("")
        screen.query_one("#p-features", TextArea).load_text(fx.device_type(rpi="true"))
        assert (await wait_for_run(pilot)).startswith("done")
        message = str(screen.query_one("#s-features", Static).render())
        assert "AS_CLI/System/ActivatableFeature> get" in message and "looks like" in message
        assert screen.query_one("#s-features", Static).has_class("error")
        codes = {f.code for f in findings_in(screen)}
        assert "bw.feature.not_activated" not in codes and "bw.evidence.missing" in codes


async def test_checklist_with_a_paste_check_offers_its_paste_boxes(tmp_path: Path) -> None:
    # The mTLS checklist runs probes and bw.ci_token_validation; the latter reads pasted patch
    # lists, so the screen has a button that opens that check's paste boxes.
    from textual.widgets import Button

    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.action_area("mtls")
        await pilot.pause()
        button = app.screen.query_one("#paste-steps", Button)
        assert "bw.ci_token_validation" in str(button.tooltip)  # the label stays short for the panel
        button.press()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PasteStepsScreen)
        assert [c.id for c in screen.selected_checks] == ["bw.ci_token_validation"]
        assert [b.id for b in screen.query(TextArea)] == ["p-as_patches", "p-xsp_patches"]
        assert not screen.query("#paste-steps")  # no button to itself
        screen.query_one("#p-xsp_patches", TextArea).load_text(fx.listpatch(["AP.xsp.23.0.1075.ap382053"]))
        assert (await wait_for_run(pilot)).startswith("done")
        assert ("bw.patch.missing", "AP.xsp.23.0.1075.ap376509") in {
            (f.code, f.data.get("patch")) for f in findings_in(screen)}


async def test_a_paste_message_is_one_plain_line(tmp_path: Path, monkeypatch) -> None:
    """A parser message with markup-like text, a line break and an ESC shows as one literal line
    under the box (never read as markup, which could fail the screen)."""
    from checks.evidence import bwcli

    def bad(path, expected):
        raise bwcli.PasteError("cannot read [/b] [red]this[/red]\nsecond line \x1b[2J")

    monkeypatch.setattr(bwcli, "read_paste", bad)
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.action_paste_steps(("bw.blf",))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PasteStepsScreen)
        screen.query_one("#p-features", TextArea).load_text("anything at all\n")
        assert (await wait_for_run(pilot)).startswith("done")
        status = screen.query_one("#s-features", Static)
        message = str(status.render())
        assert status.has_class("error") and app.is_running
        assert "[/b] [red]this[/red]" in message and "\n" not in message and "\x1b" not in message
