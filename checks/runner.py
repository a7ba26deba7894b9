"""Run checks concurrently with a bound, a timeout each, and progress events.

Whatever a check does — raise, hang, get cancelled — the runner returns one
:class:`CheckResult` for it; a crash or timeout becomes status ``error`` with the message.
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from .api import Check, CheckContext, InputError, SkipCheck, utc_now
from .model import CheckResult, Status, status_for
from .redact import Redactor, keyring_redactor, redact_result
from .registry import LoadFailure


@dataclass(frozen=True)
class CheckStarted:
    check_id: str


@dataclass(frozen=True)
class CheckProgress:
    check_id: str
    message: str


@dataclass(frozen=True)
class CheckFinished:
    result: CheckResult


RunEvent = CheckStarted | CheckProgress | CheckFinished
EventCallback = Callable[[RunEvent], None]


def _now(clock: Callable[[], _dt.datetime] = utc_now) -> str:
    return clock().isoformat(timespec="seconds")


def load_failure_result(f: LoadFailure) -> CheckResult:
    return CheckResult(check_id=f.name, title=f"plugin {f.target}", area="", status=Status.ERROR,
                       reason=f"plugin failed to load: {f.message}", started_at=_now())


async def run_one(check_cls: type[Check], ctx: CheckContext, on_event: EventCallback | None = None,
                  redactor: Redactor | None = None) -> CheckResult:
    """Run one check; its result is redacted (text rules + keyring passwords) before anyone sees it.
    A shared ``redactor`` comes from :func:`~checks.redact.keyring_redactor`; without one, one is
    made from the run's secrets snapshot (``ctx.services.known_secrets()``)."""
    emit = on_event or (lambda e: None)
    if redactor is None:
        redactor = keyring_redactor(secrets=ctx.services.known_secrets())
    started = _now(ctx.clock)
    t0 = time.perf_counter()
    base = dict(check_id=check_cls.id, title=check_cls.title, area=check_cls.area, started_at=started)

    def done(status: Status, findings=(), reason: str = "", artifacts=()) -> CheckResult:
        r = CheckResult(status=status, findings=tuple(findings), reason=reason,
                        duration_s=time.perf_counter() - t0, artifacts=tuple(artifacts), **base)
        # Checks redact their own evidence; this pass catches what one missed (a stored password
        # quoted from a log line, a token in a URL's query, a crash message naming a URL).
        r = redact_result(r, redactor)
        emit(CheckFinished(r))
        return r

    emit(CheckStarted(check_cls.id))
    if ctx.cancelled:
        return done(Status.SKIP, reason="cancelled before it started")
    # Each check gets its own view of the context so progress is attributed to it.
    own = CheckContext(**{**ctx.__dict__, "progress_cb": lambda m: emit(CheckProgress(check_cls.id, m)),
                          "artifacts": []})
    try:
        check = check_cls()
        reason = check.applies(own)
        if reason:
            return done(Status.SKIP, reason=reason)
        async with asyncio.timeout(check_cls.timeout_s):
            findings = list(await check.run(own))
    except SkipCheck as exc:
        return done(Status.SKIP, reason=str(exc) or "the check could not decide")
    except InputError as exc:  # the message already names the file and what was expected
        return done(Status.ERROR, reason=str(exc))
    except TimeoutError:
        return done(Status.ERROR, reason=f"timed out after {check_cls.timeout_s:g} s")
    except asyncio.CancelledError:
        done(Status.SKIP, reason="cancelled")
        raise
    except Exception as exc:  # noqa: BLE001 - any crash is reported, never propagated
        return done(Status.ERROR, reason=f"{type(exc).__name__}: {exc}")
    return done(status_for(findings), findings, artifacts=own.artifacts)


async def run_checks(checks: Sequence[type[Check]], ctx: CheckContext, *, concurrency: int = 8,
                     on_event: EventCallback | None = None,
                     load_failures: Sequence[LoadFailure] = (),
                     redactor: Redactor | None = None) -> list[CheckResult]:
    """Run ``checks`` (at most ``concurrency`` at once); results come back in input order.

    If the surrounding task is cancelled, checks not yet finished are reported as
    skipped with reason "cancelled" through ``on_event`` and the cancellation propagates.
    """
    sem = asyncio.Semaphore(max(1, concurrency))
    # One per run (or per fleet scan, handed in), taught the keyring's passwords once: a secret gets
    # the same placeholder in every check.
    redactor = redactor or keyring_redactor(secrets=ctx.services.known_secrets())

    async def guarded(c: type[Check]) -> CheckResult:
        async with sem:
            return await run_one(c, ctx, on_event, redactor)

    results = [redact_result(load_failure_result(f), redactor) for f in load_failures]
    for r in results:
        if on_event:
            on_event(CheckFinished(r))
    results += await asyncio.gather(*(guarded(c) for c in checks))
    return results
