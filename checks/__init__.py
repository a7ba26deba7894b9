"""wxtriage engine: checks, probes, evidence parsers, case store and TAC bundle.

This package never imports Textual; the CLI, the TUI, tests and other programs all use it.
The names below are the plugin API (see README, "Writing a check plugin").
"""
from __future__ import annotations

from .artifacts import Artifact, register_artifact
from .api import AREAS, Area, Check, CheckContext, CheckOption, GuidedStep, InputError, Services, SkipCheck
from .case import Case, CaseFacts, CaseFieldError, TimeWindow
from .catalog import CatalogError, load_catalog
from .findings import make_finding
from .inventory import Cluster, Inventory, InventoryError, load_inventory
from .model import CheckResult, Evidence, Finding, Remediation, Severity, Status



def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # The redactor is public for plugins, but importing it costs the CLI's start-up: on first use.
    if name == "Redactor":
        from .redact import Redactor

        return Redactor
    raise AttributeError(f"module 'checks' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "AREAS", "Area", "Artifact", "Case", "CaseFacts", "CaseFieldError", "CatalogError", "Check", "CheckContext", "CheckOption",
    "CheckResult", "Cluster", "Evidence", "Finding", "GuidedStep", "InputError", "Inventory",
    "InventoryError", "Redactor", "Remediation", "Services", "Severity", "SkipCheck", "Status", "TimeWindow", "__version__",
    "load_catalog", "load_inventory", "make_finding", "register_artifact",
]
