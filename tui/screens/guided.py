"""Guided self-service: the checklists in plain language; pick one to work through it."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from checks.api import AREAS

from ..widgets import HintedOptionList


class GuidedScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="guided.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="guided"):
            yield Static("Pick a checklist. Each one says what it needs from you, runs the checks, "
                         "and explains every problem with the steps to fix it.", id="guided-intro")
            yield HintedOptionList(*self._options(), id="areas")
        yield Footer()

    def _options(self) -> list[Option]:
        registry = self.app.registry
        latest = {r.check_id: r for r in self.app.latest_results()}
        out = []
        for area in AREAS.values():
            checks = [c for c in registry.all() if c.area == area.id]
            if not checks:
                status = "[dim]no checks installed yet[/]"
            else:
                done = [latest[c.id] for c in checks if c.id in latest]
                count = f"{len(checks)} check{'s' if len(checks) != 1 else ''}"
                status = (" ".join(r.status.symbol for r in done) or "[dim]not run[/]") + f" [dim]{count}[/]"
            out.append(Option(f"[b]{area.title}[/]  {status}\n[dim]{area.description}[/]", id=area.id,
                              disabled=not checks))
        return out

    def on_screen_resume(self) -> None:
        ol = self.query_one("#areas", OptionList)
        highlighted = ol.highlighted
        ol.clear_options()
        ol.add_options(self._options())
        ol.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from . import screen_for_area

        self.app.push_screen(screen_for_area(event.option.id, guided=True))
