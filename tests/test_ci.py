""".ci/run: runs the README's test command verbatim and always ends with pytest's summary line.

The script runs in a scratch copy whose README holds a stand-in command (the real one would
install the project and run this very suite).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MARKER = "<!-- test-command: .ci/run runs the next line verbatim -->"


def _run_ci(tmp_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / ".ci").mkdir()
    shutil.copy2(REPO / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "README.md").write_text(f"# x\n\n{MARKER}\n```sh\n{command}\n```\n\nmore ```text```\n")
    env = dict(os.environ, WXTRIAGE_CI_NO_NGINX="1", TMPDIR=str(tmp_path))
    return subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True,
                          env=env, timeout=60)


def test_readme_marker_names_the_set_up_command():
    lines = (REPO / "README.md").read_text().splitlines()
    at = lines.index(MARKER)
    assert lines[at + 1] == "```sh"
    assert lines[at + 2] == ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' "
                             "&& .venv/bin/python -m pytest -q -n auto")


@pytest.mark.parametrize("status, summary", [
    (1, "1 failed, 299 passed, 2 skipped in 192.29s (0:03:12)"),
    (0, "300 passed in 190.01s (0:03:10)"),
    (2, "1 error in 0.31s"),
])
def test_summary_is_printed_whatever_the_outcome(tmp_path: Path, status: int, summary: str):
    r = _run_ci(tmp_path, f"echo 'tests/test_x.py .F'; echo '{summary}'; exit {status}")
    assert r.returncode == status, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("ci: running: echo")
    assert lines[-2:] == [f"ci: pytest summary: {summary}", f"ci: exit status {status}"]
    assert not list(tmp_path.glob("wxtriage-ci.*"))  # its log is removed


def test_a_failure_before_pytest_says_so(tmp_path: Path):
    r = _run_ci(tmp_path, "echo 'ERROR: No matching distribution found for textual' >&2; exit 1")
    assert r.returncode == 1
    assert re.search(r"^ci: pytest summary: none \(pytest did not finish", r.stdout, re.M)
    assert "No matching distribution" in r.stdout  # the command's stderr is shown too
