"""Reading a user export however it was saved: encoding (UTF-8, BOM, UTF-16, cp1252), delimiter
(header row or Excel's ``sep=`` line), CRLF and quoted newlines, as a stream of rows."""
from __future__ import annotations

import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, TextIO

from ...api import InputError
from ..textio import text_encoding

SNIFF_BYTES = 64 * 1024
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


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
