"""Check discovery through the ``wxtriage.checks`` entry-point group.

Built-in checks are registered in ``pyproject.toml`` exactly like third-party plugins,
so there is one path for both. A plugin that fails to import becomes a
:class:`LoadFailure`, which the runner reports as an ``error`` result.

Discovery only lists the entry points (their names are the check ids); a check's module is
imported when the check is asked for — selected by id, listed with its details, or run. What
needs every check (the ``run`` flags, a selection by area, ``wxtriage checks``) imports them all,
once.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Iterable, Sequence

from .api import AREAS, Check, CheckOption, add_areas, areas_from
from .catalog import load_catalog
from .catalog.schema import AREAS_SCHEMA

GROUP = "wxtriage.checks"
#: ``"acme" = "my_plugin:areas"``: the package and name of a plugin's ``areas.toml``.
AREA_GROUP = "wxtriage.areas"


class UnknownCheckError(ValueError):
    """A check id or area that does not exist; the message lists the known ones."""


@dataclass(frozen=True)
class LoadFailure:
    name: str
    target: str
    message: str


class Registry:
    def __init__(self, checks: Iterable[type[Check]] = (), failures: Iterable[LoadFailure] = ()):
        self._checks: dict[str, type[Check]] = {}
        self._failures: list[LoadFailure] = list(failures)
        self._pending: dict[str, EntryPoint] = {}  # listed, not imported yet
        for c in checks:
            self.add(c)

    def add(self, check: type[Check]) -> None:
        if check.area not in AREAS:
            self._failures.append(LoadFailure(check.id, f"{check.__module__}:{check.__qualname__}",
                                              f"unknown area {check.area!r}; known: {', '.join(AREAS)}"))
            return
        self._checks[check.id] = check

    @classmethod
    def discover(cls, eps: Iterable[EntryPoint] | None = None,
                 area_eps: Iterable[EntryPoint] | None = None) -> "Registry":
        """The installed checks, listed without importing any of them, after the plugins' own
        areas (``wxtriage.areas``: data only, so reading them costs a TOML file each)."""
        reg = cls()
        for ep in (entry_points(group=AREA_GROUP) if area_eps is None else area_eps):
            try:
                add_areas(areas_from(load_catalog(ep.module, ep.attr or "areas", schema=AREAS_SCHEMA)))
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the console
                reg._failures.append(LoadFailure(ep.name, ep.value, f"its areas: {type(exc).__name__}: {exc}"))
        for ep in (entry_points(group=GROUP) if eps is None else eps):
            reg._pending[ep.name] = ep
        return reg

    # -- importing on demand ---------------------------------------------------------------
    def _load(self, name: str) -> None:
        ep = self._pending.pop(name, None)
        if ep is None:
            return
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the console
            self._failures.append(LoadFailure(ep.name, ep.value, f"{type(exc).__name__}: {exc}"))
            return
        if not (isinstance(obj, type) and issubclass(obj, Check)):
            self._failures.append(LoadFailure(ep.name, ep.value, "entry point is not a Check subclass"))
            return
        self.add(obj)

    def _load_all(self) -> None:
        for name in list(self._pending):
            self._load(name)

    def ids(self) -> list[str]:
        """Every check id known so far — imported or only listed — without importing anything."""
        return sorted({*self._checks, *self._pending})

    def is_loaded(self, check_id: str) -> bool:
        return check_id in self._checks

    def get(self, check_id: str) -> type[Check] | None:
        """One check, imported if needed (None when it does not exist or failed to load)."""
        self._load(check_id)
        return self._checks.get(check_id)

    @property
    def checks(self) -> dict[str, type[Check]]:
        """Every check by id (imports all of them)."""
        self._load_all()
        return self._checks

    @property
    def failures(self) -> list[LoadFailure]:
        """Every check that failed to load (imports all of them)."""
        self._load_all()
        return self._failures

    # -- queries ---------------------------------------------------------------------------
    @staticmethod
    def _order(checks: Iterable[type[Check]]) -> list[type[Check]]:
        return sorted(checks, key=lambda c: (list(AREAS).index(c.area), c.id))

    def all(self) -> list[type[Check]]:
        return self._order(self.checks.values())

    def select(self, ids: Sequence[str] = (), areas: Sequence[str] = ()) -> list[type[Check]]:
        """Checks matching any given id or area; all checks when neither is given. Selecting by
        id alone imports only those checks."""
        unknown_areas = [a for a in areas if a not in AREAS]
        if unknown_areas:
            raise UnknownCheckError(f"unknown area {', '.join(unknown_areas)}; known areas: {', '.join(AREAS)}")
        if ids and not areas:
            for i in ids:
                self._load(i)
        else:
            self._load_all()
        failed = {f.name for f in self._failures}
        unknown_ids = [i for i in ids if i not in self._checks and i not in failed]
        if unknown_ids:
            known = ", ".join(sorted(self.checks)) or "(none)"
            raise UnknownCheckError(f"unknown check {', '.join(unknown_ids)}; known checks: {known}")
        if not ids and not areas:
            return self.all()
        return self._order(c for c in self._checks.values() if c.id in ids or c.area in areas)

    def failures_for(self, ids: Sequence[str] = (), areas: Sequence[str] = ()) -> list[LoadFailure]:
        """Load failures to report for a selection (all of them unless ids narrow it)."""
        if ids and not areas:
            for i in ids:
                self._load(i)
            return [f for f in self._failures if f.name in ids]
        return list(self.failures)

    def options(self) -> list[CheckOption]:
        """Every option any check declares, once each, in first-seen order (imports all checks)."""
        seen: dict[str, CheckOption] = {}
        for c in self.all():
            for o in c.options:
                seen.setdefault(o.name, o)
        return list(seen.values())
