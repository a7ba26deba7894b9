"""msgspec types for an entry *summary*: the fields every HAR entry is read for.

Kept in their own module, imported only when a HAR is read (msgspec is a C extension), and
without ``from __future__ import annotations`` so msgspec sees real types. Fields left out here
(bodies, timings, initiator stacks …) are skipped by the decoder at C speed, but still checked to
be valid JSON. Defaults mirror ``dict.get`` defaults used by the analysis and the redactor.
``gc=False``: decoded JSON holds no reference cycles, and untracked structs keep the cyclic garbage
collector from running over and over while thousands of entries are summarised.
"""
from typing import Any

import msgspec


class Pair(msgspec.Struct, gc=False):
    """A header, cookie, query or form parameter (``name``/``value``; other keys skipped)."""

    name: Any = ""
    value: Any = None


class Body(msgspec.Struct, gc=False):
    """``postData`` / ``content``: the text (a lazy marker for long bodies) and form parameters."""

    text: Any = None
    params: list[Pair] | None = None


class Message(msgspec.Struct, gc=False):
    """``request`` or ``response``."""

    method: Any = ""
    url: Any = ""
    status: Any = 0
    headers: list[Pair] | None = None
    cookies: list[Pair] | None = None
    queryString: list[Pair] | None = None
    postData: Body | None = None
    content: Body | None = None


class Summary(msgspec.Struct, gc=False):
    startedDateTime: Any = None
    request: Message | None = None
    response: Message | None = None


DECODER = msgspec.json.Decoder(Summary)
