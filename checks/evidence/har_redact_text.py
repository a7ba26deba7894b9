"""The text rules of HAR redaction: what one string of a capture becomes — a URL, a header value,
a cookie, free text — with :mod:`checks.redact`'s redactor (consistent placeholders).
:class:`~checks.evidence.har_redact.HarRedactor` walks the capture's structure on top of them."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

from ..redact.names import SECRET_HEADERS, credential_like, is_secret_name
from ..redact.prefilter import _prefilter, may_hold
from ..redact.text import (BEARER_RE, JWT_RE, MIN_KNOWN_LEN, URL_USERINFO_RE, _BEARER_ANCHORS, _JWT_ANCHORS,
                           Redactor, _matches_at, _sub_matches, _userinfo_matches)

# name=value inside a URL query or fragment (``lead`` is the ? & # ; that precedes it).
_URL_PARAM_RE = re.compile(r"(?P<lead>[?&#;])(?P<name>[^=&#?\s]+)=(?P<value>[^&#\s\"']*)")
#: name=value pairs of a form body (application/x-www-form-urlencoded).
FORM_PAIR_RE = re.compile(r"(?P<lead>^|&)(?P<name>[^=&\s]+)=(?P<value>[^&\s]*)")
#: Short texts are asked the prefilter first (half the cost of the rules); a URL is not (the
#: prefilter's URL checks cost more than the rules), nor a body (quiet() already said it may change).
_QUIET_FIRST = 512


class HarTextRules:
    """The rules for the strings of a capture, sharing one :class:`Redactor`."""

    def __init__(self, redactor: Redactor | None = None):
        self.redactor = redactor or Redactor()

    def url(self, url: str) -> str:
        """A URL with its password, secret query/fragment parameters and JWTs replaced."""
        out = URL_USERINFO_RE.sub(
            lambda m: f"{m.group(1)}{m.group(2)}:{self.redactor.secret(m.group(3), 'password')}@", url) \
            if "@" in url else url  # each match holds an "@" and a "=": without them, no call needed
        if "=" in out:
            out = _URL_PARAM_RE.sub(self._url_param, out)
        return self.text(out)

    def _url_param(self, m: re.Match[str]) -> str:
        name, value = m.group("name"), m.group("value")
        if not value or value.startswith("<redacted") or not is_secret_name(unquote_plus(name)):
            return m.group(0)
        return f"{m.group('lead')}{name}={self.redactor.secret(value, 'param')}"

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

    def text(self, text: str, shapes: bool = True) -> str:
        """Free text inside a capture: JWTs, credential-like bearer/basic values, URL passwords,
        secret-named values (``token=…``, form fields; not in scripts, ``shapes=False``, where
        ``password: e.value`` is code) and values already known to be secret. Prose is left alone."""
        if len(text) < MIN_KNOWN_LEN:
            return text  # too short for any credential shape or remembered secret
        if len(text) <= _QUIET_FIRST and "://" not in text:
            if self.quiet(text):  # a header value, a tracking ID: one prefilter scan, not every rule
                return text
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

    def quiet(self, text: str, raw: bool = False) -> bool:
        """True when no rule would change ``text`` (nor learn a secret from it): bodies that are
        quiet are kept exactly as captured, without decoding a JSON document string by string."""
        r = self.redactor
        try:
            if _prefilter().may_change(text, r.known(), raw):
                return False
        except UnicodeEncodeError:  # a lone surrogate (RE2 reads UTF-8): not quiet, the rules decide
            return False
        return not (r.short_secrets and may_hold(text, r.short_secrets))


def is_script(mime: str) -> bool:
    """A script or style sheet, where ``password: e.value`` is code, not a secret."""
    m = mime.lower()
    return "javascript" in m or "ecmascript" in m or m.endswith("/css")
