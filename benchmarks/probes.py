"""Benchmark: are node probes concurrent? (goal: total wall ÷ slowest single probe ≤ 1.3)

Starts 50 real TLS/HTTP nodes on 127.0.1.1 … 127.0.1.50 (one port), each answering after its own
injected latency (0.3 s … 1.0 s by default), served from a child process, pins the Xsi-Actions host to all of them with ``--resolve``
semantics, and runs the real ``cluster.connectivity`` check. The reference is the same check
against the slowest node alone, in the same process.

    .venv/bin/python benchmarks/probes.py [--nodes 50]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trustme  # noqa: E402

from checks.api import CheckContext  # noqa: E402
from checks.builtin.cluster_connectivity import ClusterConnectivityCheck  # noqa: E402
from checks.inventory import Cluster  # noqa: E402
from checks.model import Status  # noqa: E402
from checks.probes import Prober, ProbeSettings  # noqa: E402
from checks.runner import run_one  # noqa: E402
from tests.tls_servers import HOST, free_port  # noqa: E402

XSI = "/com.broadsoft.xsi-actions/v2.0/"


async def run_check(port: int, addresses: tuple[str, ...], trust: str) -> tuple[float, int]:
    prober = Prober(ProbeSettings(timeout=10, cafile=trust), pins={(HOST, port): addresses})
    cluster = Cluster(name="bench", xsi_actions=f"https://{HOST}:{port}{XSI}")
    t0 = time.perf_counter()
    result = await run_one(ClusterConnectivityCheck, CheckContext(cluster=cluster, services={"probes": prober}))
    wall = time.perf_counter() - t0
    if result.status is Status.ERROR:
        raise SystemExit(f"check crashed: {result.reason}")
    ok = sum(1 for f in result.findings if f.code == "conn.http.auth_required")
    return wall, ok


def serve(n: int, port: int, workdir: str, top: float) -> None:
    """Child process: asyncio + ``ssl`` nodes, kept out of the measuring process so the servers'
    work does not compete with the prober's event loop."""
    import ssl

    ca = trustme.CA()
    leaf = ca.issue_cert(HOST)
    ca.cert_pem.write_to_path(str(Path(workdir) / "ca.pem"))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(ctx)
    addresses, delays = plan(n, top)

    async def node(delay: float, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(delay)  # the injected latency
            writer.write(b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="BroadWorks"\r\n'
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(lambda r, w, d=d: node(d, r, w), addr, port, ssl=ctx, backlog=256)
                   for addr, d in zip(addresses, delays)]
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent is done
        for srv in servers:
            srv.close()

    asyncio.run(main())


def plan(n: int, top: float = 1.0) -> tuple[tuple[str, ...], list[float]]:
    low = 0.3 * top
    return tuple(f"127.0.1.{i + 1}" for i in range(n)), [low + (top - low) * i / max(1, n - 1) for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=50)
    ap.add_argument("--max-latency", type=float, default=1.0, help="latency of the slowest node (s)")
    ap.add_argument("--serve", nargs=2, metavar=("PORT", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    n = args.nodes
    if args.serve:
        serve(n, int(args.serve[0]), args.serve[1], args.max_latency)
        return 0
    addresses, delays = plan(n, args.max_latency)
    port = free_port(addresses)
    with tempfile.TemporaryDirectory() as d:
        child = subprocess.Popen([sys.executable, __file__, "--nodes", str(n), "--max-latency", str(args.max_latency),
                                  "--serve", str(port), d],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("the node servers did not start")
            trust = str(Path(d) / "ca.pem")
            slowest = addresses[delays.index(max(delays))]
            asyncio.run(run_check(port, (slowest,), trust))  # warm-up (imports, catalogs)
            single = min(asyncio.run(run_check(port, (slowest,), trust))[0] for _ in range(3))
            cpu0 = time.process_time()
            if os.environ.get("PROFILE"):
                import cProfile
                import pstats
                prof = cProfile.Profile()
                wall, ok = prof.runcall(asyncio.run, run_check(port, addresses, trust))
                pstats.Stats(prof).sort_stats("tottime").print_stats(30)
            else:
                wall, ok = asyncio.run(run_check(port, addresses, trust))
            cpu = time.process_time() - cpu0
        finally:
            child.stdin.close()
            child.wait(10)
    print(f"nodes probed: {n} (answered 401: {ok}); injected latency {min(delays):.2f}–{max(delays):.2f} s")
    print(f"slowest single probe: {single:.3f} s (best of 3)")
    print(f"all {n} concurrently:  {wall:.3f} s (prober CPU {cpu:.3f} s)")
    ratio = wall / single
    print(f"ratio total/slowest:  {ratio:.2f} (goal ≤ 1.3) {'OK' if ratio <= 1.3 else 'MISSED'}")
    return 0 if ok == n else 1


if __name__ == "__main__":
    sys.exit(main())
