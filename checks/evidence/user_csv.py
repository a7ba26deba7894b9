"""The user CSV exports admins already have: read them however Excel saved them, say which export
a file is from its header row, and analyse its rows.

Two exports are known (column names in ``catalog/user_exports.toml``):

- the **Control Hub user export** (Users → Manage users → Export user list): one row per user,
  ``User ID/Email (Required)``, ``Phone Number``, ``Extension``, ``Location`` and one TRUE/FALSE
  column per licence (``Webex Calling VAR Professional [Sub…]``). For every user without Webex
  Calling the analysis names the reason seed 001 gives (no number, a number not in E.164, a
  number another user has, or "check it in Webex Calling").
- the **Partner Hub user status export** (template → User verification → Show user status →
  Export): users grouped by status and error text, each group with the administrative options
  of that view.

Files are read as a stream (one row at a time): UTF-8 with or without a BOM, UTF-16 with a BOM
(Excel's "Unicode text", tab-separated), Windows-1252 as a last resort; ``,``, ``;`` or tab as
delimiter (read from the header row, or from Excel's ``sep=`` line); CRLF; quoted fields with
newlines; extra, missing or reordered columns; localized TRUE/FALSE (WAHR/FALSCH, VRAI/FAUX,
VERDADEIRO/FALSO, PRAWDA/FAŁSZ …). What is kept per row is only what a finding reports.
"""
from __future__ import annotations

import csv
import functools
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TextIO

from ..api import InputError
from ..catalog import load_catalog
from .textio import text_encoding

CONTROLHUB, USER_STATUS = "controlhub", "user_status"
#: Reasons a Control Hub user has no Webex Calling, in the order they are checked and fixed.
REASONS = ("no_number", "not_e164", "duplicate", "check_number")
#: Other rows named per duplicated number (the count says how many hold it in all).
MAX_SHARED = 5
SNIFF_BYTES = 64 * 1024
_E164_FAST = re.compile(r"^\+[1-9]\d{6,14}$")
_NORM = re.compile(r"[^0-9a-z]+")
_EMAIL = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+\.[A-Za-z]{2,}")
_LONG_ID = re.compile(r"\b(?=[0-9a-f-]*\d)[0-9a-f]{8,}(?:-[0-9a-f]{4,})*\b|\b\d{5,}\b", re.I)
_SPACES = re.compile(r"\s+")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def norm(name: str) -> str:
    """A column name compared ignoring case, spaces and punctuation."""
    return _NORM.sub("", name.casefold())


def catalog() -> dict[str, Any]:
    return load_catalog("user_exports")


# --------------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class CsvFormat:
    """How a file is written: what Excel (or another tool) chose when it saved it."""

    encoding: str
    delimiter: str
    sep_line: bool = False

    @property
    def delimiter_name(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(self.delimiter, self.delimiter)


def _encoding(path: Path, head: bytes) -> str:
    name = path.name
    if not head:
        raise InputError(f"{name}: the file is empty; export the user list again")
    if head.startswith(b"PK\x03\x04"):
        raise InputError(f"{name}: this is an Excel workbook (.xlsx), not a CSV file; in Excel use "
                         "File → Save As → “CSV UTF-8”, or use the .csv file Control Hub / Partner Hub downloaded")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{name}: this is an old Excel workbook (.xls), not a CSV file; save it as “CSV UTF-8”")
    enc = text_encoding(head)
    if enc is None:
        raise InputError(f"{name}: not a text file (binary data); give the .csv file of the user export")
    return enc


def _delimiter(line: str) -> str:
    """The delimiter of a header line: the most frequent of , ; tab | outside quotes."""
    counts: Counter[str] = Counter()
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in ",;\t|":
            counts[ch] += 1
    if not counts:
        return ","
    return max(",;\t|", key=lambda c: (counts[c], c == ","))


def open_csv(path: Path | str) -> tuple[CsvFormat, TextIO, Iterator[list[str]]]:
    """Open ``path`` and return its format, the open text file (close it) and a row reader
    positioned at the header row. Raises :class:`InputError` (one line) for what cannot be read."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file; give the .csv file of the user export")
    try:
        with p.open("rb") as raw:
            head = raw.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{p.name}: cannot read the file ({exc.strerror or exc})") from None
    enc = _encoding(p, head)
    fh = p.open(encoding=enc, errors="replace", newline="")
    try:
        first = fh.readline()
        while first and not first.strip(" \r\n\t\ufeff"):
            first = fh.readline()
        if not first:
            raise InputError(f"{p.name}: the file holds no rows (only blank lines); export the user list again")
        sep_line = first.strip().lower().startswith("sep=") and len(first.strip()) == 5
        if sep_line:
            delim = first.strip()[4]
        else:
            delim = _delimiter(first)
            fh.seek(0)
        reader = csv.reader(fh, delimiter=delim)
        return CsvFormat(enc, delim, sep_line), fh, reader
    except BaseException:
        fh.close()
        raise


# ------------------------------------------------------------------------------- recognising
@dataclass(frozen=True)
class Column:
    index: int
    name: str  # as the file writes it

    def get(self, row: list[str]) -> str:
        return row[self.index].strip() if self.index < len(row) else ""


@dataclass(frozen=True)
class Layout:
    """Which export a header row belongs to, and the columns used for each role."""

    kind: str
    columns: Mapping[str, Column]
    calling: tuple[Column, ...] = ()
    header: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return str(catalog()["exports"][self.kind]["title"])

    def used(self) -> dict[str, str]:
        out = {role: c.name for role, c in self.columns.items()}
        if self.calling:
            out["calling"] = ", ".join(c.name for c in self.calling)
        return out


def _find(header: list[str], names: list[str]) -> Column | None:
    normed = [norm(h) for h in header]
    for wanted in names:
        key = norm(wanted)
        if key in normed:
            i = normed.index(key)
            return Column(i, header[i].strip())
    return None


def recognise(header: list[str], name: str = "the file") -> Layout:
    """The export a header row belongs to; :class:`InputError` naming the expected columns if none."""
    header = [h.strip().lstrip("\ufeff") for h in header]
    cat = catalog()["exports"]
    ch, us = cat[CONTROLHUB], cat[USER_STATUS]
    prefixes = [norm(p) for p in ch["calling_prefix"]]
    calling = tuple(Column(i, h) for i, h in enumerate(header) if any(norm(h).startswith(p) for p in prefixes))
    ch_cols = {role: _find(header, ch[role]) for role in ("user", "phone", "extension", "location")}
    us_cols = {role: _find(header, us[role]) for role in ("id", "status", "package", "error", "email")}
    # "User ID/Email (Required)" is the Control Hub export's own name; a plain "Email" is not enough.
    strong_user = ch_cols["user"] is not None and norm(ch_cols["user"].name).startswith("useridemail")
    if ch_cols["user"] is not None and (calling or strong_user):
        return Layout(CONTROLHUB, {r: c for r, c in ch_cols.items() if c is not None}, calling, tuple(header))
    if us_cols["id"] is not None and us_cols["status"] is not None:
        return Layout(USER_STATUS, {r: c for r, c in us_cols.items() if c is not None}, (), tuple(header))
    if ch_cols["user"] is not None and (ch_cols["phone"] is not None or ch_cols["extension"] is not None):
        return Layout(CONTROLHUB, {r: c for r, c in ch_cols.items() if c is not None}, calling, tuple(header))
    seen = ", ".join(_clip(h) for h in header[:6] if h.strip()) or "no column names"
    if len(header) > 6:
        seen += f" … ({len(header)} columns)"
    raise InputError(
        f"{name}: not a Control Hub user export nor a Partner Hub user status export (its first row has {seen}); "
        f"expected “{ch['user'][0]}” with “{ch['calling_prefix'][0]} …” licence columns, or “{us['id'][0]}” and "
        f"“{us['status'][0]}”")


def _cell(text: str) -> str:
    """A cell a finding reports: one line, no control characters (they would reach the terminal)."""
    return text if text.isprintable() else _SPACES.sub(" ", "".join(c if c.isprintable() else " " for c in text))


def _clip(text: str, width: int = 30) -> str:
    """A cell quoted in a one-line message: control characters and line breaks become spaces."""
    text = _SPACES.sub(" ", "".join(c if c.isprintable() else " " for c in text)).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _header(reader: Iterator[list[str]], name: str) -> tuple[list[str], int]:
    """The first non-blank row and its line in the file (1-based, as Excel numbers rows)."""
    n = 0
    for row in reader:
        n += 1
        if any(c.strip() for c in row):
            return row, n
    raise InputError(f"{name}: the file holds no rows; export the user list again")


def detect(path: Path | str) -> tuple[CsvFormat, Layout]:
    """Read only the header row: which export ``path`` is (InputError with one line if neither)."""
    fmt, fh, reader = open_csv(path)
    with fh:
        try:
            header, _ = _header(reader, Path(path).name)
        except csv.Error as exc:
            raise InputError(f"{Path(path).name}: not readable as CSV ({exc})") from None
    return fmt, recognise(header, Path(path).name)


# ------------------------------------------------------------------------------ analysing
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


@dataclass
class StatusGroup:
    kind: str  # provisioned, pending, error, unknown
    status: str
    error: str
    count: int = 0
    users: list[dict[str, Any]] = field(default_factory=list)
    packages: Counter = field(default_factory=Counter)


@dataclass
class UserStatusAnalysis:
    path: str
    fmt: CsvFormat
    layout: Layout
    users: int = 0
    groups: dict[tuple[str, str, str], StatusGroup] = field(default_factory=dict)
    cancelled: bool = False

    def count(self, kind: str) -> int:
        return sum(g.count for g in self.groups.values() if g.kind == kind)


_BOOLS: dict[str, bool] | None = None


def parse_bool(value: str) -> bool | None:
    """True / False for the words Excel writes in any language, None for anything else."""
    global _BOOLS
    if _BOOLS is None:
        b = catalog()["booleans"]
        _BOOLS = {**{w.casefold(): False for w in b["false"]}, **{w.casefold(): True for w in b["true"]}}
    return _BOOLS.get(value.strip().casefold())


def analyse(path: Path | str, region: str | None = None, progress: Callable[[str], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> ControlHubAnalysis | UserStatusAnalysis:
    """Read the whole export (a row at a time) and analyse it; InputError for unreadable files."""
    name = Path(path).name
    fmt, fh, reader = open_csv(path)
    with fh:
        try:
            header, line = _header(reader, name)
            layout = recognise(header, name)
            if layout.kind == CONTROLHUB:
                return _controlhub(str(path), fmt, layout, reader, line, region, progress, cancelled)
            return _user_status(str(path), fmt, layout, reader, line, progress, cancelled)
        except csv.Error as exc:
            raise InputError(f"{name}: not readable as CSV near row {getattr(reader, 'line_num', '?')} ({exc})") \
                from None


def _rows(reader: Iterator[list[str]], first_line: int, progress: Callable[[str], None] | None,
          cancelled: Callable[[], bool] | None) -> Iterator[tuple[int, list[str]]]:
    n = first_line
    for row in reader:
        n += 1
        if not row or not any(c.strip() for c in row):
            continue
        if n % 20000 == 0:
            if cancelled is not None and cancelled():
                raise _Cancelled
            if progress is not None:
                progress(f"{n} rows read")
        yield n, row


class _Cancelled(Exception):
    pass


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


# ------------------------------------------------------------------------- user status export
def status_kind(status: str) -> str:
    s = status.strip().lower()
    if not s:
        return "unknown"
    for rule in catalog()["status_rules"]:
        if re.search(rule["match"], s):
            return str(rule["kind"])
    return "unknown"


def error_key(text: str) -> str:
    """The error text with what differs per user (e-mails, long IDs) replaced, to group users."""
    t = _EMAIL.sub("<e-mail>", text)
    t = _LONG_ID.sub("<id>", t)
    return _SPACES.sub(" ", t).strip()


def _user_status(path: str, fmt: CsvFormat, layout: Layout, reader: Iterator[list[str]], line: int,
                 progress: Callable[[str], None] | None, cancelled: Callable[[], bool] | None) -> UserStatusAnalysis:
    a = UserStatusAnalysis(path, fmt, layout)
    cols = layout.columns
    id_c, st_c = cols["id"], cols["status"]
    pk_c, er_c = cols.get("package"), cols.get("error")
    kinds: dict[str, str] = {}
    try:
        for n, row in _rows(reader, line, progress, cancelled):
            a.users += 1
            status = _cell(_SPACES.sub(" ", st_c.get(row)))
            kind = kinds.get(status)
            if kind is None:
                kind = kinds[status] = status_kind(status)
            err = error_key(_cell(er_c.get(row))) if er_c else ""
            key = (kind, status.casefold(), err.casefold())
            g = a.groups.get(key)
            if g is None:
                g = a.groups[key] = StatusGroup(kind, status or "(empty)", err)
            g.count += 1
            if pk_c:
                g.packages[pk_c.get(row) or "(none)"] += 1
            if kind != "provisioned":
                g.users.append({"row": n, "broadworks_id": _cell(id_c.get(row))})
    except _Cancelled:
        a.cancelled = True
    return a


def actions_for(group: StatusGroup) -> list[str]:
    """The administrative options (keys of ``[actions]``) for a group, in the order to try them."""
    if group.kind == "provisioned":
        return []
    if group.kind == "pending" and not group.error:
        return ["wait", "retry", "copy"]
    if group.kind == "unknown" and not group.error:
        return ["copy"]
    text = group.error.lower()
    for rule in catalog()["error_rules"]:
        if re.search(rule["match"], text):
            return list(dict.fromkeys([*rule["actions"], "copy"]))
    return ["copy"]  # pragma: no cover - the last rule matches everything
