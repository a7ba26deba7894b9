"""Help for the screen underneath: its keys, and how to collect each kind of evidence.

The keys come from the screen's own bindings; the "how to get it" lists come from the playbooks'
``collect`` steps (engine data), grouped by kind of evidence, so help stays true to the data.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Markdown

from ..widgets import HintedScroll

EVIDENCE_TITLES = {"har": "A HAR capture (browser)", "logs": "Webex app logs", "csv": "A CSV export",
                   "paste": "BroadWorks command output", "cert-chain": "A certificate chain file",
                   "cluster": "The cluster's interface URLs"}


def _key_name(key: str) -> str:
    return {"question_mark": "?", "escape": "esc", "backspace": "⌫"}.get(key, key)


def help_markdown(screen: Screen, playbooks) -> str:
    out = [f"# Help — {screen.__class__.__name__.removesuffix('Screen') or 'screen'}", "", "## Keys", "",
           "| key | does |", "|---|---|"]
    seen: set[str] = set()
    for binding in [*screen.BINDINGS, *screen.app.BINDINGS]:
        if not isinstance(binding, Binding) or not binding.description or binding.key in seen:
            continue
        seen.add(binding.key)
        out.append(f"| `{_key_name(binding.key)}` | {binding.description}"
                   + (f" — {binding.tooltip}" if binding.tooltip else "") + " |")
    out += ["| `ctrl+p` | Command palette: every screen, checklist and check by name |",
            "| `ctrl+q` | Quit (the case is saved as you go) |", "",
            "In a text field, letters type text: **escape** or **tab** leaves the field so the letter keys work.",
            "", "## How to collect evidence", ""]
    by_kind: dict[str, list[str]] = {}
    for book in playbooks.all():
        for step in book.steps:
            if step.kind == "collect":
                items = by_kind.setdefault(step.evidence, [])
                items += [str(h) for h in step.how if str(h) not in items]
    for kind, items in by_kind.items():
        out += [f"### {EVIDENCE_TITLES.get(kind, kind)}", ""] + [f"- {i}" for i in items] + [""]
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close", id="help.close"),
                Binding("f1", "dismiss", "Close", show=False, id="help.close.f1")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            with HintedScroll(id="help-scroll"):
                yield Markdown(help_markdown(self.under, self.app.playbooks), id="help-md")
            yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def on_button_pressed(self) -> None:
        self.dismiss()
