"""Realistic BroadWorks CLI output for the bw.* tests, written from the documented shapes.

``listPatch.pl`` and ``Patching> detail <bundle>`` print a ``Patch Name  State`` table, a ``====``
rule and ``N entries found.``; ``listBundle`` a ``Patch Bundle Name`` table. Prompts, padding and
CRLF are what a terminal copy brings along.
"""
from __future__ import annotations

from pathlib import Path

# Everything BLF needs per release, and for R23 per platform (from the seed's table).
BLF = {
    "R22": ["AP.platform.22.0.1123.ap382053", "AP.as.22.0.1123.ap382053", "AP.as.22.0.1123.ap382362",
            "AP.xsp.22.0.1123.ap382053", "AP.xsp.22.0.1123.ap382362", "AP.as.22.0.1123.ap383459",
            "AP.as.22.0.1123.ap383520"],
    "R23": ["AP.platform.23.0.1075.ap382053", "AP.as.23.0.1075.ap382053", "AP.as.23.0.1075.ap382362",
            "AP.as.23.0.1075.ap383459", "AP.as.23.0.1075.ap383520"],
    "R23-xsp": ["AP.xsp.23.0.1075.ap382053", "AP.xsp.23.0.1075.ap382362"],
    "R24": ["AP.as.24.0.944.ap382053", "AP.as.24.0.944.ap382362", "AP.as.24.0.944.ap383459",
            "AP.as.24.0.944.ap383520"],
}
# Unrelated patches a real AS also has (they must never be demanded or reported).
OTHER = {
    "R22": ["AP.as.22.0.1123.ap360215", "AP.platform.22.0.1123.ap359998"],
    "R23": ["AP.as.23.0.1075.ap368814", "AP.as.23.0.1075.ap375266", "AP.platform.23.0.1075.ap370001"],
    "R24": ["AP.as.24.0.944.ap375266", "AP.as.24.0.944.ap379901", "AP.platform.24.0.944.ap380002"],
}


# ... and a real XSP.
OTHER_XSP = {"R22": ["AP.xsp.22.0.1123.ap366110"], "R23": ["AP.xsp.23.0.1075.ap371120"]}


def listpatch(names: list[str], states: dict[str, str] | None = None, host: str = "as1.example.net",
              crlf: bool = False) -> str:
    states = states or {}
    rows = [f"{n:<44}{states.get(n, 'installed')}" for n in names]
    lines = [f"[bwadmin@{host} ~]$ /usr/local/broadworks/patchtool/sbin/listPatch.pl",
             f"{'Patch Name':<44}State", "=" * 52, *rows, f"{len(rows)} entries found.",
             f"[bwadmin@{host} ~]$ "]
    return ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")


def detail(bundle: str, names: list[str], states: dict[str, str] | None = None, cli: str = "AS_CLI",
           crlf: bool = False) -> str:
    states = states or {}
    rows = [f"  {n:<36}{states.get(n, 'installed')}   " for n in names]
    lines = [f"{cli}/Maintenance/Patching> detail {bundle}", "", f"  {'Patch Name':<36}State",
             "  " + "=" * 44, *rows, "", f"{len(rows)} entries found.", "", f"{cli}/Maintenance/Patching>"]
    return ("\r\n" if crlf else "\n").join(lines)


def listbundle(bundles: list[str]) -> str:
    rows = [f"  {b}" for b in bundles]
    return "\n".join(["AS_CLI/Maintenance/Patching> listBundle", "  Patch Bundle Name", "  " + "=" * 30, *rows,
                      f"{len(rows)} entries found."])


def adp_apps(bwars: list[str]) -> str:
    """An ADP application listing: a deploy directory listing with the .bwar file names."""
    rows = [f"-rw-r--r-- 1 bwadmin bwadmin  48213344 Feb 12 10:02 {b}" for b in bwars]
    return "\n".join(["bwadmin@adp1:~$ ls -l *.bwar", *rows, "bwadmin@adp1:~$ "])


def features(states: dict[str, bool]) -> str:
    names = {"101642": "Enhanced Xsi mechanism for team telephony", "25433": "Unified Call History"}
    rows = [f"  {fid:>8}  {str(on).lower():<9}  {names.get(fid, 'Some other feature')}" for fid, on in states.items()]
    return "\n".join(["AS_CLI/System/ActivatableFeature> get", "  Feature Id  Activated  Description",
                      "  " + "=" * 60, *rows, f"{len(rows)} entries found.", "AS_CLI/System/ActivatableFeature>"])


def device_type(name: str = "Business Communicator - PC", rpi: str = "false") -> str:
    return "\n".join([f'AS_CLI/System/DeviceType/SIP> get "{name}"',
                      "                isObsolete = false",
                      "                   profile = Intelligent Proxy Addressing",
                      "       registrationCapable = true",
                      f"    supportRemotePartyInfo = {rpi}",
                      "     supportCauseParameter = true", "AS_CLI/System/DeviceType/SIP>"])


CONFIG_TEMPLATE = """<config>
  <services>
    <calls>
      <busy-lamp-field enabled="%ENABLE_BUSY_LAMP_FIELD_WXT%">
        <display-caller enabled="%ENABLE_BLF_DISPLAY_CALLER_WXT%"/>
        <notification-delay time="%BLF_NOTIFICATON_DELAY_TIME_WXT%"/>
      </busy-lamp-field>
      <auto-answer enabled="%ENABLE_AUTO_ANSWER_WXT%"/>
    </calls>
  </services>
</config>
"""

CONFIG_RESOLVED = CONFIG_TEMPLATE.replace("%ENABLE_BUSY_LAMP_FIELD_WXT%", "true").replace(
    "%ENABLE_BLF_DISPLAY_CALLER_WXT%", "true").replace("%BLF_NOTIFICATON_DELAY_TIME_WXT%", "2").replace(
    "%ENABLE_AUTO_ANSWER_WXT%", "false")


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_bytes(text.encode("utf-8"))
    return p
