"""Which TLS protocol versions a server accepts, in as few handshakes as it takes: each stops at
the ServerHello, which names the version."""
from __future__ import annotations

import asyncio

from .tcp import connect
from .tls_session import _Session

VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
VERSION_LABELS = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1", "TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3"}


async def probe_versions_supported(address: str, port: int, sni: str, timeout: float,
                                   negotiated: str) -> dict[str, bool | None]:
    """Which protocol versions the server accepts (``None``: could not tell).

    The first handshake already offered everything, so versions above the negotiated one are
    refused. TLS 1.0 and 1.1 are asked together first (one connection in the usual case where
    both are off); only if one of them is accepted is TLS 1.0 asked on its own.
    """
    out: dict[str, bool | None] = {}
    for v in VERSIONS:
        if negotiated and v == negotiated:
            out[v] = True
        elif negotiated in VERSIONS and VERSIONS.index(v) > VERSIONS.index(negotiated):
            out[v] = False  # the client offered it in the first handshake and the server chose lower
    jobs = {}
    if "TLSv1.2" not in out:
        jobs["TLSv1.2"] = _accepts(address, port, sni, ("TLSv1.2", "TLSv1.2"), timeout)
    if "TLSv1.1" not in out or "TLSv1" not in out:
        jobs["legacy"] = _accepts(address, port, sni, ("TLSv1", "TLSv1.1"), timeout)
    got = dict(zip(jobs, await asyncio.gather(*jobs.values())))
    if "TLSv1.2" in got:
        r = got["TLSv1.2"]
        out["TLSv1.2"] = None if r is None else r == "TLSv1.2"
    if "legacy" in got:
        legacy = got["legacy"]
        if legacy is None:
            out.setdefault("TLSv1.1", None)
            out.setdefault("TLSv1", None)
        elif legacy is False:
            out.setdefault("TLSv1.1", False)
            out.setdefault("TLSv1", False)
        elif legacy == "TLSv1":
            out.setdefault("TLSv1.1", False)
            out.setdefault("TLSv1", True)
        else:  # TLS 1.1 chosen: is 1.0 on as well?
            out.setdefault("TLSv1.1", True)
            only10 = await _accepts(address, port, sni, ("TLSv1", "TLSv1"), timeout)
            out.setdefault("TLSv1", None if only10 is None else only10 == "TLSv1")
    return {v: out.get(v) for v in VERSIONS}

async def _accepts(address: str, port: int, sni: str, versions: tuple[str, str],
                   timeout: float) -> str | bool | None:
    """The version the server picks within ``versions`` (min, max); False: refused; None: unknown."""
    streams, tcp = await connect(address, port, timeout)
    if streams is None:
        return None
    s = _Session(*streams, sni, versions)
    try:
        async with asyncio.timeout(timeout):
            await s.until_server_hello()
        return s.conn.get_protocol_version_name()
    except TimeoutError:
        return None
    except Exception:  # noqa: BLE001
        # A ServerHello means a version was accepted (a later client-cert alert does not matter).
        if s.saw_server_hello:
            v = s.conn.get_protocol_version_name()
            return v if v in VERSIONS else False
        return False
    finally:
        s.close()
