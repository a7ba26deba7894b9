"""Check results as a tree (a check, then its findings grouped by where they were seen), and the
tones results are drawn in.

Colours live in the stylesheet: a tone is a component class (``tone--bad`` …) that ``app.tcss``
colours with the theme's variables, so a theme change or a colour-blind palette is one CSS edit.
"""
from __future__ import annotations

from typing import Callable, Protocol

from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable, Tree
from textual.widgets.tree import TreeNode

from checks.model import CheckResult, Finding

#: Every tone (the component classes ``tone--<name>``).
TONES = ("ok", "warn", "bad", "critical", "broken", "muted")
TONE_CLASSES = {f"tone--{t}" for t in TONES}
#: A result's status → its tone ("broken": the check itself failed to run).
STATUS_TONE = {"pass": "ok", "warn": "warn", "fail": "bad", "skip": "muted", "error": "broken"}
#: A finding's severity → its tone.
SEVERITY_TONE = {"info": "muted", "warning": "warn", "error": "bad", "critical": "critical"}


class _Styled(Protocol):
    def get_component_rich_style(self, *names: str, partial: bool = False) -> Style: ...


def tone_style(widget: _Styled, tone: str) -> Style:
    """The Rich style of ``tone`` as the stylesheet sets it for ``widget`` (empty: no tone)."""
    return widget.get_component_rich_style(f"tone--{tone}", partial=True) if tone in TONES else Style()


class TonedTable(DataTable):  # type: ignore[type-arg]
    """A ``DataTable`` whose cells may be drawn in the tones (``tone_text``)."""

    COMPONENT_CLASSES = TONE_CLASSES

    def tone_text(self, text: str, tone: str) -> Text:
        return Text(text, style=tone_style(self, tone))


class ResultsTree(Tree[Finding | CheckResult | None]):
    """One node per check (its state, then its result), findings below it, most severe first,
    grouped by interface · node · step when the finding names them."""

    COMPONENT_CLASSES = TONE_CLASSES

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("checks", id=id)
        self.show_root = False
        self.nodes: dict[str, TreeNode[Finding | CheckResult | None]] = {}

    def tone_style(self, tone: str) -> Style:
        return tone_style(self, tone)

    def _label(self, symbol: str, title: str, check_id: str, note: str = "", tone: str = "") -> Text:
        # Text objects, not markup: titles and reasons may contain brackets.
        muted = tone_style(self, "muted")
        return Text.assemble((f"{symbol} ", tone_style(self, tone) if tone else Style()), title,
                             (f" ({check_id})", muted), (f" {note}" if note else "", muted))

    def add_check(self, check_id: str, title: str) -> None:
        """A check not run yet in this screen (no expand arrow until it has findings)."""
        self.nodes[check_id] = self.root.add(self._label(" ", title, check_id), data=None, expand=True,
                                             allow_expand=False)

    def set_state(self, check_id: str, title: str, symbol: str, note: str) -> None:
        """A check waiting or running: its findings so far are dropped."""
        node = self.nodes.get(check_id)
        if node is None:
            return
        node.remove_children()
        node.allow_expand = False
        node.set_label(self._label(symbol, title, check_id, note))

    def show_result(self, r: CheckResult, note: str) -> None:
        node = self.nodes.get(r.check_id)
        if node is None:  # e.g. a plugin that failed to load
            node = self.nodes[r.check_id] = self.root.add("", expand=True)
        node.remove_children()
        node.set_label(self._label(r.status.symbol, r.title, r.check_id, note, STATUS_TONE[r.status.value]))
        node.data = r
        node.allow_expand = bool(r.findings)
        groups: dict[str, TreeNode[Finding | CheckResult | None]] = {}
        for f in sorted(r.findings, key=lambda f: -f.severity.rank):
            parent = node
            group = " · ".join(str(f.data[k]) for k in ("interface", "node", "step") if f.data.get(k))
            if group:
                if group not in groups:
                    groups[group] = node.add(Text(group, style="bold"), expand=True)
                parent = groups[group]
            parent.add_leaf(self.finding_label(f), data=f)

    def show_flat(self, results: list[CheckResult], words: Callable[[str], str] = str) -> None:
        """Only ``results``, each with its findings right below it (a playbook step's checks);
        ``words`` turns a reason's CLI flags into the screen's words (``checks.api.in_words``)."""
        self.clear()
        for r in results:
            node = self.root.add(Text.assemble(f"{r.status.symbol} ", r.title,
                                               (f" — {words(r.reason)}" if r.reason else "",
                                                tone_style(self, "muted"))),
                                 data=None, expand=True)
            for f in sorted(r.findings, key=lambda f: -f.severity.rank):
                node.add_leaf(self.finding_label(f), data=f)

    def finding_label(self, f: Finding) -> Text:
        return Text.assemble((f"{f.severity.value:<8} ", tone_style(self, SEVERITY_TONE[f.severity.value])), f.title)

    def worst_finding(self) -> TreeNode[Finding | CheckResult | None] | None:
        """The first node of a finding of the highest severity."""
        best: TreeNode[Finding | CheckResult | None] | None = None

        def walk(node: TreeNode[Finding | CheckResult | None]) -> None:
            nonlocal best
            data = node.data
            if isinstance(data, Finding) and (best is None or data.severity > best.data.severity):  # type: ignore[union-attr]
                best = node
            for child in node.children:
                walk(child)
        walk(self.root)
        return best
