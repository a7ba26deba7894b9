"""The client-log scan of a whole source: one :class:`Scanner` per scan holds the results, turns
matches into findings (excerpts, extracted values, redaction) and reads each file through
:mod:`checks.evidence.sources`."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Callable

from ...case import TimeWindow
from ...redact import Redactor
from ..sources import Listing, Member, read_errors, text_stream
from .chunks import CHUNK_SIZE, iter_chunks
from .filescan import _FileScanner
from .model import (_EMPTY_STATS, MAX_FACT_VALUES, MAX_HITS_PER_RULE, LogFileInfo, LogHit, LogScan, RuleStats,
                    count_hit, parse_log_time)
from .patterns import Rule, default_prefilter, load_patterns

CONTEXT_LINES = 2
MAX_ENTRY_LINES = 20


class Scanner:
    """Scans a source; one instance per scan (it holds the redactor and the results)."""

    def __init__(self, window: TimeWindow | None = None, redactor: Redactor | None = None,
                 engine: str = "auto", progress: Callable[[str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None, chunk_size: int = CHUNK_SIZE):
        self.patterns = load_patterns()
        self.chunk_size = chunk_size
        self.prefilter = default_prefilter(engine)
        self.window = window or TimeWindow()
        self.windowed = bool(self.window.start or self.window.end)
        self.redactor = redactor or Redactor()
        self.progress = progress or (lambda m: None)
        self.cancelled = cancelled or (lambda: False)
        self.result: LogScan | None = None

    # results -----------------------------------------------------------------------------
    def add_fact(self, key: str, value: str) -> None:
        assert self.result is not None
        values = self.result.facts.setdefault(key, [])
        value = value.strip().rstrip(".")
        if value and value not in values and len(values) < MAX_FACT_VALUES:
            values.append(value)

    def add_hit(self, rule: Rule, info: LogFileInfo, chunk: bytes, es: int, ee: int, ls: int, le: int,
                line: str, lineno: int, entry_text: str, entry_raw: bytes | None = None) -> None:
        """Record a match of ``rule`` (``entry_raw``: the entry's bytes when plain, see
        :func:`~.patterns.plain_bytes`, so the extraction takes its cheaper path)."""
        res = self.result
        assert res is not None
        t = parse_log_time(entry_text[:64])
        w = self.window
        if w.start or w.end:
            if t is None or not w.contains(t):
                if t is None:
                    res.untimed_excluded += 1
                else:
                    res.outside_window += 1
                res.left_out[rule.key] = res.left_out.get(rule.key, 0) + 1
                return
        # Match-dense logs (most lines carry the same error): once a finding holds its excerpts, a
        # match only counts — it extracts what names its finding (a generic rule's code) and a
        # tracking ID while that fact has room, nothing else, so the cost per match stays small.
        extract = self.prefilter.extract
        values: dict[str, str] = {}
        key = rule.key
        looked: set[str] = set()
        if rule.generic:
            # The code names the finding: an error code, else the HTTP status (looked up only when
            # needed: once the code's finding holds its excerpts, the status is not kept).
            for name in ("error_code", "http_status"):
                if name not in extract:
                    continue
                if name == "http_status" and "error_code" in values and len(
                        res.stats.get(f"{rule.key}:{values['error_code']}", _EMPTY_STATS).hits) >= MAX_HITS_PER_RULE:
                    break
                looked.add(name)
                found = extract[name].search(entry_text, entry_raw)
                if found is not None:
                    values[name] = found
            code = values.get("error_code") or values.get("http_status") or "?"
            key = f"{rule.key}:{code}"
        hits_full = len(res.stats.get(key, _EMPTY_STATS).hits) >= MAX_HITS_PER_RULE
        ids_full = len(res.facts.get("tracking_id", ())) >= MAX_FACT_VALUES
        low: str | None = None
        for name, search in extract.items():
            if name in looked or (hits_full and (name != "tracking_id" or ids_full)):
                continue
            if entry_raw is not None and low is None:
                low = entry_text.lower()
            found = search.search(entry_text, entry_raw, low)
            if found is not None:
                values[name] = found
        if "tracking_id" in values:
            self.add_fact("tracking_id", values["tracking_id"])
        if rule.generic:
            values.setdefault("error_code", code)
        st = res.stats.get(key)
        if st is None:
            st = res.stats[key] = RuleStats()
        count_hit(st, info.name, t, lineno)
        if len(st.hits) < MAX_HITS_PER_RULE:  # excerpts cost; the rest are counted only
            st.hits.append(LogHit(rule.key, rule.code, t, info.name, lineno, self.redactor.redact_text(line[:500]),
                                  self._excerpt(chunk, es, ee, ls, lineno), values, key))

    def _excerpt(self, chunk: bytes, es: int, ee: int, ls: int, lineno: int) -> str:
        """The entry and CONTEXT_LINES lines either side, numbered; ``>`` marks the matching line."""
        start = es
        for _ in range(CONTEXT_LINES):
            if start <= 0:
                break
            start = chunk.rfind(b"\n", 0, start - 1) + 1
        end = ee
        for _ in range(CONTEXT_LINES):
            if end >= len(chunk):
                break
            nxt = chunk.find(b"\n", end + 1)
            end = len(chunk) if nxt < 0 else nxt
        first_no = lineno - chunk.count(b"\n", start, ls)
        entry_first = lineno - chunk.count(b"\n", es, ls)
        entry_last = entry_first + chunk.count(b"\n", es, ee) - (1 if chunk[ee - 1:ee] == b"\n" else 0)
        out: list[str] = []
        for i, ln in enumerate(chunk[start:end].decode("utf-8", "replace").rstrip("\n").split("\n")):
            n = first_no + i
            if entry_first + MAX_ENTRY_LINES <= n <= entry_last and n != lineno:
                if n == entry_first + MAX_ENTRY_LINES:
                    out.append(f"{'':>7}  … ({entry_last - n + 1} more lines of this entry)")
                continue
            out.append(f"{n:>7}{'>' if n == lineno else ' '} {ln.rstrip(chr(13))[:1000]}")
        return self.redactor.redact_text("\n".join(out).rstrip())

    # scanning ----------------------------------------------------------------------------
    def scan_source(self, src: Listing) -> LogScan:
        res = self.result = LogScan(src.root, src.kind, self.window, skipped=list(src.skipped),
                                    ignored=src.ignored, engine=self.prefilter.engine)
        # A damaged archive member or compressed stream; RuntimeError: a zip member that needs a password.
        stops: tuple[type[BaseException], ...] = (*read_errors(), RuntimeError)
        for member in src.members:
            if self.cancelled():
                res.cancelled = True
                break
            self.progress(f"reading {member.name}")
            info = LogFileInfo(member.name, member.size)
            res.files.append(info)
            try:
                self._scan_member(member, info)
            except stops as exc:
                info.status = "unreadable"
                info.note = f"stopped reading: {exc}"
        self._derive_build()
        res.files.sort(key=lambda f: (f.first is None, f.first or _dt.datetime.min.replace(tzinfo=_dt.timezone.utc),
                                      f.name))
        return res

    def _derive_build(self) -> None:
        """The client build from the version when no line names it (catalog: facts.client_build.from_version)."""
        res = self.result
        assert res is not None
        spec = self.patterns.catalog["facts"].get("client_build", {})
        if not spec.get("from_version") or res.facts.get("client_build"):
            return
        rx = re.compile(spec["from_version"])
        for version in res.facts.get("client_version", []):
            m = rx.match(version)
            if m:
                self.add_fact("client_build", m.group(1))

    def _scan_member(self, member: Member, info: LogFileInfo) -> None:
        with member.opener() as raw:
            text = text_stream(raw)
            if text.stream is None:
                info.status, info.note = text.status, text.note
                return
            info.note = text.note
            fs = _FileScanner(self, info)
            for chunk in iter_chunks(text.stream, self.chunk_size):
                if self.cancelled():
                    info.note = (info.note + "; " if info.note else "") + "cancelled part-way"
                    break
                fs.chunk(chunk)
            fs.finish()
        if info.invalid_utf8:
            info.note = (info.note + "; " if info.note else "") + "invalid UTF-8 bytes shown as \ufffd"
        if info.entries == 0:
            info.note = (info.note + "; " if info.note else "") + "no recognised timestamps"
