"""``docs/findings.md``, generated from the catalogs: ``python -m checks.catalog.docs``.

The prose lives in ``docs/findings.template.md``; each line ``<!-- findings: <catalog> [<code
prefix>] -->`` in it becomes the table of that catalog's finding codes (only the codes starting with
the prefix, when one is given), one row per code and severity in catalog order: the code, the
severity, the rule's ``meaning`` (else its title) and the source cell — every rule's source with
its seed lines, joined with `` / `` when several rules share the code. A rule whose code is a
family (``bw.manual.{id}``) gets one row per manual step of ``patches.toml``.
``tests/test_catalogs.py`` fails while the committed file differs from what this prints.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Iterator

from ..sources import rule_sources, source_cell
from . import load_catalog

FOLDER = Path(__file__).resolve().parent
REPO = FOLDER.parent.parent
TEMPLATE = REPO / "docs" / "findings.template.md"
OUTPUT = REPO / "docs" / "findings.md"

_DIRECTIVE = re.compile(r"^<!-- findings: (?P<catalog>[a-z0-9_]+)(?: (?P<prefix>[a-z0-9_.]+))? -->$")
GENERATED = ("<!-- Generated from checks/catalog/*.toml and docs/findings.template.md by "
             "`python -m checks.catalog.docs`; edit those, not this file. -->")


def _rows(catalog: str, prefix: str) -> Iterator[tuple[str, str, str]]:
    """(code, severity, meaning) of every rule of ``catalog`` whose code starts with ``prefix``."""
    for rule in load_catalog(catalog)["rules"].values():
        code = rule["code"]
        if code == "bw.manual.{id}":  # one finding per manual step of patches.toml
            for feature in load_catalog("patches")["features"].values():
                for m in feature.get("manual", ()):
                    yield f"bw.manual.{m['id']}", rule["severity"], m.get("meaning") or f"Manual step: {m['title']}."
        elif code.startswith(prefix):
            yield code, rule["severity"], rule.get("meaning") or rule["title"]


def table(catalog: str, prefix: str = "", sources: dict[str, Any] | None = None) -> str:
    """The markdown table of one catalog's codes (see the module docstring)."""
    sources = rule_sources(FOLDER) if sources is None else sources
    lines = ["| code | severity | meaning | source |", "|---|---|---|---|"]
    seen: set[tuple[str, str]] = set()
    for code, severity, meaning in _rows(catalog, prefix):
        if (code, severity) in seen:
            continue
        seen.add((code, severity))
        lines.append(f"| `{code}` | {severity} | {' '.join(meaning.split())} | {source_cell(sources.get(code, []))} |")
    return "\n".join(lines)


def render(template: str) -> str:
    """``docs/findings.md`` from the text of its template."""
    sources = rule_sources(FOLDER)
    out = []
    for line in template.split("\n"):
        m = _DIRECTIVE.match(line.strip())
        out.append(table(m["catalog"], m["prefix"] or "", sources) if m else line)
    text = "\n".join(out)
    return text.replace("\n", "\n" + GENERATED + "\n", 1) if "\n" in text else text


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render(TEMPLATE.read_text(encoding="utf-8"))
    if args == ["--check"]:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is stale: run `python -m checks.catalog.docs`", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT}: generated from {FOLDER} and {TEMPLATE.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
