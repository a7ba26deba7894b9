"""mypy passes on the engine (``checks/``) with the project's configuration (pyproject.toml,
``[tool.mypy]``): a change that breaks a type contract fails here, not in a plugin's hands."""
from __future__ import annotations

from pathlib import Path

from mypy import api

REPO = Path(__file__).resolve().parent.parent


def test_mypy_is_clean_on_checks() -> None:
    out, err, status = api.run(["--config-file", str(REPO / "pyproject.toml"),
                                "--cache-dir", str(REPO / ".mypy_cache"), str(REPO / "checks")])
    assert status == 0, out + err
    assert out.startswith("Success:"), out
