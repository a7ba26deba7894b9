"""Run checks on a private event loop in a worker thread, so a slow or CPU-heavy check never
blocks the UI, while keeping real cancellation (the task is cancelled on its own loop)."""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Coroutine, Sequence, TypeVar

from checks.api import Check, CheckContext
from checks.model import CheckResult
from checks.registry import LoadFailure
from checks.runner import RunEvent, run_checks

T = TypeVar("T")


class BackgroundRun:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._lock = threading.Lock()

    def run(self, checks: Sequence[type[Check]], ctx: CheckContext, on_event: Callable[[RunEvent], None],
            load_failures: Sequence[LoadFailure] = ()) -> tuple[list[CheckResult], bool]:
        """Blocking: call from a worker thread. Returns (results, cancelled)."""
        finished: list[CheckResult] = []

        def record(ev: RunEvent) -> None:
            from checks.runner import CheckFinished
            if isinstance(ev, CheckFinished):
                finished.append(ev.result)
            on_event(ev)

        result, cancelled = self.run_coroutine(
            lambda: run_checks(checks, ctx, on_event=record, load_failures=load_failures))
        return (finished if cancelled else result), cancelled

    def run_coroutine(self, make: Callable[[], Coroutine[Any, Any, T]]) -> tuple[T | None, bool]:
        """Blocking: run ``make()`` on a private loop (a fleet scan, say). Returns (result, cancelled)."""
        loop = asyncio.new_event_loop()
        try:
            with self._lock:
                self._loop = loop
                self._task = loop.create_task(make())
            try:
                return loop.run_until_complete(self._task), False
            except asyncio.CancelledError:
                return None, True
        finally:
            with self._lock:
                self._loop = self._task = None
            loop.close()

    def cancel(self) -> bool:
        with self._lock:
            if self._loop is None or self._task is None:
                return False
            self._loop.call_soon_threadsafe(self._task.cancel)
            return True
