"""One redaction engine for every kind of evidence, plus the leak scanner.

:class:`Redactor` replaces secrets *consistently*: the same secret always becomes the same
placeholder (``<redacted:jwt:1>``), so a flow can still be followed, and it remembers every
value it removed. :class:`LeakScanner` then checks anything about to leave the machine for
secret shapes and for those remembered values; a hit refuses the write.

Structured evidence (HAR entries, headers, JSON bodies) uses :meth:`Redactor.redact_json`
and :meth:`Redactor.secret`; free text uses :meth:`Redactor.redact_text`.
"""
from __future__ import annotations

import base64
import binascii
import functools
import json
import os
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from .linre import compile_linear  # imports RE2 only when a pattern is compiled

if TYPE_CHECKING:  # pragma: no cover
    from .model import CheckResult
from urllib.parse import unquote_plus

#: JSON keys / parameter names whose values are secrets (matched case-insensitively, as substrings
#: of the normalised name, so ``access_token``, ``X-Auth-Token`` and ``clientSecret`` all match).
SECRET_NAME_PARTS = ("token", "password", "passwd", "passcode", "pwd", "secret", "authorization", "cookie",
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
# One slash too: a URL given where a file path was expected comes back from pathlib as "https:/u:p@h/…".
URL_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*:/{1,2})([^/\s:@]+):([^/\s@]+)@")
# name=value / name: value / "name": "value" pairs in free text (logs, pasted output).
# Cookie headers (and "cookie" JSON fields) hold several name=value pairs: the whole value is secret.
COOKIE_RE = re.compile(r"""(?i)\b((?:set-)?cookie["']?\s*[:=]\s*["']?)([^\r\n"']+)""")
# Digest credentials (HTTP and SIP): nonce/response allow replay or offline guessing; drop the parameters.
DIGEST_RE = re.compile(r"""(?i)\b(digest\s+)([a-z]+\s*=\s*(?:"[^"\r\n]*"|[^\s,]+)(?:\s*,\s*[a-z-]+\s*=\s*(?:"[^"\r\n]*"|[^\s,]+))+)""")
KV_RE = re.compile(
    r"""(?ix)
    (?P<name>["']?[A-Za-z0-9_.-]*(?:token|password|passwd|passcode|pwd|secret|authorization|cookie|apikey|api_key|
        credential|samlresponse|samlrequest|assertion|session|privatekey|private_key)[A-Za-z0-9_.-]*["']?)
    (?P<sep>\s*[:=]\s*)
    (?P<quote>["']?)
    (?P<value>(?:bearer\s+|basic\s+)?[^\s"',;&<>]{4,})
    """)
#: The words one of which every KV_RE name contains: the linear matcher starts from them.
_KV_WORDS = ("token", "password", "passwd", "passcode", "pwd", "secret", "authorization", "cookie", "apikey",
             "api_key", "credential", "samlresponse", "samlrequest", "assertion", "session", "privatekey",
             "private_key")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
#: Longest parameter name the key-value rules consider (longer runs are data, not names).
MAX_NAME = 64
# KV_RE from a known start: the name is bounded, so each attempt costs O(MAX_NAME + value).
_KV_AT_RE = re.compile(
    r"""(?P<name>["']?[A-Za-z0-9_.-]{1,%d}["']?)(?P<sep>[ \t]{0,8}[:=][ \t]{0,8})(?P<quote>["']?)"""
    r"""(?P<value>(?:(?i:bearer|basic)[ \t]{1,8})?[^\s"',;&<>]{4,})""" % (2 * MAX_NAME))
# An HTML element with a name and a value/content attribute (auto-post forms of an IdP carry
# SAMLResponse so; a page's <meta name="csrf-token" content=…>). Attributes in any order and quoting.
_HTML_TAGS = ("input", "meta", "param", "button", "textarea", "option")
_HTML_TAG_RE = re.compile(r"<(?:%s)\b[^<>]{0,8192}>" % "|".join(_HTML_TAGS), re.I)
_HTML_ATTR_RE = re.compile(r"""([A-Za-z_:-]{1,32})[ \t\r\n]*=[ \t\r\n]*("[^"]*"|'[^']*'|[^\s"'>]+)""")
# {"name": "password", "value": "…"} written out as text (a form serialised into a JSON string).
_NAME_VALUE_RE = re.compile(
    r'"name"[ \t]{0,8}:[ \t]{0,8}"(?P<n>[^"\\]{1,64})"[ \t\r\n]{0,8},[ \t\r\n]{0,8}"value"[ \t]{0,8}:[ \t]{0,8}'
    r'"(?P<v>(?:[^"\\]|\\.){1,65536})"')


_SECRET_COLUMN_PARTS = ("password", "passwd", "passcode", "secret", "token", "credential", "apikey",
                        "privatekey")


def _is_secret_column(name: str) -> bool:
    """A table column holding secrets (by name parts only: a "State" or "Code" column is data)."""
    compact = re.sub(r"[^a-z]", "", name.lower())
    return any(part in compact for part in _SECRET_COLUMN_PARTS) and compact not in NOT_SECRET_NAMES


_TABLE_RULE_RE = re.compile(r"^\s*(?:={4,}|-{4,})\s*$")
# A column name in a table header: words separated by single spaces; columns by two or more.
_TABLE_HEADER_COL_RE = re.compile(r"\S+(?: \S+)*")
_PLACEHOLDER_RE = re.compile(r"<redacted:([a-z-]+):(\d+)>")

#: Remembered values shorter than this are not replaced inside other text (too ambiguous).
MIN_KNOWN_LEN = 6


def _matches_at(pattern: re.Pattern[str], text: str, anchors: tuple[str, ...], fold: bool = False):
    """``pattern.finditer(text)`` for patterns that can only start where an anchor word starts.

    Python's ``re`` has no fast scan for case-insensitive alternations with ``\\b``; finding the
    anchors with ``str.find`` (memchr speed) and matching only there keeps scanning a 100 MB
    capture in seconds instead of minutes. The results are the same as ``finditer``.
    """
    hay = text.lower() if fold else text
    positions: list[int] = []
    for anchor in anchors:
        i = hay.find(anchor)
        while i >= 0:
            positions.append(i)
            i = hay.find(anchor, i + 1)
    end = -1
    for pos in sorted(positions):
        if pos < end:
            continue
        m = pattern.match(text, pos)
        if m:
            end = m.end()
            yield m


#: The words each rule is started from (the prefilter of :class:`HarRedactor` is built from them too).
_JWT_ANCHORS = ("eyJ",)
_BEARER_ANCHORS = ("bearer", "basic")
_COOKIE_ANCHORS = ("cookie",)
_DIGEST_ANCHORS = ("digest",)

_USERINFO_TAIL_RE = re.compile(r"(?i)([a-z][a-z0-9+.-]{0,30})$")


def _userinfo_matches(text: str):
    """URL_USERINFO_RE matches, found from each ":/" (the regex alone crawls through big bodies)."""
    i = text.find(":/")
    while i >= 0:
        m = _USERINFO_TAIL_RE.search(text, max(0, i - 31), i)
        if m:
            start = m.start(1)
            mm = URL_USERINFO_RE.match(text, start)
            if mm:
                yield mm
        i = text.find(":/", i + 2)


def _kv_matches(text: str):
    """KV_RE's matches, in linear time: started only where a secret word occurs, with the name
    bounded (the unbounded ``[A-Za-z0-9_.-]*`` prefix made the plain regex quadratic on long runs)."""
    hay = text.lower()
    positions: list[int] = []
    for word in _KV_WORDS:
        i = hay.find(word)
        while i >= 0:
            positions.append(i)
            i = hay.find(word, i + len(word))
    end = -1
    for pos in sorted(set(positions)):
        if pos < end:
            continue
        start = pos
        while start > 0 and text[start - 1] in _NAME_CHARS and pos - start < MAX_NAME:
            start -= 1
        if start > 0 and text[start - 1] in _NAME_CHARS:
            continue  # inside a run too long to be a parameter name
        if start > 0 and text[start - 1] in "\"'":
            start -= 1
        m = _KV_AT_RE.match(text, start)
        if m and m.end("name") > pos:
            end = m.end()
            yield m


def _html_secret_attrs(text: str, secret) -> str:
    """``<input name="SAMLResponse" value="…">`` (any attribute order or quoting), ``<meta
    name="csrf-token" content="…">`` and password inputs: the value replaced, the markup kept."""
    if "<" not in text:
        return text

    def tag(m: re.Match[str]) -> str:
        t = m.group(0)
        attrs = {a.group(1).lower(): a for a in _HTML_ATTR_RE.finditer(t)}
        name = attrs.get("name") or attrs.get("id")
        typ = attrs.get("type")
        is_secret = (name is not None and is_secret_name(name.group(2).strip("\"'"))) or (
            typ is not None and typ.group(2).strip("\"'").lower() == "password")
        if not is_secret:
            return t
        for key in ("value", "content"):
            a = attrs.get(key)
            if a is None:
                continue
            raw = a.group(2)
            q = raw[0] if raw[:1] in "\"'" else ""
            inner = raw[1:-1] if q else raw
            if inner and not inner.startswith("<redacted:"):
                t = t[:a.start(2)] + q + secret(inner) + q + t[a.end(2):]
            break
        return t

    return _HTML_TAG_RE.sub(tag, text)


def _name_value_text(text: str, secret) -> str:
    """``"name": "password", "value": "…"`` written inside text (a form list in a JSON string)."""
    if '"name"' not in text:
        return text
    return _NAME_VALUE_RE.sub(
        lambda m: m.group(0) if not is_secret_name(m.group("n")) or m.group("v").startswith("<redacted:")
        else m.group(0)[:m.start("v") - m.start()] + secret(m.group("v")) + '"', text)


def _short_token_re(values: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-token matches of short secrets (a 4-digit PIN is not replaced inside ``47110``)."""
    values = sorted({v for v in values if v}, key=len, reverse=True)
    if not values:
        return None
    return re.compile(r"(?<![A-Za-z0-9])(?:%s)(?![A-Za-z0-9])" % "|".join(re.escape(v) for v in values))


@functools.lru_cache(maxsize=8192)
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
    _known_size: int = -1
    _known_sorted: list[str] = field(default_factory=list)
    #: Stored passwords shorter than MIN_KNOWN_LEN: replaced only as whole tokens (see _short_token_re).
    short_secrets: set[str] = field(default_factory=set)
    _short_re: Any = None
    _short_key: frozenset[str] = frozenset()

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

    def note_placeholders(self, text: str) -> None:
        """Number new placeholders after those already in ``text`` (put there by another redactor,
        e.g. a check's own), so ``<redacted:secret:1>`` never stands for two different values."""
        if "<redacted:" not in text:
            return
        for m in _PLACEHOLDER_RE.finditer(text):
            kind, n = m.group(1), int(m.group(2))
            if self._counts.get(kind, 0) < n:
                self._counts[kind] = n

    @property
    def removed(self) -> frozenset[str]:
        """Every value this redactor replaced (fed to the leak scanner)."""
        return frozenset(self.known_secrets)

    def redact_text(self, text: str) -> str:
        """Replace JWTs, bearer/basic credentials, URL passwords, secret-named values and known secrets."""
        if not text:
            return text
        # Every rule is found from its anchor word (linear time: the bare regexes backtracked
        # over long runs such as "a-a-a-…" in front of a "://" that never came).
        out = _sub_matches(text, _matches_at(JWT_RE, text, _JWT_ANCHORS), lambda m: self.secret(m.group(0), "jwt"))
        out = _sub_matches(out, _matches_at(COOKIE_RE, out, _COOKIE_ANCHORS, fold=True),
                           lambda m: m.group(0) if m.group(2).startswith("<redacted:")
                           else f"{m.group(1)}{self.secret(m.group(2).rstrip(), 'cookie')}")
        out = _sub_matches(out, _matches_at(DIGEST_RE, out, _DIGEST_ANCHORS, fold=True),
                           lambda m: f"{m.group(1)}{self.secret(m.group(2), 'digest')}")
        out = _sub_matches(out, _matches_at(BEARER_RE, out, _BEARER_ANCHORS, fold=True),
                           lambda m: f"{m.group(1)} {self.secret(m.group(2), 'token')}"
                           if looks_like_credential(m.group(1), m.group(2)) else m.group(0))
        if "@" in out:
            out = _sub_matches(out, _userinfo_matches(out),
                               lambda m: f"{m.group(1)}{m.group(2)}:{self.secret(m.group(3), 'password')}@")
        out = self.redact_shapes(out)
        if "\n" in out and ("==" in out or "--" in out):
            out = self._secret_columns(out)
        return self._replace_known(out)

    def redact_shapes(self, text: str) -> str:
        """The rules for secrets *named* in text, shared by every channel (free text, HAR bodies,
        WebSocket frames, comments): ``name=value`` / ``name: value`` / ``"name": "value"`` pairs,
        HTML form fields and ``{"name": …, "value": …}`` pairs whose name says secret."""
        out = _sub_matches(text, _kv_matches(text), self._kv)
        out = _html_secret_attrs(out, self.secret)
        return _name_value_text(out, self.secret)

    def _secret_columns(self, text: str) -> str:
        """Values under a secret-named column of a CLI table (BroadWorks ``list`` output: a header
        line, a ``====``/``----`` rule, then rows until a blank line) are secrets too."""
        lines = text.split("\n")
        changed = False
        i = 1
        while i < len(lines):
            if not _TABLE_RULE_RE.match(lines[i]):
                i += 1
                continue
            header = lines[i - 1]
            cols = [(m.start(), m.group(0)) for m in _TABLE_HEADER_COL_RE.finditer(header)]
            spans = [(start, cols[k + 1][0] if k + 1 < len(cols) else None)
                     for k, (start, name) in enumerate(cols) if _is_secret_column(name)]
            i += 1
            while spans and i < len(lines) and lines[i].strip() and not _TABLE_RULE_RE.match(lines[i]):
                row = lines[i]
                if any(row[start:start + 1].strip() and start and row[start - 1] != " " for start, _ in spans):
                    break  # not aligned with the header: the table has ended (a prompt, a summary line)
                for start, end in reversed(spans):
                    cell = row[start:end] if end is not None else row[start:]
                    value = cell.split()[0] if cell[:1].strip() else ""
                    if value and not value.startswith("<redacted:"):
                        row = row[:start] + self.secret(value, "secret") + row[start + len(value):]
                if row != lines[i]:
                    lines[i], changed = row, True
                i += 1
        return "\n".join(lines) if changed else text

    def replace_known(self, text: str) -> str:
        """Only the remembered secrets replaced (for text already redacted before a secret was
        learnt: a streaming pass that meets a token's name after it quoted its value)."""
        return self._replace_known(text) if text else text

    def known_values(self) -> list[str]:
        """The values :meth:`_replace_known` replaces inside other text, longest first."""
        size = len(self._map) + len(self.known_secrets)
        if size != self._known_size:
            self._known_size = size
            values = {v for v in self._map if len(v) >= MIN_KNOWN_LEN}
            values |= {v for v in self.known_secrets if len(v) >= MIN_KNOWN_LEN}
            self._known_sorted = sorted(values, key=len, reverse=True)
        return self._known_sorted

    def _replace_known(self, text: str) -> str:
        """Replace every remembered secret (and every externally known one) found in ``text``.

        Only values of at least :data:`MIN_KNOWN_LEN` characters: a short cookie value such as
        ``en`` or ``1`` must not rewrite every ``en`` or ``1`` in later text.
        """
        for value in self.known_values():
            if value in text:
                text = text.replace(value, self.secret(value))
        if self.short_secrets:
            key = frozenset(self.short_secrets)
            if key != self._short_key:
                self._short_key, self._short_re = key, _short_token_re(key)
            if self._short_re is not None:
                text = self._short_re.sub(lambda m: self.secret(m.group(0), "stored-password"), text)
        return text

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
        if not _strong_name(name) and not (len(value) >= 16 or any(c.isdigit() for c in value)):
            return m.group(0)  # "session: Webex's own connections …" is prose; session IDs have digits
        rest = ""
        if m.start() and m.string[m.start() - 1] in ";?&#":  # a URL parameter: its value ends at ? # /
            cut = min((i for i in (value.find(c) for c in "?#/") if i >= 0), default=len(value))
            value, rest = value[:cut], value[cut:]
        return f"{name}{m.group('sep')}{m.group('quote')}{prefix}{self.secret(value, 'secret')}{rest}"

    def redact_json(self, obj: Any) -> Any:
        """Redact a decoded JSON value: secret-named keys at any depth, then text rules on strings.

        Keys such as ``code`` or ``state`` are data in JSON documents (error codes, statuses), so
        they are kept here; they stay secret as URL or form parameters.
        """
        if isinstance(obj, dict):
            if _secret_pair(obj):
                return {k: (self._redact_value(v) if k == "value" else self.redact_json(v)) for k, v in obj.items()}
            return {k: (self._redact_value(v) if _is_secret_key(str(k)) else self.redact_json(v))
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.redact_json(v) for v in obj]
        if isinstance(obj, str):
            return self.redact_text(obj)
        return obj

    def redact_strings(self, obj: Any) -> Any:
        """Every string in a JSON-able value through the text rules, keys left alone.

        For our own documents (reports, findings): their keys such as ``code`` are ours, not OAuth
        parameters, so the key-based :meth:`redact_json` would over-redact them.
        """
        if isinstance(obj, dict):
            return {k: self.redact_strings(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.redact_strings(v) for v in obj]
        return self.redact_text(obj) if isinstance(obj, str) else obj

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
    """Scans outgoing bytes for secret shapes and for values known to be secret.

    ``strict`` makes bearer/basic matches count only when the value looks like a credential
    (see :func:`credential_like`): needed for captured web content, where a JavaScript bundle
    says "basic functionality" and must not block the write.
    """

    def __init__(self, known_secrets: Iterable[str] = (), strict: bool = False):
        values = set(known_secrets)
        self.known = {s for s in values if len(s) >= MIN_KNOWN_LEN}
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
        for secret in self.known:
            if secret in text:
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


def default_known_secrets() -> set[str]:
    """Secret values the user stored in the keyring (``checks.credentials.known_secrets()``).

    Every caller feeds the scanner through this one function; an unusable keyring yields an
    empty set (the shape checks still run).
    """
    try:
        from .credentials import known_secrets  # type: ignore[attr-defined]
    except ImportError:
        return set()
    try:
        return {s for s in known_secrets() if isinstance(s, str) and s}
    except Exception:  # noqa: BLE001 - a broken keyring must not stop redaction; the scan still runs
        return set()


def keyring_redactor(redactor: Redactor | None = None) -> Redactor:
    """``redactor`` (or a new one) taught every keyring password, so they are *replaced* wherever
    they appear (placeholder ``<redacted:stored-password:N>``) instead of only refusing the output."""
    redactor = redactor if redactor is not None else Redactor()
    for value in default_known_secrets():
        if len(value) >= MIN_KNOWN_LEN:
            redactor.secret(value, "stored-password")  # its own kind: says what leaked, never collides
        else:  # too short to replace inside words: replaced (and scanned for) as a whole token
            redactor.short_secrets.add(value)
    return redactor


def redact_document(doc: Any, redactor: Redactor | None = None) -> Any:
    """Every string of one of our own JSON-able documents (a check result, a report) through the
    text rules and the keyring's passwords. What the case store keeps and what a screen shows."""
    return keyring_redactor(redactor).redact_strings(doc)


def redact_pasted_text(text: str) -> str:
    """Server output pasted by an admin, as it may be kept on disk: secrets (``password = …``,
    a Password column, a stored test-user password) replaced, everything else as pasted."""
    return keyring_redactor().redact_text(text)


def safe_message(text: str) -> str:
    """A message for a person (an error line, a notification, a field's validation message) with
    secrets replaced: bad input is often the very URL or paste that holds a password
    (``https://admin:pw@host`` with a typo), and error lines end up in tickets and screenshots."""
    try:
        redactor = keyring_redactor()
        out = redactor.redact_text(text)
        scanner = LeakScanner(default_known_secrets())
        scanner.add(redactor.removed)
        if scanner.scan_text(out, "the message"):
            return "the input holds what looks like a secret, so the message is not shown; check the values given"
        return out
    except Exception:  # noqa: BLE001 - an error path must never raise
        return "the input could not be used (the message was withheld: it may hold a secret)"


def redact_result(result: "CheckResult", redactor: Redactor | None = None) -> "CheckResult":
    """A check result with every text (title, detail, evidence, fix, data, reason) through the
    text rules and the keyring's passwords; containers keep their types.

    The runner applies it to every result before anyone sees it (screen, CLI, case store), so a
    check that quotes a line holding a token or a stored password cannot pass it on.
    A ``redactor`` passed in must already know the keyring's passwords (:func:`keyring_redactor`):
    callers that redact many results read the keyring once, not once per result.
    """
    from dataclasses import replace

    r = redactor if redactor is not None else keyring_redactor()
    for f in result.findings:  # placeholders the check already used keep their meaning
        for text in (f.title, f.detail, *(e.content for e in f.evidence), json.dumps(dict(f.data), default=str)):
            r.note_placeholders(text)
    return replace(result, findings=map_finding_texts(result.findings, r.redact_text),
                   reason=r.redact_text(result.reason) if result.reason else result.reason)


def map_finding_texts(findings: Iterable[Any], fn) -> tuple[Any, ...]:
    """``findings`` with every text (title, detail, evidence, fix, data) passed through ``fn``."""
    from dataclasses import replace

    done: dict[str, str] = {}  # a farm's findings repeat their fix steps node after node

    def s(v: Any) -> Any:
        if not isinstance(v, str) or not v:
            return v
        out = done.get(v)
        if out is None:  # placeholders are consistent, so one answer per distinct text is exact
            out = done[v] = fn(v)
        return out

    def tree(v: Any) -> Any:
        if isinstance(v, str):
            return s(v)
        if isinstance(v, Mapping):  # a frozen finding's data holds read-only mappings too
            return {k: tree(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)) and type(v) in (list, tuple):
            return type(v)(tree(x) for x in v)
        return v

    return tuple(replace(
        f, title=s(f.title), detail=s(f.detail),
        evidence=tuple(replace(e, label=s(e.label), content=s(e.content)) for e in f.evidence),
        remediation=(replace(f.remediation, summary=s(f.remediation.summary),
                             steps=tuple(s(x) for x in f.remediation.steps), command=s(f.remediation.command))
                     if f.remediation else None),
        data=tree(dict(f.data))) for f in findings)


def redact_case_doc(doc: Any) -> Any:
    """A case (or a draft field) as the store may keep it: every string through the text rules and
    the keyring's passwords. Placeholders already in the text keep their numbers, so a later save
    of an edited description never gives two different secrets the same placeholder."""
    redactor = keyring_redactor()
    for text in _strings(doc):
        redactor.note_placeholders(text)
    return redactor.redact_strings(doc)


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)


def scrub_known_secrets(obj: Any, secrets: Iterable[str] | None = None) -> Any:
    """``obj`` with every keyring password (or ``secrets``) replaced, nothing else touched.

    For text the user typed about the case (description, e-mails): it stays as typed, but a
    stored test-user password never reaches the case store (``<redacted:secret>`` instead).
    """
    values = sorted({s for s in (default_known_secrets() if secrets is None else secrets)
                     if len(s) >= MIN_KNOWN_LEN}, key=len, reverse=True)
    if not values:
        return obj

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            for secret in values:
                if secret in v:
                    v = v.replace(secret, "<redacted:secret>")
            return v
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [walk(x) for x in v]
        return v

    return walk(obj)


# --------------------------------------------------------------------------------------------
# Structural HAR redaction
# --------------------------------------------------------------------------------------------

#: Header names whose whole value is a credential (besides anything :func:`is_secret_name` matches).
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-csrf-token",
                            "x-xsrf-token", "x-api-key", "x-amz-security-token", "www-authenticate"})
#: JSON keys matched exactly by :func:`is_secret_name` that are ordinary data inside response bodies
#: (error ``code``, subscriber ``state``, a setting's ``key``); they stay secret as URL/form parameters.
JSON_BODY_PLAIN_NAMES = frozenset({"code", "state", "key"})


def credential_like(scheme: str, value: str) -> bool:
    """Whether ``Bearer value`` / ``Basic value`` is a real credential rather than prose.

    Real bearer tokens are long and contain digits or mixed case; Basic credentials are base64
    of ``user:password``. "basic functionality" in a JavaScript bundle is neither.
    """
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return False
        return ":" in decoded and decoded.isprintable()
    if len(value) < 16:
        return False
    if any(c.isdigit() or c in "._~+/=" for c in value):
        return True
    return len(value) >= 24 and any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)


def looks_like_credential(scheme: str, value: str) -> bool:
    """The one test the redactor and the default leak scanner share for ``Bearer x`` / ``Basic x``.

    Looser than :func:`credential_like` for bearer values (anything with a digit or a token
    symbol, or 16+ characters) so short real tokens are still caught, while prose such as
    "Basic entitlement" or "Bearer authentication" is left alone.
    """
    if scheme.lower() == "basic":
        return credential_like(scheme, value)
    return len(value) >= 16 or any(c.isdigit() or c in "._~+/=-" for c in value)


#: _secret_header answers by name for entry summaries (a plain dict is cheaper than lru_cache there).
_SECRET_HEADER_NAMES: dict[str, bool] = {}


@functools.lru_cache(maxsize=4096)
def _secret_header(name: str) -> bool:
    """Whether a header's value is a credential (cached: a HAR repeats the same few names)."""
    n = name.strip().lower()
    return n in SECRET_HEADERS or is_secret_name(n)


#: Words that make a name secret only when the value also looks like an identifier or credential.
_WEAK_NAME_PARTS = ("session",)


def _strong_name(name: str) -> bool:
    """Whether ``name`` is secret by a part other than a weak one (``session``)."""
    n = name.strip("\"'").lower().replace("-", "").replace("_", "")
    for weak in _WEAK_NAME_PARTS:
        n = n.replace(weak, "")
    return is_secret_name(n) if n else False


def _secret_pair(obj: dict[Any, Any]) -> bool:
    """``{"name": "password", "value": …}``: a pair whose *name* says the value is secret."""
    name = obj.get("name")
    return "value" in obj and isinstance(name, str) and len(name) <= MAX_NAME and is_secret_name(name)


def _is_secret_key(name: str) -> bool:
    """JSON body keys: like :func:`is_secret_name` but ``code``/``state``/``key`` are data there."""
    n = name.strip().lower().replace("-", "_")
    return n not in JSON_BODY_PLAIN_NAMES and is_secret_name(name)


def _compact(word: str) -> str:
    return word.lower().replace("_", "").replace("-", "")


def _minimal_words(words: Iterable[str]) -> tuple[str, ...]:
    """``words`` without those that contain another one (finding "pass" finds "password" too)."""
    ws = sorted(set(words), key=len)
    return tuple(w for i, w in enumerate(ws) if not any(v in w for v in ws[:i]))


#: Every word a text rule starts from or a secret name contains, as the prefilter looks for them:
#: derived from the rules' own lists, so a word added to a rule is looked for here too.
#: ``code``/``state``/``key`` are secret names only in URLs and forms (see JSON_BODY_PLAIN_NAMES).
_PREFILTER_WORDS = _minimal_words(
    [_compact(p) for p in (*SECRET_NAME_PARTS, *_KV_WORDS)] + sorted(SECRET_EXACT_NAMES - JSON_BODY_PLAIN_NAMES)
    + [a.lower() for a in (*_JWT_ANCHORS, *_BEARER_ANCHORS, *_COOKIE_ANCHORS, *_DIGEST_ANCHORS)])
_PREFILTER_URL_WORDS = _minimal_words(sorted(JSON_BODY_PLAIN_NAMES))
#: Characters other than ASCII whose ``str.lower()`` holds ASCII (İ, the Kelvin sign): written as
#: a JSON escape they could spell a word only once decoded (tests/test_har_redact_fast.py checks it).
_LOWER_TO_ASCII = (0x0130, 0x212A)


def _spelled(word: str) -> str:
    # Between letters: "-" and "_" (a name is compared without them) and "\\" (JSON escapes:
    # the text may be a JSON document whose strings are decoded before the rules see them).
    return r"[-_\\]*".join(re.escape(c) for c in word)


class _Prefilter:
    """Whether a text could be changed by any rule of :class:`HarRedactor`; False is certain.

    Most of a capture's bytes are bodies no rule touches (API answers, scripts, pages). One RE2
    scan (linear, in C) over the text for every word the rules start from, plus a few literal
    tests, tells which ones need the rules at all. The text may be a JSON document: its strings
    are decoded before the rules see them, so escapes are allowed for (``\\"`` and ``\\/`` by
    allowing backslashes, ``\\u`` escapes of ASCII by sending such text to the rules).
    """

    def __init__(self) -> None:
        parts = [_spelled(w) for w in _PREFILTER_WORDS]
        parts.append(r"\\u(?:00[0-7][0-9a-f]|%s)" % "|".join(f"{c:04x}" for c in _LOWER_TO_ASCII))
        parts.append(r"<(?:%s)" % "|".join(_HTML_TAGS))  # form fields and <meta> (_html_secret_attrs)
        parts.append(r'"name\\*"')  # {"name": …, "value": …} pairs, as JSON or inside a JSON string
        self._words = compile_linear("|".join(parts), re.IGNORECASE)
        # The same over a string's raw JSON, which must hold no raw control character either.
        self._words_raw = compile_linear("|".join([*parts, r"[\x00-\x1f]"]), re.IGNORECASE)
        self._colon_slash = compile_linear(r":\\*/")  # userinfo (":/" then "@") and URLs ("://")
        self._url = compile_linear(r":\\*/\\*/")
        self._url_words = compile_linear("|".join([_spelled(w) for w in _PREFILTER_URL_WORDS] + ["%"]),
                                         re.IGNORECASE)

    def may_change(self, text: str, known: Iterable[str] = (), raw: bool = False) -> bool:
        """Whether a rule could change ``text`` (``raw``: a JSON string literal as in the file,
        which also counts as changed when it is not valid JSON as it stands)."""
        if (self._words_raw if raw else self._words).search(text) is not None:
            return True
        if "/" in text:
            if "@" in text and self._colon_slash.search(text) is not None:
                return True
            if self._url.search(text) is not None and self._url_words.search(text) is not None:
                return True
        escaped = "\\" in text
        for value in known:
            if value in text:
                return True
            if escaped and not _plain_json(value):  # it may be in the text written as an escape
                return True
        return False


def _plain_json(value: str) -> bool:
    """Whether ``value`` is written the same inside a JSON string (no escapes possible)."""
    return value.isascii() and value.isprintable() and '"' not in value and "\\" not in value and "/" not in value


_PREFILTER: _Prefilter | None = None


def _prefilter() -> _Prefilter:
    global _PREFILTER
    if _PREFILTER is None:
        _PREFILTER = _Prefilter()
    return _PREFILTER


_URL_KEY, _SECRET_KEY, _LIST_KEY, _PLAIN_KEY = range(4)


@functools.lru_cache(maxsize=4096)
def _key_kind(key: str) -> int:
    """How :meth:`HarRedactor._walk` treats a key's value (cached: a HAR repeats the same keys)."""
    if key in ("url", "redirectURL"):
        return _URL_KEY
    if _is_secret_key(key) and key != "cookies":
        return _SECRET_KEY
    if key in ("queryString", "params", "postData"):
        return _LIST_KEY
    return _PLAIN_KEY


#: Stands for a body kept as captured in the line :meth:`HarRedactor.entry_line` builds.
_KEPT_MARK = "\x00wx-kept-"


#: Lists of name/value pairs in a HAR.
_PAIR_PARENTS = frozenset({"headers", "cookies", "queryString", "params"})
#: Values copied as they are by the walk (no text in them).
_SCALARS = frozenset({int, float, bool, type(None)})
#: Strings up to this length are remembered with their redacted form, up to _MEMO_MAX of them.
_MEMO_LEN = 512
_MEMO_MAX = 20_000


class HarRedactor:
    """Structural redaction of HAR entries with a shared :class:`Redactor` (consistent placeholders).

    Headers, cookies arrays, query and post parameters, JSON bodies at any depth, JWTs anywhere and
    ``user:pass@`` in URLs. What TAC needs stays: URLs (minus secrets), statuses, tracking IDs,
    error bodies. One entry at a time, so a whole file is redacted with flat memory.
    """

    def __init__(self, redactor: Redactor | None = None):
        self.redactor = redactor or Redactor()
        self._collected: set[tuple[str, Any]] = set()
        self._kept: list[str] | None = None  # bodies kept as captured, while entry_line() runs
        # Redacted forms of the short strings every entry repeats (header names and values, MIME
        # types, versions); exact while the redactor knows the same secrets (see _remembered).
        self._memo: dict[Any, Any] = {}
        self._memo_size = -1

    # -- secrets only (cheap: used by the analysis to feed the scanner without rewriting bodies)
    def collect(self, entry: dict[str, Any]) -> None:
        """Remember the secret values of an entry's headers, cookies and parameters."""
        for part in ("request", "response"):
            msg = entry.get(part)
            if not isinstance(msg, dict):
                continue
            for h in _list(msg.get("headers")):
                if isinstance(h, dict) and isinstance(h.get("value"), str) and _secret_header(str(h.get("name", ""))):
                    key = (str(h.get("name", "")), h["value"])
                    if key in self._collected:  # the same Authorization/Cookie repeats on every call
                        continue
                    if len(self._collected) > 4096:
                        self._collected.clear()
                    self._collected.add(key)  # type: ignore[arg-type]
                    self._header_value(*key)
            for c in _list(msg.get("cookies")):
                if isinstance(c, dict) and isinstance(c.get("value"), str):
                    self.redactor.secret(c["value"], "cookie")
            for q in _list(msg.get("queryString")):
                if isinstance(q, dict) and is_secret_name(str(q.get("name", ""))) and isinstance(q.get("value"), str):
                    self.redactor.secret(q["value"], "param")
            post = msg.get("postData")
            if isinstance(post, dict):
                for prm in _list(post.get("params")):
                    if isinstance(prm, dict) and is_secret_name(str(prm.get("name", ""))) and isinstance(
                            prm.get("value"), str):
                        self.redactor.secret(prm["value"], "param")

    def collect_summary(self, summary: Any) -> None:
        """:meth:`collect` for an entry summary (:class:`~checks.evidence.har.LazyHarRecord`):
        the same values remembered in the same order, read from attributes instead of dicts."""
        names = _SECRET_HEADER_NAMES
        for msg in (summary.request, summary.response):
            if msg is None:
                continue
            for h in msg.headers or ():
                value = h.value
                if value.__class__ is not str:  # msgspec gives exact str, never a subclass
                    continue
                name = h.name if h.name.__class__ is str else str(h.name)
                secret = names.get(name)
                if secret is None:
                    if len(names) > 4096:  # bounded like _secret_header's own cache
                        names.clear()
                    secret = names[name] = _secret_header(name)
                if secret:
                    key = (name, value)
                    if key in self._collected:
                        continue
                    if len(self._collected) > 4096:
                        self._collected.clear()
                    self._collected.add(key)  # type: ignore[arg-type]
                    self._header_value(*key)
            for c in msg.cookies or ():
                if isinstance(c.value, str):
                    self.redactor.secret(c.value, "cookie")
            for q in msg.queryString or ():
                if is_secret_name(str(q.name)) and isinstance(q.value, str):
                    self.redactor.secret(q.value, "param")
            post = msg.postData
            if post is not None:
                for prm in post.params or ():
                    if is_secret_name(str(prm.name)) and isinstance(prm.value, str):
                        self.redactor.secret(prm.value, "param")

    # -- full structural redaction
    def entry_line(self, entry: dict[str, Any]) -> str:
        """:meth:`redact_entry` as one JSON line. A big body that no rule changes is not even decoded
        (the fast readers hand it over as raw JSON): its JSON goes into the line as captured."""
        self._kept = []
        try:
            line = json.dumps(self.redact_entry(entry), ensure_ascii=False)
            for i, raw in enumerate(self._kept):
                mark = json.dumps(f"{_KEPT_MARK}{i}")
                if line.count(mark) != 1:  # the capture itself holds the mark's text: decode it all
                    self._kept = None
                    return json.dumps(self.redact_entry(entry), ensure_ascii=False)
                line = line.replace(mark, raw, 1)
            return line
        finally:
            self._kept = None

    def _quiet_raw(self, obj: dict[str, Any]) -> str | None:
        """The raw JSON of a body's text not decoded yet, when no rule can change it; else None."""
        raw = getattr(obj, "raw_json", None)
        if raw is None:
            return None
        mime = str(dict.get(obj, "mimeType", ""))
        if "_textBase64" in obj or str(dict.get(obj, "encoding", "")).lower() == "base64" or \
                "x-www-form-urlencoded" in mime.lower():
            return None
        text = raw()
        if text is None or not self.quiet(text, raw=True):
            return None  # it needs the rules, or it is not valid as it is (json would refuse it)
        return text

    def redact_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of one HAR entry (still a valid HAR entry)."""
        self.collect(entry)  # learn header/cookie secrets first so bodies of the same entry are covered
        return self._walk(entry, "")

    def redact_meta(self, value: Any) -> Any:
        """``log`` fields other than entries (pages, creator, comment)."""
        return self._walk(value, "")

    def _remembered(self) -> dict[Any, Any]:
        """The memo, emptied whenever the redactor learnt a secret (an answer may change then)."""
        r = self.redactor
        size = len(r._map) + len(r.known_secrets) + len(r.short_secrets)
        if size != self._memo_size or len(self._memo) > _MEMO_MAX:
            self._memo.clear()
            self._memo_size = size
        return self._memo

    def _string(self, text: str) -> str:
        if len(text) > _MEMO_LEN:
            return self._json_text(text) or (self.url(text) if "://" in text else self.text(text))
        r = self.redactor
        memo = self._memo if len(r._map) + len(r.known_secrets) + len(r.short_secrets) == self._memo_size \
            else self._remembered()
        out = memo.get(text)
        if out is None:
            # WebSocket frames, comments, page titles, initiator URLs: a JSON document gets the body
            # rules (secret keys at any depth); anything else the text rules.
            out = self._json_text(text) or (self.url(text) if "://" in text else self.text(text))
            self._remembered()[text] = out  # after the call: what it learnt is part of the answer
        return out

    def _walk(self, obj: Any, parent: str) -> Any:
        if obj.__class__ in _SCALARS:
            return obj
        if isinstance(obj, dict):
            if parent in ("content", "postData") or ("mimeType" in obj and "text" in obj):
                return self._body(obj)
            if "name" in obj and "value" in obj and parent in _PAIR_PARENTS:
                return self._pair(obj, parent)
            if _secret_pair(obj):  # {"name": "password", "value": …} anywhere else in the capture
                return {k: (self._secret_value(v) if k == "value" else self._walk(v, str(k))) for k, v in obj.items()}
            out: dict[str, Any] = {}
            for k, v in obj.items():
                if v.__class__ in _SCALARS:
                    out[k] = v
                    continue
                key = str(k)
                kind = _key_kind(key)
                if kind == _URL_KEY and isinstance(v, str):
                    out[k] = self.url(v)
                elif kind == _SECRET_KEY and isinstance(v, (str, list, dict)):
                    out[k] = self._secret_value(v)
                elif kind == _LIST_KEY and isinstance(v, str):
                    out[k] = self.text(_FORM_PAIR_RE.sub(self._url_param, v))  # a list given as a string
                elif v.__class__ is str:
                    out[k] = self._string(v)
                else:
                    out[k] = self._walk(v, key)
            return out
        if isinstance(obj, list):
            if parent in _PAIR_PARENTS:  # headers, cookies …: straight to _pair, as _walk would send them
                return [self._pair(v, parent) if v.__class__ is dict and "name" in v and "value" in v
                        and not ("mimeType" in v and "text" in v) else self._walk(v, parent) for v in obj]
            return [self._walk(v, parent) for v in obj]
        if isinstance(obj, str):
            return self._string(obj)
        return obj

    def _json_text(self, text: str) -> str | None:
        """``text`` redacted as JSON when it is a JSON object or array, else None."""
        if text.lstrip()[:1] not in ("{", "["):
            return None
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return None
        try:
            return json.dumps(self._json(doc), ensure_ascii=False, separators=(",", ":"))
        except RecursionError:  # nested too deep to walk: keep nothing of it rather than leak
            return self.redactor.secret(text, "deep-json")

    def _secret_value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.redactor.secret(v) if v else v
        if isinstance(v, list):
            return [self._secret_value(x) for x in v]
        if isinstance(v, dict):
            return {k: self._secret_value(x) for k, x in v.items()}
        return v

    def _pair(self, obj: dict[str, Any], parent: str) -> dict[str, Any]:
        out = dict(obj)
        name, value = str(obj.get("name", "")), obj.get("value")
        if isinstance(value, str):
            key = (parent, name, value)
            done = self._remembered().get(key) if len(value) <= _MEMO_LEN else None
            if done is not None:
                out["value"] = done
            elif parent == "cookies":
                out["value"] = self.redactor.secret(value, "cookie") if value else value
            elif parent == "headers":
                out["value"] = self._header_value(name, value)
            elif is_secret_name(name):
                out["value"] = self.redactor.secret(value, "param") if value else value
            else:
                out["value"] = self.url(value) if "://" in value else self.text(value)
            if done is None and len(value) <= _MEMO_LEN:
                self._remembered()[key] = out["value"]
        return out

    def _header_value(self, name: str, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        n = name.strip().lower()
        if n == "cookie":
            return "; ".join(self._cookie_pair(p) for p in value.split(";"))
        if n == "set-cookie":
            first, sep, attrs = value.partition(";")
            return self._cookie_pair(first) + sep + attrs
        if n in ("authorization", "proxy-authorization", "www-authenticate"):
            scheme, sp, cred = value.strip().partition(" ")
            if sp and scheme.isalpha() and cred:
                return f"{scheme} {self.redactor.secret(cred.strip(), 'token')}"
            return self.redactor.secret(value, "token")
        if n in SECRET_HEADERS or is_secret_name(n):
            return self.redactor.secret(value, "token")
        if n in ("location", "referer", "origin") or "://" in value:
            return self.url(value)
        return self.text(value)

    def _cookie_pair(self, part: str) -> str:
        name, eq, val = part.strip().partition("=")
        if not eq:
            return part.strip()
        return f"{name}={self.redactor.secret(val, 'cookie') if val else val}"

    def url(self, url: str) -> str:
        """A URL with its password, secret query/fragment parameters and JWTs replaced."""
        out = URL_USERINFO_RE.sub(
            lambda m: f"{m.group(1)}{m.group(2)}:{self.redactor.secret(m.group(3), 'password')}@", url)
        out = _URL_PARAM_RE.sub(self._url_param, out)
        return self.text(out)

    def _url_param(self, m: re.Match[str]) -> str:
        name, value = m.group("name"), m.group("value")
        if not value or value.startswith("<redacted") or not is_secret_name(unquote_plus(name)):
            return m.group(0)
        return f"{m.group('lead')}{name}={self.redactor.secret(value, 'param')}"

    def text(self, text: str, shapes: bool = True) -> str:
        """Free text inside a capture: JWTs, credential-like bearer/basic values, URL passwords,
        secret-named values (``token=…``, form fields; not in scripts, ``shapes=False``, where
        ``password: e.value`` is code) and values already known to be secret. Prose is left alone."""
        if len(text) < MIN_KNOWN_LEN:
            return text  # too short for any credential shape or remembered secret
        r = self.redactor
        out = _sub_matches(text, _matches_at(JWT_RE, text, _JWT_ANCHORS), lambda m: r.secret(m.group(0), "jwt"))
        out = _sub_matches(out, _matches_at(BEARER_RE, out, _BEARER_ANCHORS, fold=True),
                           lambda m: (f"{m.group(1)} {r.secret(m.group(2), 'token')}"
                                      if credential_like(m.group(1), m.group(2)) else m.group(0)))
        if "@" in out:
            out = _sub_matches(out, _userinfo_matches(out),
                               lambda m: f"{m.group(1)}{m.group(2)}:{r.secret(m.group(3), 'password')}@")
        if shapes:
            out = r.redact_shapes(out)
        return r._replace_known(out)

    def _body(self, obj: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        kept = self._kept
        raw = self._quiet_raw(obj) if kept is not None else None
        if kept is not None and raw is not None:  # kept as captured: its JSON spliced into the line by entry_line()
            out.update(dict.items(obj))
            out["text"] = f"{_KEPT_MARK}{len(kept)}"
            kept.append(raw)
            for k, v in dict.items(obj):
                if k != "text":
                    out[k] = self._walk(v, k)
            return out
        for k, v in obj.items():
            if k == "params" and isinstance(v, list):
                out[k] = [self._pair(p, "params") if isinstance(p, dict) else p for p in v]
            elif k in ("text", "_textBase64") and isinstance(v, str):
                encoded = k == "_textBase64" or str(obj.get("encoding", "")).lower() == "base64"
                out[k] = self._body_text(v, str(obj.get("mimeType", "")), encoded)
            else:
                out[k] = self._walk(v, k)
        return out

    def _body_text(self, text: str, mime: str, encoded: bool) -> str:
        if encoded:
            try:
                decoded = base64.b64decode(text, validate=False).decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                return text  # binary (an image, a font): no text secrets to find
            redacted = self._plain_body(decoded, mime)
            return text if redacted == decoded else base64.b64encode(redacted.encode("utf-8")).decode("ascii")
        return self._plain_body(text, mime)

    def quiet(self, text: str, raw: bool = False) -> bool:
        """True when no rule would change ``text`` (nor learn a secret from it): bodies that are
        quiet are kept exactly as captured, without decoding a JSON document string by string."""
        r = self.redactor
        known = r.known_values()
        if r.short_secrets:
            known = [*known, *r.short_secrets]
        return not _prefilter().may_change(text, known, raw)

    def _plain_body(self, text: str, mime: str) -> str:
        if "x-www-form-urlencoded" not in mime.lower() and self.quiet(text):
            return text
        stripped = text.lstrip()
        if stripped[:1] in ("{", "[") and ("json" in mime.lower() or not mime or "text" in mime.lower()):
            try:
                doc = json.loads(text)
            except ValueError:
                pass
            except RecursionError:
                return self.redactor.secret(text, "deep-json")  # cannot be walked: nothing of it is kept
            else:
                try:
                    return json.dumps(self._json(doc), ensure_ascii=False, separators=(",", ":"))
                except RecursionError:
                    return self.redactor.secret(text, "deep-json")
        if "x-www-form-urlencoded" in mime.lower():
            # Secret-named pairs by name, then the text rules: a JWT or a value already removed
            # elsewhere (an OAuth state echoed as RelayState) can sit under any name.
            return self.text(_FORM_PAIR_RE.sub(self._url_param, text))
        return self.text(text, shapes=not _is_script(mime))

    def _json(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            if _secret_pair(obj):
                return {k: (self._secret_value(v) if k == "value" else self._json(v)) for k, v in obj.items()}
            return {k: (self._secret_value(v) if _is_secret_key(str(k)) else self._json(v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._json(v) for v in obj]
        if isinstance(obj, str):
            return self.url(obj) if "://" in obj else self.text(obj)
        return obj


def _list(value: Any) -> list[Any]:
    """A field that should be a list, or an empty list when a damaged HAR holds something else."""
    return value if isinstance(value, list) else []


def _is_script(mime: str) -> bool:
    m = mime.lower()
    return "javascript" in m or "ecmascript" in m or m.endswith("/css")


def _sub_matches(text: str, matches: Iterable[re.Match[str]], repl) -> str:
    """Like ``pattern.sub`` for matches found by :func:`_matches_at` / :func:`_userinfo_matches`."""
    parts: list[str] = []
    pos = 0
    for m in matches:
        if m.start() < pos:
            continue
        parts += [text[pos:m.start()], repl(m)]
        pos = m.end()
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


# name=value inside a URL query or fragment (``lead`` is the ? & # ; that precedes it).
_URL_PARAM_RE = re.compile(r"(?P<lead>[?&#;])(?P<name>[^=&#?\s]+)=(?P<value>[^&#\s\"']*)")
_FORM_PAIR_RE = re.compile(r"(?P<lead>^|&)(?P<name>[^=&\s]+)=(?P<value>[^&\s]*)")


@dataclass
class HarRedactionResult:
    path: Path
    entries: int
    truncated: bool
    warnings: list[str]
    placeholders: int
    #: When ``path`` is a zip: the redacted HARs in it, one per HAR read (else empty).
    members: tuple[str, ...] = ()


def redact_har_file(src: Path | str, out: Path | str, *, redactor: Redactor | None = None,
                    scanner: LeakScanner | None = None) -> HarRedactionResult:
    """Write a redacted copy of the HAR ``src`` to ``out``, streaming entry by entry.

    An ``out`` ending in ``.zip`` gets a zip with one redacted HAR per HAR in ``src`` (required
    when ``src`` is a zip holding several); placeholders are shared, so the same secret has the same
    placeholder in every member. Each entry is redacted once, into an encrypted spool (see
    :class:`_Spool`); once every secret of the capture is known, each line is checked for values
    recognised as secret only after it was redacted (a token first seen in a later entry's header),
    leak-scanned and written. A line holding such a value makes the whole copy be redacted again
    from the capture, now knowing every secret. Everything is written to a temporary folder next to
    ``out`` and renamed; on a leak (:class:`LeakError`) nothing is left behind.
    """
    from .evidence.har import HarError, HarReader

    src, out = Path(src), Path(out)
    if out.exists() and out.is_dir():
        raise HarError(f"{out}: is a folder; give a file name such as {out / (src.stem + '.redacted.har')}")
    if not out.parent.is_dir():
        raise HarError(f"{out.parent}: " + ("is not a folder" if out.parent.exists() else "folder does not exist"))
    if out.resolve() == src.resolve():
        raise HarError(f"{out}: refusing to overwrite the original capture; choose another output name")
    reader = HarReader(src, lazy_bodies=True)  # the fast readers; bodies decoded when redacted
    as_zip = out.suffix.lower() == ".zip"
    if len(reader.sources) != 1 and not as_zip:
        names = ", ".join(s.name for s in reader.sources)
        stem = src.name.removesuffix(".zip")
        raise HarError(f"{src.name}: holds {len(reader.sources)} HARs ({names}); give an output name ending in "
                       f".zip (such as {stem}.redacted.zip) to get a redacted copy of each")
    keyring_values = default_known_secrets()
    har = HarRedactor(redactor)
    har.redactor.known_secrets |= keyring_values  # replaced wherever they appear, not just refused
    scanner = scanner or LeakScanner(keyring_values, strict=True)
    try:
        return _redact_into(src, out, reader, har, scanner, as_zip)
    except RecursionError:
        raise HarError(f"{src.name}: a value is nested more than {sys.getrecursionlimit() // 2} levels deep; "
                       "no browser writes that — export the HAR again") from None
    except OSError as exc:  # the reader turns its own errors into HarError: this is the output side
        where = f" ({exc.filename})" if exc.filename else ""
        raise HarError(f"{out}: cannot write the redacted copy: {exc.strerror or exc}{where}") from None


class _LateSecret(Exception):
    """A spooled line holds a value recognised as secret only after the line was redacted."""


class _Spool:
    """Redacted entries (one JSON line each) kept until every secret of the capture is known.

    A line may still hold a value recognised as secret only in a later entry, and such a line must
    never sit readable in a file, not even in a temporary one that a kill -9 would leave behind:
    the spool is encrypted (AES-CTR) with a key that lives only in this process.
    """

    def __init__(self, path: Path):
        from array import array

        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self._cipher = Cipher(algorithms.AES(os.urandom(32)), modes.CTR(os.urandom(16)))
        self._enc = self._cipher.encryptor()
        self.path = path
        self._fh = path.open("wb")
        self._sizes = array("Q")  # bytes of each line
        self._learnt = array("Q")  # how many secrets the redactor knew when the line was redacted

    def add(self, line: str, learnt: int) -> None:
        data = line.encode("utf-8")
        self._fh.write(self._enc.update(data))
        self._sizes.append(len(data))
        self._learnt.append(learnt)

    def lines(self) -> Iterator[tuple[str, int]]:
        self._fh.close()
        dec = self._cipher.decryptor()
        with self.path.open("rb") as fh:
            for size, learnt in zip(self._sizes, self._learnt):
                yield dec.update(fh.read(size)).decode("utf-8"), learnt

    def close(self) -> None:
        self._fh.close()


def _redact_into(src: Path, out: Path, reader: Any, har: HarRedactor, scanner: LeakScanner,
                 as_zip: bool) -> HarRedactionResult:
    """Redact every HAR of ``reader`` into a spool, then write them out (see :func:`redact_har_file`)."""
    r = har.redactor
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", suffix=".part", dir=out.parent) as tmp:
        from .workdir import register_partial

        register_partial(tmp)  # removed by the next start if this process is killed before the rename
        spooled: list[tuple[Any, _Spool, Any]] = []
        for i, source in enumerate(reader.sources):
            spool = _Spool(Path(tmp) / f"{i}.spool")
            try:
                for rec in reader.records(source):
                    before = len(r._map)  # what the entry learns itself may sit earlier in it, unreplaced
                    spool.add(har.entry_line(rec.raw), before)
            finally:
                spool.close()
            spooled.append((source, spool, har.redact_meta(reader.log_meta(source))))
        scanner.add(r.removed)
        learnt = list(r._map)  # in the order learnt: a line redacted knowing k of them lacks learnt[k:]
        try:
            parts, n = _write_parts(src, out, Path(tmp), reader, spooled, scanner, as_zip, har, learnt)
        except _LateSecret:
            # A line holds a value recognised as secret only later: redact everything again from the
            # capture, now knowing every secret (the spool is not used).
            parts, n = _write_parts(src, out, Path(tmp), reader, [(s, None, None) for s, _, _ in spooled], scanner,
                                    as_zip, har, learnt)
        final = parts[0][1]
        if as_zip:
            final = Path(tmp) / "out.zip"
            with zipfile.ZipFile(final, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for member, part in parts:
                    zf.write(part, member)
        os.replace(final, out)
    return HarRedactionResult(out, n, bool(reader.truncated), list(dict.fromkeys(reader.warnings)), len(r._map),
                              tuple(m for m, _ in parts) if as_zip else ())


def _write_parts(src: Path, out: Path, tmp: Path, reader: Any, spooled: list[tuple[Any, Any, Any]],
                 scanner: LeakScanner, as_zip: bool, har: HarRedactor,
                 learnt: list[str]) -> tuple[list[tuple[str, Path]], int]:
    """Each HAR written to ``tmp`` from its spool, or (spool None) redacted again from the capture."""
    parts: list[tuple[str, Path]] = []
    n = 0
    known_before = len(scanner.known)
    for i, (source, spool, meta) in enumerate(spooled):
        member = _member_name(src, source.name, {name for name, _ in parts})
        part = tmp / f"{i}.har"
        label = f"{out.name}:{member}" if as_zip else out.name
        if spool is None:
            # Every secret is known now: each entry redacted again is final.
            again = ((json.dumps(har.redact_entry(rec.raw), ensure_ascii=False), len(learnt))
                     for rec in reader.records(source))
            n += _write_redacted_har(har.redact_meta(reader.log_meta(source)), part, scanner, label, again, har,
                                     learnt)
        else:
            n += _write_redacted_har(meta, part, scanner, label, spool.lines(), har, learnt)
        parts.append((member, part))
    scanner.add(har.redactor.removed)
    if len(scanner.known) > known_before:
        # Secrets first seen while writing may have been written earlier in raw form: check the files.
        for member, part in parts:
            _rescan_file(part, f"{out.name}:{member}" if as_zip else out.name, scanner)
    return parts, n


def _member_name(src: Path, source_name: str, taken: set[str]) -> str:
    """``capture.har`` → ``capture.redacted.har`` (unique within the output zip)."""
    inner = source_name[len(src.name) + 1:] if source_name.startswith(src.name + ":") else source_name
    stem = inner.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".gz").removesuffix(".har")
    name, k = f"{stem}.redacted.har", 2
    while name in taken:
        name, k = f"{stem}-{k}.redacted.har", k + 1
    return name


def _write_redacted_har(meta: Any, path: Path, scanner: LeakScanner, label: str,
                        lines: Iterable[tuple[str, int]], har: HarRedactor, learnt: list[str]) -> int:
    """One redacted HAR into ``path``: its ``log`` fields, then its entries' ``lines`` (each with the
    number of secrets known when it was redacted); returns the number of entries."""
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        head = json.dumps(meta, ensure_ascii=False)
        for leak in scanner.scan_blob(head, f"{label} log header"):
            raise LeakError([leak])
        fh.write('{"log": ' + head[:-1] + (', ' if meta else '') + '"entries": [\n')
        for line, known in lines:
            if known < len(learnt):
                _check_late(line, learnt[known:], har.redactor)
            leaks = scanner.scan_blob(line, f"{label} entry {n + 1}")
            if leaks:
                where = f"{label} entry {n + 1} ({_short_url(json.loads(line))})"
                raise LeakError([Leak(where, leak.what) for leak in leaks])
            fh.write((",\n" if n else "") + line)
            n += 1
        fh.write("\n]}}\n")
    return n


def _check_late(line: str, values: list[str], redactor: Redactor) -> None:
    """Raise :class:`_LateSecret` when ``line`` may hold one of ``values`` (secrets learnt after it
    was redacted), as the rules would have replaced it: verbatim, or written with JSON escapes
    (which, for printable ASCII, only add backslashes), or inside a longer one."""
    flat: str | None = None
    known: list[str] | None = None
    for value in values:
        if len(value) < MIN_KNOWN_LEN:
            continue  # never replaced inside other text (see Redactor._replace_known)
        if value in line or not (value.isascii() and value.isprintable()):
            raise _LateSecret
        if flat is None:
            flat = line.replace("\\", "")
        if value.replace("\\", "") in flat:
            raise _LateSecret
        known = known if known is not None else redactor.known_values()
        for other in known:
            # A shorter secret inside it was replaced on its own, leaving the rest of this one.
            placeholder = redactor._map.get(other) if other != value and other in value else None
            if placeholder is not None and value.replace(other, placeholder) in line:
                raise _LateSecret


def _short_url(entry: dict[str, Any]) -> str:
    req = entry.get("request") or {}
    url = str(req.get("url", ""))
    return f"{req.get('method', '?')} {url.split('?')[0][:80]}"


def _rescan_file(path: Path, name: str, scanner: LeakScanner) -> None:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            leaks = scanner.scan_blob(line, f"{name} line {lineno}")
            if leaks:
                raise LeakError(leaks)


def safe_url(url: str) -> str:
    """The URL with any ``user:password@`` replaced, so credentials are never echoed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="<redacted>@" + parts.netloc.rpartition("@")[2]))

