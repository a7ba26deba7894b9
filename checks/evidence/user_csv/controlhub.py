"""The Control Hub user export: for each user without Webex Calling, the reason seed 001 gives
(no number, a number not in E.164, a number another user has, or "check it in Webex Calling")."""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .common import _cell, _Cancelled, _rows, parse_bool
from .layouts import Column, Layout, _header
from .reading import CsvFormat, open_csv

#: Reasons a Control Hub user has no Webex Calling, in the order they are checked and fixed.
REASONS = ("no_number", "not_e164", "duplicate", "check_number")
#: Other rows named per duplicated number (the count says how many hold it in all).
MAX_SHARED = 5
_E164_FAST = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class UserRow:
    """A user the findings report: the row as Excel numbers it and only the cells needed."""

    row: int
    user: str
    number: str = ""
    extension: str = ""
    location: str = ""
    reason: str = ""
    detail: str = ""
    e164: str = ""
    also: list[str] = field(default_factory=list)
    shared_with: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {"row": self.row, "user": self.user, "number": self.number, "extension": self.extension,
             "location": self.location, "reason": self.reason, "detail": self.detail, "e164": self.e164}
        if self.also:
            d["also"] = list(self.also)
        if self.shared_with:
            d["shared_with_rows"] = list(self.shared_with)
        return d


@dataclass
class ControlHubAnalysis:
    path: str
    fmt: CsvFormat
    layout: Layout
    users: int = 0
    with_calling: int = 0
    failing: list[UserRow] = field(default_factory=list)
    unknown: list[UserRow] = field(default_factory=list)
    unknown_values: Counter = field(default_factory=Counter)
    region: str = ""
    region_how: str = ""
    cancelled: bool = False

    @property
    def without_calling(self) -> int:
        return len(self.failing)

    def by_reason(self) -> dict[str, list[UserRow]]:
        out: dict[str, list[UserRow]] = {r: [] for r in REASONS}
        for u in self.failing:
            out.setdefault(u.reason, []).append(u)
        return out


def _controlhub(path: str, fmt: CsvFormat, layout: Layout, reader: Iterator[list[str]], line: int,
                region: str | None, progress: Callable[[str], None] | None,
                cancelled: Callable[[], bool] | None) -> ControlHubAnalysis:
    """Two passes, so memory follows the users to report, not the size of the file: the first
    finds the users without Webex Calling (and a sample of numbers for the region), the second
    looks for other rows holding their numbers."""
    a = ControlHubAnalysis(path, fmt, layout)
    cols = layout.columns
    user_c, phone_c = cols["user"], cols.get("phone")
    ext_c, loc_c = cols.get("extension"), cols.get("location")
    calling = layout.calling
    e164_sample: list[str] = []
    try:
        for n, row in _rows(reader, line, progress, cancelled):
            a.users += 1
            number = phone_c.get(row) if phone_c else ""
            if number and len(e164_sample) < 500 and _E164_FAST.match(number):
                e164_sample.append(number)
            if not calling:
                continue
            states = [parse_bool(c.get(row)) for c in calling]
            if any(s is True for s in states):
                a.with_calling += 1
                continue
            u = UserRow(n, _cell(user_c.get(row)), _cell(number), _cell(ext_c.get(row) if ext_c else ""),
                        _cell(loc_c.get(row) if loc_c else ""))
            if all(s is False for s in states):
                a.failing.append(u)
            else:
                a.unknown.append(u)
                for c, s in zip(calling, states):
                    if s is None:
                        a.unknown_values[c.get(row) or "(empty)"] += 1
        a.region, a.region_how = _region(region, e164_sample)
        keys = {u.row: (u.number if _E164_FAST.match(u.number) else _key(u.number, a.region))
                for u in a.failing if u.number}
        holders = _holders(path, phone_c, set(keys.values()), a.region, progress, cancelled) if keys else {}
    except _Cancelled:
        a.cancelled = True
        return a
    for u in a.failing:
        _classify(u, a.region, keys.get(u.row, ""), holders, phone_c is not None)
    return a


def _holders(path: str, phone_c: Column | None, wanted: set[str], region: str,
             progress: Callable[[str], None] | None, cancelled: Callable[[], bool] | None) -> dict[str, list[int]]:
    """Second pass: for each wanted number key, the rows holding it (at most MAX_SHARED + 1 kept)
    and how many there are (``holders[key][0]``). Numbers not in E.164 form are parsed only when
    their last digits match a wanted number, so the pass costs little more than reading."""
    tails = {re.sub(r"\D", "", k)[-7:] for k in wanted}
    found: dict[str, list[int]] = {}
    _, fh, reader = open_csv(path)
    with fh:
        _, line = _header(reader, Path(path).name)
        for n, row in _rows(reader, line, progress, cancelled):
            number = phone_c.get(row) if phone_c else ""
            if not number:
                continue
            if _E164_FAST.match(number):
                key = number
            elif re.sub(r"\D", "", number)[-7:] in tails:
                key = _key(number, region)
            else:
                continue
            if key in wanted:
                rows = found.setdefault(key, [0])
                rows[0] += 1
                if len(rows) <= MAX_SHARED + 1:
                    rows.append(n)
    return found


def _region(given: str | None, sample: list[str]) -> tuple[str, str]:
    import phonenumbers

    if given:
        return given.upper(), "given"
    regions: Counter[str] = Counter()
    for number in sample:
        try:
            r = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            continue
        if r and r != "ZZ":
            regions[r] += 1
    if not regions:
        return "", "none: no number in the file has a country code; give --region CC"
    best, count = regions.most_common(1)[0]
    return best, f"inferred from {count} of {sum(regions.values())} numbers with a country code"


def _parse(number: str, region: str) -> Any:
    import phonenumbers

    try:
        return phonenumbers.parse(number, region or None)
    except phonenumbers.NumberParseException:
        return None


@functools.lru_cache(maxsize=65536)
def _key(number: str, region: str) -> str:
    """What makes two numbers the same: the E.164 form when it can be worked out, else the digits."""
    import phonenumbers

    parsed = _parse(number, region)
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", number)
    return ("+" if number.strip().startswith("+") else "") + digits


@functools.lru_cache(maxsize=65536)
def _judge(number: str, region: str) -> tuple[bool, str, str]:
    """Whether ``number`` fails the E.164 rule, why, and the E.164 form it would become (cached:
    phonenumbers' validation is the costly part of an analysis, and numbers repeat)."""
    import phonenumbers

    if _E164_FAST.match(number):
        parsed = _parse(number, "")
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            return True, "in E.164 form but not a valid number (wrong length or prefix for its country)", ""
        return False, "", number
    parsed = _parse(number, region)
    if parsed is None:
        return True, ("no country code and no region to read it with; give --region CC"
                      if not number.startswith("+") and not region else "cannot be read as a phone number"), ""
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_country_code(parsed.country_code)
        return True, f"not a valid number for {where}" + ("" if number.startswith("+") else f" (read as {where})"), ""
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return True, f"written as {number!r}; E.164 form: {e164}", e164


def _classify(u: UserRow, region: str, key: str, holders: dict[str, list[int]], has_phone_column: bool) -> None:
    if not has_phone_column:
        u.reason = "no_phone_column"
        return
    if not u.number:
        u.reason = "no_number"
        u.detail = "no phone number" + (f" (extension {u.extension} only)" if u.extension else "")
        return
    count, *rows = holders.get(key) or [1, u.row]
    others = [r for r in rows if r != u.row]
    bad, detail, e164 = _judge(u.number, region)
    if bad:
        u.reason, u.detail, u.e164 = "not_e164", detail, e164
    if u.reason == "not_e164":
        if others:
            u.also.append("duplicate")
            u.shared_with = others[:5]
        return
    u.e164 = u.number
    if others:
        u.reason = "duplicate"
        u.shared_with = others[:5]
        listed = ", ".join(str(r) for r in others[:3]) + (f" and {count - 4} more" if count > 4 else "")
        u.detail = f"{u.number} is also on row {listed}"
        return
    u.reason = "check_number"
    u.detail = f"{u.number}: check it is in a Webex Calling location and unassigned"
