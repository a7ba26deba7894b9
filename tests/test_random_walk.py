"""Random walks: Pilot presses a few hundred random keys on every screen (fixed seeds, never a
quit key) and the console must still be running, with no traceback and no crashed worker shown.

The keys are what a person presses while finding their way: moving the focus, scrolling,
paging, selecting, typing a few characters, the screens' own letter and control keys. Escape and
F2 (which leave the screen) are rare, so each walk spends most of its keys on its own screen.
"""
from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Callable

import pytest
from textual import events
from textual.keys import _character_to_key

from tui.app import WxTriageApp
from tui.demo import DEMO_CASE_ID, demo_app

SIZE = (100, 30)
#: How the app announces a worker that raised (its one handler, WxTriageApp.on_worker_error).
WORKER_CRASH = ("internal error:",)
KEYS_PER_WALK = 200
BURST = 10  # keys sent between two pauses

# (key, weight). No ctrl+q / ctrl+c (quit), no ctrl+p (the palette's "Quit" is one enter away).
KEYS: tuple[tuple[str, int], ...] = (
    ("tab", 12), ("shift+tab", 6), ("down", 10), ("up", 6), ("left", 3), ("right", 3),
    ("pagedown", 5), ("pageup", 4), ("home", 3), ("end", 3), ("enter", 8), ("space", 3),
    ("backspace", 2), ("delete", 1), ("ctrl+r", 2), ("ctrl+b", 1), ("ctrl+s", 1), ("ctrl+y", 1),
    ("ctrl+x", 1), ("ctrl+n", 1), ("f1", 1), ("f2", 1), ("escape", 2), ("question_mark", 1),
    ("slash", 1), ("minus", 1), ("full_stop", 1),
    *((ch, 1) for ch in "abcdefgilmnrsxy0123479"),
)


def _walk_keys(seed: int, n: int = KEYS_PER_WALK) -> list[str]:
    rnd = random.Random(seed)
    keys, weights = zip(*KEYS)
    return rnd.choices(keys, weights=weights, k=n)


async def _send(app: WxTriageApp, keys: list[str]) -> None:
    """Queue key events the way the terminal driver does, without Pilot's idle wait per key
    (that wait makes a few hundred keys take minutes); the app handles them in order."""
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, key if len(key) == 1 else _CHARS.get(name))
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]
        await asyncio.sleep(0)


_CHARS = {"space": " ", "question_mark": "?", "slash": "/", "minus": "-", "full_stop": "."}


def _start(name: str) -> Callable[[WxTriageApp], None]:
    def areas(area: str) -> Callable[[WxTriageApp], None]:
        return lambda app: app.action_area(area)

    starts: dict[str, Callable[[WxTriageApp], None]] = {
        "home": lambda app: None,
        "guided": lambda app: app.action_guided(),
        "live": lambda app: app.action_live(),
        "all-checks": lambda app: app.action_checks(),
        "bundle": lambda app: app.action_export_bundle(),
        "help": lambda app: app.action_help(),
        "playbook": lambda app: app.action_playbook(app.playbooks.all()[0].id),
        "har": lambda app: app.action_har(),
    }
    if name.startswith("area:"):
        return areas(name.removeprefix("area:"))
    return starts[name]


# One walk per screen class (the urls checklist is the generic checks screen, mtls the probes
# screen, blf the paste screen); the help and bundle dialogs are one key (F1, ctrl+b) from every
# walk, and F2 brings every walk home.
SCREENS = ["home", "guided", "live", "all-checks", "playbook", "har", "area:connectivity", "area:client-logs",
           "area:provisioning"]


@pytest.mark.parametrize("screen", SCREENS)
async def test_random_walk_keeps_the_console_running(screen: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a name typed as the bundle's or a copy's file lands here
    seed = sum(map(ord, screen))  # fixed per screen: a failure replays the same way
    app = demo_app(tmp_path / "ws")
    errors: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.open_case(DEMO_CASE_ID)
        _start(screen)(app)
        await pilot.pause()
        visited: set[str] = set()
        keys = _walk_keys(seed)
        for i in range(0, len(keys), BURST):
            await _send(app, keys[i:i + BURST])
            await pilot.pause()
            visited.add(type(app.screen).__name__)
            if not app.is_running or app._exception is not None:
                errors.append(f"keys {i}-{i + BURST} {keys[i:i + BURST]} on {type(app.screen).__name__}: "
                              f"app stopped ({app._exception!r})")
                break
        await pilot.pause()
        # A worker that crashed (not a finding, not a user-input message) is an error shown.
        crashed = [n.message for n in app._notifications
                   if n.message.startswith(WORKER_CRASH) or "Traceback" in n.message]
        errors += crashed
        assert app.is_running, errors
    assert not errors, f"seed {seed}: {errors}"
    assert app.return_code in (None, 0)


async def test_empty_timeline_takes_paging_keys(tmp_path: Path) -> None:
    """The path from issue 14: Client logs, Tab to the empty timeline, PageDown (it used to exit with
    a traceback), then the same after a run whose time window leaves the timeline empty."""
    from textual.widgets import DataTable, Input

    from tui.screens.client_logs import ClientLogsScreen

    from .test_client_logs import token_failure_logs
    from .tui_helpers import wait_for_run

    app = demo_app(tmp_path / "ws")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("escape", "g")  # escape leaves the symptom search, g opens the checklists
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClientLogsScreen)
        timeline = screen.query_one("#timeline", DataTable)
        for _ in range(15):
            if app.focused is timeline:
                break
            await pilot.press("tab")
        assert app.focused is timeline and timeline.row_count == 0
        await pilot.press("pagedown", "pageup", "end", "home", "enter", "down")
        assert app.is_running and isinstance(app.screen, ClientLogsScreen)

        # A run whose window leaves the timeline empty (and says so).
        screen.query_one("#o-logs", Input).value = str(token_failure_logs(tmp_path / "logs", count=50))
        screen.query_one("#o-since", Input).value = "2026-11-20T14:00:00Z"
        screen.query_one("#o-until", Input).value = "2026-11-20T14:00:09Z"
        screen.query_one("#o-logs", Input).focus()
        await pilot.press("ctrl+r")
        status = await wait_for_run(pilot)
        assert status.startswith("done") and "1 warn" in status
        assert timeline.row_count == 0
        timeline.focus()
        await pilot.press("pagedown", "end", "enter", "pageup")
        assert app.is_running and isinstance(app.screen, ClientLogsScreen)
        from textual.widgets import Static

        facts = str(screen.query_one("#facts", Static).render())
        assert "2026-11-20 14:00:00 – 2026-11-20 14:00:09" in facts and "50 matching event(s) left out" in facts
