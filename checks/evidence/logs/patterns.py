"""Client-log rules and facts from the catalog, and the prefilter that finds the lines worth
checking: RE2's combined pattern and pattern set when google-re2 is installed, else ``bytes.find``
on literals derived from each pattern."""
from __future__ import annotations

import functools
import re
import threading
from itertools import repeat
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ...catalog import load_catalog

CATALOG = "client_log_rules"

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

#: Text on which RE2 and Python's ``re`` give the same answer for the catalog's patterns: tab,
#: CR, LF and printable ASCII (Python's ``\s`` also takes \v and \x1c-\x1f, and non-ASCII
#: letters, digits and case folds differ between the engines).
NOT_PLAIN_TEXT = re.compile(rb"[^\t\n\r\x20-\x7e]")


def plain_bytes(raw: bytes) -> bytes | None:
    """``raw`` when it is plain text (see NOT_PLAIN_TEXT), else None."""
    return raw if raw.isascii() and NOT_PLAIN_TEXT.search(raw) is None else None


class PlainSearch:
    """One catalog regex with cheaper ways to its answer on plain text: a required-literal test on
    the lower-cased text (every match holds one of the literals), then RE2 on the bytes. Other text
    goes to Python's regex, as it always did, so the answers never change."""

    __slots__ = ("pattern", "literals", "_twin", "_unanchored")

    def __init__(self, pattern: re.Pattern[str], re2mod: Any | None):
        self.pattern = pattern
        self.literals = _lits(pattern.pattern)
        self._twin: Any | None = None
        self._unanchored: Any = None
        if re2mod is not None:
            try:
                self._twin = re2mod.compile(("(?i)" + pattern.pattern).encode())._regexp
                self._unanchored = re2mod._Anchor.UNANCHORED
            except Exception:  # noqa: BLE001 - without the twin, Python's regex answers
                self._twin = None

    def search(self, text: str, raw: bytes | None, low: str | None = None) -> str | None:
        """Group 1 (else the whole match) of the first match in ``text``, or None. ``raw``: the
        text's bytes when it is plain (:func:`plain_bytes`), ``low``: ``text.lower()`` if known."""
        if raw is None:
            m = self.pattern.search(text)
            return None if m is None else m.group(1 if self.pattern.groups else 0)
        if self.literals:
            if low is None:
                low = text.lower()
            for lit in self.literals:
                if lit in low:
                    break
            else:
                return None
        if self._twin is None:
            m = self.pattern.search(text)
            return None if m is None else m.group(1 if self.pattern.groups else 0)
        spans = self._twin.Match(self._unanchored, raw, 0, len(raw))
        if spans[0][0] < 0:
            return None
        a, b = spans[1] if len(spans) > 1 else spans[0]
        return text[a:b] if a >= 0 else None

    def search_plain(self, raws: list[bytes]) -> list[bytes | None]:
        """:meth:`search` over many plain texts (their bytes), in one C loop when RE2 is there."""
        if self._twin is None:
            found = [self.search(raw.decode("ascii"), raw) for raw in raws]
            return [None if f is None else f.encode("ascii") for f in found]
        group = 1 if self.pattern.groups else 0
        out: list[bytes | None] = []
        add = out.append
        for raw, spans in zip(raws, map(self._twin.Match, repeat(self._unanchored), raws, repeat(0), map(len, raws))):
            a, b = spans[group]
            add(raw[a:b] if spans[0][0] >= 0 and a >= 0 else None)
        return out


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
        self.plans: dict[bytes, _Plan] = {}
        self._patterns = patterns
        #: the entry-wide and extraction regexes, with their cheaper tests on plain text
        self.require: dict[str, PlainSearch] = {}
        self.exclude: dict[str, PlainSearch] = {}
        self.extract: dict[str, PlainSearch] = {}
        if patterns is not None:
            self.require = {r.key: PlainSearch(r.require, mod) for r in patterns.rules if r.require}
            self.exclude = {r.key: PlainSearch(r.exclude, mod) for r in patterns.rules if r.exclude}
            self.extract = {k: PlainSearch(p, mod) for k, p in patterns.extract.items()}
        if mod is not None and patterns is not None:
            self.line_set = _pattern_set(mod, [f.pattern.pattern for f in patterns.facts]
                                         + [r.trigger.pattern for r in patterns.rules])

    def plan(self, key: bytes) -> "_Plan":
        """The facts and rules (in catalog order) of a set answer: its pattern indices (as bytes),
        in any order."""
        assert self._patterns is not None
        ids = sorted(key)
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
    if len(patterns) > 256:
        return None  # the dense path keeps a line's answer as bytes, one per pattern index
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

@functools.cache
def default_prefilter(engine: str = "auto") -> Prefilter:
    pats = load_patterns()
    return Prefilter(pats.raw, engine, pats)
