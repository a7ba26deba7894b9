"""Workers the Textual way: runs are workers with exit_on_error=False, results arrive as messages,
one app-level handler shows a worker's failure, the password is asked with push_screen_wait
before a run (never on the terminal under the UI), colours live in the stylesheet."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, Input, Select

from tui.background import BackgroundRun
from tui.demo import DEMO_CASE_ID, demo_app
from tui.screens.checks import ChecksScreen
from tui.screens.password import PasswordScreen

from .tui_helpers import SIZE, demo_pilot, screen_shown, wait_for_run, workers_done

TUI = Path(__file__).resolve().parent.parent / "tui"


async def _typed_cluster_for_bob(pilot):
    """The checks screen with a typed cluster whose Xsi-Actions port nothing listens on (the run
    is quick; the password is asked before it anyway) and bob@example.com as the test user."""
    s = pilot.app.screen
    s.query_one("#cluster", Select).value = "__typed__"
    await pilot.pause()
    s.query_one("#c-xsi_actions", Input).value = "https://127.0.0.1:9/com.broadsoft.xsi-actions/v2.0/"
    s.query_one("#o-probe_timeout", Input).value = "1"
    s.query_one("#o-test_user", Input).value = "bob@example.com"
    return s


async def test_a_worker_that_raises_is_one_message_from_the_app(tmp_path: Path, monkeypatch):
    def boom(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the runner fell over")

    monkeypatch.setattr(BackgroundRun, "run", boom)
    app = demo_app(tmp_path / "ws")
    app.keep_running_on_error = True
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.open_case(DEMO_CASE_ID)
        app.push_screen(ChecksScreen(check_ids=("xsp.urls",)))
        await pilot.pause()
        screen = app.screen
        screen.action_run()
        await workers_done(pilot)
        assert app.internal_error.startswith("internal error: RuntimeError: the runner fell over")
        shown = [n.message for n in app._notifications if "fell over" in n.message]
        assert len(shown) == 1, shown  # one message, from the app; not one per screen and one per app
        # The screen is ready for another run and says what happened.
        assert not screen.query_one("#run", Button).disabled and screen.query_one("#cancel", Button).disabled
        assert "failed" in str(screen.query_one("#run-status").render())
        assert app.is_running and app.screen is screen


@pytest.mark.parametrize("area", [None, "connectivity"])
async def test_password_is_asked_in_a_modal_before_the_run(tmp_path: Path, monkeypatch, area):
    """Every checks screen (the live session's too, not only the probes screen) asks in a modal;
    before, the live session with "Ask for the test user's password" read the terminal under
    the UI (getpass)."""
    import getpass

    from checks import credentials

    def no_terminal(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("getpass under the UI")

    monkeypatch.setattr(getpass, "getpass", no_terminal)
    credentials.forget_memory()
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        if area:
            app.action_area(area)
        else:
            app.push_screen(ChecksScreen(check_ids=("cluster.connectivity",)))
        await pilot.pause()
        s = await _typed_cluster_for_bob(pilot)
        s.query_one("#o-ask_password", Checkbox).value = True
        s.action_run()
        assert isinstance(await screen_shown(pilot, PasswordScreen), PasswordScreen)
        assert "running" in str(s.query_one("#run-status").render())
        await pilot.press(*"Typed-1", "enter")
        await wait_for_run(pilot, timeout=60)
        assert app.screen is s
        # Kept in memory for the session (the engine's credential store), never stored.
        assert credentials.get_password("bob@example.com") == "Typed-1"
    credentials.forget_memory()


async def test_a_known_password_is_not_asked_again(tmp_path: Path):
    from checks import credentials

    credentials.forget_memory()
    credentials.remember("bob@example.com", "Known-1")
    async with demo_pilot(tmp_path / "ws") as pilot:
        app = pilot.app
        app.push_screen(ChecksScreen(check_ids=("cluster.connectivity",)))
        await pilot.pause()
        s = await _typed_cluster_for_bob(pilot)
        s.action_run()
        await wait_for_run(pilot, timeout=60)
        assert app.screen is s  # no dialog came up
    credentials.forget_memory()


def _python_strings(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value))
    return out


COLOUR = re.compile(r"(?<![\w-])(red|green|yellow|magenta|blue|cyan|white|black|orange|purple|grey|gray)(?![\w-])"
                    r"|#[0-9a-fA-F]{3,8}\b|\brgb\(")
STYLE_STRING = re.compile(r"^(bold |italic |dim |reverse |not )*(red|green|yellow|magenta|blue|cyan|white|black)"
                          r"( on \w+)?$")


def test_colours_live_in_the_stylesheets_not_in_python():
    """No colour in a Python string of the TUI: not as a Rich style ("bold red"), not in markup
    ("[red]"), not as hex. Tones are component classes the .tcss files colour."""
    found = []
    for path in sorted(TUI.rglob("*.py")):
        if "cli" in path.relative_to(TUI).parts:
            continue  # the CLI prints plain text
        for line, text in _python_strings(path):
            markup = re.findall(r"\[/?\s*([^\]]*)\]", text)
            if STYLE_STRING.match(text.strip()) or any(COLOUR.search(m) for m in markup) or \
                    re.search(r"#[0-9a-fA-F]{6}\b", text):
                found.append(f"{path.relative_to(TUI)}:{line}: {text[:60]!r}")
    assert not found, found
