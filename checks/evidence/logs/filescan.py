"""Scanning one log file's chunks: counts, the prefilter's candidate lines, and the match-dense
path where RE2's pattern set classifies every line and saturated findings are counted in batches
(lines one plain rule decides by their answer alone, lines a rule with an entry-wide test decides
after testing all such entries of the chunk together)."""
from __future__ import annotations

import bisect
import re
from itertools import compress
from typing import TYPE_CHECKING, Any, Callable

from .chunks import _last_entry_start
from .model import (MAX_FACT_VALUES, MAX_HITS_PER_RULE, MOBILE_RE, TS_AFTER_NL_RE, TS_START_RE, LogFileInfo,
                    _ENTRY_NL_RE, all_start_entries, count_hit, count_hits, parse_log_time)
from .patterns import Rule, _Plan, plain_bytes

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
        self.counted: dict[bytes, str] = {}

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
        for every line in one C call each, which patterns match it, and for plain ASCII lines its
        answer stands for the trigger regexes (the Python regexes still decide lines with other
        characters, where the two engines' classes differ).

        Lines whose answer the file already only counts (see :meth:`_only_counts`) are sorted out
        and counted a rule at a time with C-speed list operations; the other matching lines go
        through :meth:`_line` in order, which sees the counted lines' entries as counted."""
        pf = self.s.prefilter
        line_set = pf.line_set
        assert line_set is not None
        body = chunk[start:] if start else chunk
        lines = body.split(b"\n")
        if body.endswith(b"\n"):
            lines.pop()
        # CRLF: the per-line regexes see the line without its CR, so the set must too.
        mbody = body if b"\r" not in body else body.replace(b"\r\n", b"\n")
        mlines = lines if mbody is body else mbody.split(b"\n")[:len(lines)]
        # Most logs are plain ASCII throughout: then no line needs the per-line check.
        not_plain = None if mbody.isascii() and not mbody.translate(None, _PLAIN_BYTES) else _NOT_PLAIN.search
        res = self.s.result
        assert res is not None
        # Each line's answer as bytes (pattern indices < 256): the answer lists die at once, and
        # bytes are not tracked by the garbage collector (a chunk's worth of lists or tuples would
        # wake it again and again); a line without a match gives the shared empty bytes.
        answers = list(map(bytes, map(line_set.Match, mlines)))
        hits = list(compress(range(len(answers)), answers))  # the matching lines
        keys = list(compress(answers, answers))
        del answers
        # rule key -> lines (indices, in order) that only bump its counter, counted at the end
        batches: dict[str, list[int]] = {}
        todo = hits
        counted = self.counted
        if counted:
            rule_keys = list(map(counted.get, keys))
            for rule_key in {rk for rk in rule_keys if rk is not None}:
                idx = [i for i, rk in zip(hits, rule_keys) if rk == rule_key]
                heads = [mlines[i] for i in idx]
                # A counted line starts its own entry (so no earlier line counted that entry) and
                # is plain; the rare other line goes through _line with the rest.
                misfits = [] if all_start_entries(heads) else \
                    [i for i, ok in zip(idx, map(TS_START_RE.match, heads)) if ok is None]
                if not_plain is not None:
                    misfits += [i for i, bad in zip(idx, map(not_plain, heads)) if bad is not None]
                if misfits:
                    drop = set(misfits)
                    idx = [i for i in idx if i not in drop]
                batches[rule_key] = idx
            counted_lines: set[int] = set().union(*batches.values())
            todo = [i for i in hits if i not in counted_lines] if len(counted_lines) < len(hits) else []
            todo_keys = [k for i, k in zip(hits, keys) if i not in counted_lines] if todo else []
        else:
            todo_keys = keys
        # finding key -> (lines, their entries' heads) counted at the end, from whole entries
        entry_batches: dict[str, tuple[list[int], list[bytes]]] = {}
        if todo and not_plain is None and not self.s.windowed \
                and len(res.facts.get("tracking_id", ())) >= MAX_FACT_VALUES:
            todo, todo_keys = self._dense_entries(lines, mlines, hits, todo, todo_keys, entry_batches)
        if todo:
            self._dense_in_order(chunk, start, lines, mlines, lines_before, todo, todo_keys, not_plain, batches)
        seen = self.last_entry_key
        for rule_key, idx in batches.items():
            if idx:
                last = lines_before + idx[-1] + 1
                count_hits(res.stats[rule_key], self.info.name, [mlines[i] for i in idx], last)
                if seen.get(rule_key, 0) < last:
                    seen[rule_key] = last
        for stats_key, (idx, heads) in entry_batches.items():
            count_hits(res.stats[stats_key], self.info.name, heads, lines_before + idx[-1] + 1)

    def _dense_entries(self, lines: list[bytes], mlines: list[bytes], hits: list[int], todo: list[int],
                       todo_keys: list[bytes], out: dict[str, tuple[list[int], list[bytes]]]
                       ) -> tuple[list[int], list[bytes]]:
        """Matching lines of a plain dense chunk that one rule with an entry-wide test (require,
        exclude, a generic rule's code) decides, once that finding holds its excerpts: the tests run
        over all such entries at once and the matches go into ``out`` to be counted. A line qualifies
        when its facts are done, its entry lies inside the chunk and holds no other matching line (so
        no other line can have counted that entry) and its finding is full; the others are returned,
        in order, for :meth:`_dense_in_order`. The tracking IDs are complete (the caller checks)."""
        pf = self.s.prefilter
        res = self.s.result
        assert res is not None
        plans, done, ts_start = pf.plans, self.done_facts, TS_START_RE.match
        n = len(mlines)
        groups: dict[bytes, list[int]] = {}
        for i, key in zip(todo, todo_keys):
            group = groups.get(key)
            if group is None:
                groups[key] = [i]
            else:
                group.append(i)
        keep: list[tuple[int, bytes]] = []  # (line, its answer) for _dense_in_order
        # rule key -> (matching line, its entry's first line, the line after the entry)
        cands: dict[str, list[tuple[int, int, int]]] = {}
        rules: dict[str, Rule] = {}
        for key, group in groups.items():
            plan = plans.get(key)
            if plan is None:
                plan = pf.plan(key)
            if len(plan.rules) != 1 or not done.issuperset(plan.fact_keys):
                keep += [(i, key) for i in group]
                continue
            rule = plan.rules[0]
            rules[rule.key] = rule
            found = cands.setdefault(rule.key, [])
            # Most entries are one line: it and the next one start with a timestamp.
            heads = [mlines[i] for i in group]
            next_heads = [mlines[i + 1] if i + 1 < n else b"" for i in group]
            if ts_start(heads[0]) is not None and all_start_entries(heads) and all_start_entries(next_heads):
                found += [(i, i, i + 1) for i in group]
                continue
            starts = list(map(ts_start, heads))
            nexts = list(map(ts_start, next_heads))
            found += [(i, i, i + 1) for i, a, b in zip(group, starts, nexts) if a is not None and b is not None]
            for i in [i for i, a, b in zip(group, starts, nexts) if a is None or b is None]:
                first = i  # the entry's first line, as _entry finds it (at most 200 lines back)
                while first >= 0 and first > i - 200 and ts_start(mlines[first]) is None:
                    first -= 1
                after = i + 1
                while after < n and ts_start(mlines[after]) is None:
                    after += 1
                if first >= 0 and first > i - 200 and after < n and \
                        bisect.bisect_left(hits, after) - bisect.bisect_left(hits, first) == 1:
                    found.append((i, first, after))
                else:
                    keep.append((i, key))
        if not any(cands.values()):
            return todo, todo_keys
        back: list[int] = []  # lines whose finding still takes excerpts: through _line after all
        for rule_key, entries_of in cands.items():
            rule = rules[rule_key]
            entries = [lines[i] if first == i and after == i + 1 else b"\n".join(lines[first:after])
                       for i, first, after in entries_of]
            ok = [True] * len(entries_of)
            if rule.require is not None:
                ok = [found is not None for found in pf.require[rule_key].search_plain(entries)]
            if rule.exclude is not None:
                excluded = pf.exclude[rule_key].search_plain([mlines[i] for i, _, _ in entries_of])
                ok = [good and found is None for good, found in zip(ok, excluded)]
            if rule.generic:
                codes = pf.extract["error_code"].search_plain(entries)
                missing = [j for j, c in enumerate(codes) if c is None]
                if missing:
                    statuses = pf.extract["http_status"].search_plain([entries[j] for j in missing])
                    for j, c in zip(missing, statuses):
                        codes[j] = c
                stats_keys = [f"{rule_key}:{(c or b'?').decode('ascii')}" for c in codes]
            else:
                stats_keys = [rule_key] * len(entries_of)
            for (i, first, _), good, entry, stats_key in zip(entries_of, ok, entries, stats_keys):
                if not good:
                    continue  # the rule does not match this entry: _line would do nothing
                st = res.stats.get(stats_key)
                if st is None or len(st.hits) < MAX_HITS_PER_RULE:
                    back.append(i)
                    continue
                batch = out.get(stats_key)
                if batch is None:
                    batch = out[stats_key] = ([], [])
                batch[0].append(i)
                # _line times a plain rule's line that starts its entry by the line, others by the entry
                batch[1].append(mlines[i] if rule.plain and first == i else entry)
        if back:
            key_of = dict(zip(todo, todo_keys))
            keep += [(i, key_of[i]) for i in back]
        keep.sort()
        for idx, _ in out.values():
            idx.sort()
        return [i for i, _ in keep], [key for _, key in keep]

    def _dense_in_order(self, chunk: bytes, start: int, lines: list[bytes], mlines: list[bytes], lines_before: int,
                        todo: list[int], todo_keys: list[bytes], not_plain: Callable[[bytes], Any] | None,
                        batches: dict[str, list[int]]) -> None:
        """The matching lines of a dense chunk that are not only counted, in order; a line whose
        answer becomes counted on the way joins its rule's batch."""
        pf = self.s.prefilter
        plans = pf.plans
        seen, ts_start = self.last_entry_key, TS_START_RE.match
        counted = self.counted
        # Byte offsets only for lines that need them, summed from the last one computed.
        at_i, at_pos = 0, start
        for i, key in zip(todo, todo_keys):
            rule_key = counted.get(key)
            if rule_key is not None and ts_start(mlines[i]) is not None \
                    and (not_plain is None or not_plain(mlines[i]) is None):
                # Counted since this chunk began: into the batch (ahead of the batch's own lines).
                seen[rule_key] = lines_before + i + 1
                batch = batches.setdefault(rule_key, [])
                batch.insert(bisect.bisect(batch, i), i)
                continue
            ls = at_pos = at_pos + sum(map(len, lines[at_i:i])) + i - at_i
            at_i = i
            le = ls + len(lines[i])
            plan = plans.get(key)
            if plan is None:
                plan = pf.plan(key)
            if batches:
                # The batched lines so far are counted already, as _line would have seen them.
                for r in plan.rules:
                    earlier = batches.get(r.key)
                    if earlier:
                        p = bisect.bisect(earlier, i)
                        if p and seen.get(r.key, 0) < lines_before + earlier[p - 1] + 1:
                            seen[r.key] = lines_before + earlier[p - 1] + 1
            if not_plain is not None and not_plain(mlines[i]):
                self._safe_line(chunk, ls, le, chunk[ls:le].decode("utf-8", "replace").rstrip("\r"),
                                lines_before + i + 1)
                continue
            try:
                self._line(chunk, ls, le, mlines[i].decode("ascii"), lines_before + i + 1, plan)
            except (ValueError, OverflowError, IndexError):  # as in _safe_line, without a call per line
                self.info.unrecognised += 1
            if self._only_counts(plan):
                counted[key] = plan.single.key  # type: ignore[union-attr]

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
        entry_text: str | None = None
        entry_raw: bytes | None = None  # the entry's bytes when plain (the cheaper searches apply)
        line_raw: bytes | None = None  # the line's bytes when plain, b"" when not; None: not looked at
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
            if entry_text is None:
                entry_bytes = chunk[es:ee]
                entry_text = entry_bytes.decode("utf-8", "replace")
                entry_raw = plain_bytes(entry_bytes)
            if r.require and s.prefilter.require[r.key].search(entry_text, entry_raw) is None:
                continue
            if r.exclude:
                if line_raw is None:
                    line_raw = plain_bytes(chunk[ls:le].rstrip(b"\r")) or b""
                if s.prefilter.exclude[r.key].search(line, line_raw or None) is not None:
                    continue
            self.last_entry_key[r.key] = entry_no
            if not r.generic:
                matched_specific = True
            s.add_hit(r, self.info, chunk, es, ee, ls, le, line, lineno, entry_text, entry_raw)
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
