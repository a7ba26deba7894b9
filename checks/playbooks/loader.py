"""Where playbooks come from: the built-in folder, plugin distributions (entry points) and
folders given by hand; each file parsed by :mod:`.schema`, the shared steps appended."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, Iterable

from .model import Playbook, PlaybookError, Step
from .schema import parse_playbook, parse_shared_steps

#: Entry-point group through which a plugin distribution ships playbooks: the entry point names a
#: package (or module) whose folder holds ``*.toml`` playbook files.
GROUP = "wxtriage.playbooks"
#: Fragments (file names starting with ``_``) hold steps shared by every playbook.
ESCALATE_FRAGMENT = "_before_escalate"


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlaybookError(f"{origin}: not valid TOML: {exc}") from None


def _shared_steps(folder: Any, origin: str) -> list[Step]:
    return parse_shared_steps(_read_toml(folder.joinpath(f"{ESCALATE_FRAGMENT}.toml").read_text(encoding="utf-8"),
                                         origin), origin)


def _files(folder: Any) -> list[Any]:
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml") and not f.name.startswith("_")),
                  key=lambda f: f.name)


def load_folder(folder: Any, shared: Iterable[Step] | None = None, label: str = "") -> list[Playbook]:
    """Every playbook of a folder (a :class:`pathlib.Path` or an importlib resource folder)."""
    if shared is None:
        shared = _shared_steps(resources.files(__package__), "checks/playbooks/_before_escalate.toml")
    shared = list(shared)
    out = []
    for f in _files(folder):
        origin = f"{label or folder}/{f.name}"
        out.append(parse_playbook(_read_toml(f.read_text(encoding="utf-8"), origin), origin, shared))
    return out


@dataclass
class PlaybookSet:
    """The loaded playbooks (built-in and from plugins) and the plugins that failed to load."""

    playbooks: dict[str, Playbook] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def all(self) -> list[Playbook]:
        return list(self.playbooks.values())

    def get(self, playbook_id: str) -> Playbook:
        try:
            return self.playbooks[playbook_id]
        except KeyError:
            raise PlaybookError(f"no playbook {playbook_id!r}; known: {', '.join(self.playbooks)}") from None

    def add(self, books: Iterable[Playbook]) -> None:
        for b in books:
            if b.id in self.playbooks:
                self.failures.append(f"{b.origin}: id {b.id!r} is already used by {self.playbooks[b.id].origin}")
                continue
            self.playbooks[b.id] = b


def load_playbooks(extra_folders: Iterable[Path] = (), eps: Iterable[EntryPoint] | None = None) -> PlaybookSet:
    """The built-in playbooks (a malformed one raises :class:`PlaybookError`: that is our bug, and
    a test catches it) plus those of plugins (a malformed plugin playbook is reported in
    ``failures`` and left out, like a plugin check that fails to import)."""
    here = resources.files(__package__)
    shared = _shared_steps(here, "checks/playbooks/_before_escalate.toml")
    result = PlaybookSet()
    result.add(load_folder(here, shared, label="checks/playbooks"))
    for ep in (entry_points(group=GROUP) if eps is None else eps):
        try:
            result.add(load_folder(resources.files(ep.module), shared, label=ep.value))
        except (PlaybookError, ImportError, OSError, TypeError) as exc:
            result.failures.append(f"playbook plugin {ep.name}: {exc}")
    for folder in extra_folders:
        try:
            result.add(load_folder(Path(folder), shared))
        except (PlaybookError, OSError) as exc:
            result.failures.append(str(exc))
    return result
