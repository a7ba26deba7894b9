"""Source tags and seed citations of catalog rules and playbooks, and their verifier.

Every rule, playbook and playbook step names where it comes from in ``source`` (tags registered
in ``checks/catalog/sources.toml``): a seed (``S0``..``S4``), a public document
(``pub:<document id>``) or an inference (``inf``). A table whose source names a seed also carries
``cites = ["004:1095-1098", …]``: lines of the seed files (1-based, as the files are). The
verifier reads the seeds and checks that every identifier the table's texts state — patch names,
``.bwar`` builds, error and feature codes, numbers of 3+ digits, ``%TAGS%``, upper-case constants,
camelCase CLI words, URL paths such as ``/v2.0/`` — appears in the cited lines (compared without
whitespace, case-insensitively). An identifier that comes from the table's ``pub``/``inf`` part
is listed in ``uncited`` instead, so every exception is visible in the data.

The verifier needs the seed files, which are not shipped with wxtriage (they live next to the
repository in development and CI); nothing at run time depends on them.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

# Keys that are not statements of the table: the source itself and references to other things.
# ``meaning`` is the docs/findings.md row (examples and cross-references for readers, as the
# hand-written rows were before the file was generated), not text an admin is shown as a finding.
META_KEYS = frozenset({"source", "cites", "uncited", "id", "next", "when", "doc", "meaning"})


class SourceError(ValueError):
    """A source tag or a citation that cannot be read."""


@dataclass(frozen=True)
class SourcePart:
    """One ``;``-separated part of a source: ``tag`` (S0..S4, pub, inf), ``document`` (pub only), ``note``."""

    tag: str
    document: str = ""
    note: str = ""

    @property
    def is_seed(self) -> bool:
        return self.tag in registry()["seeds"]


@dataclass(frozen=True)
class Cite:
    """Lines ``first``..``last`` (1-based, inclusive) of seed file ``seed`` (e.g. "004")."""

    seed: str
    first: int
    last: int

    def __str__(self) -> str:
        return f"{self.seed}:{self.first}" + (f"-{self.last}" if self.last != self.first else "")


@functools.cache
def registry() -> dict[str, Any]:
    """``checks/catalog/sources.toml``: the seeds, the ``inf`` wording and the public documents."""
    text = (Path(__file__).parent / "catalog" / "sources.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


_PART = re.compile(r"^(?P<tag>S\d+|pub|inf)(?::(?P<doc>[a-z0-9][a-z0-9-]*))?(?=$|[\s(])\s*(?P<note>.*)$")


def parse_source(source: str) -> list[SourcePart]:
    """Split a source like ``"S4 §4; pub:solution-guide"`` into its parts; unknown tags raise."""
    parts: list[SourcePart] = []
    reg = registry()
    for raw in source.split(";"):
        raw = raw.strip()
        m = _PART.match(raw)
        if not m:
            raise SourceError(f"source part {raw!r}: expected S0..S4, pub:<document> or inf")
        tag, doc, note = m["tag"], m["doc"] or "", m["note"].strip()
        if tag.startswith("S") and tag not in reg["seeds"]:
            raise SourceError(f"source part {raw!r}: no seed {tag} (known: {', '.join(reg['seeds'])})")
        if tag == "pub" and doc not in reg["documents"]:
            raise SourceError(f"source part {raw!r}: a pub source names its document, pub:<id> with an id "
                              f"from checks/catalog/sources.toml [documents] ({', '.join(reg['documents'])})")
        if tag != "pub" and doc:
            raise SourceError(f"source part {raw!r}: only pub names a document")
        parts.append(SourcePart(tag, doc, note))
    return parts


def seed_files_of(source: str) -> set[str]:
    """The seed file numbers (e.g. {"004"}) a source names."""
    seeds = registry()["seeds"]
    return {seeds[p.tag]["file"] for p in parse_source(source) if p.is_seed}


_CITE = re.compile(r"^(?P<seed>\d{3}):(?P<first>\d+)(?:-(?P<last>\d+))?$")


def parse_cite(cite: str) -> Cite:
    """``"004:701-719"`` or ``"004:701"`` → Cite; anything else raises SourceError."""
    m = _CITE.match(cite.strip()) if isinstance(cite, str) else None
    if not m:
        raise SourceError(f"citation {cite!r}: expected '<seed>:<first>-<last>' such as '004:701-719'")
    first = int(m["first"])
    last = int(m["last"] or first)
    if first < 1 or last < first:
        raise SourceError(f"citation {cite!r}: lines must be 1 or more, first ≤ last")
    return Cite(m["seed"], first, last)


def describe(source: str) -> str:
    """A readable origin for reports: each tag's title, with the note kept."""
    reg = registry()
    out = []
    for raw in source.split(";"):
        try:
            (p,) = parse_source(raw)
        except (SourceError, ValueError):
            out.append(raw.strip())
            continue
        if p.is_seed:
            s = reg["seeds"][p.tag]
            name = f"{s['title']} (seed {s['file']})"
        elif p.tag == "pub":
            name = reg["documents"][p.document]["title"]
        else:
            name = reg["inf"]["title"]
        out.append(f"{name} {p.note}".strip())
    return "; ".join(out)


# ------------------------------------------------------------------------------------- seeds
class Seeds:
    """The seed files of a folder (``NNN_<hash>.txt``), read once, numbered as the files are."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, Path] = {}
        for path in sorted(folder.glob("*.txt")):
            m = re.match(r"^(\d{3})_", path.name)
            if m:
                self.files[m[1]] = path

    @functools.cache
    def lines(self, seed: str) -> list[str]:
        if seed not in self.files:
            raise SourceError(f"no seed file {seed}_*.txt in {self.folder}")
        # Split on newlines only: str.splitlines would also split on form feeds and Unicode line
        # separators and so disagree with the line numbers an editor or `cat -n` shows.
        return self.files[seed].read_text(encoding="utf-8").split("\n")

    def text(self, cite: Cite) -> str:
        lines = self.lines(cite.seed)
        if cite.last > len(lines):
            raise SourceError(f"citation {cite}: seed {cite.seed} has {len(lines)} lines")
        return "\n".join(lines[cite.first - 1:cite.last])


# ------------------------------------------------------------------------------- identifiers
_IDENTIFIERS = [
    re.compile(r"\bAP\.[A-Za-z]+\.\d+\.\d+\.\d+\.\s*ap\d+\b"),                 # patch names
    re.compile(r"\b[A-Za-z][\w-]*-\d+\s*_\s*[\d.]+\s*_\s*[\d.]+\.bwar\b"),      # ADP .bwar builds
    re.compile(r"%[A-Za-z0-9_]+%"),                                          # %TAGS%
    re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"),                          # TAG_NAMES, AS_CLI
    re.compile(r"\b[A-Z]{2,}-\d+\b"),                                          # WXC-4201
    re.compile(r"(?<!\d)\d{3,}(?!\d)"),                                        # numbers, error codes
    re.compile(r"(?:^|(?<=[\s(`'\"]))/[\w.~%-]+(?:/[\w.~%-]*)*"),               # URL paths
    re.compile(r"(?<=[a-z0-9])://[^\s/\"'`)]+(/[\w.~%/-]+)"),                  # path of a full URL
    re.compile(r"\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\b"),  # camelCase CLI words
]
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# Product names written in camel case are names, not claims to check.
_NAMES = frozenset({"broadworks", "broadsoft", "webex", "commpilot"})


def identifiers(text: str) -> set[str]:
    """The checkable identifiers a text states (``{placeholders}`` are not identifiers)."""
    text = _PLACEHOLDER.sub(" ", text)
    found: set[str] = set()
    for pattern in _IDENTIFIERS:
        for m in pattern.finditer(text):
            found.add((m.group(m.lastindex or 0) if pattern.groups else m.group(0)).rstrip(".,;:"))
    return {f for f in found if f.strip("/") and f.casefold() not in _NAMES}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def texts_of(table: Mapping[str, Any]) -> Iterator[str]:
    """Every string a table states: its string values and lists, inline tables (choices, ``{en, pl}``
    texts) included, sub-tables with their own ``source`` excluded (they are checked on their own)."""
    for key, value in table.items():
        if key in META_KEYS:
            continue
        yield from _strings(value)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict) and "source" not in value:
        for key, item in value.items():
            if key not in META_KEYS:
                yield from _strings(item)


def sourced_tables(doc: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every table (at any depth, arrays of tables included) that has a ``source`` key."""
    if isinstance(doc, dict):
        if "source" in doc and isinstance(doc["source"], str):
            yield path or "(top level)", doc
        for key, value in doc.items():
            yield from sourced_tables(value, f"{path}.{key}" if path else str(key))
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from sourced_tables(item, f"{path}[{i}]")


def check_table(table: Mapping[str, Any], seeds: Seeds) -> list[str]:
    """Problems of one sourced table (empty when its source and citations hold)."""
    try:
        parts = parse_source(table["source"])
    except SourceError as e:
        return [str(e)]
    problems: list[str] = []
    named = {registry()["seeds"][p.tag]["file"] for p in parts if p.is_seed}
    other = any(not p.is_seed for p in parts)
    raw_cites = table.get("cites", [])
    uncited = table.get("uncited", [])
    if not isinstance(raw_cites, list) or not isinstance(uncited, list):
        return ["cites and uncited must be lists of strings"]
    if named and not raw_cites:
        problems.append(f"source {table['source']!r} names seed(s) {', '.join(sorted(named))} but has no cites")
    if raw_cites and not named:
        problems.append(f"cites given but source {table['source']!r} names no seed")
    if uncited and not other:
        problems.append("uncited identifiers need a pub:<document> or inf part in the source that they come from")
    cited_text: list[str] = []
    cited_seeds: set[str] = set()
    for raw in raw_cites:
        try:
            cite = parse_cite(raw)
            cited_text.append(seeds.text(cite))
        except SourceError as e:
            problems.append(str(e))
            continue
        cited_seeds.add(cite.seed)
        if cite.seed not in named:
            problems.append(f"citation {cite}: seed {cite.seed} is not named in source {table['source']!r}")
    if raw_cites and not problems:
        for seed in sorted(named - cited_seeds):
            problems.append(f"source names seed {seed} but no citation points into it")
    if named and cited_text:
        hay = _squash("\n".join(cited_text))
        allowed = {_squash(u) for u in uncited}
        for ident in sorted(set().union(*(identifiers(t) for t in texts_of(table)))):
            key = _squash(ident)
            if key not in hay and key not in allowed:
                problems.append(f"states {ident!r}, which the cited lines ({', '.join(raw_cites)}) do not contain")
    return problems


def check_file(path: Path, seeds: Seeds) -> list[str]:
    """Problems of every sourced table of one TOML file, each prefixed with the file and table."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        return [f"{path}: cannot read: {e}"]
    return [f"{path.name}: {where}: {problem}"
            for where, table in sourced_tables(doc) for problem in check_table(table, seeds)]


#: Where the seed documents live when they are not next to the checkout (CI sets it if needed).
SEEDS_ENV = "WXTRIAGE_SEEDS"


def seeds_folder(repo_root: Path) -> Path:
    """The seed folder: ``$WXTRIAGE_SEEDS``, else ``<root>/../shared/seeds`` next to the checkout;
    SourceError when neither holds the ``NNN_*.txt`` files."""
    import os

    given = os.environ.get(SEEDS_ENV)
    folder = Path(given).resolve() if given else (repo_root / ".." / "shared" / "seeds").resolve()
    if not folder.is_dir() or not any(folder.glob("[0-9][0-9][0-9]_*.txt")):
        raise SourceError(f"the seed files are not at {folder} (expected ../shared/seeds/NNN_*.txt next to the "
                          f"repository, or a folder named by ${SEEDS_ENV}); the citation check cannot run without them")
    return folder


# ------------------------------------------------------------------------ docs/findings.md
def rule_sources(folder: Path) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Finding code → the ``(source, cites)`` of every catalog rule that produces it, in file
    order (several rules may share a code). A manual step of ``patches.toml`` is the rule of
    ``bw.manual.<id>``."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for path in sorted(folder.glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for where, table in sourced_tables(doc):
            code = table.get("code")
            if not isinstance(code, str) and re.search(r"\.manual\[\d+\]$", where) and "id" in table:
                code = f"bw.manual.{table['id']}"
            if isinstance(code, str) and "{" not in code:
                entry = (table["source"], tuple(table.get("cites", ())))
                if entry not in out.setdefault(code, []):
                    out[code].append(entry)
    return out


def source_cell(entries: list[tuple[str, tuple[str, ...]]]) -> str:
    """The *source* cell of a findings table: each rule's source with its seed lines."""
    return " / ".join(src + (f" [{', '.join(cites)}]" if cites else "") for src, cites in entries)
