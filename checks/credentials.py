"""BroadWorks test-user passwords: in the OS keyring, or in memory for one run.

The keyring service name is ``wxtriage``; the keyring cannot list its entries, so the user IDs
(never the passwords) are kept in ``credentials.json`` in the config dir for ``credentials list``.
Where no keyring backend works (a headless Linux box without Secret Service), every call raises
:class:`CredentialsUnavailable` with a message that names the alternative: ``--ask-password``
prompts for the password and keeps it in memory only.

:func:`known_secrets` gives the leak scanner every password this process has handled or can
read back, so none of them can leave the machine in a report or bundle.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

from .paths import config_dir

SERVICE = "wxtriage"

NO_KEYRING_HELP = ("no usable keyring backend on this machine ({why}). Either set up an OS keyring "
                   "(GNOME Keyring/KWallet via Secret Service, macOS Keychain, Windows Credential Locker), "
                   "or do not store the password: run checks with --test-user USER --ask-password to type "
                   "it for that run only (kept in memory, never written)")

# Passwords seen in this process (typed, read from the keyring, or stored): for known_secrets().
_SEEN: set[str] = set()
_MEMORY: dict[str, str] = {}


class CredentialsUnavailable(RuntimeError):
    """The keyring cannot be used; the message says why and what to do instead."""


def _index_path() -> Path:
    return config_dir() / "credentials.json"


def _read_index() -> list[str]:
    try:
        users = json.loads(_index_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [u for u in users if isinstance(u, str)] if isinstance(users, list) else []


def _write_index(users: list[str]) -> None:
    p = _index_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(sorted(set(users)), indent=1), encoding="utf-8")
    os.replace(tmp, p)


def _keyring_call(fn: Callable, *args: str):
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    try:
        return fn(*args)
    except PasswordDeleteError:
        raise
    except NoKeyringError as exc:
        raise CredentialsUnavailable(NO_KEYRING_HELP.format(why=str(exc) or "NoKeyringError")) from None
    except KeyringError as exc:
        raise CredentialsUnavailable(NO_KEYRING_HELP.format(why=f"{type(exc).__name__}: {exc}")) from None


def validate_user(user: str) -> str:
    user = user.strip()
    if not user or any(c.isspace() for c in user) or len(user) > 256:
        raise ValueError("a BroadWorks user ID is one word such as testuser@example.com")
    return user


def set_password(user: str, password: str) -> None:
    """Store ``password`` for ``user`` in the OS keyring."""
    import keyring

    user = validate_user(user)
    if not password:
        raise ValueError("empty password: nothing stored")
    _keyring_call(keyring.set_password, SERVICE, user, password)
    _SEEN.add(password)
    _write_index(_read_index() + [user])


def delete_password(user: str) -> bool:
    """Remove ``user``'s password; False when none was stored."""
    import keyring
    from keyring.errors import PasswordDeleteError

    user = validate_user(user)
    _MEMORY.pop(user, None)
    try:
        _keyring_call(keyring.delete_password, SERVICE, user)
        found = True
    except PasswordDeleteError:
        found = False
    _write_index([u for u in _read_index() if u != user])
    return found


def list_users() -> list[str]:
    """User IDs with a stored password (never the passwords)."""
    return sorted(set(_read_index()))


def remember(user: str, password: str) -> None:
    """Keep a typed password in memory for this process only."""
    _MEMORY[validate_user(user)] = password
    _SEEN.add(password)


def forget_memory() -> None:
    """Drop every password typed in this process (not the keyring's)."""
    _MEMORY.clear()


def get_password(user: str, prompt: Callable[[str], str] | None = None) -> str | None:
    """The password for ``user``: memory, then keyring, then ``prompt`` (if given).

    Raises :class:`CredentialsUnavailable` when the keyring is unusable and no prompt is given.
    """
    import keyring

    user = validate_user(user)
    if user in _MEMORY:
        return _MEMORY[user]
    unavailable: CredentialsUnavailable | None = None
    try:
        pw = _keyring_call(keyring.get_password, SERVICE, user)
    except CredentialsUnavailable as exc:
        pw, unavailable = None, exc
    if pw:
        _SEEN.add(pw)
        return pw
    if prompt is not None:
        typed = prompt(user)
        if typed:
            remember(user, typed)
            return typed
        return None
    if unavailable is not None:
        raise unavailable
    return None


def generation() -> tuple[Any, ...]:
    """Changes whenever :func:`known_secrets` may answer differently: this process learnt or forgot
    a password, or the index of stored users was rewritten (here or by another process). A stat,
    not a keyring read, so a cached snapshot of the secrets can be checked on every keystroke."""
    p = _index_path()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        mtime = None
    return (str(p), mtime, id(_SEEN), len(_SEEN), id(_MEMORY), hash(frozenset(_MEMORY.items())))


def known_secrets() -> set[str]:
    """Every test-user password this process knows or can read back (for the leak scanner)."""
    out = set(_SEEN) | set(_MEMORY.values())
    users = _read_index()
    if not users:  # nothing stored: skip loading the keyring (tens of ms on every HAR analysis)
        return out
    import keyring

    for user in users:
        try:
            pw = _keyring_call(keyring.get_password, SERVICE, user)
        except CredentialsUnavailable:
            break
        if pw:
            out.add(pw)
    return out


def getpass_prompt(user: str) -> str:
    """Terminal prompt (the documented alternative when there is no keyring)."""
    import getpass

    try:
        return getpass.getpass(f"Password for BroadWorks test user {user} (kept in memory only): ")
    except EOFError:  # no terminal and nothing (more) on stdin: say so instead of crashing the check
        raise ValueError(f"No password was typed for {user}: --ask-password needs a terminal to ask on (stdin "
                         "ended). Run it from a terminal, or store the password with `wxtriage credentials set`."
                         ) from None


class KeyringCredentials:
    """The :class:`~checks.api.CredentialStore` of a run: this module's memory and the OS keyring."""

    def get_password(self, user: str, prompt: Callable[[str], str] | None = None) -> str | None:
        return get_password(user, prompt)

    def terminal_prompt(self, user: str) -> str:
        return getpass_prompt(user)


#: The default credential store (``CheckContext.services.credentials``).
KEYRING = KeyringCredentials()
