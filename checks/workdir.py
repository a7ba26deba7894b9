"""Temporary work that cleans up after itself, even after kill -9.

Each process gets a private folder ``<data dir>/tmp/<pid>-<random>`` (mode 0700) for scratch
files (the redacted HAR copies a bundle attaches …); it is removed when the process exits. Partial
outputs that must live next to their target so the final rename is atomic (``.X.zip.….part``) are
*registered* in that folder first. A process killed before it could clean up leaves its folder
behind; :func:`sweep` (run when any ``wxtriage`` command or the terminal UI starts) removes the
folders of processes that no longer run, and the partial outputs they registered.

Nothing in these files is ever an unredacted secret (see docs/security.md): the sweep is about
disk space and tidiness, not about leaks.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

from .paths import data_dir

_LOCK = threading.Lock()
_MINE: Path | None = None
_PENDING = "partial-outputs.txt"


def tmp_root() -> Path:
    return data_dir() / "tmp"


def private_tmp() -> Path:
    """This process's private scratch folder (created on first use, removed at exit)."""
    global _MINE
    with _LOCK:
        if _MINE is not None and _MINE.is_dir() and _MINE.parent == tmp_root():
            return _MINE
        root = tmp_root()
        root.mkdir(parents=True, exist_ok=True)
        _MINE = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
        atexit.register(_remove, _MINE)
        return _MINE


def scratch_dir(prefix: str) -> tempfile.TemporaryDirectory:
    """A ``TemporaryDirectory`` inside :func:`private_tmp` (removed on exit of the ``with``)."""
    return tempfile.TemporaryDirectory(prefix=prefix, dir=private_tmp())


def register_partial(path: Path | str) -> None:
    """Note a partial output written outside the private folder, so a later sweep can remove it
    if this process dies before renaming or deleting it."""
    try:
        with (private_tmp() / _PENDING).open("a", encoding="utf-8") as fh:
            fh.write(str(Path(path).resolve()) + "\n")
    except OSError:
        pass  # the partial output is still removed by its writer on any handled failure


def _remove(folder: Path) -> None:
    _remove_partials(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _remove_partials(folder: Path) -> None:
    try:
        listed = (folder / _PENDING).read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    for line in listed:
        p = Path(line)
        # Only what our writers create: hidden ".<name>.<random>.part" files or folders.
        if not (p.name.startswith(".") and p.name.endswith(".part")):
            continue
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink()
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def sweep() -> int:
    """Remove the scratch folders (and registered partial outputs) of processes that are gone;
    returns how many folders were removed. Never raises."""
    removed = 0
    try:
        entries = list(tmp_root().iterdir())
    except OSError:
        return 0
    for folder in entries:
        pid_text = folder.name.split("-", 1)[0]
        if not folder.is_dir() or not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        _remove(folder)
        removed += 1
    return removed
