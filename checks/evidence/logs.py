"""Webex app (client) logs: find them, stream them, and pull out what matters for Webex for BroadWorks.

The scanner never loads a file whole. It reads chunks that end on an entry boundary (a line that
starts with a timestamp), counts lines and timestamped lines with C-speed byte operations, and
runs ONE combined prefilter regex (RE2 when available, else Python ``re``) over each chunk. Only
the rare lines the prefilter hits are decoded and checked against the individual catalog
patterns (``catalog/client_log_rules.toml``). Undecodable bytes become U+FFFD, binary files are
skipped with a note, and every excerpt goes through the shared :class:`~checks.redact.Redactor`.

Times without a zone (the mobile shape, some desktop lines) are compared with the time window as
written, i.e. as if they were UTC; the report says so.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import functools
import gzip
import io
import itertools
import os
import re
import sys
import tarfile
import threading
import zipfile
from contextlib import ExitStack
from operator import itemgetter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, Callable, Iterable, Iterator, Mapping

from ..case import TimeWindow
from ..catalog import load_catalog
from ..redact import Redactor
from ..paths import refuse_special
from .textio import text_encoding, utf16_to_utf8 as _utf16_stream

CATALOG = "client_log_rules"
CHUNK_SIZE = 4 << 20
#: How many matches of one rule keep their excerpt (all are counted).
MAX_HITS_PER_RULE = 25
MAX_TIMELINE = 200
MAX_FACT_VALUES = 10
CONTEXT_LINES = 2
MAX_ENTRY_LINES = 20
MAX_WALK_FILES = 20000
MAX_CARRY = 1 << 16  # an entry up to this size always stays in one chunk

# A line that starts an entry: ISO-style date and time, optionally in brackets (desktop and mobile).
_TS = rb"\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d"
TS_START_RE = re.compile(_TS)
TS_AFTER_NL_RE = re.compile(rb"\n" + _TS)
# The same, matching only the newline: findall then returns one shared b"\n" per entry (no copies).
_ENTRY_NL_RE = re.compile(rb"\n(?=" + _TS + rb")")
TS_PARSE_RE = re.compile(
    r"^\[?(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s?(Z|[+-]\d\d:?\d\d)?(?![\d:])")
MOBILE_RE = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\d+ +\d+ [VDIWEF] [^:\n]{1,80}:")

_LOG_NAME_RE = re.compile(r"(?i)(?:\.(?:log|txt)(?:\.\d+)?|log[^/]*|\.\d+)$")
_ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")


class LogInputError(ValueError):
    """The logs cannot be read; the message names the path and says what to do."""


# --------------------------------------------------------------------------------------------
# Where the Webex app keeps its logs


def default_log_dirs(platform: str | None = None, home: Path | None = None,
                     env: Mapping[str, str] | None = None) -> list[Path]:
    """The Webex app's log folders on this platform (none on Linux, where the app does not run)."""
    platform = platform or sys.platform
    home = home or Path.home()
    env = os.environ if env is None else env
    if platform.startswith("win"):
        local = env.get("LOCALAPPDATA")
        return [Path(local) / "CiscoSpark" if local else home / "AppData" / "Local" / "CiscoSpark"]
    if platform == "darwin":
        return [home / "Library" / "Logs" / "SparkMacDesktop"]
    return []


def find_default_logs(platform: str | None = None, home: Path | None = None,
                      env: Mapping[str, str] | None = None) -> Path:
    """The first default log folder that exists, or :class:`LogInputError` explaining what to give."""
    dirs = default_log_dirs(platform, home, env)
    if not dirs:
        raise LogInputError(
            "the Webex app does not run on Linux, so there are no local app logs here; give the logs a user "
            "sent you (a folder, a file, a .zip or a .tar.gz): wxtriage logs PATH, or --logs PATH with run")
    for d in dirs:
        if d.is_dir():
            return d
    raise LogInputError(f"no Webex app logs at {dirs[0]} (the app keeps them there on this system); "
                        "give the path to the logs: wxtriage logs PATH, or --logs PATH with run")


# --------------------------------------------------------------------------------------------
# Sources: a folder, a file, a zip or a tar archive


@dataclass(frozen=True)
class LogMember:
    """One file to read: its display name, size and a way to open it as a binary stream."""

    name: str
    size: int
    opener: Callable[[], IO[bytes]]


@dataclass
class LogSource:
    root: str
    kind: str  # folder | file | zip | tar
    members: list[LogMember] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    ignored: int = 0  # files in a folder/archive whose names do not look like logs


def looks_like_log(name: str) -> bool:
    """Names the Webex app uses for logs: current_log(.txt), *.log, *.txt, rotated *.1, their .gz."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if base.lower().endswith(".gz") and not base.lower().endswith(".tar.gz"):
        base = base[:-3]
    return "." not in base or bool(_LOG_NAME_RE.search(base))


def _is_archive(name: str) -> bool:
    return name.lower().endswith(_ARCHIVE_SUFFIXES)


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: open(path, "rb")


def _maybe_gunzip(name: str, opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    if name.lower().endswith(".gz"):
        return lambda: gzip.GzipFile(fileobj=opener(), mode="rb")  # type: ignore[return-value]
    return opener


def _folder_source(path: Path) -> LogSource:
    src = LogSource(str(path), "folder")
    seen = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for fn in sorted(filenames):
            seen += 1
            if seen > MAX_WALK_FILES:
                src.skipped.append((str(Path(dirpath).relative_to(path)), f"more than {MAX_WALK_FILES} files; stopped"))
                return src
            full = Path(dirpath) / fn
            rel = full.relative_to(path).as_posix()
            if full.is_symlink() or not full.is_file():
                continue
            if _is_archive(fn):
                src.skipped.append((rel, "archive inside the folder: point wxtriage at it separately"))
                continue
            if not looks_like_log(fn):
                src.ignored += 1
                continue
            try:
                size = full.stat().st_size
            except OSError as exc:
                src.skipped.append((rel, f"cannot read: {exc.strerror}"))
                continue
            src.members.append(LogMember(rel, size, _maybe_gunzip(fn, _file_opener(full))))
    return src


def _zip_source(path: Path, stack: ExitStack) -> LogSource:
    try:
        zf = stack.enter_context(zipfile.ZipFile(path))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LogInputError(f"{path} is not a readable zip file ({_reason(exc)}); re-create it or unpack it and "
                            "give the folder") from None
    src = LogSource(str(path), "zip")
    for info in zf.infolist():
        if info.is_dir():
            continue
        name = info.filename
        if info.flag_bits & 0x1:
            src.skipped.append((name, "encrypted in the zip; unpack it and give the folder"))
        elif _is_archive(name):
            src.skipped.append((name, "archive inside the archive: unpack it first"))
        elif not looks_like_log(name):
            src.ignored += 1
        else:
            src.members.append(LogMember(name, info.file_size,
                                         _maybe_gunzip(name, functools.partial(zf.open, info))))
    return src


def _tar_source(path: Path, stack: ExitStack) -> LogSource:
    try:
        tf = stack.enter_context(tarfile.open(path, "r:*"))
        infos = tf.getmembers()
    except (tarfile.TarError, OSError, EOFError, zlib_error()) as exc:
        raise LogInputError(f"{path} is not a readable tar archive ({_reason(exc)}); re-create it or unpack it "
                            "and give the folder") from None
    src = LogSource(str(path), "tar")
    for info in infos:
        if not info.isfile():
            continue
        name = info.name
        if _is_archive(name):
            src.skipped.append((name, "archive inside the archive: unpack it first"))
        elif not looks_like_log(name):
            src.ignored += 1
        else:
            def opener(info: tarfile.TarInfo = info) -> BinaryIO:
                fh = tf.extractfile(info)
                assert fh is not None  # regular files always have a stream
                return fh  # type: ignore[return-value]
            src.members.append(LogMember(name, info.size, _maybe_gunzip(name, opener)))
    return src


def _reason(exc: BaseException) -> str:
    """An archive library's message on one line (tarfile lists every method it tried, one a line)."""
    parts = [ln.strip(" -") for ln in str(exc).splitlines() if ln.strip(" -")]
    return " ".join(parts) if parts else type(exc).__name__


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def open_source(path: Path | str, stack: ExitStack) -> LogSource:
    """Describe what can be read at ``path``; archives stay open until ``stack`` closes."""
    p = Path(path).expanduser()
    if not p.exists():
        raise LogInputError(f"{p}: no such file or folder; give a folder, a log file, a .zip or a .tar.gz")
    special = refuse_special(p)
    if special:
        raise LogInputError(special)
    if p.is_dir():
        src = _folder_source(p)
    elif p.name.lower().endswith(".zip") or (zipfile.is_zipfile(p) and not p.name.lower().endswith((".txt", ".log"))):
        src = _zip_source(p, stack)
    elif p.name.lower().endswith((".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")):
        src = _tar_source(p, stack)
    else:
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise LogInputError(f"{p}: cannot read ({exc.strerror})") from None
        src = LogSource(str(p), "file", [LogMember(p.name, size, _maybe_gunzip(p.name, _file_opener(p)))])
    if not src.members:
        what = {"folder": "folder", "zip": "zip", "tar": "archive"}.get(src.kind, "path")
        extra = f" ({src.ignored} other files ignored)" if src.ignored else ""
        raise LogInputError(f"no log files in the {what} {p}{extra}; expected current_log.txt / current_log, "
                            "*.log or *.txt files from the Webex app")
    return src


# --------------------------------------------------------------------------------------------
# Rules from the catalog, and the combined prefilter


@dataclass(frozen=True)
class Rule:
    key: str
    code: str
    severity: str
    trigger: re.Pattern[str]
    require: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    generic: bool
    spec: Mapping[str, Any]
    literals: tuple[str, ...] = ()  # one of them is in every matching line (lower case); () = unknown

    @property
    def plain(self) -> bool:
        """A match is decided by the trigger alone (no entry-wide require, no exclude, not generic)."""
        return not (self.require or self.exclude or self.generic)


@dataclass(frozen=True)
class FactSpec:
    key: str
    label: str
    pattern: re.Pattern[str]
    once: bool
    literals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Patterns:
    rules: tuple[Rule, ...]
    facts: tuple[FactSpec, ...]
    extract: Mapping[str, re.Pattern[str]]
    raw: Mapping[str, str]  # key → pattern text (for the prefilter and the benchmark)
    catalog: Mapping[str, Any]


def _opt(text: str | None) -> re.Pattern[str] | None:
    return re.compile(text, re.IGNORECASE) if text else None


@functools.cache
def load_patterns() -> Patterns:
    cat = load_catalog(CATALOG)
    rules = tuple(Rule(k, r["code"], r["severity"], re.compile(r["pattern"], re.IGNORECASE), _opt(r.get("require")),
                       _opt(r.get("exclude")), bool(r.get("generic")), r, _lits(r["pattern"]))
                  for k, r in cat["rules"].items() if "pattern" in r)
    facts = tuple(FactSpec(k, f["label"], re.compile(f["pattern"], re.IGNORECASE), bool(f.get("once")),
                           _lits(f["pattern"])) for k, f in cat["facts"].items())
    extract = {k: re.compile(e["pattern"], re.IGNORECASE) for k, e in cat["extract"].items()}
    raw = {f"rule:{k}": r["pattern"] for k, r in cat["rules"].items() if "pattern" in r}
    raw |= {f"fact:{k}": f["pattern"] for k, f in cat["facts"].items()}
    return Patterns(rules, facts, extract, raw, cat)


def _lits(pattern: str) -> tuple[str, ...]:
    return tuple(sorted(required_literals(pattern) or ()))


def _re2_module() -> Any | None:
    """google-re2 when installed and working (a DFA: one pass over a chunk for all patterns)."""
    try:
        import re2  # type: ignore[import-not-found]

        if re2.compile(rb"(?i)(?:ab|c\d)").search(b"xx AB", 1) is None:
            return None
        return re2
    except Exception:  # noqa: BLE001 - any trouble with the accelerator means: use the stdlib
        return None


MIN_LITERAL = 3


def required_literals(pattern: str) -> frozenset[str] | None:
    """Lower-case strings of which every match of ``pattern`` contains at least one, or None.

    Derived from the parsed pattern (literal runs, alternations, groups, repeats of at least one),
    so the stdlib fallback can find candidate lines with ``bytes.find`` instead of running a slow
    case-insensitive alternation over every byte.
    """
    from re import _constants as C, _parser as P  # type: ignore[attr-defined]  # noqa: N812 - private stdlib, untyped

    def seq(items: Any) -> frozenset[str] | None:
        best: frozenset[str] | None = None
        run: list[str] = []

        def consider(cand: frozenset[str] | None) -> None:
            nonlocal best
            if not cand or min(map(len, cand)) < MIN_LITERAL:
                return
            key = (min(map(len, cand)), -len(cand))
            if best is None or key > (min(map(len, best)), -len(best)):
                best = cand

        def flush() -> None:
            if run:
                consider(frozenset({"".join(run)}))
                run.clear()

        for op, av in items:
            if op is C.LITERAL:
                run.append(chr(av).lower())
                continue
            flush()
            if op is C.SUBPATTERN:
                consider(seq(av[-1]))
            elif op is C.BRANCH:
                parts = [seq(b) for b in av[1]]
                if all(parts):
                    consider(frozenset().union(*parts))  # type: ignore[arg-type]
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
                consider(seq(av[2]))
        flush()
        return best

    return seq(P.parse(pattern, re.IGNORECASE))


class _Span:
    __slots__ = ("_s", "_e")

    def __init__(self, s: int, e: int):
        self._s, self._e = s, e

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e


class _LiteralSearch:
    """The stdlib prefilter: candidate positions of the required literals in the lower-cased chunk.

    A candidate is only a line worth checking; the rule and fact patterns decide. Built per chunk
    (it holds that chunk's positions), from literals computed once per pattern set.
    """

    def __init__(self, literals: tuple[bytes, ...], fallbacks: tuple[re.Pattern[bytes], ...]):
        self.literals, self.fallbacks = literals, fallbacks
        self._chunk: bytes | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def search(self, chunk: bytes, pos: int = 0) -> _Span | None:
        if chunk is not self._chunk:
            self._prepare(chunk)
        import bisect

        i = bisect.bisect_left(self._starts, pos)
        return _Span(self._starts[i], self._ends[i]) if i < len(self._starts) else None

    def _prepare(self, chunk: bytes) -> None:
        low = chunk.lower()
        spans: list[tuple[int, int]] = []
        for lit in self.literals:
            j = low.find(lit)
            while j >= 0:
                spans.append((j, j + len(lit)))
                j = low.find(lit, j + 1)
        for rx in self.fallbacks:
            spans += [(m.start(), m.end()) for m in rx.finditer(chunk)]
        spans.sort()
        self._chunk = chunk
        self._starts = [a for a, _ in spans]
        self._ends = [b for _, b in spans]


class Prefilter:
    """Finds candidate lines for all active patterns at once, cached per set of pattern keys.

    With google-re2: one combined case-insensitive DFA pass. Without it: ``bytes.find`` for each
    pattern's required literals (Python's ``re`` runs a case-insensitive alternation at ~1 MB/s).
    """

    def __init__(self, raw: Mapping[str, str], engine: str = "auto", patterns: Patterns | None = None):
        self.raw = dict(raw)
        mod = _re2_module() if engine in ("auto", "re2") else None
        if engine == "re2" and mod is None:
            raise RuntimeError("google-re2 is not installed")
        self.engine = "re2" if mod is not None else "re"
        self._re2 = mod
        self._cache: dict[frozenset[str], Any] = {}
        self._lock = threading.Lock()
        #: RE2 pattern set of every fact and rule trigger (facts first, in catalog order), for
        #: match-dense chunks; ``plans`` maps its answer for a line to the facts and rules to apply.
        self.line_set: Any | None = None
        self.plans: dict[Any, _Plan] = {}
        self._patterns = patterns
        if mod is not None and patterns is not None:
            self.line_set = _pattern_set(mod, [f.pattern.pattern for f in patterns.facts]
                                         + [r.trigger.pattern for r in patterns.rules])

    def plan(self, key: Any) -> "_Plan":
        """The facts and rules (in catalog order) of a set answer: one index or a sorted tuple."""
        assert self._patterns is not None
        ids = (key,) if isinstance(key, int) else key
        nf = len(self._patterns.facts)
        plan = _Plan(tuple(self._patterns.facts[i] for i in ids if i < nf),
                     tuple(self._patterns.rules[i - nf] for i in ids if i >= nf))
        with self._lock:
            self.plans[key] = plan
        return plan

    def for_keys(self, keys: Iterable[str]) -> Any:
        """An object with ``search(chunk, pos)`` → match-like (``start()``, ``end()``) or None."""
        fk = frozenset(keys)
        with self._lock:
            if fk not in self._cache:
                self._cache[fk] = self._build(fk)
            built = self._cache[fk]
        return built if self._re2 is not None else _LiteralSearch(*built)

    def _build(self, keys: frozenset[str]) -> Any:
        if self._re2 is not None:
            body = "|".join(f"(?:{self.raw[k]})" for k in sorted(keys))
            return self._re2.compile(("(?i)" + body).encode())
        literals: set[str] = set()
        fallbacks: list[re.Pattern[bytes]] = []
        for k in sorted(keys):
            lits = required_literals(self.raw[k])
            if lits is None:
                fallbacks.append(re.compile(self.raw[k].encode(), re.IGNORECASE))
            else:
                literals |= lits
        # A literal that contains another is redundant: the shorter one finds its lines too.
        kept = sorted(l for l in literals if not any(o != l and o in l for o in literals))
        return tuple(l.encode() for l in kept), tuple(fallbacks)


@dataclass(frozen=True)
class _Plan:
    facts: tuple[FactSpec, ...]
    rules: tuple[Rule, ...]

    @functools.cached_property
    def fact_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.facts)

    @functools.cached_property
    def single(self) -> Rule | None:
        """The rule that alone decides a line of this plan: the first rule matches by its trigger
        alone, and the others are generic (a generic rule never counts a line a specific one did)."""
        if self.rules and self.rules[0].plain and all(r.generic for r in self.rules[1:]):
            return self.rules[0]
        return None


def _pattern_set(mod: Any, patterns: list[str]) -> Any | None:
    """A compiled RE2 set of ``patterns`` (case-insensitive), or None if RE2 refuses one."""
    try:
        opts = mod.Options()
        opts.max_mem = 64 << 20  # room for the DFA of 17 patterns, so a set match never gives up
        rset = mod._re2.Set(mod._Anchor.UNANCHORED, opts)
        for pat in patterns:
            if rset.Add(("(?i)" + pat).encode()) < 0:
                return None
        return rset if rset.Compile() else None
    except Exception:  # noqa: BLE001 - without the set the per-match path does the same work
        return None


#: After this many prefilter hits in a chunk, and when at least one line in DENSE_SHARE matches,
#: the rest of the chunk is classified line by line with the pattern set.
DENSE_AFTER = 64
DENSE_SHARE = 8
# Lines where RE2 and Python's str regexes could disagree (non-ASCII letters and digits, \v and
# \x1c-\x1f as spaces, a stray CR): the Python regexes decide them.
_NOT_PLAIN = re.compile(rb"[^\t\x20-\x7e]")
_PLAIN_BYTES = bytes([9, 10, *range(0x20, 0x7F)])


@functools.cache
def default_prefilter(engine: str = "auto") -> Prefilter:
    pats = load_patterns()
    return Prefilter(pats.raw, engine, pats)


# --------------------------------------------------------------------------------------------
# Scan results


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
        from ..case import CaseFieldError, normalize_email, normalize_org_id, normalize_tracking_id

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


# --------------------------------------------------------------------------------------------
# Reading


def _sniff(head: bytes) -> str | None:
    """``None`` for text (UTF-16 too, with or without a BOM), else why the bytes look binary."""
    if text_encoding(head) is not None:
        return None
    return "binary (contains NUL bytes)" if b"\x00" in head else "binary (mostly control bytes)"


def _last_entry_start(buf: bytes, limit: int = 4096) -> int:
    """Index of the last line that starts with a timestamp (after a newline), 0 if none is found."""
    pos = len(buf)
    for _ in range(limit):
        nl = buf.rfind(b"\n", 0, pos)
        if nl < 0:
            return 0
        if TS_START_RE.match(buf, nl + 1):
            return nl + 1
        pos = nl
    return 0


def iter_chunks(fh: BinaryIO, size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Chunks of ``fh`` that end where an entry starts, so multi-line entries stay whole.

    One read of look-ahead: the last chunk of a file is never split, so a small file is one chunk.
    """
    carry = b""
    data = fh.read(size)
    while data:
        nxt = fh.read(size)
        buf = carry + data if carry else data
        if not nxt:
            yield buf
            return
        cut = _last_entry_start(buf)
        if cut <= 0 and len(buf) < max(4 * size, MAX_CARRY):
            carry, data = buf, nxt  # one entry so far: read on so it stays whole
            continue
        if cut <= 0:
            cut = buf.rfind(b"\n") + 1  # an enormous entry (or no timestamps): keep lines whole
        if cut <= 0:
            cut = len(buf)  # an enormous line: give up keeping it whole
        yield buf[:cut]
        carry, data = buf[cut:], nxt


class _FileScanner:
    """Scans one file's chunks; keeps per-file state (line numbers, first/last time, facts done)."""

    def __init__(self, scan: "Scanner", info: LogFileInfo):
        self.s = scan
        self.info = info
        self.lines_before = 0
        self.seen_entry = False
        self.done_facts: set[str] = set()
        self.last_entry_key: dict[str, int] = {}
        self.open_last_line = False
        #: pattern-set answer -> the rule whose finding its lines now only count (see _only_counts)
        self.counted: dict[Any, str] = {}

    def active_keys(self) -> list[str]:
        keys = [f"rule:{r.key}" for r in self.s.patterns.rules]
        keys += [f"fact:{f.key}" for f in self.s.patterns.facts if f.key not in self.done_facts]
        return keys

    def chunk(self, chunk: bytes) -> None:
        info = self.info
        n_nl = chunk.count(b"\n")
        starts_with_ts = TS_START_RE.match(chunk) is not None
        entries = len(_ENTRY_NL_RE.findall(chunk)) + (1 if starts_with_ts else 0)
        if not self.seen_entry:
            # Lines before the first timestamp of a file belong to no entry: they are "not recognised".
            if starts_with_ts:
                first_ts = 0
            else:
                m = TS_AFTER_NL_RE.search(chunk)
                first_ts = m.start() + 1 if m else -1
            if first_ts < 0:
                info.unrecognised += n_nl + (0 if chunk.endswith(b"\n") else 1)
            else:
                info.unrecognised += chunk.count(b"\n", 0, first_ts)
                self.seen_entry = True
                head = chunk[first_ts:first_ts + 200]
                info.first = parse_log_time(head[:64].decode("ascii", "replace"))
                info.shape = "mobile" if MOBILE_RE.match(head) else "desktop"
        if entries:
            last = _last_entry_start(chunk)  # 0 when the chunk's only entry starts it
            t = parse_log_time(chunk[last:last + 64].decode("ascii", "replace"))
            if t is not None:
                info.last = t
        if not chunk.isascii():
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError:
                info.invalid_utf8 = True
        info.entries += entries
        self._matches(chunk)
        self.lines_before += n_nl
        info.lines += n_nl
        self.open_last_line = not chunk.endswith(b"\n")

    def finish(self) -> None:
        if self.open_last_line:  # the file's last line has no newline: still a line
            self.info.lines += 1

    def _matches(self, chunk: bytes) -> None:
        pf = self.s.prefilter.for_keys(self.active_keys())
        pos = 0
        count_pos, count_lines = 0, 0
        found = 0
        n = len(chunk)
        dense = self.s.prefilter.line_set is not None
        while pos < n:
            m = pf.search(chunk, pos)
            if m is None:
                return
            ls = chunk.rfind(b"\n", 0, m.start()) + 1
            count_lines += chunk.count(b"\n", count_pos, ls)
            count_pos = ls
            found += 1
            if dense and found > DENSE_AFTER and found * DENSE_SHARE > count_lines:
                # Most lines match: classifying every line at once is cheaper than a search per match.
                self._dense(chunk, ls, self.lines_before + count_lines)
                return
            le = chunk.find(b"\n", m.start())  # the line where the match starts: rules see one line
            le = n if le < 0 else le
            lineno = self.lines_before + count_lines + 1
            line = chunk[ls:le].decode("utf-8", "replace").rstrip("\r")
            if self._safe_line(chunk, ls, le, line, lineno):
                pf = self.s.prefilter.for_keys(self.active_keys())
            pos = le + 1

    def _safe_line(self, chunk: bytes, ls: int, le: int, line: str, lineno: int,
                   plan: "_Plan | None" = None) -> bool:
        try:
            return self._line(chunk, ls, le, line, lineno, plan)
        except (ValueError, OverflowError, IndexError):  # one damaged line never loses the analysis
            self.info.unrecognised += 1
            return False

    def _dense(self, chunk: bytes, start: int, lines_before: int) -> None:
        """Match-dense part of a chunk, from the line starting at ``start``: RE2's pattern set tells,
        for every line in one C call each, which patterns match it; only matching lines reach Python,
        and for plain ASCII lines the set's answer stands for the trigger regexes (the Python regexes
        still decide lines with other characters, where the two engines' classes differ)."""
        pf = self.s.prefilter
        body = chunk[start:] if start else chunk
        lines = body.split(b"\n")
        if body.endswith(b"\n"):
            lines.pop()
        # CRLF: the per-line regexes see the line without its CR, so the set must too.
        mbody = body if b"\r" not in body else body.replace(b"\r\n", b"\n")
        mlines = lines if mbody is body else mbody.split(b"\n")[:len(lines)]
        plans = pf.plans
        # Most logs are plain ASCII throughout: then no line needs the per-line check.
        not_plain = None if mbody.isascii() and not mbody.translate(None, _PLAIN_BYTES) else _NOT_PLAIN.search
        res = self.s.result
        assert res is not None
        seen, ts_start = self.last_entry_key, TS_START_RE.match
        counted = self.counted
        # rule key -> indices of lines that only bump its counter; counted in one go per chunk below
        pending: dict[str, list[int]] = {}
        # Byte offsets only for lines that need them, summed from the last one computed.
        at_i, at_pos = 0, start
        # Only the matching lines reach Python (non-matching answers are dropped in C, so a chunk's
        # worth of empty lists never lives long enough to wake the garbage collector).
        # (typeshed's filter() cannot type itemgetter as the predicate; the types are int, list[int])
        for i, ids in filter(itemgetter(1), enumerate(map(pf.line_set.Match, mlines))):  # type: ignore[union-attr,arg-type,var-annotated]
            key = ids[0] if len(ids) == 1 else tuple(sorted(ids))
            rule_key = counted.get(key)
            if rule_key is not None and ts_start(mlines[i]) is not None \
                    and (not_plain is None or not_plain(mlines[i]) is None):
                # The common dense line: _line would only count it (see count_only there). The line
                # starts its own entry, so no earlier line can have counted that entry already.
                seen[rule_key] = lines_before + i + 1
                waiting = pending.get(rule_key)
                if waiting is None:
                    pending[rule_key] = [i]
                else:
                    waiting.append(i)
                continue
            ls = at_pos = at_pos + sum(map(len, lines[at_i:i])) + i - at_i
            at_i = i
            le = ls + len(lines[i])
            if not_plain is not None and not_plain(mlines[i]):
                self._safe_line(chunk, ls, le, chunk[ls:le].decode("utf-8", "replace").rstrip("\r"),
                                lines_before + i + 1)
                continue
            plan = plans.get(key)
            if plan is None:
                plan = pf.plan(key)
            try:
                self._line(chunk, ls, le, mlines[i].decode("ascii"), lines_before + i + 1, plan)
            except (ValueError, OverflowError, IndexError):  # as in _safe_line, without a call per line
                self.info.unrecognised += 1
            if self._only_counts(plan):
                counted[key] = plan.single.key  # type: ignore[union-attr]
        for rule_key, idx in pending.items():
            count_hits(res.stats[rule_key], self.info.name, [mlines[i] for i in idx], lines_before + idx[-1] + 1)

    def _only_counts(self, plan: "_Plan") -> bool:
        """Whether a line of ``plan`` that starts its entry would now only bump one finding's counter:
        one plain rule decides it, its facts are done in this file, its finding holds its excerpts
        and the tracking IDs are complete. Each condition, once true, stays true for the file."""
        rule, res = plan.single, self.s.result
        assert res is not None
        if rule is None or self.s.windowed or not self.done_facts.issuperset(plan.fact_keys):
            return False
        st = res.stats.get(rule.key)
        return (st is not None and len(st.hits) >= MAX_HITS_PER_RULE
                and len(res.facts.get("tracking_id", ())) >= MAX_FACT_VALUES)

    def _line(self, chunk: bytes, ls: int, le: int, line: str, lineno: int, plan: "_Plan | None" = None) -> bool:
        """Facts and rule hits of one line. With ``plan`` (from the pattern set), its triggers are
        known to match and the others known not to: only the facts' values are still searched."""
        s = self.s
        changed = False
        low = "" if plan is not None else line.lower()
        for f in (s.patterns.facts if plan is None else plan.facts):
            if f.key in self.done_facts or (plan is None and f.literals and not any(x in low for x in f.literals)):
                continue  # the substring test is ~100x cheaper than the case-insensitive regex
            m = f.pattern.search(line)
            if m:
                s.add_fact(f.key, m.group(1))
                if f.once:
                    self.done_facts.add(f.key)
                    changed = True
        entry_range: tuple[int, int] | None = None
        matched_specific = False
        res = s.result
        assert res is not None
        # Counted only: a plain rule whose finding has its excerpts, on a line that starts its entry.
        count_only = (plan is not None and not s.windowed and TS_START_RE.match(chunk, ls) is not None
                      and len(res.facts.get("tracking_id", ())) >= MAX_FACT_VALUES)
        for r in (s.patterns.rules if plan is None else plan.rules):
            if r.generic and matched_specific:
                continue
            if plan is None:
                if r.literals and not any(x in low for x in r.literals):
                    continue
                if not r.trigger.search(line):
                    continue
            elif count_only and r.plain:
                st = res.stats.get(r.key)
                if st is not None and len(st.hits) >= MAX_HITS_PER_RULE:
                    matched_specific = True
                    if self.last_entry_key.get(r.key) != lineno:
                        self.last_entry_key[r.key] = lineno
                        count_hit(st, self.info.name, parse_log_time(line[:64]), lineno)
                    continue
            if entry_range is None:
                entry_range = self._entry(chunk, ls, le)
            es, ee = entry_range
            entry_no = lineno - chunk.count(b"\n", es, ls)  # entries are known by their first line
            if self.last_entry_key.get(r.key) == entry_no:
                matched_specific = matched_specific or not r.generic
                continue  # the same entry already counted for this rule (e.g. a multi-line SIP message)
            entry_text = chunk[es:ee].decode("utf-8", "replace")
            if r.require and not r.require.search(entry_text):
                continue
            if r.exclude and r.exclude.search(line):
                continue
            self.last_entry_key[r.key] = entry_no
            if not r.generic:
                matched_specific = True
            s.add_hit(r, self.info, chunk, es, ee, ls, le, line, lineno, entry_text)
        return changed

    def _entry(self, chunk: bytes, ls: int, le: int) -> tuple[int, int]:
        """Start and end of the entry holding the line at ``ls``..``le``."""
        es = ls
        for _ in range(200):
            if TS_START_RE.match(chunk, es):
                break
            if es == 0:
                es = ls  # the entry began before this chunk or the file has no timestamps
                break
            es = chunk.rfind(b"\n", 0, es - 1) + 1
        else:
            es = ls
        m = TS_AFTER_NL_RE.search(chunk, le)
        ee = m.start() if m else len(chunk)
        return es, ee


_EMPTY_STATS = RuleStats()
# Lines of one timestamp shape whose text sorts as their time does (fixed-width fields, one zone):
# digits map to "0" so a whole batch is checked against its template with one comparison.
_DIGITS_TO_0 = bytes.maketrans(b"0123456789", b"0" * 10)
_SORTABLE_SHAPES = (b"0000-00-00T00:00:00.000Z", b"0000-00-00 00:00:00.000 ")


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


class Scanner:
    """Scans a source; one instance per scan (it holds the redactor and the results)."""

    def __init__(self, window: TimeWindow | None = None, redactor: Redactor | None = None,
                 engine: str = "auto", progress: Callable[[str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None):
        self.patterns = load_patterns()
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
                line: str, lineno: int, entry_text: str) -> None:
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
        extract = self.patterns.extract
        values: dict[str, str] = {}
        key = rule.key
        if rule.generic:
            for name in ("error_code", "http_status"):
                pat = extract.get(name)
                m = pat.search(entry_text) if pat is not None else None
                if m:
                    values[name] = m.group(1)
            code = values.get("error_code") or values.get("http_status") or "?"
            key = f"{rule.key}:{code}"
        hits_full = len(res.stats.get(key, _EMPTY_STATS).hits) >= MAX_HITS_PER_RULE
        ids_full = len(res.facts.get("tracking_id", ())) >= MAX_FACT_VALUES
        for name, pat in extract.items():
            if name in values or (hits_full and (name != "tracking_id" or ids_full)):
                continue
            m = pat.search(entry_text)
            if m:
                values[name] = m.group(1)
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
    def scan_source(self, src: LogSource) -> LogScan:
        res = self.result = LogScan(src.root, src.kind, self.window, skipped=list(src.skipped),
                                    ignored=src.ignored, engine=self.prefilter.engine)
        for member in src.members:
            if self.cancelled():
                res.cancelled = True
                break
            self.progress(f"reading {member.name}")
            info = LogFileInfo(member.name, member.size)
            res.files.append(info)
            try:
                self._scan_member(member, info)
            except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib_error(), RuntimeError) as exc:
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

    def _scan_member(self, member: LogMember, info: LogFileInfo) -> None:
        with member.opener() as raw:
            head = raw.read(8192)
            if not head:
                info.status, info.note = "empty", "0 bytes"
                return
            why = _sniff(head)
            if why:
                info.status, info.note = "binary", f"{why}: skipped"
                return
            stream: BinaryIO = _Prepend(head, raw)  # type: ignore[assignment]
            enc = text_encoding(head)
            if enc is not None and enc.startswith("utf-16"):
                stream = _utf16_stream(stream, enc)
                info.note = "UTF-16 text"
            elif head.startswith(codecs.BOM_UTF8):
                stream = _Prepend(head[3:], raw)  # type: ignore[assignment]
            fs = _FileScanner(self, info)
            for chunk in iter_chunks(stream):
                if self.cancelled():
                    info.note = (info.note + "; " if info.note else "") + "cancelled part-way"
                    break
                fs.chunk(chunk)
            fs.finish()
        if info.invalid_utf8:
            info.note = (info.note + "; " if info.note else "") + "invalid UTF-8 bytes shown as \ufffd"
        if info.entries == 0:
            info.note = (info.note + "; " if info.note else "") + "no recognised timestamps"


class _Prepend(io.RawIOBase):
    """A stream that first returns ``head`` (already read for sniffing), then the rest of ``raw``."""

    def __init__(self, head: bytes, raw: IO[bytes]):
        self.head = head
        self.raw = raw

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.head:
            if n is None or n < 0:
                out, self.head = self.head + self.raw.read(), b""
                return out
            out, self.head = self.head[:n], self.head[n:]
            if len(out) < n:
                out += self.raw.read(n - len(out))
            return out
        return self.raw.read(n)

    def readinto(self, b: Any) -> int:  # pragma: no cover - read() is what the scanner calls
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def scan_logs(path: Path | str, window: TimeWindow | None = None, *, redactor: Redactor | None = None,
              engine: str = "auto", progress: Callable[[str], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> LogScan:
    """Find, read and analyse the logs at ``path`` (folder, file, .zip, .tar.gz)."""
    with ExitStack() as stack:
        src = open_source(path, stack)
        return Scanner(window, redactor, engine, progress, cancelled).scan_source(src)
