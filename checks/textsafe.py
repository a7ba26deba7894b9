"""Text that is safe to print on a terminal.

Inputs carry raw control characters: an ESC in a URL, a log line or a zip member name could move
the cursor, recolour or retitle the terminal, or hide text (CR); BEL rings. Every text output of
the CLI goes through :func:`escape_controls`, which shows them as ``\\x1b``-style escapes; error
lines go through :func:`one_line`, which also folds line breaks, so a message is always one line.
"""
from __future__ import annotations

# C0 controls except TAB and LF, DEL, and the C1 controls (ESC's 8-bit twins such as CSI U+009B).
_CONTROLS = [c for c in range(0x20) if c not in (0x09, 0x0A)] + [0x7F] + list(range(0x80, 0xA0))
_TABLE = {c: f"\\x{c:02x}" for c in _CONTROLS}
# Unicode line and paragraph separators and bidi overrides also reorder or break what is shown.
_TABLE.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                          0x2066, 0x2067, 0x2068, 0x2069)})
_ONE_LINE = dict(_TABLE)
_ONE_LINE[0x0A] = "\\n"


def escape_controls(text: str) -> str:
    """``text`` with every control character except TAB and newline shown as an escape."""
    if text.isprintable() or not text:
        return text
    return text.translate(_TABLE)


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` as one printable line: controls escaped, line breaks shown as ``\\n``."""
    out = text.strip().translate(_ONE_LINE).replace("\t", " ")
    if limit is not None and len(out) > limit:
        out = out[:limit - 1] + "…"
    return out
