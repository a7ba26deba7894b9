"""TCP step: connect to one address with timing; refused vs timed out vs unreachable."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from .failures import CONNECT_TIMEOUT, Failure, classify


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


async def open_connection(address: str, port: int, timeout: float
                          ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    async with asyncio.timeout(timeout):
        return await asyncio.open_connection(address.strip("[]"), port)


async def probe_tcp(address: str, port: int, timeout: float = 5.0) -> TcpResult:
    """Open and close one TCP connection."""
    t0 = time.perf_counter()
    try:
        _reader, writer = await open_connection(address, port, timeout)
    except TimeoutError:
        return TcpResult(address, port, (time.perf_counter() - t0) * 1000,
                         Failure(CONNECT_TIMEOUT, f"no answer within {timeout:g} s (packets dropped: often a firewall)"))
    except Exception as exc:  # noqa: BLE001 - classified below
        return TcpResult(address, port, (time.perf_counter() - t0) * 1000, classify(exc, during="connect"))
    ms = (time.perf_counter() - t0) * 1000
    writer.close()
    try:
        await writer.wait_closed()
    except Exception:  # noqa: BLE001 - a reset on close does not matter here
        pass
    return TcpResult(address, port, ms)
