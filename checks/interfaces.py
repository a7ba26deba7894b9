"""The interfaces of a Partner Hub cluster (an XSP/ADP farm): the one list every part reads.

The inventory's keys, the ``Cluster`` fields, the CLI's ``--xsi-actions …`` flags, the TUI's
cluster form, the probes, the URL lint and the playbooks' ``cluster`` step all take the interfaces
from :data:`INTERFACES`, so adding one (or renaming its label) is one edit here. What Webex expects
of each interface's certificates stays in the catalogs (``probe_rules.toml`` ``[expect.*]``,
``url_rules.toml`` ``[interfaces.*]``) with the rules' sources; this module says only what the
interface *is*.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["INTERFACES", "InterfaceSpec", "by_name", "by_key", "names"]

Address = Literal["url", "host:port"]
#: ``tls``: server-authenticated TLS; ``mtls``: mutual TLS always; ``auth-mode``: mutual TLS or not
#: as the cluster's ``auth_mode`` declares (the Auth Service: mTLS or CI token validation).
TlsMode = Literal["tls", "mtls", "auth-mode"]


@dataclass(frozen=True)
class InterfaceSpec:
    """One cluster interface: what it is called and how it is reached."""

    #: The name in findings, probes, the URL catalog and on the command line (``--xsi-actions``).
    name: str
    #: The words people read (finding titles, labels): ``Xsi-Actions``.
    label: str
    address: Address
    tls: TlsMode
    #: Where the fact comes from (a seed citation, ``pub`` or ``inf``; see docs/sources.md).
    source: str

    @property
    def key(self) -> str:
        """The inventory key and :class:`~checks.inventory.Cluster` field: ``xsi_actions``."""
        return self.name.replace("-", "_")

    @property
    def is_url(self) -> bool:
        return self.address == "url"

    @property
    def metavar(self) -> str:
        return "URL" if self.is_url else "HOST:PORT"

    @property
    def field_label(self) -> str:
        """The label of the value itself: ``Xsi-Actions URL``, ``CTI host:port``."""
        return f"{self.label} URL" if self.is_url else f"{self.label} host:port"


#: Partner Hub's order (Settings → BroadWorks Calling → cluster): the order of probes and findings.
INTERFACES: tuple[InterfaceSpec, ...] = (
    InterfaceSpec("xsi-actions", "Xsi-Actions", "url", "tls", "pub:solution-guide §2"),
    InterfaceSpec("xsi-events", "Xsi-Events", "url", "tls", "pub:solution-guide §2"),
    InterfaceSpec("das", "DAS", "url", "tls", "pub:solution-guide §2"),
    InterfaceSpec("cti", "CTI", "host:port", "mtls", "pub:solution-guide §2"),
    InterfaceSpec("auth-service", "Authentication Service", "url", "auth-mode", "pub:solution-guide §2; S4 §3"),
    InterfaceSpec("dms", "DMS", "url", "tls", "pub:solution-guide §2"),
)

_BY_NAME = {i.name: i for i in INTERFACES}
_BY_KEY = {i.key: i for i in INTERFACES}


def names() -> tuple[str, ...]:
    return tuple(_BY_NAME)


def by_name(name: str) -> InterfaceSpec | None:
    """The spec of ``xsi-actions`` (or None for a name that is not an interface)."""
    return _BY_NAME.get(name)


def by_key(key: str) -> InterfaceSpec | None:
    """The spec of the inventory key ``xsi_actions`` (or None)."""
    return _BY_KEY.get(key)
