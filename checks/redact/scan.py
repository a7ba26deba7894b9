"""The leak scanner: anything about to leave the machine is checked for secret shapes and for
values known to be secret; a hit refuses the write (:class:`LeakError`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .known import KnownValues
from .names import credential_like, looks_like_credential
from .text import (BEARER_RE, JWT_RE, MIN_KNOWN_LEN, _BEARER_ANCHORS, _JWT_ANCHORS, _matches_at, _short_token_re,
                   _userinfo_matches)

@dataclass(frozen=True)
class Leak:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class LeakError(RuntimeError):
    """Output refused because the leak scanner found a secret in it."""

    def __init__(self, leaks: Iterable[Leak]):
        self.leaks = list(leaks)
        shown = "; ".join(str(l) for l in self.leaks[:5])
        more = f" (+{len(self.leaks) - 5} more)" if len(self.leaks) > 5 else ""
        super().__init__(f"refused to write: possible secret found — {shown}{more}")


class LeakScanner:
    """Scans outgoing bytes for secret shapes and for values known to be secret.

    ``strict`` makes bearer/basic matches count only when the value looks like a credential
    (see :func:`credential_like`): needed for captured web content, where a JavaScript bundle
    says "basic functionality" and must not block the write.
    """

    def __init__(self, known_secrets: Iterable[str] = (), strict: bool = False):
        values = set(known_secrets)
        self.known = KnownValues(s for s in values if len(s) >= MIN_KNOWN_LEN)
        # Shorter values given here (stored passwords such as a PIN) are looked for as whole tokens;
        # short values learnt later through add() (a cookie "en") are not secrets worth refusing on.
        self._short_re = _short_token_re(s for s in values if 0 < len(s) < MIN_KNOWN_LEN)
        self.strict = strict

    def add(self, secrets: Iterable[str]) -> None:
        self.known.update(s for s in secrets if len(s) >= MIN_KNOWN_LEN)

    def _scan(self, text: str, loc: str) -> list[Leak]:
        leaks: list[Leak] = []
        if any(True for _ in _matches_at(JWT_RE, text, _JWT_ANCHORS)):
            leaks.append(Leak(loc, "a JWT (eyJ….….…)"))
        for m in _matches_at(BEARER_RE, text, _BEARER_ANCHORS, fold=True):
            if m.group(2).startswith("<redacted"):
                continue
            if not (credential_like if self.strict else looks_like_credential)(m.group(1), m.group(2)):
                continue
            leaks.append(Leak(loc, f"a {m.group(1).lower()} credential"))
            break
        if "@" in text:
            for m in _userinfo_matches(text):
                if not m.group(3).startswith("<redacted"):
                    leaks.append(Leak(loc, "a password inside a URL"))
                    break
        for secret in self.known.found_in(text):
            leaks.append(Leak(loc, f"a known secret value ({len(secret)} characters)"))
        if self._short_re is not None:
            m = self._short_re.search(text)
            if m:
                leaks.append(Leak(loc, f"a known secret value ({len(m.group(0))} characters)"))
        return leaks

    def scan_text(self, text: str, where: str) -> list[Leak]:
        leaks: list[Leak] = []
        for lineno, line in enumerate(text.splitlines(), 1):
            leaks += self._scan(line, f"{where} line {lineno}")
        return leaks

    def scan_blob(self, text: str, where: str) -> list[Leak]:
        """Scan ``text`` as one unit (a serialised HAR entry), reporting ``where`` as the location."""
        return self._scan(text, where)

    def scan_bytes(self, data: bytes, where: str) -> list[Leak]:
        return self.scan_text(data.decode("utf-8", errors="replace"), where)

    def check(self, name: str, data: bytes) -> None:
        """Bundle hook: raise :class:`LeakError` when ``data`` holds a secret."""
        leaks = self.scan_bytes(data, name)
        if leaks:
            raise LeakError(leaks)

    def check_text(self, text: str, where: str) -> None:
        """Raise :class:`LeakError` when ``text`` (an output about to be printed or written) holds a secret."""
        leaks = self.scan_text(text, where)
        if leaks:
            raise LeakError(leaks)
