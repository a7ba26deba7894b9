"""The text redactor: consistent placeholders for secrets found in free text and JSON.

:class:`Redactor` replaces secrets *consistently*: the same secret always becomes the same
placeholder (``<redacted:jwt:1>``), so a flow can still be followed, and it remembers every
value it removed (fed to the leak scanner). Every rule starts from an anchor word found with
``str.find`` (linear time on any input); :mod:`checks.redact.prefilter` is derived from them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from .known import MIN_KNOWN_LEN, KnownValues
from .names import (MAX_NAME, _is_secret_column, _is_secret_key, _secret_pair, _strong_name, is_secret_name,
                    looks_like_credential)

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


_TABLE_RULE_RE = re.compile(r"^\s*(?:={4,}|-{4,})\s*$")
# A column name in a table header: words separated by single spaces; columns by two or more.
_TABLE_HEADER_COL_RE = re.compile(r"\S+(?: \S+)*")
_PLACEHOLDER_RE = re.compile(r"<redacted:([a-z-]+):(\d+)>")



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


@dataclass
class Redactor:
    """Consistent, remembering redaction. One instance per output (bundle, report, copy)."""

    known_secrets: set[str] = field(default_factory=set)
    _map: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)
    #: The values replaced inside other text, kept up to date by secret(); _known_size is the size
    #: of _map and known_secrets it holds, so values put in known_secrets directly are taken too.
    _known: KnownValues = field(default_factory=KnownValues)
    _known_size: int = -1
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
        in_step = self._known_size == len(self._map) + len(self.known_secrets)
        self._map[value] = placeholder
        if len(value) >= 4:
            self.known_secrets.add(value)
        if in_step:  # one value more, not a full pass over every value (tens of thousands in a big HAR)
            if len(value) >= MIN_KNOWN_LEN:
                self._known.add(value)
            self._known_size = len(self._map) + len(self.known_secrets)
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

    def known(self) -> KnownValues:
        """The values :meth:`_replace_known` replaces inside other text (at least
        :data:`MIN_KNOWN_LEN` characters: the remembered ones and the externally known ones)."""
        if self._known_size != len(self._map) + len(self.known_secrets):
            self._known.update(v for v in self._map if len(v) >= MIN_KNOWN_LEN)
            self._known.update(v for v in self.known_secrets if len(v) >= MIN_KNOWN_LEN)
            self._known_size = len(self._map) + len(self.known_secrets)
        return self._known

    def _replace_known(self, text: str) -> str:
        """Replace every remembered secret (and every externally known one) found in ``text``,
        longest first (a secret holding a shorter one is replaced whole).

        Only values of at least :data:`MIN_KNOWN_LEN` characters: a short cookie value such as
        ``en`` or ``1`` must not rewrite every ``en`` or ``1`` in later text.
        """
        found = self.known().found_in(text)
        if found:
            for value in sorted(found, key=len, reverse=True):
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
