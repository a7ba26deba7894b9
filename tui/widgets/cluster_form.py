"""The cluster form: pick a cluster of the inventory or type its interfaces.

One field per interface of :data:`checks.interfaces.INTERFACES` (the engine's list), the Auth
Service mode, and what the form reads back as a :class:`~checks.inventory.Cluster`. Picking a
cluster fills the fields; a password or token in an inventory URL is never on screen, and a field
left as shown still means the inventory's own value.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Select

from checks.interfaces import INTERFACES
from checks.inventory import AUTH_MODES, UNDECLARED, Cluster, Inventory
from checks.redact import keyring_redactor

#: The choice that means "the interfaces typed below, no inventory cluster".
TYPED = "__typed__"


class ClusterForm(Vertical):
    """Reads back with :meth:`cluster`; Enter in a field bubbles up as ``Input.Submitted``."""

    def __init__(self, inventory: Inventory, chosen: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.inventory = inventory
        self.chosen = chosen  # an inventory cluster to select (the fleet view opens one)
        self._shown: dict[str, tuple[str, str]] = {}  # field → (shown, the inventory's real value)

    def compose(self) -> ComposeResult:
        yield Label("Cluster", classes="section-title")
        choices = [(c.name, c.name) for c in self.inventory.clusters] + [("typed below", TYPED)]
        chosen = self.chosen if any(v == self.chosen for _, v in choices) else choices[0][1]
        yield Select(choices, value=chosen, allow_blank=False, id="cluster", compact=True)
        for i in INTERFACES:
            yield Label(i.field_label, classes="input-label")
            # The placeholder shows the shape to type, not the label again.
            yield Input(placeholder=("https://… as Partner Hub shows it" if i.is_url else
                                     "host:port as Partner Hub shows it"),
                        id=f"c-{i.key}", tooltip=i.field_label, compact=True)
        yield Label("Auth Service mode", classes="input-label")
        # "not declared": xsp.mtls then reports what the Auth Service does and asks (no mode assumed).
        yield Select([("not declared", UNDECLARED), *((m, m) for m in AUTH_MODES)], value=UNDECLARED,
                     allow_blank=False, id="c-auth_mode", tooltip="Auth Service mode", compact=True)

    def on_mount(self) -> None:
        self._fill()

    @on(Select.Changed, "#cluster")
    def _picked(self, event: Select.Changed) -> None:
        event.stop()  # the form's own business
        self._fill()

    def _picked_cluster(self) -> Cluster | None:
        chosen = self.query_one("#cluster", Select).value
        return next((c for c in self.inventory.clusters if c.name == chosen), None)

    def _fill(self) -> None:
        cluster = self._picked_cluster()
        redactor = keyring_redactor()
        self._shown = {}
        for i in INTERFACES:
            real = getattr(cluster, i.key) if cluster else ""
            shown = redactor.redact_text(real) if real else real
            self._shown[i.key] = (shown, real)
            self.query_one(f"#c-{i.key}", Input).value = shown
        if cluster:
            self.query_one("#c-auth_mode", Select).value = cluster.auth_mode

    def cluster(self) -> Cluster | None:
        """The cluster as the form stands (None when no interface is given)."""
        base = self._picked_cluster()
        typed = {i.key: self.query_one(f"#c-{i.key}", Input).value.strip() for i in INTERFACES}
        typed = {key: (self._shown[key][1] if key in self._shown and value == self._shown[key][0].strip() else value)
                 for key, value in typed.items()}
        if not any(typed.values()):
            return None
        mode = str(self.query_one("#c-auth_mode", Select).value)
        if base:
            return Cluster(**(base.to_dict() | typed | {"auth_mode": mode, "nodes": base.nodes}))
        return Cluster(name="typed", auth_mode=mode, **typed)
