"""A redacted copy of a HAR file (``wxtriage har FILE --redact-out``, the bundle's copy): streamed
with flat memory, every entry redacted once, leak-scanned, written only once every secret is known."""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..redact.documents import default_known_secrets
from ..redact.known import KnownValues
from ..redact.scan import Leak, LeakError, LeakScanner
from ..redact.text import MIN_KNOWN_LEN, Redactor
from .har_redact import HarRedactor


@dataclass
class HarRedactionResult:
    """What :func:`redact_har_file` wrote."""

    path: Path
    entries: int
    truncated: bool
    warnings: list[str]
    placeholders: int
    #: When ``path`` is a zip: the redacted HARs in it, one per HAR read (else empty).
    members: tuple[str, ...] = ()


def redact_har_file(src: Path | str, out: Path | str, *, redactor: Redactor | None = None,
                    scanner: LeakScanner | None = None) -> HarRedactionResult:
    """Write a redacted copy of the HAR ``src`` to ``out``, streaming entry by entry.

    An ``out`` ending in ``.zip`` gets a zip with one redacted HAR per HAR in ``src`` (required
    when ``src`` is a zip holding several); placeholders are shared, so the same secret has the same
    placeholder in every member. Each entry is redacted once, into an encrypted spool (see
    :class:`_Spool`); once every secret of the capture is known, each line is checked for values
    recognised as secret only after it was redacted (a token first seen in a later entry's header),
    leak-scanned and written. A line that may hold such a value makes the whole copy be redacted
    again from the capture, now knowing every secret (:class:`_LateCheck`). Everything is written to a temporary folder next to
    ``out`` and renamed; on a leak (:class:`LeakError`) nothing is left behind.
    """
    from .har import HarError, HarReader

    src, out = Path(src), Path(out)
    if out.exists() and out.is_dir():
        raise HarError(f"{out}: is a folder; give a file name such as {out / (src.stem + '.redacted.har')}")
    if not out.parent.is_dir():
        raise HarError(f"{out.parent}: " + ("is not a folder" if out.parent.exists() else "folder does not exist"))
    if out.resolve() == src.resolve():
        raise HarError(f"{out}: refusing to overwrite the original capture; choose another output name")
    reader = HarReader(src, lazy_bodies=True)  # the fast readers; bodies decoded when redacted
    as_zip = out.suffix.lower() == ".zip"
    if len(reader.sources) != 1 and not as_zip:
        names = ", ".join(s.name for s in reader.sources)
        stem = src.name.removesuffix(".zip")
        raise HarError(f"{src.name}: holds {len(reader.sources)} HARs ({names}); give an output name ending in "
                       f".zip (such as {stem}.redacted.zip) to get a redacted copy of each")
    keyring_values = default_known_secrets()
    har = HarRedactor(redactor)
    har.redactor.known_secrets |= keyring_values  # replaced wherever they appear, not just refused
    scanner = scanner or LeakScanner(keyring_values, strict=True)
    try:
        return _redact_into(src, out, reader, har, scanner, as_zip)
    except RecursionError:
        raise HarError(f"{src.name}: a value is nested more than {sys.getrecursionlimit() // 2} levels deep; "
                       "no browser writes that — export the HAR again") from None
    except OSError as exc:  # the reader turns its own errors into HarError: this is the output side
        where = f" ({exc.filename})" if exc.filename else ""
        raise HarError(f"{out}: cannot write the redacted copy: {exc.strerror or exc}{where}") from None


class _LateSecret(Exception):
    """A spooled line holds a value recognised as secret only after the line was redacted."""


class _Spool:
    """Redacted entries (one JSON line each) kept until every secret of the capture is known.

    A line may still hold a value recognised as secret only in a later entry, and such a line must
    never sit readable in a file, not even in a temporary one that a kill -9 would leave behind:
    the spool is encrypted (AES-CTR) with a key that lives only in this process.
    """

    def __init__(self, path: Path):
        from array import array

        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self._cipher = Cipher(algorithms.AES(os.urandom(32)), modes.CTR(os.urandom(16)))
        self._enc = self._cipher.encryptor()
        self.path = path
        self._fh = path.open("wb")
        self._sizes = array("Q")  # bytes of each line
        self._learnt = array("Q")  # how many secrets the redactor knew when the line was redacted

    def add(self, line: str, learnt: int) -> None:
        try:
            data = line.encode("utf-8")
        except UnicodeEncodeError:
            data = _utf8_safe(line).encode("utf-8")
        self._fh.write(self._enc.update(data))
        self._sizes.append(len(data))
        self._learnt.append(learnt)

    def lines(self) -> Iterator[tuple[str, int]]:
        self._fh.close()
        dec = self._cipher.decryptor()
        with self.path.open("rb") as fh:
            for size, learnt in zip(self._sizes, self._learnt):
                yield dec.update(fh.read(size)).decode("utf-8"), learnt

    def close(self) -> None:
        self._fh.close()


def _redact_into(src: Path, out: Path, reader: Any, har: HarRedactor, scanner: LeakScanner,
                 as_zip: bool) -> HarRedactionResult:
    """Redact every HAR of ``reader`` into a spool, then write them out (see :func:`redact_har_file`)."""
    r = har.redactor
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.", suffix=".part", dir=out.parent) as tmp:
        from ..workdir import register_partial

        register_partial(tmp)  # removed by the next start if this process is killed before the rename
        spooled: list[tuple[Any, _Spool, Any]] = []
        for i, source in enumerate(reader.sources):
            spool = _Spool(Path(tmp) / f"{i}.spool")
            try:
                for rec in reader.records(source):
                    before = len(r._map)  # what the entry learns itself may sit earlier in it, unreplaced
                    spool.add(har.entry_line(rec.raw), before)
            finally:
                spool.close()
            spooled.append((source, spool, har.redact_meta(reader.log_meta(source))))
        scanner.add(r.removed)
        learnt = list(r._map)  # in the order learnt: a line redacted knowing k of them lacks learnt[k:]
        try:
            parts, n = _write_parts(src, out, Path(tmp), reader, spooled, scanner, as_zip, har, learnt)
        except _LateSecret:
            # A line holds a value recognised as secret only later: redact everything again from the
            # capture, now knowing every secret (the spool is not used).
            parts, n = _write_parts(src, out, Path(tmp), reader, [(s, None, None) for s, _, _ in spooled], scanner,
                                    as_zip, har, learnt)
        final = parts[0][1]
        if as_zip:
            final = Path(tmp) / "out.zip"
            with zipfile.ZipFile(final, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for member, part in parts:
                    zf.write(part, member)
        os.replace(final, out)
    return HarRedactionResult(out, n, bool(reader.truncated), list(dict.fromkeys(reader.warnings)), len(r._map),
                              tuple(m for m, _ in parts) if as_zip else ())


def _write_parts(src: Path, out: Path, tmp: Path, reader: Any, spooled: list[tuple[Any, Any, Any]],
                 scanner: LeakScanner, as_zip: bool, har: HarRedactor,
                 learnt: list[str]) -> tuple[list[tuple[str, Path]], int]:
    """Each HAR written to ``tmp`` from its spool, or (spool None) redacted again from the capture."""
    parts: list[tuple[str, Path]] = []
    n = 0
    known_before = len(scanner.known)
    late = _LateCheck(learnt, har.redactor)
    for i, (source, spool, meta) in enumerate(spooled):
        member = _member_name(src, source.name, {name for name, _ in parts})
        part = tmp / f"{i}.har"
        label = f"{out.name}:{member}" if as_zip else out.name
        if spool is None:
            # Every secret is known now: each entry redacted again is final.
            again = ((json.dumps(har.redact_entry(rec.raw), ensure_ascii=False), len(learnt))
                     for rec in reader.records(source))
            n += _write_redacted_har(har.redact_meta(reader.log_meta(source)), part, scanner, label, again, late)
        else:
            n += _write_redacted_har(meta, part, scanner, label, spool.lines(), late)
        parts.append((member, part))
    scanner.add(har.redactor.removed)
    if len(scanner.known) > known_before:
        # Secrets first seen while writing may have been written earlier in raw form: check the files.
        for member, part in parts:
            _rescan_file(part, f"{out.name}:{member}" if as_zip else out.name, scanner)
    return parts, n


def _member_name(src: Path, source_name: str, taken: set[str]) -> str:
    """``capture.har`` → ``capture.redacted.har`` (unique within the output zip)."""
    inner = source_name[len(src.name) + 1:] if source_name.startswith(src.name + ":") else source_name
    stem = inner.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".gz").removesuffix(".har")
    name, k = f"{stem}.redacted.har", 2
    while name in taken:
        name, k = f"{stem}-{k}.redacted.har", k + 1
    return name


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8_safe(text: str) -> str:
    """JSON text with each lone surrogate written as its ``\\u`` escape. Python's json reads an
    escaped lone surrogate (``"\\ud800"``, valid JSON) into a str that UTF-8 cannot encode; it
    can only stand inside a JSON string, where the escape is the same value."""
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _write_text(fh: Any, text: str) -> None:
    try:
        fh.write(text)
    except UnicodeEncodeError:  # nothing was written: the text is encoded before the write
        fh.write(_utf8_safe(text))


def _write_redacted_har(meta: Any, path: Path, scanner: LeakScanner, label: str,
                        lines: Iterable[tuple[str, int]], late: _LateCheck) -> int:
    """One redacted HAR into ``path``: its ``log`` fields, then its entries' ``lines`` (each with the
    number of secrets known when it was redacted); returns the number of entries."""
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        head = json.dumps(meta, ensure_ascii=False)
        for leak in scanner.scan_blob(head, f"{label} log header"):
            raise LeakError([leak])
        _write_text(fh, '{"log": ' + head[:-1] + (', ' if meta else '') + '"entries": [\n')
        for line, known in lines:
            late.check(line, known)
            leaks = scanner.scan_blob(line, f"{label} entry {n + 1}")
            if leaks:
                where = f"{label} entry {n + 1} ({_short_url(json.loads(line))})"
                raise LeakError([Leak(where, leak.what) for leak in leaks])
            _write_text(fh, (",\n" if n else "") + line)
            n += 1
        fh.write("\n]}}\n")
    return n


class _LateCheck:
    """Whether a spooled line may hold a secret learnt after the line was redacted, as the rules
    would have replaced it: verbatim, JSON-escaped (for printable ASCII that only adds
    backslashes, so the line is compared without any), or a longer secret around a shorter one
    that was replaced on its own. The learnt values are looked up by the line's own substrings
    (:class:`~checks.redact.known.KnownValues`: a capture with a new token in every entry must not
    cost lines × tokens searches). A value known before the line cannot be in it either (the rules
    replaced it), so any hit sends the copy through the rules again."""

    def __init__(self, learnt: list[str], redactor: Redactor):
        self.count = len(learnt)
        values = [v for v in learnt if len(v) >= MIN_KNOWN_LEN]  # shorter: never replaced in text
        plain = [v for v in values if v.isascii() and v.isprintable()]
        # A line redacted before such a value was learnt may hold it escaped in ways not compared here.
        self._odd_from = max((i for i, v in enumerate(learnt) if len(v) >= MIN_KNOWN_LEN and not (
            v.isascii() and v.isprintable())), default=-1)
        self._needles = KnownValues(v.replace("\\", "") for v in plain)
        for v in plain:  # a longer secret holding a shorter one: the rest of it stays around its placeholder
            bare = v.replace("\\", "")
            for inner in self._needles.found_in(bare):
                if inner != v and inner in redactor._map:
                    self._needles.add(bare.replace(inner, redactor._map[inner]))

    def check(self, line: str, known: int) -> None:
        """Raise :class:`_LateSecret` when ``line``, redacted knowing ``known`` secrets, may hold a later one."""
        if known >= self.count:
            return
        if self._odd_from >= known:
            raise _LateSecret
        if self._needles.any_in(line.replace("\\", "")):
            raise _LateSecret


def _short_url(entry: dict[str, Any]) -> str:
    req = entry.get("request") or {}
    url = str(req.get("url", ""))
    return f"{req.get('method', '?')} {url.split('?')[0][:80]}"


def _rescan_file(path: Path, name: str, scanner: LeakScanner) -> None:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            leaks = scanner.scan_blob(line, f"{name} line {lineno}")
            if leaks:
                raise LeakError(leaks)
