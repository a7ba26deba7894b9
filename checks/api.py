"""The plugin API: what a check declares and what it is handed when it runs."""
from __future__ import annotations

import re

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, Protocol

from .catalog import load_catalog
# The keyring itself is imported only when a check asks for a password (credentials.py).
from .credentials import KEYRING, CredentialsUnavailable
from .artifacts import Artifact
from .model import Finding

if TYPE_CHECKING:  # pragma: no cover
    import asyncio  # annotations only: importing asyncio costs ~60 ms at every CLI start
    from .case import Case
    from .redact import SecretsSnapshot
    from .fleet import ProbeLimits
    from .inventory import Cluster, Inventory
    from .probes import Prober
    from .probes.http import HttpClients
    from .redact import Redactor


__all__ = ["AREAS", "Area", "Check", "CheckContext", "CheckOption", "CredentialStore", "CredentialsUnavailable",
           "GuidedStep", "InputError", "NEED_DESCRIPTIONS", "NEED_SCREEN_WORDS", "PasswordPrompt", "ProgressCallback", "Services",
           "SkipCheck", "add_areas", "areas_from", "check_option_requirements", "in_words", "password_users"]


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    description: str
    guide: str = ""  # plain-language "what you need and what happens", for guided self-service


def areas_from(doc: Mapping[str, Any]) -> dict[str, Area]:
    """The areas of a loaded ``areas.toml`` (checked against ``AREAS_SCHEMA``), in file order."""
    return {k: Area(k, v["title"], v["description"], v.get("guide", "")) for k, v in doc["areas"].items()}


#: The product's checklists (``checks/catalog/areas.toml``). Every check belongs to exactly one; a
#: plugin may add its own (:func:`add_areas`, called by the registry for ``wxtriage.areas``).
AREAS: dict[str, Area] = areas_from(load_catalog("areas"))


def add_areas(areas: Mapping[str, Area]) -> None:
    """Add a plugin's areas after the built-in ones; an id that exists already raises ValueError
    (a plugin cannot redefine a built-in checklist)."""
    taken = [k for k, a in areas.items() if k in AREAS and AREAS[k] != a]  # the same again is fine
    if taken:
        raise ValueError(f"area {', '.join(taken)} exists already")
    AREAS.update(areas)


class SkipCheck(Exception):
    """Raise from ``run()`` when the check cannot decide; the message is the reason."""


class InputError(ValueError):
    """Bad input from the user (an unreadable paste or file): the message is one line that names
    the file and says what was expected. The CLI prints it and exits 2; the TUI shows it."""


@dataclass(frozen=True)
class CheckOption:
    """An input a check accepts. The CLI turns each into a ``--name`` flag of ``run``.

    ``kind`` is ``"str"``, ``"path"`` (a file that must exist), ``"location"`` (a file or a folder
    that must exist) or ``"flag"``.
    Several checks may declare the same option; the first declaration wins the help text.
    """

    name: str
    help: str
    kind: str = "str"
    multiple: bool = False
    metavar: str | None = None
    #: Optional ``validate(value)`` (for ``path`` options the value is the path): raises
    #: :class:`InputError` when the value or file is not what the option expects. The CLI calls it
    #: before any check runs, so bad input exits 2 instead of becoming a crashed check.
    validate: Callable[[str], Any] | None = field(default=None, compare=False, repr=False)
    #: For ``str`` options: the accepted values (the CLI enforces them; the TUI offers a drop-down).
    choices: tuple[str, ...] | None = None
    #: Words for people per choice (``{"xsp": "XSP"}``); a choice without one is shown as written.
    choice_labels: Mapping[str, str] | None = field(default=None, compare=False)
    #: What the TUI shows while the option is not given (its default, in words): a drop-down's prompt,
    #: an input's placeholder (else the help).
    unset_label: str = ""
    #: For ``multiple`` options typed as one line (the TUI): how to cut the line into values;
    #: ``None`` cuts at commas. An option whose values hold commas of their own (``--resolve
    #: HOST:PORT:ADDR1,ADDR2``) gives its own; it raises ``ValueError`` with the reason.
    split: Callable[[str], list[str]] | None = field(default=None, compare=False, repr=False)
    #: How the TUI labels that one line of values.
    list_hint: str = "comma-separated"
    #: Another option this one means nothing without (``--ask-password`` needs ``--test-user``):
    #: giving it alone is bad input, not something silently ignored.
    requires: str | None = None
    #: The option's name for people (the TUI's field label, and the words that replace ``--name``
    #: in a reason or message shown there); the CLI keeps its flag.
    label: str = ""
    #: The value names a user whose password the check will ask the credential store for: a
    #: front-end may ask for it before the run (:func:`password_users`) instead of mid-run.
    password_for: bool = False

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def human(self) -> str:
        """``label``, else the name in words (``probe-timeout`` → ``Probe timeout``)."""
        return self.label or self.name.replace("-", " ").capitalize()

    def choice_label(self, value: str) -> str:
        return (self.choice_labels or {}).get(value, value)

    @property
    def placeholder(self) -> str:
        """The value's name in ``--help`` and messages: ``metavar``, else one fitting ``kind``."""
        return self.metavar or {"path": "FILE", "location": "PATH"}.get(self.kind, "VALUE")


_FLAG_RE = re.compile(r"--([a-z][a-z0-9-]*)(?:[ =](?:[A-Z][A-Z0-9_:.]*\b|…))?")
_CLI_HINT_RE = re.compile(r"\s*with `wxtriage [^`]*` or ")


def in_words(text: str, options: Iterable[CheckOption]) -> str:
    """``text`` (a skip reason, an input error) for a screen rather than a command line: every
    ``--name [VALUE]`` of a known option becomes its label in quotes, and "with `wxtriage …` or"
    alternatives are dropped; a need (a cluster, a case) is said as a screen asks for it. Unknown
    flags stay as they are."""
    labels = {o.name: o.human for o in options}
    for need, cli_words in NEED_DESCRIPTIONS.items():
        if need in NEED_SCREEN_WORDS:
            text = text.replace(cli_words, NEED_SCREEN_WORDS[need])

    def flag(m: re.Match[str]) -> str:
        name = m.group(1)
        return f"“{labels[name]}”" if name in labels else m.group(0)

    return _FLAG_RE.sub(flag, _CLI_HINT_RE.sub(" ", text))


def check_option_requirements(options: Iterable[CheckOption], values: Mapping[str, Any]) -> None:
    """Raise :class:`InputError` when an option is given without the option it ``requires``
    (which need not be among ``options``: a form may draw only some of a check's options)."""
    by_name = {o.name: o for o in options}
    for o in by_name.values():
        if not o.requires or not values.get(o.dest):
            continue
        needed = by_name.get(o.requires) or CheckOption(o.requires, "")
        if not values.get(needed.dest):
            raise InputError(f"--{o.name} only works together with --{needed.name} {needed.placeholder}: "
                             f"add --{needed.name} or drop --{o.name}")


def password_users(checks: Iterable[type["Check"]], values: Mapping[str, Any]) -> list[str]:
    """The users whose passwords ``checks`` will ask for, given option ``values`` (by ``dest``):
    the values of their ``password_for`` options, in order, once each."""
    users: list[str] = []
    for check in checks:
        for o in check.options:
            if not o.password_for:
                continue
            given = values.get(o.dest)
            for user in given if isinstance(given, (list, tuple)) else [given]:
                if user and str(user) not in users:
                    users.append(str(user))
    return users


ProgressCallback = Callable[[str], None]


@dataclass(frozen=True)
class GuidedStep:
    """Something a check cannot read remotely: the admin runs ``command`` and pastes its output.

    The TUI renders one paste box per step, stores the paste as a file, sets the check option
    ``option`` to it (appending for ``multiple`` options) and re-runs the check.
    """

    id: str
    label: str
    command: str
    option: str
    help: str = ""
    multiple: bool = False


class PasswordPrompt(Protocol):
    """Asks a person for ``user``'s password (a terminal prompt, the TUI's dialog); may raise
    ValueError with a one-line reason when nobody can answer."""

    def __call__(self, user: str) -> str: ...


class CredentialStore(Protocol):
    """Where a check gets a test user's password: memory, then the keyring, then ``prompt``.
    ``get_password`` raises :class:`CredentialsUnavailable` when the keyring is unusable and no
    prompt is given; ``terminal_prompt`` is the prompt of ``--ask-password``."""

    def get_password(self, user: str, prompt: PasswordPrompt | None = None) -> str | None: ...

    def terminal_prompt(self, user: str) -> str: ...


def utc_now() -> _dt.datetime:
    """The engine's default clock: now, in UTC."""
    return _dt.datetime.now(_dt.timezone.utc)


@dataclass
class Services:
    """What the engine lends the checks of one run. Typed and injectable (tests pass loopback
    peers and fakes); one object per run, shared by its checks — the runner gives each check its
    own context but the same ``Services``, so the first network check's prober serves the others
    and each node is probed once."""

    #: The run's prober (``checks.probes.prober_for`` installs one when none was injected).
    prober: "Prober | None" = None
    #: Where every HTTP client of the run comes from (:meth:`http_clients`): verified TLS only, the
    #: run's trust store, no proxy from the environment. Tests inject one trusting their loopback CA.
    http: "HttpClients | None" = None
    #: The run's "now" (certificate expiry, result times). Tests inject a fixed one.
    clock: Callable[[], _dt.datetime] = utc_now
    #: A fleet scan's shared bound on probes in flight (``checks.fleet``).
    probe_limits: "ProbeLimits | None" = None
    #: How to ask for a password when none is stored (the TUI injects its dialog).
    password_prompt: PasswordPrompt | None = None
    credentials: CredentialStore = field(default_factory=lambda: KEYRING)
    #: The stored passwords, read once for the run (:meth:`known_secrets`); tests inject their own.
    secrets: "SecretsSnapshot | None" = None

    def http_clients(self) -> "HttpClients":
        """The run's :class:`~checks.probes.http.HttpClients`: injected, else one trusting the
        system's store, made on first use and then shared by the run's checks."""
        if self.http is None:
            from .probes.http import HttpClients

            self.http = HttpClients()
        return self.http

    def known_secrets(self) -> "SecretsSnapshot":
        """The run's :class:`~checks.redact.SecretsSnapshot`: read on first use, then the same one
        for every result of the run (the runner's redactor is taught it once)."""
        if self.secrets is None:
            from .redact import current_secrets

            self.secrets = current_secrets()
        return self.secrets

    #: A redactor the caller keeps using after the run: a check that redacts its own evidence with
    #: it (``har.analyze``) gives the redacted copies written later (``--redact-out``, the TUI's
    #: copy) the same placeholders as the findings, and the leak scan every value it removed.
    redactor: "Redactor | None" = None


@dataclass
class CheckContext:
    """Everything a check may use. All fields are injectable so tests pass fakes or loopback peers.

    ``options`` holds the values of declared :class:`CheckOption` s by their ``dest``
    name (lists for ``multiple`` options). ``services`` holds what the engine lends the run's
    checks (prober, credential store, password prompt; see :class:`Services`).
    """

    case: "Case | None" = None
    cluster: "Cluster | None" = None
    inventory: "Inventory | None" = None
    options: dict[str, Any] = field(default_factory=dict)
    services: Services = field(default_factory=Services)
    progress_cb: ProgressCallback | None = None
    cancel_event: asyncio.Event | None = None
    #: What the check built for the front-ends besides its findings (:meth:`add_artifact`); the
    #: runner gives each check its own list and puts it on the result.
    artifacts: list[Artifact] = field(default_factory=list)

    @property
    def clock(self) -> Callable[[], _dt.datetime]:
        """The run's clock (``services.clock``): checks ask it for "now" instead of the system."""
        return self.services.clock

    def option(self, name: str, default: Any = None) -> Any:
        value = self.options.get(name.replace("-", "_"))
        if value is None or value == [] or value == ():
            return default
        return value

    def has(self, need: str) -> bool:
        """Whether an input named in a check's ``needs`` is present."""
        if need == "cluster":
            return self.cluster is not None
        if need == "case":
            return self.case is not None
        return self.option(need) not in (None, False)

    def add_artifact(self, artifact: Artifact) -> None:
        """Hand the front-ends a typed view (a probe matrix, a log summary …; see
        :mod:`checks.artifacts`). Kept when the check completes; a crash or skip drops it."""
        self.artifacts.append(artifact)

    def progress(self, message: str) -> None:
        if self.progress_cb is not None:
            self.progress_cb(message)

    @property
    def cancelled(self) -> bool:
        return self.cancel_event is not None and self.cancel_event.is_set()


#: What ``needs`` entries mean, in words a user understands (for skip reasons).
NEED_DESCRIPTIONS: dict[str, str] = {
    "cluster": "a cluster (--inventory FILE --cluster NAME, or the interface URLs such as --xsi-actions)",
    "case": "a case (--case ID)",
}
#: The same needs in a screen's words (a screen has a cluster form and a case, not flags):
#: :func:`in_words` puts them in place of :data:`NEED_DESCRIPTIONS`' command-line wording.
NEED_SCREEN_WORDS: dict[str, str] = {
    "cluster": "a cluster (pick one from the inventory in the cluster form, or type its interface URLs there)",
    "case": "a case (open one from the home screen, or start a new one)",
}


class Check:
    """Base class for checks. Subclasses set the metadata and implement :meth:`run`.

    A check never prints and never builds its own HTTP client or TLS settings: it asks
    the context. It returns findings; an empty list means everything it looked at is fine.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    area: ClassVar[str]
    description: ClassVar[str] = ""
    needs: ClassVar[tuple[str, ...]] = ()
    timeout_s: ClassVar[float] = 30.0
    options: ClassVar[tuple[CheckOption, ...]] = ()
    #: Paste steps for evidence only an admin can produce (see :class:`GuidedStep`).
    guided_steps: ClassVar[tuple[GuidedStep, ...]] = ()

    def applies(self, ctx: CheckContext) -> str | None:
        """Return ``None`` when the check can run, else the reason it is skipped."""
        missing = [n for n in self.needs if not ctx.has(n)]
        if missing:
            wanted = "; ".join(NEED_DESCRIPTIONS.get(n, f"--{n.replace('_', '-')}") for n in missing)
            return f"needs {wanted}"
        return None

    async def run(self, ctx: CheckContext) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def describe(cls) -> Mapping[str, Any]:
        return {"id": cls.id, "area": cls.area, "title": cls.title, "description": cls.description,
                "needs": list(cls.needs), "timeout_s": cls.timeout_s,
                "options": [o.name for o in cls.options]}
