"""The Webex app ``config-wxt.xml`` (template or downloaded) and device profile custom tags."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...linre import compile_linear
from .paste import EXPECT_CONFIG, EXPECT_TAGS, _fail, _is_noise, _lines, _prompt_command

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
