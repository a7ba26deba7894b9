"""Regular expressions with a linear-time guarantee, for patterns applied to user input.

Python's ``re`` backtracks: a pattern with adjacent or nested quantifiers can take quadratic or
cubic time on input shaped against it (runs of spaces, ``a-a-a-…``). RE2 (``google-re2``, a
dependency) never backtracks. :func:`compile_linear` compiles with RE2 and keeps the small API the
parsers use (``search``, ``match``, ``finditer``, ``sub``, groups by name); it falls back to
``re`` only if RE2 is missing, which the tests of every parser would show in their timings
(``benchmarks/adversarial.py``).
"""
from __future__ import annotations

import re
from typing import Any

_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))


def compile_linear(pattern: str, flags: int = 0) -> Any:
    """``pattern`` compiled by RE2 (inline flags instead of ``re`` flag values)."""
    inline = "".join(letter for flag, letter in _FLAGS if flags & flag)
    try:
        import re2  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - google-re2 is a dependency
        return re.compile(pattern, flags)
    return re2.compile((f"(?{inline})" if inline else "") + pattern)
