"""Helpers for tests: run the ``wxtriage`` CLI, in this process (fast) or as a real subprocess.

In-process is the default: ``main(argv)`` with its own stdin/stdout/stderr and ``WXTRIAGE_HOME``,
exactly the arguments a shell would pass, at a fraction of a process start's cost. A few smoke
tests pass ``process=True`` to run the installed console script: what only a real process shows
(the entry point, the real keyring backend, a terminal-less ``getpass``, exit codes from
``sys.exit``).
"""
from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest import mock


@dataclass
class Completed:
    code: int
    out: str
    err: str


def wxtriage(*args: str, home: Path | None = None, timeout: float = 60, input: str | None = None,
             process: bool = False) -> Completed:
    """Run ``wxtriage ARGS``; ``process=True`` starts the installed console script instead
    (falls back to ``python -m tui.cli``)."""
    if process:
        return _subprocess(args, home, timeout, input)
    return _in_process(args, home, input)


def _subprocess(args: tuple[str, ...], home: Path | None, timeout: float, input: str | None) -> Completed:
    exe = shutil.which("wxtriage", path=os.path.dirname(sys.executable))
    cmd = [exe, *args] if exe else [sys.executable, "-m", "tui.cli", *args]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    if home is not None:
        env["WXTRIAGE_HOME"] = str(home)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, input=input)
    return Completed(p.returncode, p.stdout, p.stderr)


class _Pipe(io.StringIO):
    """What a subprocess's captured stdout/stderr looks like to the code: not a terminal."""

    def isatty(self) -> bool:
        return False


_LOCK = threading.Lock()  # stdin/stdout/stderr and the environment are process-wide


def _in_process(args: tuple[str, ...], home: Path | None, input: str | None) -> Completed:
    from tui.launch import main  # the console script's own entry point

    out, err = _Pipe(), _Pipe()

    def call() -> int:
        try:
            return main(list(args))
        except SystemExit as exc:  # argparse (--help, --version, a usage error)
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)

    env = {"WXTRIAGE_HOME": str(home)} if home is not None else {}
    # A subprocess given no input inherits the suite's stdin; here it gets an empty pipe.
    with _LOCK, mock.patch.dict(os.environ, env), mock.patch.object(sys, "stdin", _Pipe(input or "")), \
            redirect_stdout(out), redirect_stderr(err):
        code = _outside_event_loop(call)
    return Completed(code, out.getvalue(), err.getvalue())


def _outside_event_loop(call) -> int:
    """Commands call ``asyncio.run``, which refuses to start inside a running loop (an async
    test): there, run the command on a thread of its own, as a subprocess would be."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    result: list[int] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(call())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if failure:
        raise failure[0]
    return result[0]
