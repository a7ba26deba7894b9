"""Check discovery through the ``wxtriage.checks`` entry-point group.

Built-in checks are registered in ``pyproject.toml`` exactly like third-party plugins,
so there is one path for both. A plugin that fails to import becomes a
:class:`LoadFailure`, which the runner reports as an ``error`` result.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Iterable, Sequence

from .api import AREAS, Check, CheckOption

GROUP = "wxtriage.checks"


class UnknownCheckError(ValueError):
    """A check id or area that does not exist; the message lists the known ones."""


@dataclass(frozen=True)
class LoadFailure:
    name: str
    target: str
    message: str


class Registry:
    def __init__(self, checks: Iterable[type[Check]] = (), failures: Iterable[LoadFailure] = ()):
        self.checks: dict[str, type[Check]] = {}
        self.failures: list[LoadFailure] = list(failures)
        for c in checks:
            self.add(c)

    def add(self, check: type[Check]) -> None:
        if check.area not in AREAS:
            self.failures.append(LoadFailure(check.id, f"{check.__module__}:{check.__qualname__}",
                                             f"unknown area {check.area!r}; known: {', '.join(AREAS)}"))
            return
        self.checks[check.id] = check

    @classmethod
    def discover(cls, eps: Iterable[EntryPoint] | None = None) -> "Registry":
        reg = cls()
        for ep in (entry_points(group=GROUP) if eps is None else eps):
            try:
                obj = ep.load()
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the console
                reg.failures.append(LoadFailure(ep.name, ep.value, f"{type(exc).__name__}: {exc}"))
                continue
            if not (isinstance(obj, type) and issubclass(obj, Check)):
                reg.failures.append(LoadFailure(ep.name, ep.value, "entry point is not a Check subclass"))
                continue
            reg.add(obj)
        return reg

    def all(self) -> list[type[Check]]:
        return sorted(self.checks.values(), key=lambda c: (list(AREAS).index(c.area), c.id))

    def select(self, ids: Sequence[str] = (), areas: Sequence[str] = ()) -> list[type[Check]]:
        """Checks matching any given id or area; all checks when neither is given."""
        unknown_areas = [a for a in areas if a not in AREAS]
        if unknown_areas:
            raise UnknownCheckError(f"unknown area {', '.join(unknown_areas)}; known areas: {', '.join(AREAS)}")
        failed = {f.name for f in self.failures}
        unknown_ids = [i for i in ids if i not in self.checks and i not in failed]
        if unknown_ids:
            known = ", ".join(sorted(self.checks)) or "(none)"
            raise UnknownCheckError(f"unknown check {', '.join(unknown_ids)}; known checks: {known}")
        if not ids and not areas:
            return self.all()
        return [c for c in self.all() if c.id in ids or c.area in areas]

    def failures_for(self, ids: Sequence[str] = (), areas: Sequence[str] = ()) -> list[LoadFailure]:
        """Load failures to report for a selection (all of them unless ids narrow it)."""
        if ids and not areas:
            return [f for f in self.failures if f.name in ids]
        return list(self.failures)

    def options(self) -> list[CheckOption]:
        """Every option any check declares, once each, in first-seen order."""
        seen: dict[str, CheckOption] = {}
        for c in self.all():
            for o in c.options:
                seen.setdefault(o.name, o)
        return list(seen.values())
