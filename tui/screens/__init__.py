"""One screen per module.

:data:`AREA_SCREENS` lets a checklist (an area of ``checks.api.AREAS``) open its own screen
instead of the generic :class:`~tui.screens.checks.ChecksScreen` — e.g. a HAR viewer or a
paste-box workflow. Values are ``"module:Class"`` strings (imported lazily); the class is
constructed with ``areas=(area_id,), guided=<bool>`` like ``ChecksScreen``.
"""
from __future__ import annotations

import importlib

from textual.screen import Screen

AREA_SCREENS: dict[str, str] = {
    # BLF prerequisites are read from pasted BroadWorks CLI output: one paste box per guided step.
    "blf": "tui.screens.paste:PasteStepsScreen",
    # Flowthrough provisioning prerequisites are pasted patch lists too.
    "provisioning": "tui.screens.paste:PasteStepsScreen",
    # Network probes: the generic checks screen plus a matrix of interface × node × step.
    "connectivity": "tui.screens.probes:ProbeChecksScreen",
    "mtls": "tui.screens.probes:ProbeChecksScreen",
    # Client logs: a path to the logs, then the facts found and a timeline of the findings.
    "client-logs": "tui.screens.client_logs:ClientLogsScreen",
    # HAR captures: pick a file, ranked findings, drill into the failing entry, copy into the case.
    "har": "tui.screens.har:HarScreen",
}


def screen_for_area(area_id: str, guided: bool = False) -> Screen:
    target = AREA_SCREENS.get(area_id, "tui.screens.checks:ChecksScreen")
    module, _, name = target.partition(":")
    cls = getattr(importlib.import_module(module), name)
    return cls(areas=(area_id,), guided=guided)
