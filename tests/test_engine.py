"""Engine: model ordering, registry, runner semantics, textual-free import."""
from __future__ import annotations

import asyncio
import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest

from checks.api import Check, CheckContext, SkipCheck
from checks.model import CheckResult, Finding, Severity, Status, exit_code_for, status_for
from checks.registry import Registry, UnknownCheckError
from checks.runner import CheckFinished, CheckProgress, CheckStarted, run_checks


def test_severity_order():
    assert Severity.INFO < Severity.WARNING < Severity.ERROR < Severity.CRITICAL
    assert max([Severity.ERROR, Severity.INFO, Severity.CRITICAL]) is Severity.CRITICAL
    assert sorted(["error", "info"], key=lambda s: Severity(s)) == ["info", "error"]


def test_status_from_findings():
    f = lambda s: Finding("x.y", s, "t")  # noqa: E731
    assert status_for([]) is Status.PASS
    assert status_for([f(Severity.INFO)]) is Status.PASS
    assert status_for([f(Severity.INFO), f(Severity.WARNING)]) is Status.WARN
    assert status_for([f(Severity.CRITICAL)]) is Status.FAIL


def test_finding_roundtrip():
    from checks.model import Evidence, Remediation
    f = Finding("a.b", Severity.ERROR, "title", "detail", (Evidence("l", "c", "json", "s"),),
                Remediation("sum", ("1", "2"), "cmd", "doc"), "S4 §2", {"k": 1})
    r = CheckResult("c", "t", "urls", Status.FAIL, (f,), "", "2026-01-01T00:00:00+00:00", 0.5)
    assert CheckResult.from_dict(r.to_dict()) == r


@pytest.mark.parametrize("kind", ["", "TEXT", "pem", "har-entry", "log excerpt", "certificate "])
def test_an_evidence_kind_nobody_renders_is_refused(kind):
    from checks.model import Evidence

    with pytest.raises(ValueError, match="evidence kind"):
        Evidence("label", "content", kind)


def test_every_evidence_kind_round_trips():
    from checks.model import EVIDENCE_KINDS, Evidence

    for kind in EVIDENCE_KINDS:
        ev = Evidence("label", "content", kind, "src")
        assert Evidence.from_dict(ev.to_dict()) == ev


async def test_a_check_making_up_an_evidence_kind_is_an_error_result():
    from checks.model import Evidence

    class MadeUp(Check):
        id, title, area = "t.madeup", "made up", "urls"

        async def run(self, ctx):
            return [Finding("t.x", Severity.INFO, "x", evidence=(Evidence("l", "c", "screenshot"),))]

    (res,) = await run_checks([MadeUp], CheckContext())
    assert res.status is Status.ERROR and "evidence kind 'screenshot'" in res.reason


class Good(Check):
    id, title, area = "t.good", "good", "urls"

    async def run(self, ctx):
        ctx.progress("half way")
        return [Finding("t.info", Severity.INFO, "fine")]


class Boom(Check):
    id, title, area = "t.boom", "boom", "urls"

    async def run(self, ctx):
        raise RuntimeError("kaput")


class Slow(Check):
    id, title, area, timeout_s = "t.slow", "slow", "mtls", 0.2

    async def run(self, ctx):
        await asyncio.sleep(10)
        return []


class Skips(Check):
    id, title, area = "t.skip", "skip", "har"

    async def run(self, ctx):
        raise SkipCheck("no HAR given")


class NeedsCluster(Check):
    id, title, area, needs = "t.needs", "needs", "urls", ("cluster",)

    async def run(self, ctx):  # pragma: no cover - never reached without a cluster
        return []


async def test_runner_statuses_and_events():
    events = []
    results = await run_checks([Good, Boom, Slow, Skips, NeedsCluster], CheckContext(), on_event=events.append)
    by_id = {r.check_id: r for r in results}
    assert by_id["t.good"].status is Status.PASS
    assert by_id["t.boom"].status is Status.ERROR and "kaput" in by_id["t.boom"].reason
    assert by_id["t.slow"].status is Status.ERROR and "timed out" in by_id["t.slow"].reason
    assert by_id["t.skip"].status is Status.SKIP and by_id["t.skip"].reason == "no HAR given"
    assert by_id["t.needs"].status is Status.SKIP and "cluster" in by_id["t.needs"].reason
    assert [r.check_id for r in results] == ["t.good", "t.boom", "t.slow", "t.skip", "t.needs"]
    assert CheckProgress("t.good", "half way") in events
    assert sum(isinstance(e, CheckStarted) for e in events) == 5
    assert sum(isinstance(e, CheckFinished) for e in events) == 5
    assert exit_code_for(results) == 1  # a crashed check is never success


async def test_runner_is_concurrent_and_bounded():
    running = 0
    peak = 0

    def make(i):
        class C(Check):
            id, title, area = f"t.c{i}", "c", "urls"

            async def run(self, ctx):
                nonlocal running, peak
                running += 1
                peak = max(peak, running)
                await asyncio.sleep(0.05)
                running -= 1
                return []
        return C

    await run_checks([make(i) for i in range(10)], CheckContext(), concurrency=3)
    assert peak == 3


async def test_runner_cancellation_reports_skips():
    events = []
    task = asyncio.create_task(run_checks([Slow], CheckContext(), on_event=events.append))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    finished = [e.result for e in events if isinstance(e, CheckFinished)]
    assert finished and finished[0].status is Status.SKIP and finished[0].reason == "cancelled"


def test_registry_discovers_builtin_and_reports_broken_plugins():
    reg = Registry.discover()
    assert "xsp.urls" in reg.checks
    broken = Registry.discover([
        EntryPoint("bad.import", "no_such_module_xyz:Thing", "wxtriage.checks"),
        EntryPoint("not.check", "os.path:join", "wxtriage.checks"),
        EntryPoint("xsp.urls", "checks.builtin.xsp_urls:XspUrlsCheck", "wxtriage.checks"),
    ])
    assert {f.name for f in broken.failures} == {"bad.import", "not.check"}
    assert "ModuleNotFoundError" in broken.failures[0].message


async def test_broken_plugin_becomes_error_result():
    reg = Registry.discover([EntryPoint("bad.import", "no_such_module_xyz:Thing", "wxtriage.checks")])
    results = await run_checks(reg.select(), CheckContext(), load_failures=reg.failures_for())
    assert results[0].status is Status.ERROR and "failed to load" in results[0].reason


def test_registry_unknown_ids_and_areas_list_known_ones():
    reg = Registry.discover()
    with pytest.raises(UnknownCheckError, match="known checks: .*xsp.urls"):
        reg.select(["nope"])
    with pytest.raises(UnknownCheckError, match="known areas: urls, connectivity, mtls"):
        reg.select(areas=["bogus"])
    assert [c.id for c in reg.select(areas=["urls"])] == [c.id for c in reg.all() if c.area == "urls"]


def test_engine_and_cli_never_import_textual():
    code = ("import sys, checks, checks.runner, checks.bundle, checks.store, checks.report, tui, tui.cli;"
            "from tui.cli import build_parser; build_parser();"
            "import importlib.metadata as m;"
            "[ep.load() for ep in m.entry_points(group='wxtriage.checks')];"
            "assert 'textual' not in sys.modules, 'textual imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


async def test_input_error_reads_as_its_message():
    from checks.api import InputError

    class BadPaste(Check):
        id, title, area = "t.bad", "bad", "blf"

        async def run(self, ctx):
            raise InputError("x.txt: expected the output of listPatch.pl")

    (r,) = await run_checks([BadPaste], CheckContext())
    assert r.status is Status.ERROR and r.reason == "x.txt: expected the output of listPatch.pl"


@pytest.mark.parametrize("argv, absent", [
    (["case", "list"], ["asyncio", "checks.probes.findings", "checks.probes", "httpx", "checks.evidence.har"]),
    (["guide", "list"], ["asyncio", "checks.probes", "httpx"]),
])
def test_a_command_imports_only_what_it_runs(tmp_path, argv, absent):
    """`wxtriage case list` must not pay for discovering every check (as `run` does): each
    command registers only its own module, and the engine's base imports no asyncio."""
    code = ("import sys, io, contextlib; from tui.cli import main;"
            f"out = io.StringIO(); ctx = contextlib.redirect_stdout(out); ctx.__enter__(); rc = main({argv!r});"
            "ctx.__exit__(None, None, None);"
            f"print(rc, [m for m in {absent!r} if m in sys.modules])")
    env = dict(__import__("os").environ, WXTRIAGE_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout
    assert out.strip() == "0 []", out
