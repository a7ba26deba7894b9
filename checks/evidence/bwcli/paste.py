"""What every BroadWorks CLI paste shares: the commands and what each option expects, reading a
saved paste as text, the noise a terminal copy brings along, and one-line errors that say what
the text looks like."""
from __future__ import annotations

import re
from pathlib import Path

from ...api import InputError
from ...linre import compile_linear
from ...paths import refuse_special
from ..textio import decode_text

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
