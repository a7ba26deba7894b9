"""Modules hold one idea each (issue 10 item 7): none in the engine or the console grows past
450 lines. The aim is ~400; the margin lets a module take a fix before someone splits it."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 450


def modules_over(limit: int, base: Path, folders: tuple[str, ...]) -> list[tuple[str, int]]:
    """Every ``*.py`` under ``base``/``folders`` with more than ``limit`` lines (path relative to
    ``base``, line count), longest first."""
    over = []
    for folder in folders:
        for path in (base / folder).rglob("*.py"):
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > limit:
                over.append((path.relative_to(base).as_posix(), n))
    return sorted(over, key=lambda item: (-item[1], item[0]))


def test_the_size_check_finds_a_long_module(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "long.py").write_text("x = 1\n" * 12, encoding="utf-8")
    (tmp_path / "pkg" / "edge.py").write_text("x = 1\n" * 10, encoding="utf-8")
    (tmp_path / "pkg" / "notes.txt").write_text("x\n" * 50, encoding="utf-8")
    assert modules_over(10, tmp_path, ("pkg",)) == [("pkg/sub/long.py", 12)]


def test_no_module_in_checks_or_tui_is_over_450_lines() -> None:
    over = modules_over(MAX_LINES, ROOT, ("checks", "tui"))
    assert not over, "split these along their seams (one idea per module): " + ", ".join(
        f"{name} ({n} lines)" for name, n in over)
