"""Regenerate ``screenshots/*.svg`` from the real screens: ``python -m tui.screenshots``.

Drives the app with Pilot at 120×36 on the demo workspace (see ``tui.demo``).
"""
from __future__ import annotations

import asyncio
import os
import sys
import shutil
import tempfile
from pathlib import Path

from checks.interfaces import INTERFACES

from .demo import DEMO_CASE_ID, demo_app, load_demo_pastes, write_demo_logs

SIZE = (120, 36)


def steady_cursors(app) -> None:
    """Stop the blinking text cursors on the current screen (hidden from now on).

    A blinking cursor is visible or not depending on when the picture is taken, so snapshots
    and screenshots of a screen with a focused input would differ between a fast and a busy
    machine."""
    for widget in app.screen.query("*"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False


async def markdown_settled(pilot) -> None:
    """Wait until every Markdown pane of the screen shows the text it was last given: an update
    parses in a thread, so on a busy machine a picture could show the previous text."""
    from textual.widgets import Markdown

    await pilot.pause()
    for md in pilot.app.screen.query(Markdown):
        async with md.lock:  # updates take the lock in the order they were made
            pass
    await pilot.pause()


async def _settle(pilot, seconds: float = 0.3) -> None:
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await asyncio.sleep(seconds)
    await markdown_settled(pilot)
    steady_cursors(pilot.app)
    await pilot.pause()


async def workers_done(pilot, timeout: float = 30.0) -> None:
    """Await the app's workers — and those their messages start in turn (a paste's re-run, a
    playbook's next step) — until three pauses in a row find none running. By then the messages
    they posted have been handled, and so have the callbacks those scheduled for after the next
    refresh (the focus a screen sets once drawn, a results tree's cursor). A worker that failed or
    was cancelled is no error here: the app reports it; the caller reads what the screen says.

    Awaiting the work, not polling a label for a word, keeps a busy machine from ending the wait
    on the previous run's status or before a scheduled re-run."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet = 0
    while quiet < 3:
        await pilot.pause()
        running = [w for w in pilot.app.workers if not w.is_finished]
        quiet = 0 if running else quiet + 1
        if running:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"workers still running after {timeout} s: {running}")
            await asyncio.wait_for(asyncio.gather(*(w.wait() for w in running), return_exceptions=True), left)


async def wait_for_run(pilot, timeout: float = 30.0) -> str:
    """Await the checks screen's run (and any re-run a paste started meanwhile) to its end;
    returns the run's status line ("done: …" or "cancelled: …")."""
    from textual.widgets import Static

    await workers_done(pilot, timeout)
    status = str(pilot.app.screen.query_one("#run-status", Static).render())
    if not status.startswith(("done", "cancelled")):
        raise RuntimeError(f"the checks did not finish: {status!r}")
    return status


async def type_symptom(pilot, words: str) -> None:
    """Type into the home screen's symptom search, as a person would."""
    await pilot.press(*[c if c != " " else "space" for c in words])
    await pilot.pause()


async def walk_status_400(pilot, timeout: float = 30.0) -> None:
    """From home: the Control Hub "Status: 400" playbook up to its verdict on the example HAR."""
    await type_symptom(pilot, "status 400")
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("2")
    har = Path(__file__).resolve().parent.parent / "examples" / "har" / "onboard-10991.har"
    field = pilot.app.screen.query_one("#pb-input")
    field.value = os.path.relpath(har)  # relative: the picture must not name this machine's folders
    await pilot.press("enter")
    await workers_done(pilot, timeout)
    step = pilot.app.screen.walk.current
    if step is None or step.kind != "verdict":
        raise RuntimeError(f"the playbook did not reach a verdict: {step}")


async def capture(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        app = demo_app(tmp)

        def shot(name: str) -> None:
            written.append(Path(app.save_screenshot(f"{name}.svg", str(out_dir))))

        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            shot("home")
            await type_symptom(pilot, "status 400")
            await _settle(pilot)
            shot("home-search")
            app.screen.query_one("#symptom").value = ""
            app.open_case(DEMO_CASE_ID)
            await walk_status_400(pilot)
            await _settle(pilot)
            shot("playbook")
            app.pop_screen()
            app.open_case(DEMO_CASE_ID)
            app.action_edit_case()
            await _settle(pilot)
            shot("case")
            app.pop_screen()
            app.action_checks(check_ids=tuple(c.id for c in app.registry.select(areas=("urls",))))
            await _settle(pilot)
            await pilot.click("#run")
            await wait_for_run(pilot)
            await _settle(pilot)
            tree = app.screen.query_one("#results")
            tree.focus()
            tree.cursor_line = 2  # the first finding under its interface
            await _settle(pilot)
            shot("checks")
            await pilot.press("enter")
            await _settle(pilot)
            shot("finding")
            await pilot.press("escape")
            app.action_guided()
            await _settle(pilot)
            shot("guided")
            app.action_export_bundle()
            await _settle(pilot)
            shot("bundle")
            app.pop_screen()
            # Last, so the BLF check's results it stores do not change the screens above.
            app.action_paste_steps(check_ids=tuple(c.id for c in app.registry.select(areas=("blf",))))
            await _settle(pilot)
            load_demo_pastes(app.screen)
            await wait_for_run(pilot)
            await _settle(pilot)
            shot("paste")
            app.pop_screen()
            app.action_area("client-logs")
            await _settle(pilot)
            # A fixed folder, not the random workspace: the picture shows the path and must not
            # change from one run to the next.
            logs_root = Path(tempfile.gettempdir()) / "wxtriage-demo-logs"
            shutil.rmtree(logs_root, ignore_errors=True)
            app.screen.query_one("#o-logs").value = str(write_demo_logs(logs_root / "CiscoSpark"))
            app.screen.action_run()
            await wait_for_run(pilot)
            await _settle(pilot)
            timeline = app.screen.query_one("#timeline")
            timeline.focus()
            timeline.move_cursor(row=1)
            await _settle(pilot)
            shot("logs")
            shutil.rmtree(logs_root, ignore_errors=True)
            # The HAR screen on the example capture of seed 000's onboarding failure.
            har = Path(__file__).resolve().parent.parent / "examples" / "har" / "onboard-10991.har"
            app.action_har(os.path.relpath(har))  # relative: the picture must not name this machine's folders
            await wait_for_har(pilot)
            await _settle(pilot)
            shot("har")
            app.pop_screen()
            await _probes_shot(app, pilot, Path(tmp), shot)
            app.pop_screen()
            await fleet_scan(app, pilot, Path(tmp))
            shot("fleet")
    return written


async def _probes_shot(app, pilot, tmp: Path, shot) -> None:
    """Connectivity + mTLS against two loopback nodes (one with an expired certificate)."""
    from .demo_servers import demo_farm

    with demo_farm(tmp) as farm:
        saved = os.environ.get("SSL_CERT_FILE")
        os.environ["SSL_CERT_FILE"] = farm["cafile"]  # the demo CA plays a public root
        try:
            from .screens.probes import ProbeChecksScreen

            app.push_screen(ProbeChecksScreen(areas=("connectivity", "mtls")))
            await _settle(pilot)
            screen = app.screen
            screen.query_one("#cluster").value = "__typed__"
            await _settle(pilot)
            for i in INTERFACES:
                screen.query_one(f"#c-{i.key}").value = ""
            screen.query_one("#c-xsi_actions").value = farm["url"]
            screen.query_one("#c-cti").value = farm["cti"]
            # CTI on the next port, pinned to the first node (nothing listens there: refused).
            screen.query_one("#o-resolve").value = f"{farm['resolve']} {farm['cti']}:127.0.0.1"
            await _settle(pilot)
            screen.action_run()
            await wait_for_run(pilot, timeout=60)
            await _settle(pilot)
            tree = screen.query_one("#results")
            tree.focus()
            tree.cursor_line = 2
            await _settle(pilot)
            shot("probes")
        finally:
            if saved is None:
                os.environ.pop("SSL_CERT_FILE", None)
            else:
                os.environ["SSL_CERT_FILE"] = saved


async def fleet_scan(app, pilot, tmp: Path, refused: bool = True) -> None:
    """The fleet view over demo clusters on loopback: one with an expired certificate on a node,
    one whose URL lacks /v2.0/ and (``refused``) one whose Xsi-Actions port refuses — left out of
    the snapshot test, whose picture must not show a port that depends on what else is running."""
    from checks.inventory import Cluster, Inventory

    from .demo_servers import demo_farm
    from .screens.fleet import FleetScreen

    with demo_farm(tmp) as farm:
        saved_env, saved_inventory = os.environ.get("SSL_CERT_FILE"), app.inventory
        os.environ["SSL_CERT_FILE"] = farm["cafile"]  # the demo CA plays a public root
        url, refused_url = farm["url"], f"https://{farm['cti']}/com.broadsoft.xsi-actions/v2.0/"
        clusters = [Cluster(name="east-farm", xsi_actions=url, auth_mode="mtls"),
                    Cluster(name="north-farm", xsi_actions=refused_url, auth_mode="mtls"),
                    Cluster(name="south-farm", xsi_actions=url.replace("v2.0/", ""), auth_mode="mtls")]
        app.inventory = Inventory(clusters=tuple(c for c in clusters if refused or c.name != "north-farm"))
        try:
            screen = FleetScreen(options={"resolve": [farm["resolve"], f"{farm['cti']}:127.0.0.1"],
                                          "probe_timeout": "5"})
            app.push_screen(screen)
            await workers_done(pilot, timeout=60)
            await _settle(pilot)
        finally:
            app.inventory = saved_inventory
            if saved_env is None:
                os.environ.pop("SSL_CERT_FILE", None)
            else:
                os.environ["SSL_CERT_FILE"] = saved_env


async def wait_for_har(pilot, timeout: float = 30.0) -> None:
    """Await the HAR screen's analysis; its status line says what it found (or why not)."""
    await workers_done(pilot, timeout)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tui.screenshots",
                                     description="Write SVG pictures of the real screens (a demo workspace).")
    parser.add_argument("out", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent / "screenshots",
                        help="the folder to write them to (default: the project's screenshots/)")
    out = parser.parse_args(argv).out
    for path in asyncio.run(capture(out)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
