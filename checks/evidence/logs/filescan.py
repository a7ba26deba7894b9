"""Scanning one log file's chunks: counts, the prefilter's candidate lines, and the match-dense
path where RE2's pattern set classifies every line and saturated findings are counted in batches."""
from __future__ import annotations

import re
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .chunks import _last_entry_start
from .model import (MAX_FACT_VALUES, MAX_HITS_PER_RULE, MOBILE_RE, TS_AFTER_NL_RE, TS_START_RE, LogFileInfo,
                    _ENTRY_NL_RE, count_hit, count_hits, parse_log_time)
from .patterns import _Plan

if TYPE_CHECKING:
    from .scanner import Scanner


#: After this many prefilter hits in a chunk, and when at least one line in DENSE_SHARE matches,
#: the rest of the chunk is classified line by line with the pattern set.
DENSE_AFTER = 64
DENSE_SHARE = 8
# Lines where RE2 and Python's str regexes could disagree (non-ASCII letters and digits, \v and
# \x1c-\x1f as spaces, a stray CR): the Python regexes decide them.
_NOT_PLAIN = re.compile(rb"[^\t\x20-\x7e]")
_PLAIN_BYTES = bytes([9, 10, *range(0x20, 0x7F)])


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
