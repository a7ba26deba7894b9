"""Which names say that a value is a secret: parameters, JSON keys, headers, table columns.

One policy for every channel (free text, HAR headers and parameters, JSON bodies, CLI tables),
and the tests of ``Bearer x`` / ``Basic x`` values that tell a credential from prose.
"""
from __future__ import annotations

import base64
import binascii
import functools
import re
from typing import Any

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

#: Longest parameter name the key-value rules consider (longer runs are data, not names).
MAX_NAME = 64


_SECRET_COLUMN_PARTS = ("password", "passwd", "passcode", "secret", "token", "credential", "apikey",
                        "privatekey")


def _is_secret_column(name: str) -> bool:
    """A table column holding secrets (by name parts only: a "State" or "Code" column is data)."""
    compact = re.sub(r"[^a-z]", "", name.lower())
    return any(part in compact for part in _SECRET_COLUMN_PARTS) and compact not in NOT_SECRET_NAMES

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
