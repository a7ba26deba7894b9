"""Command palette: "guide: <playbook>", "run: <check>", "copy: <ID>", "export: TAC bundle", "go: …" and "case: …"."""
from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from checks.api import AREAS


class WxTriageCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        cmds: list[tuple[str, object, str]] = [
            ("export: TAC bundle", app.action_export_bundle, "Write the zip for Cisco TAC"),
            ("case: edit fields", app.action_edit_case, "Org IDs, tracking IDs, users, versions"),
            ("go: home", app.action_home, "The three ways in"),
            ("go: live session", app.action_live, "Support engineer flow: case, then every check"),
            ("go: guided self-service", app.action_guided, "Checklists in plain language"),
            ("go: all checks", app.action_checks, "Run any check"),
            ("go: HAR capture", app.action_har, "Analyse a HAR of a Control Hub / Partner Hub error"),
            ("go: fleet scan", app.action_fleet, "Probe every cluster of the inventory; worst status per cluster"),
        ]
        for book in app.playbooks.all():
            cmds.append((f"guide: {book.title}", partial(app.action_playbook, book.id), str(book.summary)[:80]))
        case = app.case
        if case is not None:
            ids = [("case ID", case.id), ("org ID", case.org_id), ("partner org ID", case.partner_org_id),
                   ("tracking IDs", " ".join(case.tracking_ids))]
            for label, value in ids:
                if value:
                    cmds.append((f"copy: {label}", partial(app.copy_value, label, value), value))
        for area in AREAS.values():
            if any(c.area == area.id for c in app.registry.all()):
                cmds.append((f"checklist: {area.title}", partial(app.action_area, area.id), area.description))
        for check in app.registry.all():
            cmds.append((f"run: {check.title}", partial(app.action_run_check, check.id), check.description or check.id))
            if check.guided_steps:
                cmds.append((f"paste: {check.title}", partial(app.action_paste_steps, (check.id,)),
                             "Paste server output step by step; the check re-runs on each paste"))
        return cmds

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
