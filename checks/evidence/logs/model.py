"""What a client-log scan reports (files, findings, facts), how a log line's time is read, and
how a finding counts its matches — one at a time, or a chunk's worth at once."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ...case import TimeWindow

#: How many matches of one rule keep their excerpt (all are counted).
MAX_HITS_PER_RULE = 25
MAX_TIMELINE = 200
MAX_FACT_VALUES = 10

# A line that starts an entry: ISO-style date and time, optionally in brackets (desktop and mobile).
_TS = rb"\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d"
TS_START_RE = re.compile(_TS)
TS_AFTER_NL_RE = re.compile(rb"\n" + _TS)
# The same, matching only the newline: findall then returns one shared b"\n" per entry (no copies).
_ENTRY_NL_RE = re.compile(rb"\n(?=" + _TS + rb")")
TS_PARSE_RE = re.compile(
    r"^\[?(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s?(Z|[+-]\d\d:?\d\d)?(?![\d:])")
MOBILE_RE = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\d+ +\d+ [VDIWEF] [^:\n]{1,80}:")


@dataclass
class LogFileInfo:
    name: str
    size: int
    status: str = "parsed"  # parsed | empty | binary | unreadable
    note: str = ""
    lines: int = 0
    entries: int = 0  # lines starting with a recognised timestamp
    unrecognised: int = 0  # lines outside any entry (no timestamp before them in the file)
    shape: str = ""  # desktop | mobile | ""
    first: _dt.datetime | None = None
    last: _dt.datetime | None = None
    invalid_utf8: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "status": self.status, "note": self.note,
                "lines": self.lines, "entries": self.entries, "unrecognised": self.unrecognised,
                "shape": self.shape, "first": _iso(self.first), "last": _iso(self.last),
                "invalid_utf8": self.invalid_utf8}


@dataclass
class LogHit:
    rule: str
    code: str
    time: _dt.datetime | None
    file: str
    line: int
    text: str  # the matching line, redacted
    excerpt: str  # the entry and its neighbours, redacted
    values: dict[str, str] = field(default_factory=dict)  # tracking_id, http_status, error_code
    key: str = ""  # the stats key: the rule key, or "other_error:<code>" for generic error lines

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "code": self.code, "time": _iso(self.time), "file": self.file,
                "line": self.line, "text": self.text, "values": dict(self.values)}


@dataclass
class RuleStats:
    count: int = 0
    first: _dt.datetime | None = None
    last: _dt.datetime | None = None
    files: set[str] = field(default_factory=set)
    hits: list[LogHit] = field(default_factory=list)  # the first MAX_HITS_PER_RULE
    last_source: str = ""


@dataclass
class LogScan:
    root: str
    kind: str
    window: TimeWindow
    files: list[LogFileInfo] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0
    stats: dict[str, RuleStats] = field(default_factory=dict)  # rule key (or "other_error:<code>") → stats
    facts: dict[str, list[str]] = field(default_factory=dict)
    outside_window: int = 0
    untimed_excluded: int = 0
    #: rule key → matches the time window left out (outside it, or without a time to compare)
    left_out: dict[str, int] = field(default_factory=dict)
    engine: str = "re"
    cancelled: bool = False

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    @property
    def unrecognised(self) -> int:
        return sum(f.unrecognised for f in self.files)

    @property
    def unrecognised_share(self) -> float:
        return self.unrecognised / self.lines if self.lines else 0.0

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def span(self) -> tuple[_dt.datetime | None, _dt.datetime | None]:
        firsts = [f.first for f in self.files if f.first]
        lasts = [f.last for f in self.files if f.last]
        return (min(firsts) if firsts else None, max(lasts) if lasts else None)

    def overlaps_window(self) -> bool:
        first, last = self.span
        w = self.window
        if first is None or last is None:
            return True  # cannot tell
        return (w.end is None or first <= w.end) and (w.start is None or last >= w.start)

    def hits(self) -> list[LogHit]:
        out = [h for s in self.stats.values() for h in s.hits]
        return sorted(out, key=lambda h: (h.time is None, h.time or _dt.datetime.min.replace(tzinfo=_dt.timezone.utc),
                                          h.file, h.line))

    def timeline(self, titles: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """Findings in time order: ``{time, code, title, source}`` (at most MAX_TIMELINE, spread evenly)."""
        hits = self.hits()
        if len(hits) > MAX_TIMELINE:
            step = len(hits) / MAX_TIMELINE
            hits = [hits[int(i * step)] for i in range(MAX_TIMELINE)]
        titles = titles or {}
        return [{"time": _iso(h.time), "code": h.code, "title": titles.get(h.key or h.rule, h.text[:120]),
                 "source": f"{h.file}:{h.line}"} for h in hits]

    def case_facts(self) -> dict[str, list[str]]:
        """Facts in the case's vocabulary: ``emails``, ``client_versions``, ``tracking_ids``, ``org_ids``."""
        from ...case import CaseFieldError, normalize_email, normalize_org_id, normalize_tracking_id

        def norm(values: Iterable[str], fn: Callable[[str], str]) -> list[str]:
            out: list[str] = []
            for v in values:
                try:
                    n = fn(v)
                except CaseFieldError:
                    continue
                if n not in out:
                    out.append(n)
            return out

        versions = list(self.facts.get("client_version", []))
        return {"emails": norm(self.facts.get("email", []), normalize_email),
                "client_versions": versions,
                "tracking_ids": norm(self.facts.get("tracking_id", []), normalize_tracking_id),
                "org_ids": norm(self.facts.get("org_id", []), normalize_org_id)}

    def telephony(self) -> str:
        bw = bool(self.facts.get("telephony_broadworks"))
        wxc = bool(self.facts.get("telephony_webex_calling"))
        if bw and wxc:
            return "both Webex for BroadWorks and Webex Calling seen"
        if bw:
            return "Webex for BroadWorks"
        if wxc:
            return "Webex Calling"
        return "unknown"


def _iso(t: _dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


_UTC = _dt.timezone.utc


def parse_log_time(line: str) -> _dt.datetime | None:
    """The timestamp at the start of a log line (UTC when the line has no zone), or None."""
    # The common shapes (``2026-11-20T14:00:03.120Z``, mobile ``2026-11-20 14:00:03.120 …``) at C
    # speed; the regex below decides anything else, and what fromisoformat refuses.
    if (len(line) > 24 and line[19] == "." and line[10] in "T " and line[4] == line[7] == "-"
            and line[13] == line[16] == ":" and (line[23] == "Z" or (line[23] == " " and line[24] not in "+-"))):
        try:
            if line[23] == "Z":
                return _dt.datetime.fromisoformat(line[:24])  # aware, UTC
            return _dt.datetime.fromisoformat(line[:23]).replace(tzinfo=_UTC)
        except ValueError:
            pass
    m = TS_PARSE_RE.match(line)
    if not m:
        return None
    y, mo, d, h, mi, s, frac, tz = m.groups()
    try:
        micro = int((frac or "0")[:6].ljust(6, "0"))
        t = _dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro)
    except ValueError:
        return None
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        try:  # "+99:99" is damage, not a zone: the line counts as having no time
            zone = _dt.timezone(sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
            t = t.replace(tzinfo=zone)
            t.astimezone(_dt.timezone.utc)  # year 1 or 9999 shifted out of range
        except (ValueError, OverflowError):
            return None
        return t
    return t.replace(tzinfo=_dt.timezone.utc)


_EMPTY_STATS = RuleStats()
# Lines of one timestamp shape whose text sorts as their time does (fixed-width fields, one zone):
# digits map to "0" so a whole batch is checked against its template with one comparison.
_DIGITS_TO_0 = bytes.maketrans(b"0123456789", b"0" * 10)
_SORTABLE_SHAPES = (b"0000-00-00T00:00:00.000Z", b"0000-00-00 00:00:00.000 ")


#: Two texts of an entry-starting timestamp (digits as "0"), desktop and mobile.
_TS_TEMPLATES = (b"0000-00-00T00:00:00", b"0000-00-00 00:00:00")


def all_start_entries(heads: list[bytes]) -> bool:
    """Whether every line of ``heads`` starts with a timestamp (``TS_START_RE``); one comparison
    when they share the desktop or the mobile shape (the usual case), else a match per line."""
    if not heads:
        return True
    for template in _TS_TEMPLATES:
        n = len(template)
        if b"\n".join([h[:n] for h in heads]).translate(_DIGITS_TO_0) == b"\n".join([template] * len(heads)):
            return True
    return None not in map(TS_START_RE.match, heads)


def _time_range(heads: list[bytes]) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """Earliest and latest time of lines (as :func:`parse_log_time` reads each), parsing two lines
    instead of all when every line has the same sortable shape, the usual case."""
    for shape in _SORTABLE_SHAPES:
        n = len(shape)
        cut = [h[:n] for h in heads]
        if b"\n".join(cut).translate(_DIGITS_TO_0) != b"\n".join([shape] * len(cut)):
            continue
        if shape.endswith(b" "):
            # the mobile shape: a zone ("+01:00") after the space would change the time's meaning
            after = b"".join([h[n:n + 1] for h in heads])
            if len(after) != len(heads) or b"+" in after or b"-" in after:
                break
        lo, hi = parse_log_time(min(cut).decode("ascii") + " "), parse_log_time(max(cut).decode("ascii") + " ")
        if lo is not None and hi is not None:
            return lo, hi
        break  # an impossible date at either end (month 13): let each line decide
    times = [t for t in (parse_log_time(h[:64].decode("ascii", "replace")) for h in heads) if t is not None]
    return (min(times), max(times)) if times else (None, None)


def count_hits(st: RuleStats, file: str, lines: list[bytes], last_lineno: int) -> None:
    """Count matches of a finding at once: the lines (each starting its entry with a timestamp) of
    one chunk that :func:`count_hit` would have counted one by one, the last at ``last_lineno``."""
    st.count += len(lines)
    st.files.add(file)
    lo, hi = _time_range(lines)
    if lo is not None and (st.first is None or lo < st.first):
        st.first = lo
    if hi is not None and (st.last is None or hi > st.last):
        st.last = hi
    prev_file, _, prev_line = st.last_source.rpartition(":")
    # a line of this chunk counted one by one (another path) may come after the batch's last one
    if not (prev_file == file and prev_line.isdigit() and int(prev_line) > last_lineno):
        st.last_source = f"{file}:{last_lineno}"


def count_hit(st: RuleStats, file: str, t: _dt.datetime | None, lineno: int) -> None:
    """Count one match of a finding: the whole cost of a match once the finding has its excerpts."""
    st.count += 1
    st.files.add(file)
    if t is not None:
        if st.first is None or t < st.first:
            st.first = t
        if st.last is None or t > st.last:
            st.last = t
    st.last_source = f"{file}:{lineno}"
