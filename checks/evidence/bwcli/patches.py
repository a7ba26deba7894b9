"""Patch lists (``listBundle``, ``detail <bundle>``, ``listPatch.pl``, plain names) and ADP
application lists (``.bwar`` names)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .paste import BWAR_RE, EXPECT_PATCHES, PATCH_RE, _fail, _is_noise, _lines, _prompt_command

# --- patches and ADP applications ---------------------------------------------------------------

@dataclass(frozen=True)
class PatchRecord:
    """One patch row. ``state`` is ``None`` for a plain list of names (taken as installed)."""

    name: str
    role: str
    major: int
    build: str
    number: str
    state: str | None = None

    @property
    def release(self) -> str:
        return f"R{self.major}"


def parse_patch_name(text: str) -> PatchRecord | None:
    m = PATCH_RE.search(text)
    if not m:
        return None
    return _patch_from_match(m)


def _patch_from_match(m: re.Match[str], state: str | None = None) -> PatchRecord:
    role = m.group("role").lower()
    major = int(m.group("major"))
    build = f"{m.group('major')}.{m.group('minor')}.{m.group('build')}"
    num = m.group("num").lower()
    return PatchRecord(name=f"AP.{role}.{build}.{num}", role=role, major=major, build=build, number=num,
                       state=state)


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text))


@dataclass(frozen=True)
class BwarRecord:
    """An ADP application build, e.g. ``Xsi-Actions-23_2022.01_1.200.bwar``."""

    app: str
    major: int
    stream: str
    version: str

    @property
    def name(self) -> str:
        return f"{self.app}-{self.major}_{self.stream}_{self.version}.bwar"

    @property
    def release(self) -> str:
        return f"R{self.major}"

    @property
    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Sort key: the stream (2022.01) first, then the build version (1.200) — as numbers."""
        return version_tuple(self.stream), version_tuple(self.version)


def parse_bwar_name(text: str) -> BwarRecord | None:
    m = BWAR_RE.search(text)
    if not m:
        return None
    return BwarRecord(app=m.group("app"), major=int(m.group("major")), stream=m.group("stream"),
                      version=m.group("version"))


@dataclass(frozen=True)
class PatchEvidence:
    """What one patch paste shows.

    ``kind``: ``detail`` / ``listPatch`` (the command was echoed), ``table`` (a Patch Name/State
    table without the command), ``plain``, ``listBundle``, ``adp`` or ``mixed`` (patches and .bwar).
    """

    source: str
    kind: str
    patches: tuple[PatchRecord, ...] = ()
    applications: tuple[BwarRecord, ...] = ()
    bundles: tuple[str, ...] = ()
    ignored_lines: int = 0

    @property
    def releases(self) -> set[str]:
        return {p.release for p in self.patches} | {a.release for a in self.applications}


_STATE_RE = re.compile(r"^\s*(?P<state>[A-Za-z][A-Za-z_-]*)\b")


def parse_patches(text: str, source: str = "paste") -> PatchEvidence:
    """Parse listBundle / detail / listPatch.pl output, plain patch lists and ADP .bwar lists."""
    patches: dict[str, PatchRecord] = {}
    apps: dict[str, BwarRecord] = {}
    bundles: list[str] = []
    kinds: set[str] = set()
    in_bundle_table = False
    ignored = 0
    for line in _lines(text):
        if _is_noise(line):
            continue
        cmd = _prompt_command(line)
        if cmd is not None:
            low = cmd.lower()
            in_bundle_table = low.startswith("listbundle")
            if low.startswith("detail"):
                kinds.add("detail")
            elif "listpatch" in low:
                kinds.add("listPatch")
            if not PATCH_RE.search(cmd):
                continue
        low = line.lower()
        if "patch bundle name" in low:
            in_bundle_table = True
            kinds.add("listBundle")
            continue
        if "state" in low and re.search(r"\bpatch\s+name\b", low):
            in_bundle_table = False
            kinds.add("table")
            continue
        found = False
        for m in PATCH_RE.finditer(line):
            found = True
            sm = _STATE_RE.match(line[m.end():])
            state = sm.group("state").lower() if sm else None
            rec = _patch_from_match(m, state)
            prev = patches.get(rec.name)
            # The same patch on two servers: keep the row that is not installed, so it is reported.
            if prev is None or (prev.state in (None, "installed") and rec.state not in (None, "installed")):
                patches[rec.name] = rec
        for m in (BWAR_RE.finditer(line) if "bwar" in low else ()):  # the regex is costly; most lines lack it
            found = True
            app = BwarRecord(app=m.group("app"), major=int(m.group("major")), stream=m.group("stream"),
                             version=m.group("version"))
            apps[app.name] = app
        if found:
            continue
        if in_bundle_table:
            token = line.split()[0]
            if re.match(r"^[\w.-]{3,}$", token):
                bundles.append(token)
                continue
        ignored += 1
    if not patches and not apps and not bundles:
        raise _fail(source, EXPECT_PATCHES, text, "found no BroadWorks patch names or .bwar application names")
    if patches and apps:
        kind = "mixed"
    elif apps:
        kind = "adp"
    elif patches:
        kind = ("detail" if "detail" in kinds else "listPatch" if "listPatch" in kinds
                else "table" if "table" in kinds else "plain")
    else:
        kind = "listBundle"
    return PatchEvidence(source=source, kind=kind, patches=tuple(patches.values()),
                         applications=tuple(apps.values()), bundles=tuple(bundles), ignored_lines=ignored)
