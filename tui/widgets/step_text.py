"""What the playbook's step pane shows for one step: its Markdown and the keys that answer it.

Pure rendering of a :class:`~checks.playbooks.Step` (engine data): the screen decides which step
and what the case holds, this module only words it.
"""
from __future__ import annotations

from typing import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from checks.catalog import describe_source
from checks.playbooks import Step

#: The keys of each kind of step (an "ask" step lists its choices instead).
KEYS = {
    "do": "[b]y[/]/[b]enter[/] done   [b]s[/] skip   [b]c[/] copy",
    "collect": "Type or paste, then [b]enter[/] ([b]ctrl+s[/] in a paste box); empty [b]enter[/] skips",
    "check": "[b]r[/] run again   [b]s[/] skip   [b]f[/] open the worst finding",
    "verdict": "Did this fix it?  [b]y[/] fixed   [b]n[/] not fixed → before you escalate   "
               "[b]f[/] finding   [b]c[/] copy the fix",
    "escalate": "[b]y[/]/[b]enter[/] done   [b]ctrl+b[/] export the TAC bundle",
}


def step_markdown(step: Step, tac_lines: Sequence[str] = (), note: str = "") -> str:
    """The step as Markdown; ``tac_lines`` (an escalation's "For TAC" list) and the user's ``note``
    come from the case."""
    out = [f"## {step.title}", "", str(step.text)]
    if step.place:
        out += ["", f"**Where:** {step.place}"]
    if step.command:
        out += ["", "**Command** (c copies it):", "", "```", step.command, "```"]
    if step.how:
        out += ["", "**How to get it:**", ""] + [f"{i}. {h}" for i, h in enumerate(step.how, 1)]
    if step.fix:
        out += ["", "**Fix:**", ""] + [f"{i}. {f}" for i, f in enumerate(step.fix, 1)]
    if step.expect:
        out += ["", f"**You should see:** {step.expect}"]
    if step.kind == "escalate":
        out += ["", "**For TAC** (from the case):", "", *tac_lines]
    if step.help:
        out += ["", str(step.help)]
    if note:
        out += ["", f"**Note:** {note}"]
    out += ["", f"*Source: {describe_source(step.source)}*"
            + (f" *(seed lines {', '.join(step.cites)})*" if step.cites else "")]
    return "\n".join(out)


def keys_hint(step: Step) -> RenderableType:
    """The keys that answer ``step``. A question lists its choices one a line, a long one wrapped
    under its own words (side by side, a narrow pane broke a choice across lines)."""
    if step.kind != "ask":
        return KEYS[step.kind]
    yn = " (y/n)" if {"yes", "no"} <= {c.id for c in step.choices} else ""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for i, c in enumerate(step.choices, 1):
        grid.add_row(Text(f"  {i}", style="bold"), Text(str(c.label)))
    return Group(Text(f"Answer{yn}:"), grid)
