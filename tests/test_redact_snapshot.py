"""The secrets snapshot: the stored passwords are read once per run (and once per change of the
credentials for messages), injected through ``Services``, and replaced in every result."""
from __future__ import annotations

import asyncio

import pytest

from checks import credentials
from checks.api import Check, CheckContext, Services
from checks.model import Finding, Severity
from checks.redact import SecretsSnapshot, current_secrets, safe_message
from checks.runner import run_checks


def _quoting(i: int, text: str) -> type[Check]:
    class Quotes(Check):
        id = f"t.quotes{i}"
        title = "quotes a line"
        area = "server"

        async def run(self, ctx):
            return [Finding("t.q", Severity.ERROR, "login failed", f"log line {i}: {text}")]
    return Quotes


@pytest.fixture
def counted(monkeypatch):
    import checks.redact.documents as documents

    monkeypatch.setattr(documents, "_CURRENT", None)  # a snapshot cached by an earlier test
    monkeypatch.setattr(credentials, "_SEEN", set())  # the process-wide memory must not leak into other tests
    monkeypatch.setattr(credentials, "_MEMORY", {})
    calls: list[int] = []
    stored = {"St0red-Passw0rd-1"}
    monkeypatch.setattr(credentials, "known_secrets", lambda: calls.append(1) or set(stored))
    return calls, stored


def test_a_run_reads_the_stored_passwords_once_and_replaces_them_in_every_result(counted):
    calls, stored = counted
    password = next(iter(stored))
    services = Services()
    ctx = CheckContext(services=services)
    results = asyncio.run(run_checks([_quoting(i, f"pw={password} (plain)") for i in range(12)], ctx))
    assert len(results) == 12 and len(calls) <= 1  # once for the run (or not at all: cached already)
    for r in results:
        detail = r.findings[0].detail
        assert password not in detail and "<redacted:stored-password:1>" in detail
    assert services.secrets is not None and password in services.secrets.values


def test_an_injected_snapshot_is_what_the_run_uses(counted):
    calls, _ = counted
    injected = SecretsSnapshot(frozenset({"Inj3cted-Secret-42", "4711"}))
    ctx = CheckContext(services=Services(secrets=injected))
    (r,) = asyncio.run(run_checks([_quoting(0, "Inj3cted-Secret-42 then pin 4711 then 47110")], ctx))
    detail = r.findings[0].detail
    assert calls == []  # the keyring was never asked
    assert "Inj3cted-Secret-42" not in detail and " 4711 " not in detail and "47110" in detail  # short: whole tokens


def test_messages_read_the_credentials_again_only_when_they_changed(counted, tmp_path, monkeypatch):
    calls, stored = counted
    current_secrets()
    before = len(calls)
    for _ in range(50):  # a validation message per keystroke
        assert "St0red-Passw0rd-1" not in safe_message("bad value St0red-Passw0rd-1 here")
    assert len(calls) == before
    credentials.remember("someone@example.com", "Typed-Later-99")  # the credentials change …
    stored.add("Typed-Later-99")
    assert "Typed-Later-99" not in safe_message("x Typed-Later-99 y")  # … and the next message knows it
    assert len(calls) == before + 1


def test_snapshot_is_immutable_and_a_broken_keyring_gives_an_empty_one(monkeypatch):
    snap = SecretsSnapshot(frozenset({"abcdefgh"}))
    with pytest.raises(AttributeError):
        snap.values = frozenset()  # type: ignore[misc]

    def broken():
        raise RuntimeError("keyring backend exploded")
    monkeypatch.setattr(credentials, "known_secrets", broken)
    assert SecretsSnapshot.read() == SecretsSnapshot()
