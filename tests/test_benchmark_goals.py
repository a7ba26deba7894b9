"""benchmarks/goals.py names real benchmarks with arguments they accept (it runs them for the
README's performance figures; a renamed flag would only show up at the end of a 20-minute run)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.goals import GOALS, main  # noqa: E402


def _flags(script: str) -> str:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--help"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("name", sorted(GOALS))
def test_each_goal_runs_an_existing_benchmark_with_known_flags(name: str) -> None:
    _, full, quick = GOALS[name]
    assert full[0] == quick[0] and (ROOT / "benchmarks" / full[0]).is_file()
    help_text = _flags(full[0])
    for flag in [a for a in full + quick if a.startswith("--")]:
        assert flag in help_text, f"{full[0]} has no {flag}"


def test_an_unknown_goal_is_refused_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--only", "har,nope", "--log", str(tmp_path / "g.log")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err
