"""Which of the values known to be secret occur in a text, at a cost that does not grow with how
many values there are.

A redactor remembers every value it replaced, and the leak scanner looks for all of them in
everything that leaves the machine. A capture where every entry brings a new value (a rotating
load-balancer cookie, a fresh token per call, 30,000 failing calls each with its own bearer
token) knows tens of thousands of them; looking for each one in each line made a 30,000-entry
HAR take an hour. Past a hundred values, each value is filed under one of its substrings of
:data:`MIN_KNOWN_LEN` characters (its *head*), and a text is asked only for the values filed under
one of its own substrings of that length: a value can only occur where each of its substrings
does. Which substring is a value's head is chosen to spread the values out — values that share
a prefix (JWTs all begin ``eyJhbGciOi``, a cookie jar's values share a format) are filed under
where they differ.
"""
from __future__ import annotations

from typing import Iterable, Iterator

#: Remembered values shorter than this are not replaced inside other text (too ambiguous); it is
#: also the length of the heads values are filed under.
MIN_KNOWN_LEN = 6
#: Up to this many values, one ``in`` per value is cheaper than slicing the text into heads
#: (each ``in`` is a C search at about 1 ns a character; the slicing costs ~150 ns a character).
_FEW = 128
#: Places in a value looked at when choosing its head (evenly spread over it).
_HEAD_TRIES = 32


def _slicing_pays(values: int, length: int) -> bool:
    """Whether slicing a text of ``length`` characters into heads (~170 ns a character) costs less
    than one ``in`` per value (~40 ns a call plus ~0.15 ns a character): measured on this project's
    2-core machine; short texts and a few hundred values favour the plain search."""
    return values * (270 + length) > 1130 * length


def plain_json(value: str) -> bool:
    """Whether ``value`` is written the same inside a JSON string (no escapes possible)."""
    return value.isascii() and value.isprintable() and '"' not in value and "\\" not in value and "/" not in value


class KnownValues:
    """A growing set of values and which of them occur in a text (as substrings, overlaps included).

    Values shorter than :data:`MIN_KNOWN_LEN` are kept too (a caller may need them) and always
    searched one by one; callers that replace or scan for secrets leave those out themselves.
    """

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._short: list[str] = []  # shorter than a head: searched one by one
        self._by_head: dict[str, list[str]] | None = None  # filed once there are more than _FEW
        #: Some value would be written differently inside a JSON string (see :func:`plain_json`).
        self.escapable = False
        # The last text asked about and its answer: a body is often asked twice in a row (may a rule
        # change it? then: which values does it hold?); valid while no value is added.
        self._last: tuple[str, int, list[str]] | None = None
        self.update(values)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def add(self, value: str) -> None:
        if not value or value in self._values:
            return
        self._values.add(value)
        if not self.escapable and not plain_json(value):
            self.escapable = True
        if len(value) < MIN_KNOWN_LEN:
            self._short.append(value)
            return
        if self._by_head is not None:
            self._file(value)
        elif len(self._values) - len(self._short) > _FEW:
            self._by_head = {}
            for v in self._values:
                if len(v) >= MIN_KNOWN_LEN:
                    self._file(v)

    def _file(self, value: str) -> None:
        """File ``value`` under the least used of some of its substrings (ties: the first)."""
        heads = self._by_head
        assert heads is not None
        last = len(value) - MIN_KNOWN_LEN
        step = max(1, last // _HEAD_TRIES)
        best, best_load = value[:MIN_KNOWN_LEN], None
        for i in range(0, last + 1, step):
            head = value[i:i + MIN_KNOWN_LEN]
            filed = heads.get(head)
            if filed is None:
                best = head
                break
            if best_load is None or len(filed) < best_load:
                best, best_load = head, len(filed)
        heads.setdefault(best, []).append(value)

    def update(self, values: Iterable[str]) -> None:
        for value in values:
            self.add(value)

    def _candidates(self, text: str) -> Iterator[str]:
        """Values that may occur in ``text``: every one that does, and few that do not."""
        yield from self._short
        heads = self._by_head
        if heads is None or not _slicing_pays(len(self._values) - len(self._short), len(text)):
            yield from (v for v in self._values if len(v) >= MIN_KNOWN_LEN)
            return
        n = len(text) - MIN_KNOWN_LEN + 1
        if n <= 0:
            return
        if n == 1:
            seen: Iterable[str] = (text,)
        else:
            seen = {text[i:i + MIN_KNOWN_LEN] for i in range(n)}
            seen = seen & heads.keys() if len(seen) < len(heads) else heads.keys() & seen
        for head in seen:
            yield from heads.get(head, ())

    def found_in(self, text: str) -> list[str]:
        """The values that occur in ``text``."""
        last = self._last
        if last is not None and last[1] == len(self._values) and last[0] == text:
            return last[2]
        found = [v for v in self._candidates(text) if v in text]
        if self._by_head is not None:  # below that, asking again costs less than comparing texts
            self._last = (text, len(self._values), found)
        return found

    def any_in(self, text: str) -> bool:
        """Whether any value occurs in ``text``."""
        if self._by_head is None:
            return any(v in text for v in self._candidates(text))
        return bool(self.found_in(text))
