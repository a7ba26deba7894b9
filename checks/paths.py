"""Where wxtriage keeps its files. ``WXTRIAGE_HOME`` overrides both (tests, portable use)."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def config_dir() -> Path:
    home = os.environ.get("WXTRIAGE_HOME")
    return Path(home) / "config" if home else Path(platformdirs.user_config_dir("wxtriage"))


def data_dir() -> Path:
    home = os.environ.get("WXTRIAGE_HOME")
    return Path(home) / "data" if home else Path(platformdirs.user_data_dir("wxtriage"))
