"""One redaction engine for every kind of evidence, plus the leak scanner.

:class:`Redactor` replaces secrets *consistently*: the same secret always becomes the same
placeholder (``<redacted:jwt:1>``), so a flow can still be followed, and it remembers every
value it removed. :class:`LeakScanner` then checks anything about to leave the machine for
secret shapes and for those remembered values; a hit refuses the write.

Structured evidence (HAR entries, headers, JSON bodies) uses :meth:`Redactor.redact_json`
and :meth:`Redactor.secret`; free text uses :meth:`Redactor.redact_text`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

#: JSON keys / parameter names whose values are secrets (matched case-insensitively, as substrings
#: of the normalised name, so ``access_token``, ``X-Auth-Token`` and ``clientSecret`` all match).
SECRET_NAME_PARTS = ("token", "password", "passwd", "pwd", "secret", "authorization", "cookie",
                     "samlresponse", "samlrequest", "assertion", "apikey", "api_key", "credential",
                     "session", "signature", "privatekey", "private_key")
#: Names that are secrets only as whole names (``code`` and ``state`` of OAuth redirects).
SECRET_EXACT_NAMES = frozenset({"code", "state", "nonce", "sig", "auth", "key", "pass", "otp"})
#: Names that look secret by substring but are not (keep them: TAC needs them).
NOT_SECRET_NAMES = frozenset({"trackingid", "tokentype", "token_type", "expiresin", "expires_in",
                              "sessionid_present", "passwordpolicy"})
#: Names that end like code, not data: ``BroadWorksTokenManager.cpp``, ``SsoSessionService`` (client logs
#: print class and file names before a colon; their "value" is the next word, not a secret).
NOT_SECRET_SUFFIXES = ("manager", "service", "provider", "handler", "fetcher", "factory", "controller",
                       "helper", "utils", "listener", "callback", "expiry", "expiration", "length", "count")
_SOURCE_FILE_EXT_RE = re.compile(r"(?i)\.(?:cpp|cc|c|h|hpp|m|mm|swift|kt|java|js|ts|py)$")

JWT_RE = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")
BEARER_RE = re.compile(r"(?i)\b(bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})")
URL_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s:@]+):([^/\s@]+)@")
# name=value / name: value / "name": "value" pairs in free text (logs, pasted output).
# Cookie headers (and "cookie" JSON fields) hold several name=value pairs: the whole value is secret.
COOKIE_RE = re.compile(r"""(?i)\b((?:set-)?cookie["']?\s*[:=]\s*["']?)([^\r\n"']+)""")
# Digest credentials (HTTP and SIP): nonce/response allow replay or offline guessing; drop the parameters.
DIGEST_RE = re.compile(r"""(?i)\b(digest\s+)([a-z]+\s*=\s*(?:"[^"\r\n]*"|[^\s,]+)(?:\s*,\s*[a-z-]+\s*=\s*(?:"[^"\r\n]*"|[^\s,]+))+)""")
KV_RE = re.compile(
    r"""(?ix)
    (?P<name>["']?[A-Za-z0-9_.-]*(?:token|password|passwd|pwd|secret|authorization|cookie|apikey|api_key|
        credential|samlresponse|assertion)[A-Za-z0-9_.-]*["']?)
    (?P<sep>\s*[:=]\s*)
    (?P<quote>["']?)
    (?P<value>(?:bearer\s+|basic\s+)?[^\s"',;&<>]{4,})
    """)


def is_secret_name(name: str) -> bool:
    n = _SOURCE_FILE_EXT_RE.sub("", name.strip().strip("\"'")).lower().replace("-", "_")
    if n in NOT_SECRET_NAMES or n.replace("_", "") in NOT_SECRET_NAMES:
        return False
    if n.replace("_", "").endswith(NOT_SECRET_SUFFIXES):
        return False
    if n in SECRET_EXACT_NAMES:
        return True
    compact = n.replace("_", "")
    return any(part.replace("_", "") in compact for part in SECRET_NAME_PARTS)


@dataclass
class Redactor:
    """Consistent, remembering redaction. One instance per output (bundle, report, copy)."""

    known_secrets: set[str] = field(default_factory=set)
    _map: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def secret(self, value: str, kind: str = "secret") -> str:
        """The placeholder for ``value`` (always the same one), remembering the value."""
        if not value:
            return value
        if value in self._map:
            return self._map[value]
        if value.startswith("<redacted:"):
            return value
        self._counts[kind] = self._counts.get(kind, 0) + 1
        placeholder = f"<redacted:{kind}:{self._counts[kind]}>"
        self._map[value] = placeholder
        if len(value) >= 4:
            self.known_secrets.add(value)
        return placeholder

    @property
    def removed(self) -> frozenset[str]:
        """Every value this redactor replaced (fed to the leak scanner)."""
        return frozenset(self.known_secrets)

    def redact_text(self, text: str) -> str:
        """Replace JWTs, bearer/basic credentials, URL passwords, secret-named values and known secrets."""
        if not text:
            return text
        out = JWT_RE.sub(lambda m: self.secret(m.group(0), "jwt"), text)
        out = COOKIE_RE.sub(lambda m: m.group(0) if m.group(2).startswith("<redacted:")
                            else f"{m.group(1)}{self.secret(m.group(2).rstrip(), 'cookie')}", out)
        out = DIGEST_RE.sub(lambda m: f"{m.group(1)}{self.secret(m.group(2), 'digest')}", out)
        out = BEARER_RE.sub(lambda m: f"{m.group(1)} {self.secret(m.group(2), 'token')}", out)
        out = URL_USERINFO_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}:{self.secret(m.group(3), 'password')}@", out)
        out = KV_RE.sub(self._kv, out)
        for value in sorted(self._map, key=len, reverse=True):
            if value in out:
                out = out.replace(value, self._map[value])
        return out

    def _kv(self, m: re.Match[str]) -> str:
        name = m.group("name")
        if (not is_secret_name(name) or m.group("value").startswith("<redacted:")
                or m.group("value").lower() in ("bearer", "basic", "digest")):  # scheme word; handled above
            return m.group(0)
        value = m.group("value")
        prefix = ""
        lowered = value.lower()
        for scheme in ("bearer ", "basic "):
            if lowered.startswith(scheme):
                prefix, value = value[: len(scheme)], value[len(scheme):]
        return f"{name}{m.group('sep')}{m.group('quote')}{prefix}{self.secret(value, 'secret')}"

    def redact_json(self, obj: Any) -> Any:
        """Redact a decoded JSON value: secret-named keys at any depth, then text rules on strings."""
        if isinstance(obj, dict):
            return {k: (self._redact_value(v) if is_secret_name(str(k)) else self.redact_json(v))
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.redact_json(v) for v in obj]
        if isinstance(obj, str):
            return self.redact_text(obj)
        return obj

    def _redact_value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.secret(v) if v else v
        if isinstance(v, (dict, list)):
            return self.redact_json(v) if isinstance(v, dict) else [self._redact_value(x) for x in v]
        return v  # numbers/booleans/null carry no secret


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
    """Scans outgoing bytes for secret shapes and for values known to be secret."""

    def __init__(self, known_secrets: Iterable[str] = ()):
        self.known = {s for s in known_secrets if len(s) >= 6}

    def add(self, secrets: Iterable[str]) -> None:
        self.known.update(s for s in secrets if len(s) >= 6)

    def scan_text(self, text: str, where: str) -> list[Leak]:
        leaks: list[Leak] = []
        for lineno, line in enumerate(text.splitlines(), 1):
            loc = f"{where} line {lineno}"
            if JWT_RE.search(line):
                leaks.append(Leak(loc, "a JWT (eyJ….….…)"))
            m = BEARER_RE.search(line)
            if m and not m.group(2).startswith("<redacted"):
                leaks.append(Leak(loc, f"a {m.group(1).lower()} credential"))
            m = URL_USERINFO_RE.search(line)
            if m and not m.group(3).startswith("<redacted") and m.group(3) != "<redacted>":
                leaks.append(Leak(loc, "a password inside a URL"))
            for secret in self.known:
                if secret in line:
                    leaks.append(Leak(loc, f"a known secret value ({len(secret)} characters)"))
        return leaks

    def scan_bytes(self, data: bytes, where: str) -> list[Leak]:
        return self.scan_text(data.decode("utf-8", errors="replace"), where)

    def check(self, name: str, data: bytes) -> None:
        """Bundle hook: raise :class:`LeakError` when ``data`` holds a secret."""
        leaks = self.scan_bytes(data, name)
        if leaks:
            raise LeakError(leaks)
