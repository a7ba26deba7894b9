"""The inputs of check options, drawn from what the checks declare (:class:`~checks.api.CheckOption`).

One control per option: a checkbox for a flag, a drop-down for a closed list of choices, else a
line (several values on one line for a ``multiple`` option). :meth:`OptionForm.values` reads them
through the engine's parser (:func:`checks.options.parse_values`), the one the CLI uses for its
flags, so both accept and refuse the same input. The form knows no option by name.

It tells its screen what happens through messages: :class:`OptionForm.Submitted` (enter in one
of its lines) and :class:`OptionForm.Changed` (a value given: enter, a choice picked, a box ticked).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select

from checks.api import CheckOption
from checks.options import parse_values


def _as_is(text: str) -> str:
    return text


class OptionForm(Vertical):
    """One input per option (ids ``o-<dest>``), under an "Inputs" title when there are any."""

    class Submitted(Message):
        """Enter was pressed in one of the form's lines."""

    class Changed(Message):
        """A value was given: enter in a line, a choice picked or a box ticked."""

    def __init__(self, options: Iterable[CheckOption], words: Callable[[str], str] = _as_is, *,
                 id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.options = list(options)
        self.words = words  # an option's help for people (flags such as --patches as their labels)

    def compose(self) -> ComposeResult:
        if self.options:
            yield Label("Inputs", classes="section-title")
        for o in self.options:
            help_text = self.words(o.help)
            if o.kind == "flag":
                yield Checkbox(o.human, id=f"o-{o.dest}", compact=True, tooltip=help_text)
            elif o.choices and not o.multiple:  # a closed list: pick, never type
                yield Label(o.human, classes="input-label")
                yield Select([(o.choice_label(c), c) for c in o.choices], prompt=o.unset_label or "not given",
                             allow_blank=True, id=f"o-{o.dest}", compact=True, tooltip=help_text)
            else:
                yield Label(o.human + (f" ({o.list_hint})" if o.multiple else ""), classes="input-label")
                yield Input(placeholder=o.unset_label or help_text, id=f"o-{o.dest}", tooltip=help_text,
                            compact=True)

    def given(self) -> dict[str, Any]:
        """What the controls hold, unparsed: a flag's bool, a choice or None, a line's text."""
        out: dict[str, Any] = {}
        for o in self.options:
            control = self.query_one(f"#o-{o.dest}")
            if isinstance(control, Checkbox):
                out[o.dest] = control.value
            elif isinstance(control, Select):
                out[o.dest] = None if control.is_blank() else str(control.value)
            elif isinstance(control, Input):
                out[o.dest] = control.value
        return out

    def values(self) -> dict[str, Any]:
        """The typed values by ``dest``, checked like the CLI's flags; raises
        :class:`~checks.api.InputError` (one line, naming the option by its flag) when one is wrong."""
        return parse_values(self.options, self.given(), typed=True)

    @on(Input.Submitted)
    def _line_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())
        self.post_message(self.Changed())

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _value_changed(self, event: Select.Changed | Checkbox.Changed) -> None:
        event.stop()
        self.post_message(self.Changed())
