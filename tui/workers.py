"""Background work the Textual way: screens start workers with ``exit_on_error=False``, workers
hand their results back only as messages, and a worker that raised becomes one visible message
from one place — the app's :meth:`~tui.app.WxTriageApp.on_worker_error`.

Textual's ``Worker.StateChanged`` does not bubble, so every screen that starts workers mixes in
:class:`ReportsWorkerErrors`, which forwards a failure to the app as a :class:`WorkerError`
(which does). A screen may still handle ``Worker.StateChanged`` itself to put its own widgets
back (a Run button enabled again); it never shows the error itself.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Callable, Sequence

from textual.message import Message
from textual.worker import Worker, WorkerState

from checks.api import Check, CheckContext
from checks.model import CheckResult
from checks.registry import LoadFailure
from checks.runner import RunEvent

from .background import BackgroundRun

if TYPE_CHECKING:
    from textual.app import App


class WorkerError(Message):
    """A worker raised: the app reports it (a crash report and one line on screen)."""

    def __init__(self, worker: Worker) -> None:  # type: ignore[type-arg]
        super().__init__()
        self.worker = worker


class ReportsWorkerErrors:
    """Mixin for a screen that starts workers: a failed worker is reported by the app."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.post_message(WorkerError(event.worker))  # type: ignore[attr-defined]


async def ask_password_first(app: App, checks: Sequence[type[Check]], ctx: CheckContext) -> None:  # type: ignore[type-arg]
    """Call from a worker before a run: ask in a modal (awaited with ``push_screen_wait``) for
    each password ``checks`` will need (:func:`checks.api.password_users`) that is neither in
    memory nor in the keyring. The checks then ask the engine's way (``Services.password_prompt``),
    which answers with what was typed here: a check never reads the terminal the UI is drawn on,
    and no thread waits on the UI."""
    from checks.api import CredentialsUnavailable, password_users

    from .screens.password import PasswordScreen

    store = ctx.services.credentials
    answers: dict[str, str] = {}

    def known(user: str) -> bool:  # the keyring may be slow or locked: not on the UI's loop
        try:
            return bool(store.get_password(user))
        except (CredentialsUnavailable, ValueError):  # no keyring; a bad ID (the check says so)
            return False

    for user in password_users(checks, ctx.options):
        if not await asyncio.to_thread(known, user):
            answers[user] = await app.push_screen_wait(PasswordScreen(user)) or ""
    ctx.services.password_prompt = lambda user: answers.get(user, "")


async def run_in_thread(run: BackgroundRun, checks: Sequence[type[Check]], ctx: CheckContext,
                        on_event: Callable[[RunEvent], None] = lambda ev: None,
                        load_failures: Sequence[LoadFailure] = ()) -> tuple[list[CheckResult], bool]:
    """Await ``run`` (the checks on their own loop in a thread, so a slow or CPU-heavy check never
    blocks the UI). A worker cancelled meanwhile (a newer run, the screen closed) cancels the
    checks too. Returns (results, cancelled)."""
    try:
        return await asyncio.to_thread(run.run, checks, ctx, on_event, load_failures)
    except asyncio.CancelledError:
        run.cancel()
        raise
