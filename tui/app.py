"""The wxtriage Textual app: a shell that holds the current case and pushes screens.

All domain logic lives in the engine (``checks``); screens only collect input, call it
and show what it returns.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding

from checks import __version__
from checks.api import CheckOption
from checks.case import Case
from checks.inventory import Inventory, InventoryError, load_inventory
from checks.model import CheckResult
from checks.playbooks import PlaybookError, PlaybookSet, load_playbooks
from checks.redact import safe_message
from checks.textsafe import escape_controls, one_line
from checks.registry import Registry
from checks.store import CaseStore, StoreError

from . import compat
from .commands import WxTriageCommands
from .workers import WorkerError

compat.install()


class WxTriageApp(App):
    TITLE = "wxtriage"
    SUB_TITLE = "Webex for BroadWorks troubleshooting"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {WxTriageCommands}
    # Every screen gets -narrow/-wide and -short/-tall classes, so app.tcss can fit 80×24 (the
    # smallest terminal support engineers work in) without Python deciding layout.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Leave wxtriage (the case is already saved)"),
        Binding("f1", "help", "Help", id="help", tooltip="Keys of this screen and how to collect evidence"),
        Binding("question_mark", "help", "Help", show=False, id="help.q"),
        Binding("f2", "home", "Home", id="home", tooltip="Back to the symptom search and the three ways in"),
    ]

    def __init__(self, store: CaseStore | None = None, registry: Registry | None = None,
                 inventory_path: Path | str | None = None) -> None:
        super().__init__()
        self.store = store or CaseStore()
        self.registry = registry or Registry.discover()
        self.inventory_path = inventory_path
        self.case: Case | None = None
        self.inventory_error: str = ""
        self.playbook_errors: list[str] = []
        self.inventory = self._load_inventory()
        self.playbooks = self._load_playbooks()

    def notify(self, message: str, *args, **kwargs):  # type: ignore[override]
        """Every notification (screens call this too) is redacted: they often echo what was typed.
        Errors are one line; control characters from file names and inputs are shown escaped, and
        text is never read as markup (a "[" in a file name is just a "[")."""
        text = safe_message(str(message))
        text = one_line(text) if kwargs.get("severity") == "error" else escape_controls(text)
        kwargs.setdefault("markup", False)
        return super().notify(text, *args, **kwargs)

    def _load_inventory(self) -> Inventory:
        try:
            return load_inventory(self.inventory_path)
        except InventoryError as exc:
            self.inventory_error = str(exc)
            return Inventory()

    def _load_playbooks(self) -> PlaybookSet:
        try:
            return load_playbooks()
        except PlaybookError as exc:  # a broken built-in playbook: say so, keep the console usable
            self.playbook_errors.append(str(exc))
            return PlaybookSet()

    #: Turn an unexpected exception into a notification instead of Textual's traceback screen.
    #: None: on a real terminal yes; under a test Pilot (headless) the exception surfaces, so a
    #: bug fails its test — tests of this behaviour set it to True.
    keep_running_on_error: bool | None = None
    #: The one-line message of the last internal error (for tests and the exit message).
    internal_error: str = ""

    #: More internal errors than this within ERROR_STORM_S seconds: the UI is failing over and
    #: over (a widget that raises on every refresh), so it leaves with the one line and exit 3.
    ERROR_STORM = 20
    ERROR_STORM_S = 10.0

    def report_internal_error(self, error: BaseException) -> bool:
        """Write a redacted crash report and show the one-line message; True when the app keeps
        running (always, outside tests that want the exception, unless errors come in a storm)."""
        keep = self.keep_running_on_error if self.keep_running_on_error is not None else not self.is_headless
        if not keep:
            return False
        import time

        from textual.worker import WorkerFailed

        from checks.crash import internal_error_line, write_crash_report

        cause = error.error if isinstance(error, WorkerFailed) else error
        screen = type(self.screen_stack[-1]).__name__ if self.screen_stack else "start-up"
        report = write_crash_report(cause, context=f"terminal UI, {screen}")
        line = internal_error_line(cause, report)
        now = time.monotonic()
        self._error_times = [t for t in getattr(self, "_error_times", []) if now - t < self.ERROR_STORM_S] + [now]
        if len(self._error_times) > self.ERROR_STORM:
            self.exit(return_code=3, message=f"wxtriage: {line}")
            return True
        if line.partition(" — ")[0] != self.internal_error.partition(" — ")[0]:
            self.notify(line, title="Internal error", severity="error", timeout=30)  # once per failure
        self.internal_error = line
        return True

    def on_worker_error(self, message: WorkerError) -> None:
        """The one place a worker that raised (a check run, a HAR analysis, a bundle, a fleet
        scan) becomes a visible message: screens start workers with ``exit_on_error=False`` and
        forward their failures here (``tui.workers``)."""
        error = message.worker.error
        if error is not None and not self.report_internal_error(error):
            super()._handle_exception(error)  # under a test Pilot: the failure surfaces, as before

    def _handle_exception(self, error: Exception) -> None:  # Textual's hook for unhandled exceptions
        # A worker (a check run, a HAR analysis, a bundle), a timer or a callback failed; a screen's
        # own handler failing comes here through compat's dispatch guard. Every screen still works.
        if not self.report_internal_error(error):
            super()._handle_exception(error)

    def on_mount(self) -> None:
        from .screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.inventory_error:
            self.notify(self.inventory_error, title="Inventory not loaded", severity="error", timeout=10)
        for problem in self.playbook_errors + self.playbooks.failures:
            self.notify(problem, title="Playbook not loaded", severity="error", timeout=10)

    def registry_option(self, name: str) -> CheckOption | None:
        """The check option called ``name`` (``har``, ``webex-ca`` or its dest ``webex_ca``)."""
        wanted = name.replace("_", "-")
        return next((o for o in self.registry.options() if o.name == wanted), None)

    # Current case --------------------------------------------------------------------
    #: False while the current case exists only here: a case is stored at its first real input
    #: (a field typed, a check run, evidence added, a step answered), not when a screen opens,
    #: so looking around never leaves empty cases behind.
    case_stored: bool = False

    def ensure_case(self) -> Case:
        """The current case; a new one (not stored until something is put into it) if none."""
        if self.case is None:
            self.case, self.case_stored = Case(), False
        self._show_case()
        return self.case

    def _show_case(self) -> None:
        if self.case is not None:
            self.sub_title = f"case {self.case.id}" if self.case_stored else "new case (saved at the first input)"

    def stored_case_id(self) -> str:
        """The current case's ID, storing the case first if it is new: call it before writing
        anything that belongs to the case (results, evidence, drafts, walks)."""
        case = self.ensure_case()
        if not self.case_stored:
            self.case, self.case_stored = self.store.save(case), True
            self._show_case()
        return case.id

    def open_case(self, case_id: str) -> Case:
        self.case, self.case_stored = self.store.get(case_id), True
        self._show_case()
        return self.case

    def close_case(self) -> None:
        """No current case (the next way in starts a new one)."""
        self.case, self.case_stored = None, False
        self.sub_title = ""

    def save_case(self, case: Case) -> None:
        """Save ``case`` (an edit of :attr:`case`) without losing what a concurrent writer (a CLI
        ``case set``, ``har --case``) stored meanwhile: the edit is replayed on the stored case
        inside one transaction."""
        from checks.case import rebase

        base = self.case if self.case is not None and self.case.id == case.id and self.case_stored else None
        if base is None:
            self.case, self.case_stored = self.store.save(case), True
            self._show_case()
            return
        try:
            self.case = self.store.update(case.id, lambda current: rebase(base, case, current))
        except StoreError:  # deleted meanwhile: the edit is kept as a new save
            self.case = self.store.save(case)

    def latest_results(self) -> list[CheckResult]:
        return self.store.latest_results(self.case.id) if self.case else []

    # Screens closed while they are still being built ----------------------------------
    def _still_building(self, then) -> bool:  # type: ignore[no-untyped-def]
        """True (and ``then()`` runs once the top screen is mounted) while that screen is still
        being built: a screen closed before its own mount handler ran would run that handler on
        a screen without widgets (enter opens a checklist, escape or F2 a moment later)."""
        screen = self.screen
        if screen.is_mounted:
            return False

        async def when_mounted() -> None:
            await screen._mounted_event.wait()
            then()
        self.call_later(when_mounted)
        return True

    def pop_screen(self):  # type: ignore[no-untyped-def, override]
        screen = self.screen
        if self._still_building(lambda: self.screen is screen and super(WxTriageApp, self).pop_screen()):
            return AwaitComplete(asyncio.sleep(0)).call_next(self)
        return super().pop_screen()

    # Actions used by keys and the command palette -------------------------------------
    def action_home(self) -> None:
        from .screens.home import HomeScreen

        if self._still_building(self.action_home):
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_playbook(self, playbook_id: str) -> None:
        from .screens.playbook import PlaybookScreen

        self.ensure_case()
        self.push_screen(PlaybookScreen(self.playbooks.get(playbook_id)))

    def action_live(self) -> None:
        from .screens.case import CaseScreen

        self.ensure_case()
        self.push_screen(CaseScreen(next_screen="checks"))

    def action_guided(self) -> None:
        from .screens.guided import GuidedScreen

        self.ensure_case()
        self.push_screen(GuidedScreen())

    def action_edit_case(self) -> None:
        from .screens.case import CaseScreen

        self.ensure_case()
        self.push_screen(CaseScreen())

    def action_checks(self, check_ids: tuple[str, ...] = (), areas: tuple[str, ...] = (),
                      autorun: bool = False) -> None:
        from .screens.checks import ChecksScreen

        self.ensure_case()
        self.push_screen(ChecksScreen(check_ids=check_ids, areas=areas, autorun=autorun))

    def action_area(self, area_id: str) -> None:
        from .screens import screen_for_area

        self.ensure_case()
        self.push_screen(screen_for_area(area_id))

    def action_paste_steps(self, check_ids: tuple[str, ...] = (), areas: tuple[str, ...] = ()) -> None:
        from .screens.paste import PasteStepsScreen

        self.ensure_case()
        self.push_screen(PasteStepsScreen(check_ids=check_ids, areas=areas))

    def action_run_check(self, check_id: str) -> None:
        self.action_checks(check_ids=(check_id,), autorun=True)

    def action_fleet(self) -> None:
        from .screens.fleet import FleetScreen

        self.push_screen(FleetScreen())

    def action_har(self, path: str | None = None) -> None:
        from .screens.har import HarScreen

        self.ensure_case()
        self.push_screen(HarScreen(path=path))

    def copy_value(self, label: str, value: str) -> None:
        """Copy an ID of the case (OSC 52, so it works over SSH) and say what was copied."""
        self.copy_to_clipboard(value)
        self.notify(f"Copied the {label}: {value}", timeout=3)

    def action_export_bundle(self) -> None:
        from .screens.bundle import BundleScreen

        self.push_screen(BundleScreen())


def make_app(store_path: Path | str | None = None, inventory_path: Path | str | None = None,
             registry: Registry | None = None) -> WxTriageApp:
    """Factory shared by ``wxtriage``, the tests and the screenshot script."""
    return WxTriageApp(store=CaseStore(store_path) if store_path else None, registry=registry,
                       inventory_path=inventory_path)


def run_app() -> int:
    from checks.store import StoreError

    from checks.workdir import sweep

    sweep()  # scratch left by a wxtriage that was killed (kill -9, power loss)
    try:
        app = make_app()
    except StoreError as exc:
        import sys

        print(f"wxtriage: error: {safe_message(str(exc))}", file=sys.stderr)
        return 2
    app.run()
    return app.return_code or 0


__all__ = ["WxTriageApp", "make_app", "run_app", "__version__"]
