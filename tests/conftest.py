"""Shared fixtures: every test gets its own WXTRIAGE_HOME, an in-memory keyring and no password
remembered from an earlier test."""
from __future__ import annotations

import os
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from checks import credentials

REPO = Path(__file__).resolve().parent.parent


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in a dict (tests only)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture(autouse=True)
def wxtriage_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "wxhome"
    monkeypatch.setenv("WXTRIAGE_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def fresh_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords typed, stored or read are remembered process-wide (the leak scanner's list): each
    test starts without any, so no test passes because an earlier one handled the same password."""
    monkeypatch.setattr(credentials, "_SEEN", set())
    monkeypatch.setattr(credentials, "_MEMORY", {})


@pytest.fixture
def example_inventory() -> Path:
    return REPO / "examples" / "inventory.toml"


def cli_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["WXTRIAGE_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    return env
