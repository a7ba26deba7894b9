"""Fleet scan: the same checks on every cluster of the inventory at once, with a bounded number of
probes in flight and a per-host politeness limit, and a one-line summary per cluster.

This is how a service provider with dozens of XSP farms checks them all after a certificate
renewal or a firewall change. Each cluster gets its own context and prober (its own nodes and
probe cache); the :class:`ProbeLimits` are shared so the whole scan stays within its budget.
"""
from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .api import Check, CheckContext, Services
from .inventory import Inventory
from .model import CheckResult, Finding, Status
from .probes.findings import label
from .redact import keyring_redactor
from .runner import run_checks

#: Default bounds: node probes in flight over the whole scan (a node probe holds up to three
#: sockets: the TLS read-out, the verified HTTP GET and a version probe), and per address.
DEFAULT_PARALLEL_PROBES = 256
DEFAULT_PER_HOST = 4

# Worst first: a crashed check proves nothing, so it ranks above a failure in the summary.
_STATUS_ORDER = (Status.ERROR, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP)


class ProbeLimits:
    """Semaphores shared by every prober of one scan. Create it inside the running event loop's
    task (asyncio primitives bind to the loop that first uses them)."""

    def __init__(self, parallel: int = DEFAULT_PARALLEL_PROBES, per_host: int = DEFAULT_PER_HOST) -> None:
        if parallel < 1 or per_host < 1:
            raise ValueError("probe limits must be at least 1")
        self.parallel, self.per_host = parallel, per_host
        self._all = asyncio.Semaphore(parallel)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.peak = 0  # most node probes seen in flight at once (for the benchmark and tests)
        self._in_flight = 0
        self.peak_per_host: Counter[str] = Counter()
        self._per_host_now: Counter[str] = Counter()

    def host(self, address: str) -> asyncio.Semaphore:
        sem = self._hosts.get(address)
        if sem is None:
            sem = self._hosts[address] = asyncio.Semaphore(self.per_host)
        return sem

    async def __call__(self, address: str, probe: Callable[[], Any]) -> Any:
        """Run ``probe()`` (a coroutine factory) within the per-host and the overall bound."""
        async with self.host(address), self._all:
            self._in_flight += 1
            self._per_host_now[address] += 1
            self.peak = max(self.peak, self._in_flight)
            self.peak_per_host[address] = max(self.peak_per_host[address], self._per_host_now[address])
            try:
                return await probe()
            finally:
                self._in_flight -= 1
                self._per_host_now[address] -= 1


def affordable_parallel(wanted: int) -> int:
    """``wanted`` node probes at once, or fewer if the open-files limit cannot hold them: the soft
    limit is raised toward the hard one first (a node probe holds up to three sockets; many
    systems start at a soft limit of 1,024)."""
    try:
        import resource
    except ImportError:  # not on POSIX: no limit to read
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted * 3 + 128  # + what the process already holds (stdio, the store, the catalogs)
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, (soft - 128) // 3))


@dataclass(frozen=True)
class ClusterSummary:
    """One line of the fleet table: the cluster, its worst status, and where it fails first."""

    cluster: str
    status: Status
    title: str = ""  # the worst finding's title ("" when nothing is wrong)
    code: str = ""
    interface: str = ""
    node: str = ""
    step: str = ""  # dns, tcp, tls, http … as the probes name them
    problems: int = 0  # findings at warning or above

    @property
    def where(self) -> str:
        """Interface (in words, unless the title already names it), node and step, for one line."""
        name = label(self.interface) if self.interface else ""
        parts = (name if name and not self.title.startswith(name) else "",
                 self.node and f"node {self.node}", self.step and f"step {self.step}")
        return " · ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "status": self.status.value, "title": self.title, "code": self.code,
                "interface": self.interface, "node": self.node, "step": self.step, "problems": self.problems}


@dataclass
class ClusterRun:
    cluster: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def summary(self) -> ClusterSummary:
        return summarize(self.cluster, self.results)


def worst_status(results: Sequence[CheckResult]) -> Status:
    statuses = {r.status for r in results}
    return next((s for s in _STATUS_ORDER if s in statuses), Status.SKIP)


def summarize(cluster: str, results: Sequence[CheckResult]) -> ClusterSummary:
    status = worst_status(results)
    findings: list[Finding] = [f for r in results for f in r.findings]
    problems = [f for f in findings if f.severity.rank >= 1]  # warning and above
    if status is Status.ERROR and not problems:  # a crashed check: its reason is the news
        crashed = next(r for r in results if r.status is Status.ERROR)
        return ClusterSummary(cluster, status, title=f"{crashed.title}: {crashed.reason}")
    if not problems:
        if status is Status.SKIP:
            reason = next((r.reason for r in results if r.reason), "")
            return ClusterSummary(cluster, status, title=reason)
        return ClusterSummary(cluster, status)
    worst = max(problems, key=lambda f: f.severity.rank)  # first of the worst: probes report in order
    data: Mapping[str, Any] = worst.data or {}
    return ClusterSummary(cluster, status, title=worst.title, code=worst.code,
                          interface=str(data.get("interface", "")), node=str(data.get("node", "")),
                          step=str(data.get("step", "")), problems=len(problems))


def split_pins(resolve: Sequence[str] | str | None, clusters: Sequence[Any]) -> tuple[list[list[str]], list[str]]:
    """Hand each cluster only the ``--resolve`` pins of its own interfaces (in a scan, another
    cluster's pin is not a mistake), and return the pins no cluster uses (those are)."""
    from .probes import endpoints_for, parse_resolve

    values = [resolve] if isinstance(resolve, str) else list(resolve or ())
    per_value = [(v, set(parse_resolve(v))) for v in values]
    mine: list[list[str]] = []
    used: set[str] = set()
    for cluster in clusters:
        eps = {(ep.host, ep.port) for ep in endpoints_for(cluster)[0]}
        own = [v for v, keys in per_value if keys & eps]
        used.update(own)
        mine.append(own)
    return mine, [v for v, _ in per_value if v not in used]


async def run_fleet(checks: Sequence[type[Check]], inventory: Inventory, options: Mapping[str, Any], *,
                    parallel: int = DEFAULT_PARALLEL_PROBES, per_host: int = DEFAULT_PER_HOST,
                    concurrency: int = 8, on_cluster: Callable[[ClusterRun], None] | None = None,
                    services: Services | None = None, case: Any = None,
                    limits: ProbeLimits | None = None) -> list[ClusterRun]:
    """Run ``checks`` on every cluster of ``inventory`` concurrently; results in inventory order.
    ``on_cluster`` is called as each cluster finishes (the TUI's fleet view fills in as it goes)."""
    limits = limits or ProbeLimits(affordable_parallel(parallel), per_host)
    services = services or Services()
    redactor = keyring_redactor(secrets=services.known_secrets())  # once for the whole scan, not per cluster
    pins, _ = split_pins(options.get("resolve"), inventory.clusters)
    own_pins = {c.name: p for c, p in zip(inventory.clusters, pins)}

    async def one(cluster) -> ClusterRun:
        ctx = CheckContext(case=case, cluster=cluster, inventory=inventory,
                           options={**options, "resolve": own_pins[cluster.name]},
                           services=dataclasses.replace(services, probe_limits=limits))
        run = ClusterRun(cluster.name, await run_checks(checks, ctx, concurrency=concurrency, redactor=redactor))
        if on_cluster is not None:
            on_cluster(run)
        return run

    return list(await asyncio.gather(*(one(c) for c in inventory.clusters)))
