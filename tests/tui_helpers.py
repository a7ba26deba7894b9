"""Pilot helpers shared by the TUI tests: open the demo workspace, await the app's work.

Tests await what the app does — its workers (:func:`tui.screenshots.workers_done`), a screen a
worker pushes (:func:`screen_shown`) — instead of polling a label until a word appears: a poll
ends on whatever the label says first (the previous run's status, a re-run not started yet), and
on a busy machine that is not the state the test means.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static, Tree

from checks.model import Finding
from tui.demo import DEMO_CASE_ID, demo_app
from tui.screenshots import markdown_settled, steady_cursors, type_symptom, wait_for_run, workers_done

__all__ = ["SIZE", "SMALL", "demo_pilot", "findings_in", "har_status", "on_demo_case", "playbook_from_home",
           "screen_shown", "settled", "steady", "wait_for_run", "workers_done"]

SIZE = (120, 36)
SMALL = (80, 24)  # the smallest terminal support engineers use


@asynccontextmanager
async def demo_pilot(workspace: Path, size: tuple[int, int] = SIZE, case: str | None = DEMO_CASE_ID,
                     notifications: bool = False) -> AsyncIterator[Pilot]:
    """The app on the demo workspace at ``size``, with the demo case open (``case=None``: none)."""
    app = demo_app(workspace)
    async with app.run_test(size=size, notifications=notifications) as pilot:
        if case is not None:
            app.open_case(case)
        yield pilot


def findings_in(screen: Screen) -> list[Finding]:
    """Every finding in the screen's results tree, top to bottom."""
    out: list[Finding] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if isinstance(node.data, Finding):
            out.append(node.data)
        for child in node.children:
            walk(child)
    walk(screen.query_one("#results", Tree).root)
    return out


async def settled(pilot: Pilot, timeout: float = 30.0) -> Screen:
    """The current screen once the app's work has settled (see ``workers_done``)."""
    await workers_done(pilot, timeout)
    return pilot.app.screen


async def har_status(pilot: Pilot) -> str:
    """The HAR screen's status line once its analysis (or redacted copy) is done."""
    await workers_done(pilot)
    return str(pilot.app.screen.query_one("#har-status", Static).render())


async def playbook_from_home(pilot: Pilot, symptom: str) -> Screen:
    """From home: the symptom typed into the search and its first playbook opened."""
    await type_symptom(pilot, symptom)
    await pilot.press("enter")
    return await settled(pilot)


async def screen_shown(pilot: Pilot, kind: type[Screen], timeout: float = 30.0) -> Screen:
    """Await the app showing a screen of ``kind`` — a modal a worker pushes and waits on (the
    password prompt), while that worker keeps running — by the app's screen-change signal."""
    app = pilot.app
    if not isinstance(app.screen, kind):
        shown = asyncio.Event()

        def changed(screen: Screen) -> None:
            if isinstance(screen, kind):
                shown.set()

        app.screen_change_signal.subscribe(app, changed, immediate=True)
        try:
            await asyncio.wait_for(shown.wait(), timeout)
        finally:
            app.screen_change_signal.unsubscribe(app)
    await pilot.pause()
    return app.screen


async def steady(pilot: Pilot) -> None:
    """Last step before a picture: the app's work done, the focus where the screen puts it after
    its first refresh, every Markdown pane showing its last text, no blinking cursor (which would
    make the picture depend on timing)."""
    await workers_done(pilot)
    await markdown_settled(pilot)
    steady_cursors(pilot.app)
    await pilot.pause()


def on_demo_case(action: str, *args: object, before_picture: Callable[[Pilot], Awaitable[None]] = steady
                 ) -> Callable[[Pilot], Awaitable[None]]:
    """A snapshot's ``run_before``: open the demo case, run the app's ``action_<action>(*args)``,
    then ``before_picture``."""

    async def run_before(pilot: Pilot) -> None:
        pilot.app.open_case(DEMO_CASE_ID)
        getattr(pilot.app, f"action_{action}")(*args)
        await before_picture(pilot)

    return run_before
