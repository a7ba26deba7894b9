"""``ActivatableFeature> get`` (feature IDs and their state) and ``DeviceType/SIP> get <type>``
(device type attributes, ``supportRemotePartyInfo``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .paste import _BOOL_WORDS, EXPECT_DEVICE_TYPE, EXPECT_FEATURES, _fail, _is_noise, _lines, _prompt_command

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
