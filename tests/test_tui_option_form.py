"""The option form (tui/widgets/option_form.py) with real widgets (Pilot): a control per option
kind, typed values through the engine's parser, a bad value as one visible line, the values
reaching the run, and the form's messages (enter runs; any change re-runs a paste screen)."""
from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from checks.api import Check, CheckContext, CheckOption, InputError
from checks.registry import Registry
from tui.app import make_app
from tui.demo import DEMO_CASE_ID, demo_app
from tui.screens.checks import ChecksScreen
from tui.screens.paste import PasteStepsScreen
from tui.screenshots import wait_for_run
from tui.widgets.option_form import OptionForm

from . import bwfixtures as fx

SIZE = (120, 36)


def _pins(raw: str) -> list[str]:
    parts = raw.split()
    if any(p.count(":") != 1 for p in parts):
        raise ValueError(f"{raw!r}: write each pin as HOST:ADDRESS")
    return parts


OPTIONS = (
    CheckOption("loud", "say more", kind="flag", label="Say more"),
    CheckOption("platform", "the server platform", choices=("xsp", "adp"), choice_labels={"xsp": "XSP"},
                unset_label="inferred", label="Platform"),
    CheckOption("ca-file", "the CA file (PEM)", kind="path", label="CA file"),
    CheckOption("pin", "pinned addresses", multiple=True, split=_pins, list_hint="pins separated by spaces",
                label="Pins"),
    CheckOption("tag", "tags", multiple=True, label="Tags"),
)


class OptionsCheck(Check):
    id, title, area, timeout_s = "t.options", "takes every kind of option", "provisioning", 10
    options = OPTIONS
    seen: list[dict[str, object]] = []

    async def run(self, ctx: CheckContext) -> list:  # type: ignore[type-arg]
        OptionsCheck.seen.append(dict(ctx.options))
        return []


class FormApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def compose(self) -> ComposeResult:
        yield OptionForm(OPTIONS, words=str.upper)

    def on_option_form_submitted(self, message: OptionForm.Submitted) -> None:
        self.messages.append("submitted")

    def on_option_form_changed(self, message: OptionForm.Changed) -> None:
        self.messages.append("changed")


async def test_one_control_per_kind_and_typed_values(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("pem", encoding="utf-8")
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.query_one(OptionForm)
        assert isinstance(form.query_one("#o-loud"), Checkbox)
        platform = form.query_one("#o-platform", Select)
        assert isinstance(form.query_one("#o-ca_file"), Input) and isinstance(form.query_one("#o-tag"), Input)
        labels = [str(lbl.render()) for lbl in form.query(Label)]
        assert labels == ["Inputs", "Platform", "CA file", "Pins (pins separated by spaces)", "Tags (comma-separated)"]
        assert form.query_one("#o-ca_file", Input).placeholder == "THE CA FILE (PEM)"  # help, through words()
        assert form.values() == {"loud": False, "platform": None, "ca_file": None, "pin": [], "tag": []}

        form.query_one("#o-loud", Checkbox).value = True
        platform.value = "adp"
        form.query_one("#o-ca_file", Input).value = f"'{ca}'"  # as pasted, quoted
        form.query_one("#o-pin", Input).value = "h.example.com:10.0.0.1  g.example.com:10.0.0.2"
        form.query_one("#o-tag", Input).value = "a, b"
        await pilot.pause()
        assert form.values() == {"loud": True, "platform": "adp", "ca_file": str(ca),
                                 "pin": ["h.example.com:10.0.0.1", "g.example.com:10.0.0.2"], "tag": ["a", "b"]}
        assert app.messages.count("changed") == 2  # the box ticked, the choice picked

        app.messages.clear()
        form.query_one("#o-tag", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.messages == ["submitted", "changed"]

        form.query_one("#o-pin", Input).value = "lonely"
        try:
            form.values()
        except InputError as exc:
            assert str(exc) == "--pin: 'lonely': write each pin as HOST:ADDRESS"
        else:
            raise AssertionError("a bad pin was accepted")


async def test_no_options_draw_nothing() -> None:
    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionForm(())

    app = Empty()
    async with app.run_test(size=SIZE):
        form = app.query_one(OptionForm)
        assert not form.children and form.values() == {}


async def test_on_the_checks_screen_a_bad_value_is_one_line_and_good_values_reach_the_run(tmp_path: Path) -> None:
    OptionsCheck.seen.clear()
    ca = tmp_path / "ca.pem"
    ca.write_text("pem", encoding="utf-8")
    app = make_app(store_path=tmp_path / "s.sqlite3", inventory_path=tmp_path / "none.toml",
                   registry=Registry([OptionsCheck]))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.push_screen(ChecksScreen(check_ids=(OptionsCheck.id,)))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#o-ca_file", Input).value = str(tmp_path / "missing.pem")
        await pilot.press("ctrl+r")
        await pilot.pause()
        shown = [n.message for n in app._notifications if "missing.pem" in n.message]
        assert shown == [f"“CA file” {tmp_path / 'missing.pem'}: no such file"], shown
        assert str(screen.query_one("#run-status").render()) == "" and not OptionsCheck.seen  # nothing ran

        screen.query_one("#o-ca_file", Input).value = str(ca)
        screen.query_one("#o-platform", Select).value = "xsp"
        screen.query_one("#o-loud", Checkbox).value = True
        field = screen.query_one("#o-tag", Input)
        field.value = "x,y"
        field.focus()
        await pilot.press("enter")  # enter in a line runs the checks
        await wait_for_run(pilot)
        assert OptionsCheck.seen == [{"loud": True, "platform": "xsp", "ca_file": str(ca), "pin": [],
                                      "tag": ["x", "y"]}]


async def test_the_paste_screen_runs_again_when_an_option_changes(tmp_path: Path) -> None:
    """The paste screen listens to the form's Changed message: a choice picked (or enter in a
    line) runs the checks again with the new value, as a paste does."""
    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=SIZE) as pilot:
        app.open_case(DEMO_CASE_ID)
        app.action_area("blf")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PasteStepsScreen)
        screen.query_one("#p-as_patches", TextArea).load_text(fx.listpatch(fx.BLF["R23"]))
        await wait_for_run(pilot)
        assert screen._run_options["xsp_platform"] is None
        screen.query_one("#o-xsp_platform", Select).value = "adp"
        await pilot.pause()
        # The re-run is scheduled, as after a paste (a worker that waits a moment first).
        assert any(w.group == "paste-rerun" and not w.is_finished for w in app.workers)
        await wait_for_run(pilot)
        assert screen._run_options["xsp_platform"] == "adp"
        release = screen.query_one("#o-release", Input)
        release.value = "R24"
        release.focus()
        await pilot.press("enter")
        await wait_for_run(pilot)
        assert screen._run_options["release"] == "R24"
