"""Parsers for BroadWorks CLI output that admins paste or save.

Every parser is tolerant of what a terminal copy brings along: CLI prompts and echoed commands,
table headers, ``====``/``----`` rules, ``N entries found.``, extra spaces, tabs and CRLF. What it
cannot read raises :class:`PasteError`, a one-line message naming the file, the output it
expected, the command that produces it and, when it recognises the text, what it looks like.

Shapes (documented publicly; see docs/findings.md):

- ``AS_CLI/Maintenance/Patching> listBundle`` → a ``Patch Bundle Name`` table.
- ``AS_CLI/Maintenance/Patching> detail <bundle>`` and ``listPatch.pl`` → a ``Patch Name  State``
  table, rows like ``AP.as.24.0.944.ap375266   installed``.
- a plain list of patch names; ADP application lists with ``.bwar`` file names.
- ``AS_CLI/System/ActivatableFeature> get`` → feature id, activated state, description.
- ``AS_CLI/System/DeviceType/SIP> get <type>`` → attributes incl. ``supportRemotePartyInfo``.
- the Webex app ``config-wxt.xml`` (template or downloaded) and device profile custom tags.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..api import InputError
from ..linre import compile_linear
from ..paths import refuse_special
from .textio import decode_text

MAX_PASTE_BYTES = 20 * 1024 * 1024  # a patch list is kilobytes; anything this big is the wrong file

CMD_LIST_PATCH = "/usr/local/broadworks/patchtool/sbin/listPatch.pl"
CMD_DETAIL = "AS_CLI/Maintenance/Patching> detail <bundle>"
CMD_LIST_BUNDLE = "AS_CLI/Maintenance/Patching> listBundle"
CMD_FEATURES = "AS_CLI/System/ActivatableFeature> get"
CMD_DEVICE_TYPE = "AS_CLI/System/DeviceType/SIP> get <device_profile_type>"

EXPECT_PATCHES = (f"a BroadWorks patch list: the output of `{CMD_DETAIL}`, `{CMD_LIST_PATCH}` or "
                  f"`{CMD_LIST_BUNDLE}`, a plain list of patch names (AP.as.23.0.1075.ap383520), or the "
                  "ADP application list with .bwar file names (Xsi-Actions-23_2022.01_1.200.bwar)")
EXPECT_FEATURES = f"the output of `{CMD_FEATURES}` (feature IDs with their activated state)"
EXPECT_DEVICE_TYPE = f"the output of `{CMD_DEVICE_TYPE}` (showing supportRemotePartyInfo)"
EXPECT_CONFIG = ("the Webex app config-wxt.xml (the template of the device profile type, or the file the app "
                 "downloaded) or the device profile's custom tags (%ENABLE_BUSY_LAMP_FIELD_WXT% true)")
EXPECT_TAGS = "the device profile's custom tags (one tag and value per line: %ENABLE_BUSY_LAMP_FIELD_WXT% true)"


class PasteError(InputError):
    """A paste that is not the expected command output (message: one line, says what to do)."""


# --- shared line handling ---------------------------------------------------------------------

PATCH_RE = re.compile(
    r"(?<![\w.])AP\.(?P<role>[A-Za-z]+)\.(?P<major>\d{2})\.(?P<minor>\d+)\.(?P<build>\d+)\.\s?(?P<num>ap\d+)\b",
    re.IGNORECASE)
# Xsi-Actions-23_2022.01_1.200.bwar; the seed writes spaces around the underscores.
# RE2 (linear): with re, "a-" * 30000 took minutes (every start re-walked the whole run).
BWAR_RE = compile_linear(
    r"(?P<app>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*)-(?P<major>\d{2})\s*_\s*(?P<stream>\d{4}\.\d{2})"
    r"\s*_\s*(?P<version>\d+(?:\.\d+)*)\.bwar\b", re.IGNORECASE)
# AS_CLI/Maintenance/Patching> …, bwadmin@as1:~$ …, [bwadmin@as1 ~]$ …, or a bare "$ " / "# ".
_PROMPT_RE = re.compile(r"^\s*(?:[A-Za-z]+_CLI(?:/[\w.-]+)*\s*>|[\w.-]+@[\w.-]+(?::\S*)?\s?[$#]|"
                        r"\[[^\]]*\][$#]|[$#](?=\s))\s*(?P<cmd>.*)$")
_RULE_RE = re.compile(r"^\s*[=\-_+*|\s]{3,}\s*$")
_ENTRIES_RE = re.compile(r"^\s*(\d+|no)\s+entr(?:y|ies)\s+found\.?\s*$", re.IGNORECASE)
_BOOL_WORDS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False,
               "activated": True, "deactivated": False, "active": True, "inactive": False,
               "enabled": True, "disabled": False, "y": True, "n": False}


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").split("\n")


def _is_noise(line: str) -> bool:
    s = line.strip()
    return not s or bool(_RULE_RE.match(s)) or bool(_ENTRIES_RE.match(s))


def _prompt_command(line: str) -> str | None:
    """The command echoed after a CLI or shell prompt on this line, if the line is a prompt."""
    m = _PROMPT_RE.match(line)
    return m.group("cmd").strip() if m else None


def read_paste(path: str | Path, expected: str) -> str:
    """Read a saved paste as text; empty, binary or huge files are a :class:`PasteError`."""
    p = Path(path)
    special = refuse_special(p)
    if special:
        raise PasteError(f"{special}; expected {expected}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PasteError(f"{p}: cannot read ({exc.strerror or exc}); expected {expected}") from None
    if len(data) > MAX_PASTE_BYTES:
        raise PasteError(f"{p}: {len(data) // 1024 // 1024} MB is far too big for command output; "
                         f"expected {expected}")
    try:
        text = decode_text(data)  # UTF-8, cp1252, UTF-16 with or without a BOM: one helper for all inputs
    except UnicodeDecodeError:
        raise PasteError(f"{p}: damaged UTF-16 text; save the paste again as UTF-8; expected {expected}") from None
    if text is None:
        raise PasteError(f"{p}: binary data, not pasted text; expected {expected}")
    if not text.strip():
        raise PasteError(f"{p}: empty file; expected {expected}")
    return text


def sniff(text: str) -> str | None:
    """Name the known output this text looks like (to explain a paste given to the wrong option)."""
    low = text.lower()
    if "activatablefeature" in low or re.search(r"^\s*\d{4,7}\s+(true|false)\b", low, re.MULTILINE):
        return f"`{CMD_FEATURES}` output"
    if "supportremotepartyinfo" in low or "devicetype/sip" in low:
        return f"`{CMD_DEVICE_TYPE}` output"
    if "patch bundle name" in low:
        return f"`{CMD_LIST_BUNDLE}` output"
    if PATCH_RE.search(text):
        return "a BroadWorks patch list"
    if BWAR_RE.search(text):
        return "an ADP application list"
    if "<config" in low or "_wxt%" in low:
        return "a Webex app config-wxt.xml or custom tag list"
    if "<html" in low or "<!doctype" in low:
        return "an HTML page"
    if low.lstrip().startswith(("{", "[")):
        return "JSON"
    return None


def _fail(source: str, expected: str, text: str, what: str = "found nothing it can read") -> PasteError:
    looks = sniff(text)
    if looks and looks.strip("`").removesuffix("` output") in expected:
        # The right command's output, but not a shape wxtriage can read: say so, not "expected X".
        return PasteError(f"{source}: this looks like {looks}, but wxtriage {what}; paste the whole output "
                          f"with its header row, or report the shape so the parser can learn it")
    hint = f"; this looks like {looks}" if looks else ""
    return PasteError(f"{source}: {what}{hint}; expected {expected}")


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


def load_patches(path: str | Path) -> PatchEvidence:
    return parse_patches(read_paste(path, EXPECT_PATCHES), str(path))


# --- activatable features --------------------------------------------------------------------

@dataclass(frozen=True)
class FeatureEvidence:
    source: str
    features: dict[str, bool] = field(default_factory=dict)
    raw_states: dict[str, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)


_FEATURE_ROW_RE = re.compile(r"^\s*(?P<id>\d{3,7})\b(?P<rest>.*)$")


_FEATURE_STATE_HEADER_RE = re.compile(r"(?i)\b(?:activated|active|state|status)\b")


def _feature_state(line: str, row: re.Match[str], col: int | None) -> str | None:
    """The activated-state word of a feature row: the word under the header's Activated column;
    without a header, the word right after the ID or the last word of the row (descriptions hold
    words like "No" that must not be taken for the state)."""
    words = [(w.start(), w.group()) for w in re.finditer(r"\S+", line) if w.start() >= row.start("rest")]
    if not words:
        return None
    if col is not None:
        # The word that starts nearest the column (cells are left- or right-aligned by a few spaces).
        start, word = min(words, key=lambda w: abs(w[0] - col))
        if abs(start - col) <= 12 and word.lower() in _BOOL_WORDS:
            return word
    for _, word in (words[0], words[-1]):
        if word.lower() in _BOOL_WORDS:
            return word
    return None


def parse_activatable_features(text: str, source: str = "paste") -> FeatureEvidence:
    """Parse ``AS_CLI/System/ActivatableFeature> get``: one row per feature, id and activated state."""
    features: dict[str, bool] = {}
    raw: dict[str, str] = {}
    lines: dict[str, str] = {}
    col: int | None = None  # where the header puts the Activated column, when there is a header
    for line in _lines(text):
        if _is_noise(line) or _prompt_command(line) is not None:
            continue
        m = _FEATURE_ROW_RE.match(line)
        if not m:
            h = _FEATURE_STATE_HEADER_RE.search(line)
            if h and re.search(r"(?i)\bid\b", line):
                col = h.start()
            continue
        word = _feature_state(line, m, col)
        if word is not None:
            features[m.group("id")] = _BOOL_WORDS[word.lower()]
            raw[m.group("id")] = word
            lines[m.group("id")] = line.strip()
    if not features:
        raise _fail(source, EXPECT_FEATURES, text, "found no feature rows (an ID followed by true/false)")
    return FeatureEvidence(source=source, features=features, raw_states=raw, lines=lines)


def load_activatable_features(path: str | Path) -> FeatureEvidence:
    return parse_activatable_features(read_paste(path, EXPECT_FEATURES), str(path))


# --- SIP device types --------------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceTypeRecord:
    name: str
    support_remote_party_info: str  # the raw value, normally "true" or "false"
    line: str = ""

    @property
    def enabled(self) -> bool | None:
        return _BOOL_WORDS.get(self.support_remote_party_info.lower())


@dataclass(frozen=True)
class DeviceTypeEvidence:
    source: str
    device_types: tuple[DeviceTypeRecord, ...]


_RPI_KV_RE = re.compile(r"(?i)\bsupport\s*remote\s*party\s*info\b\s*[:=]?\s*(?P<value>[A-Za-z]+)")
_NAME_KV_RE = re.compile(r"(?i)^\s*(?:device\s*type(?:\s*name)?|devicetype(?:name)?|name)\s*[:=]\s*(?P<v>.+?)\s*$")


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        return s[1:-1]
    return s


def parse_device_type(text: str, source: str = "paste") -> DeviceTypeEvidence:
    """Parse one or more ``AS_CLI/System/DeviceType/SIP> get <type>`` outputs.

    Accepts the attribute as ``supportRemotePartyInfo = false`` / ``: false`` / ``Support Remote
    Party Info  false`` or as a column of a table (header row, then the value row).
    """
    records: list[DeviceTypeRecord] = []
    name = ""
    header: str | None = None
    col: int | None = None
    for line in _lines(text):
        if _is_noise(line):
            continue
        cmd = _prompt_command(line)
        if cmd is not None:
            m = re.match(r"(?i)get\s+(.+)$", cmd)
            name = _unquote(m.group(1)) if m else name
            header, col = None, None
            continue
        nm = _NAME_KV_RE.match(line)
        if nm:
            name = _unquote(nm.group("v"))
            continue
        if col is not None and header is not None:  # value row under a table header
            cell = line[col:].split()
            if cell and cell[0].lower() in _BOOL_WORDS:
                first = line.split()
                row_name = first[0] if first and header.lower().lstrip().startswith(("device", "name")) else name
                records.append(DeviceTypeRecord(row_name or "<device type>", cell[0], line.strip()))
                continue
        m = _RPI_KV_RE.search(line)
        if m and m.group("value").lower() in _BOOL_WORDS:
            records.append(DeviceTypeRecord(name or "<device type>", m.group("value").lower(), line.strip()))
            continue
        idx = line.lower().find("supportremotepartyinfo")
        if idx >= 0:  # a table header: the value sits under the column
            header, col = line, idx
    if not records:
        raise _fail(source, EXPECT_DEVICE_TYPE, text, "found no supportRemotePartyInfo value")
    return DeviceTypeEvidence(source=source, device_types=tuple(records))


def load_device_type(path: str | Path) -> DeviceTypeEvidence:
    return parse_device_type(read_paste(path, EXPECT_DEVICE_TYPE), str(path))


# --- config-wxt.xml and custom tags -----------------------------------------------------------

_QUOTES = "\"'\u201c\u201d\u2018\u2019"
_TAG_REF_RE = re.compile(r"^%(?P<tag>[A-Z0-9_]+)%$")
# RE2 (linear): with re, a line with a long run of spaces took cubic time (three adjacent \s*).
_TAG_LINE_RE = compile_linear(r"^\s*%?(?P<tag>[A-Z][A-Z0-9_]*_WXT|[A-Z][A-Z0-9_]{2,})%?\s*(?:[:=]\s*|\s+)"
                          r"(?P<value>[^\s<>]*)\s*$")


@dataclass(frozen=True)
class ConfigWxt:
    """Elements of interest (``element`` → attribute values) and the custom tags seen."""

    source: str
    elements: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)
    is_template: bool = False

    def resolve(self, value: str, extra_tags: dict[str, str] | None = None) -> tuple[str | None, str]:
        """(resolved value or None, how it was resolved) for a literal or a ``%TAG%`` reference."""
        m = _TAG_REF_RE.match(value.strip())
        if not m:
            return value.strip(), "set literally in config-wxt.xml"
        tag = m.group("tag")
        tags = {**self.tags, **(extra_tags or {})}
        if tag in tags:
            return tags[tag], f"custom tag %{tag}% = {tags[tag]}"
        return None, f"custom tag %{tag}% not defined in what was pasted"


def parse_config_wxt(text: str, source: str = "paste", elements: tuple[str, ...] = ()) -> ConfigWxt:
    """Find ``<element attr="value">`` for each wanted element and any ``%TAG% value`` lines.

    ``elements`` names the elements to look for; by default every BLF element. A fragment is fine:
    no XML parser is used, so a template with ``%TAGS%`` or a partial paste still reads.
    """
    wanted = elements or ("busy-lamp-field", "display-caller", "notification-delay", "auto-answer")
    found: dict[str, dict[str, str]] = {}
    lines: dict[str, str] = {}
    flat = text.replace("\r\n", "\n")
    for el in wanted:
        m = re.search(rf"<{re.escape(el)}\b(?P<attrs>[^>]*)>", flat)
        if not m:
            continue
        attrs = {a.group(1): a.group(2) for a in re.finditer(
            rf"([\w:-]+)\s*=\s*[{_QUOTES}]([^{_QUOTES}]*)[{_QUOTES}]", m.group("attrs"))}
        found[el] = attrs
        lines[el] = m.group(0).strip()
    tags = parse_custom_tags_lines(text)
    if not found and not tags:
        raise _fail(source, EXPECT_CONFIG, text, "found no BLF elements of config-wxt.xml and no custom tags")
    is_template = any(_TAG_REF_RE.match(v) for attrs in found.values() for v in attrs.values())
    return ConfigWxt(source=source, elements=found, tags=tags, lines=lines, is_template=is_template)


def parse_custom_tags_lines(text: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for line in _lines(text):
        if _is_noise(line) or "<" in line or _prompt_command(line) is not None:
            continue
        m = _TAG_LINE_RE.match(line)
        if m and ("%" in line or m.group("tag").endswith("_WXT")):
            tags[m.group("tag")] = m.group("value").strip(_QUOTES)
    return tags


def parse_custom_tags(text: str, source: str = "paste") -> dict[str, str]:
    tags = parse_custom_tags_lines(text)
    if not tags:
        raise _fail(source, EXPECT_TAGS, text, "found no custom tags")
    return tags


def load_config_wxt(path: str | Path) -> ConfigWxt:
    return parse_config_wxt(read_paste(path, EXPECT_CONFIG), str(path))


def load_custom_tags(path: str | Path) -> dict[str, str]:
    return parse_custom_tags(read_paste(path, EXPECT_TAGS), str(path))
