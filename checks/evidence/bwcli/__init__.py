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

The package's parts: :mod:`.paste` (reading a paste, noise, errors), :mod:`.patches`,
:mod:`.system` (activatable features, SIP device types), :mod:`.config` (config-wxt.xml, custom
tags). The ``load_*`` readers live here, next to :func:`read_paste`, which they all go through.
"""
from __future__ import annotations

from pathlib import Path

from .config import ConfigWxt, parse_config_wxt, parse_custom_tags, parse_custom_tags_lines
from .paste import (BWAR_RE, CMD_DETAIL, CMD_DEVICE_TYPE, CMD_FEATURES, CMD_LIST_BUNDLE, CMD_LIST_PATCH,
                    EXPECT_CONFIG, EXPECT_DEVICE_TYPE, EXPECT_FEATURES, EXPECT_PATCHES, EXPECT_TAGS,
                    MAX_PASTE_BYTES, PATCH_RE, PasteError, read_paste, sniff)
from .patches import (BwarRecord, PatchEvidence, PatchRecord, parse_bwar_name, parse_patch_name, parse_patches,
                      version_tuple)
from .system import (DeviceTypeEvidence, DeviceTypeRecord, FeatureEvidence, parse_activatable_features,
                     parse_device_type)

__all__ = [
    "BWAR_RE", "CMD_DETAIL", "CMD_DEVICE_TYPE", "CMD_FEATURES", "CMD_LIST_BUNDLE", "CMD_LIST_PATCH",
    "EXPECT_CONFIG", "EXPECT_DEVICE_TYPE", "EXPECT_FEATURES", "EXPECT_PATCHES", "EXPECT_TAGS", "MAX_PASTE_BYTES",
    "PATCH_RE", "BwarRecord", "ConfigWxt", "DeviceTypeEvidence", "DeviceTypeRecord", "FeatureEvidence",
    "PasteError", "PatchEvidence", "PatchRecord", "load_activatable_features", "load_config_wxt",
    "load_custom_tags", "load_device_type", "load_patches", "parse_activatable_features", "parse_bwar_name",
    "parse_config_wxt", "parse_custom_tags", "parse_custom_tags_lines", "parse_device_type", "parse_patch_name",
    "parse_patches", "read_paste", "sniff", "version_tuple",
]


def load_patches(path: str | Path) -> PatchEvidence:
    return parse_patches(read_paste(path, EXPECT_PATCHES), str(path))


def load_activatable_features(path: str | Path) -> FeatureEvidence:
    return parse_activatable_features(read_paste(path, EXPECT_FEATURES), str(path))


def load_device_type(path: str | Path) -> DeviceTypeEvidence:
    return parse_device_type(read_paste(path, EXPECT_DEVICE_TYPE), str(path))


def load_config_wxt(path: str | Path) -> ConfigWxt:
    return parse_config_wxt(read_paste(path, EXPECT_CONFIG), str(path))


def load_custom_tags(path: str | Path) -> dict[str, str]:
    return parse_custom_tags(read_paste(path, EXPECT_TAGS), str(path))
