"""Paste steps: for server output only an admin can produce (BroadWorks CLI), one paste box per
guided step of the checks. Each paste is saved with the case, read by the engine's parser (a paste
it cannot read gets its message under the box) and the checks re-run on their own.

The steps come from the checks' ``guided_steps`` (:class:`checks.api.GuidedStep`); results show
exactly as on the checks screen, whose behaviour this screen inherits.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from checks.api import CheckOption, GuidedStep, InputError
from checks.redact import redact_pasted_text, safe_message
from checks.textsafe import one_line

from ..widgets.option_form import OptionForm
from .checks import ChecksScreen

RERUN_DELAY_S = 0.6  # wait for the paste to finish arriving before re-reading it


def steps_for(checks) -> list[GuidedStep]:
    """The guided steps of these checks, each once, in declaration order."""
    seen: dict[str, GuidedStep] = {}
    for c in checks:
        for s in c.guided_steps:
            seen.setdefault(s.id, s)
    return list(seen.values())


class PasteStepsScreen(ChecksScreen):
    CSS_PATH = "paste.tcss"
    RUN_ON_SUBMIT = False  # the other inputs re-run through _rerun_soon below

    def __init__(self, check_ids: tuple[str, ...] = (), areas: tuple[str, ...] = (), guided: bool = True) -> None:
        super().__init__(check_ids=check_ids, areas=areas, guided=guided)
        self.step_errors: dict[str, str] = {}

    @property
    def steps(self) -> list[GuidedStep]:
        return steps_for(self.selected_checks)

    def form_options(self) -> list[CheckOption]:
        """Options no paste box serves: they get the option form (a drop-down for a closed list)."""
        served = {s.option for s in self.steps}
        return [o for o in self._options() if o.name not in served]

    def compose_inputs(self) -> ComposeResult:  # replaces the generic inputs (and their paste button)
        yield Static("Run each command on the server and paste its output below. Every paste is "
                     "checked at once; the results on the right update.", id="paste-intro")
        # What the pastes leave open (the release, the platform, a plugin's inputs) comes first.
        yield self.option_form()
        for step in self.steps:
            with Vertical(classes="paste-step", id=f"step-{step.id}"):
                yield Label(step.label, classes="section-title")
                yield Static(f"[b]Run: [/]{step.command}", classes="paste-command", markup=True)
                if step.help:
                    yield Static(step.help, classes="paste-help")
                yield TextArea(id=f"p-{step.id}", classes="paste-box", soft_wrap=False,
                               tooltip=f"Paste the output of: {step.command}")
                yield Static("", id=f"s-{step.id}", classes="paste-status", markup=False)  # parser messages: plain text
        # The built-in server checks need no cluster; a plugin in this checklist may.
        if self._needs_cluster():
            yield from self.compose_cluster_form()

    # Pastes ------------------------------------------------------------------------
    @on(TextArea.Changed)
    @on(OptionForm.Changed)
    def _schedule_rerun(self) -> None:
        self._rerun_soon()

    @work(exclusive=True, group="paste-rerun", exit_on_error=False)
    async def _rerun_soon(self) -> None:
        """Re-run a moment after the last change. A worker, not a timer: the next change replaces
        it (exclusive), and whoever awaits the screen's workers awaits this re-run too."""
        await asyncio.sleep(RERUN_DELAY_S)
        if any(self.query_one(f"#p-{s.id}", TextArea).text.strip() for s in self.steps):
            self.action_run()

    def paste_dir(self) -> Path:
        case_id = self.app.ensure_case().id
        return Path(self.app.store.path).parent / "pastes" / case_id

    def _option_values(self) -> dict[str, object] | None:
        """Save each paste, read it with the option's parser, and build the check options."""
        options = {o.name: o for o in self._options()}
        values: dict[str, object] = {o.dest: ([] if o.multiple else None) for o in options.values()}
        self.step_errors = {}
        for step in self.steps:
            text = self.query_one(f"#p-{step.id}", TextArea).text
            status = self.query_one(f"#s-{step.id}", Static)
            status.remove_class("error")
            option = options.get(step.option)
            if not text.strip() or option is None:
                status.update("")
                continue
            path = self._save(step, text)
            try:
                if option.validate is not None:
                    option.validate(str(path))
            except InputError as exc:
                # Name the step, not the internal file path the paste was saved to.
                message = one_line(safe_message(str(exc).replace(str(path), "this paste")))
                self.step_errors[step.id] = message
                status.update(message)
                status.add_class("error")
                continue
            status.update(f"✓ read ({len(text.splitlines())} lines)")
            _set(values, option, str(path))
        others = self._form_values()
        if others is None:
            return None
        values.update(others)
        if self.step_errors:
            self.notify(f"{len(self.step_errors)} paste(s) could not be read; see the message under the box",
                        severity="warning")
        return values

    def _save(self, step: GuidedStep, text: str) -> Path:
        folder = self.paste_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{step.id}.txt"
        # Saved redacted: a `get` or `list` paste can hold BroadWorks passwords, and this is a plain
        # file (the parsers need patch names, features and tags, never a password).
        path.write_text(redact_pasted_text(text), encoding="utf-8")
        return path


def _set(values: dict[str, object], option: CheckOption, path: str) -> None:
    if option.multiple:
        values[option.dest].append(path)  # type: ignore[union-attr]
    else:
        values[option.dest] = path
