"""Benchmark: are node probes concurrent? (goal: total wall ÷ slowest single probe ≤ 1.3)

Starts 50 real TLS/HTTP nodes on 127.0.1.1 … 127.0.1.50 (one port), each answering after its own
injected latency (0.3 s … 1.0 s by default), served from a child process, pins the Xsi-Actions host to all of them with ``--resolve``
semantics, and runs the real ``cluster.connectivity`` check. The reference is the same check
against the slowest node alone, in the same process. Reference and 50-node runs alternate for
``--rounds`` pairs; each pair gives a ratio and the median and best are printed, with the prober's
CPU time per node (``time.process_time`` of this process; the node servers run in a child whose
CPU is shown separately). ``PROFILE=1`` adds a CPU-time cProfile of one more 50-node run.

    .venv/bin/python benchmarks/probes.py [--nodes 50] [--rounds 5]

Fleet mode (``--clusters 50``): C clusters × 2 nodes × 4 HTTPS interfaces (Xsi-Actions, Xsi-Events,
Auth Service, DMS), every node its own loopback address, run through ``checks.fleet.run_fleet``
with the default cluster checks and probe bounds — exactly what ``wxtriage run --all-clusters``
does. The reference is the slowest cluster scanned alone, in the same process, interleaved.
Goal: the whole fleet in ≤ 5× one cluster's time; the prober's CPU per node-interface probe.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trustme  # noqa: E402

from checks.api import CheckContext, Services  # noqa: E402
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
    result = await run_one(ClusterConnectivityCheck, CheckContext(cluster=cluster, services=Services(prober=prober)))
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
    leaf = ca.issue_cert(HOST, "*.example.com")  # fleet mode: xsp<i>.example.com per cluster
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


def _child_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by the node servers' process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measure(port: int, addresses: tuple[str, ...], trust: str, child: int) -> dict[str, float]:
    """One run of the check: wall time, the prober's CPU (this process) and the servers' CPU."""
    s0, c0 = _child_cpu(child), time.process_time()
    wall, ok = asyncio.run(run_check(port, addresses, trust))
    cpu, s1 = time.process_time() - c0, _child_cpu(child)
    return {"wall": wall, "cpu": cpu, "ok": ok, "server_cpu": (s1 - s0) if s0 is not None and s1 is not None else -1.0}


FLEET_INTERFACES = {"xsi_actions": XSI, "xsi_events": "/com.broadsoft.xsi-events/v2.0/",
                    "auth_service": "/authService/v2.0/", "dms": "/dms/v2.0/"}


def fleet_plan(clusters: int, port: int, addresses: tuple[str, ...]):
    """The inventory of a fleet (two nodes each, pinned with --resolve) and each cluster's pins."""
    from checks.inventory import Cluster, Inventory

    cl, pins = [], []
    for i in range(clusters):
        host = f"xsp{i}.example.com"
        nodes = addresses[2 * i:2 * i + 2]
        cl.append(Cluster(name=f"farm-{i:02d}", **{k: f"https://{host}:{port}{p}" for k, p in FLEET_INTERFACES.items()}))
        pins.append(f"{host}:{port}:{','.join(nodes)}")
    return Inventory(clusters=tuple(cl)), pins


def measure_fleet(inventory, pins: list[str], child: int) -> dict[str, float]:
    from checks.fleet import run_fleet
    from checks.registry import Registry

    checks = [c for c in Registry.discover().all() if "cluster" in c.needs]
    s0, c0, t0 = _child_cpu(child), time.process_time(), time.perf_counter()
    runs = asyncio.run(run_fleet(checks, inventory, {"resolve": pins, "probe_timeout": "10"}))
    wall, cpu, s1 = time.perf_counter() - t0, time.process_time() - c0, _child_cpu(child)
    answered = sum(1 for run in runs for r in run.results for f in r.findings if f.code == "conn.http.auth_required")
    return {"wall": wall, "cpu": cpu, "ok": answered,
            "server_cpu": (s1 - s0) if s0 is not None and s1 is not None else -1.0}


def main_fleet(clusters: int, rounds: int, top: float) -> int:
    n = clusters * 2
    addresses, delays = plan(n, top)
    port = free_port(addresses)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    med = statistics.median
    with tempfile.TemporaryDirectory() as d:
        child = subprocess.Popen([sys.executable, __file__, "--nodes", str(n), "--max-latency", str(top),
                                  "--serve", str(port), d], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("the node servers did not start")
            os.environ["SSL_CERT_FILE"] = str(Path(d) / "ca.pem")  # what the CLI's prober trusts
            fleet, pins = fleet_plan(clusters, port, addresses)
            from checks.inventory import Inventory
            one = Inventory(clusters=fleet.clusters[-1:])  # the slowest cluster (highest latency nodes)
            measure_fleet(one, pins[-1:], child.pid)  # warm-up
            singles, alls = [], []
            for _ in range(rounds):
                singles.append(measure_fleet(one, pins[-1:], child.pid))
                alls.append(measure_fleet(fleet, pins, child.pid))
        finally:
            child.stdin.close()
            child.wait(10)
    probes = n * len(FLEET_INTERFACES)
    ratios = [a["wall"] / s["wall"] for s, a in zip(singles, alls)]
    print(f"fleet: {clusters} clusters × 2 nodes × {len(FLEET_INTERFACES)} interfaces = {probes} node-interface "
          f"probes (answered HTTP 401 in every round: {min(int(a['ok']) for a in alls)} of {probes}); injected latency {min(delays):.2f}–{max(delays):.2f} s; {rounds} interleaved rounds; "
          f"load average at start {load:.2f} on {os.cpu_count()} CPU(s)")
    for i, (s, a, r) in enumerate(zip(singles, alls, ratios), 1):
        print(f"  round {i}: one cluster {s['wall']:.3f} s, fleet {a['wall']:.3f} s, ratio {r:.2f}; "
              f"prober CPU {a['cpu']:.3f} s ({a['cpu'] / probes * 1000:.2f} ms per node-interface probe)")
    cpu = [a["cpu"] / probes * 1000 for a in alls]
    print(f"one cluster alone:    median {med(s['wall'] for s in singles):.3f} s")
    print(f"whole fleet:          median {med(a['wall'] for a in alls):.3f} s")
    print(f"prober CPU per probe: median {med(cpu):.2f} ms (node servers: "
          f"{med(a['server_cpu'] for a in alls) / probes * 1000:.2f} ms per probe, another process)")
    verdict = "OK" if med(ratios) <= 5 else "MISSED"
    print(f"ratio fleet/one:      median {med(ratios):.2f}, best {min(ratios):.2f}, worst {max(ratios):.2f} "
          f"(goal ≤ 5 on the median) {verdict}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=50)
    ap.add_argument("--clusters", type=int, default=0, help="fleet mode: this many clusters of 2 nodes × 4 interfaces")
    ap.add_argument("--max-latency", type=float, default=1.0, help="latency of the slowest node (s)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved (slowest single, all nodes) pairs")
    ap.add_argument("--serve", nargs=2, metavar=("PORT", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    n = args.nodes
    if args.serve:
        serve(n, int(args.serve[0]), args.serve[1], args.max_latency)
        return 0
    if args.clusters:
        return main_fleet(args.clusters, args.rounds, args.max_latency)
    addresses, delays = plan(n, args.max_latency)
    port = free_port(addresses)
    singles: list[dict[str, float]] = []
    alls: list[dict[str, float]] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory() as d:
        child = subprocess.Popen([sys.executable, __file__, "--nodes", str(n), "--max-latency", str(args.max_latency),
                                  "--serve", str(port), d],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("the node servers did not start")
            trust = str(Path(d) / "ca.pem")
            slowest = (addresses[delays.index(max(delays))],)
            asyncio.run(run_check(port, slowest, trust))  # warm-up (imports, catalogs, contexts)
            asyncio.run(run_check(port, addresses, trust))
            # Interleaved so that a burst of load on the machine hits both sides of a ratio alike.
            for _ in range(args.rounds):
                singles.append(measure(port, slowest, trust, child.pid))
                alls.append(measure(port, addresses, trust, child.pid))
            if os.environ.get("PROFILE"):
                import cProfile
                import pstats
                prof = cProfile.Profile(time.process_time)  # CPU, not wall: waiting is not cost here
                prof.runcall(asyncio.run, run_check(port, addresses, trust))
                pstats.Stats(prof).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(int(os.environ.get("PROFILE_LINES", "30")))
        finally:
            child.stdin.close()
            child.wait(10)
    ratios = [a["wall"] / s["wall"] for s, a in zip(singles, alls)]
    med = statistics.median
    ok = min(int(a["ok"]) for a in alls)
    print(f"nodes probed: {n} (answered 401: {ok} in every round); injected latency {min(delays):.2f}–{max(delays):.2f} s; "
          f"{args.rounds} interleaved rounds; load average at start {load:.2f} on {os.cpu_count()} CPU(s)")
    for i, (s, a, r) in enumerate(zip(singles, alls, ratios), 1):
        print(f"  round {i}: slowest single {s['wall']:.3f} s, all {n} {a['wall']:.3f} s, ratio {r:.2f}; "
              f"prober CPU {a['cpu']:.3f} s ({a['cpu'] / n * 1000:.2f} ms/node), "
              f"node servers CPU {a['server_cpu']:.3f} s")
    cpu_node = [a["cpu"] / n * 1000 for a in alls]
    print(f"slowest single probe: median {med(s['wall'] for s in singles):.3f} s "
          f"(prober CPU {med(s['cpu'] for s in singles) * 1000:.1f} ms)")
    print(f"all {n} concurrently:  median {med(a['wall'] for a in alls):.3f} s")
    print(f"prober CPU per node:  median {med(cpu_node):.2f} ms, best {min(cpu_node):.2f} ms "
          f"(node servers: median {med(a['server_cpu'] for a in alls) / n * 1000:.2f} ms/node, another process)")
    verdict = "OK" if med(ratios) <= 1.3 else "MISSED"
    print(f"ratio total/slowest:  median {med(ratios):.2f}, best {min(ratios):.2f}, worst {max(ratios):.2f} "
          f"(goal ≤ 1.3 on the median) {verdict}")
    return 0 if ok == n else 1


if __name__ == "__main__":
    sys.exit(main())
