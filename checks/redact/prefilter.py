"""Which texts no redaction rule can change: derived from the rules' own words, so it cannot drift.

Most of a capture's bytes are bodies no rule touches (API answers, scripts, pages); one RE2 scan
tells which ones need the rules at all (``tests/test_har_redact_fast.py`` checks that whatever it
lets through, the full rules leave unchanged).
"""
from __future__ import annotations

import re
from typing import Iterable

from ..linre import compile_linear  # imports RE2 only when a pattern is compiled
from .known import KnownValues, plain_json
from .names import JSON_BODY_PLAIN_NAMES, SECRET_EXACT_NAMES, SECRET_NAME_PARTS
from .text import _BEARER_ANCHORS, _COOKIE_ANCHORS, _DIGEST_ANCHORS, _HTML_TAGS, _JWT_ANCHORS, _KV_WORDS

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

    def may_change(self, text: str, known: KnownValues | Iterable[str] = (), raw: bool = False) -> bool:
        """Whether a rule could change ``text`` (``raw``: a JSON string literal as in the file,
        which also counts as changed when it is not valid JSON as it stands); ``known``: values
        the redactor replaces wherever they occur."""
        if (self._words_raw if raw else self._words).search(text) is not None:
            return True
        if "/" in text:
            if "@" in text and self._colon_slash.search(text) is not None:
                return True
            if self._url.search(text) is not None and self._url_words.search(text) is not None:
                return True
        return may_hold(text, known)


def may_hold(text: str, known: KnownValues | Iterable[str]) -> bool:
    """Whether ``text`` may hold one of the ``known`` values: as it is, or (when the text has
    escapes and a value would be written with some) written as a JSON escape."""
    if isinstance(known, KnownValues):
        return ("\\" in text and known.escapable) or known.any_in(text)
    escaped = "\\" in text
    for value in known:
        if value in text:
            return True
        if escaped and not plain_json(value):  # it may be in the text written as an escape
            return True
    return False


_PREFILTER: _Prefilter | None = None


def _prefilter() -> _Prefilter:
    global _PREFILTER
    if _PREFILTER is None:
        _PREFILTER = _Prefilter()
    return _PREFILTER
