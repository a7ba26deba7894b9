"""TCP step: connect to one address with timing; refused vs timed out vs unreachable.

The TLS step runs over the connection this step opened, so each node costs one connection
for TCP and TLS together.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from .failures import CONNECT_TIMEOUT, Failure, classify

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass(frozen=True)
class TcpResult:
    address: str
    port: int
    elapsed_ms: float
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_dict(self) -> dict:
        return {"address": self.address, "port": self.port, "elapsed_ms": round(self.elapsed_ms, 1),
                "failure": self.failure.to_dict() if self.failure else None}


async def open_connection(address: str, port: int, timeout: float) -> Streams:
    async with asyncio.timeout(timeout):
        return await asyncio.open_connection(address.strip("[]"), port)


async def connect(address: str, port: int, timeout: float = 5.0) -> tuple[Streams | None, TcpResult]:
    """Open a TCP connection; the streams (or None) and what happened, timed."""
    t0 = time.perf_counter()
    try:
        streams = await open_connection(address, port, timeout)
    except TimeoutError:
        return None, TcpResult(address, port, (time.perf_counter() - t0) * 1000,
                               Failure(CONNECT_TIMEOUT, f"no answer within {timeout:g} s "
                                                        "(packets dropped: often a firewall)"))
    except Exception as exc:  # noqa: BLE001 - classified in one place
        return None, TcpResult(address, port, (time.perf_counter() - t0) * 1000, classify(exc, during="connect"))
    return streams, TcpResult(address, port, (time.perf_counter() - t0) * 1000)

