"""Helpers for tests: run the real ``wxtriage`` console script in a subprocess."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Completed:
    code: int
    out: str
    err: str


def wxtriage(*args: str, home: Path | None = None, timeout: float = 60, input: str | None = None) -> Completed:
    """Run the installed console script (falls back to ``python -m tui.cli``)."""
    exe = shutil.which("wxtriage", path=os.path.dirname(sys.executable))
    cmd = [exe, *args] if exe else [sys.executable, "-m", "tui.cli", *args]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    if home is not None:
        env["WXTRIAGE_HOME"] = str(home)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, input=input)
    return Completed(p.returncode, p.stdout, p.stderr)
