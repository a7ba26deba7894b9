"""A conformance kit for checks: what every check — built-in or plugin — must do.

In the spirit of keyring's backend test base classes: subclass :class:`CheckConformance` in your
plugin's tests, name the check and where its finding codes are documented, give it a context
with real inputs, and pytest runs the contract::

    from checks import CheckContext
    from checks.testing import CheckConformance
    from my_plugin.checks import DndSyncCheck

    class TestDndSyncConformance(CheckConformance):
        check = DndSyncCheck
        catalogs = (("my_plugin", "rules"),)       # its [rules.<id>] catalog documents the codes

        def make_context(self) -> CheckContext:
            return CheckContext(options={"template_export": "tests/data/template.csv"})

The contract: the metadata is complete (a dotted id, a title, a description, a known area, a
timeout, needs that mean something), the options are well formed and parse as ``wxtriage run``
flags, ``run()`` never prints, every finding code it returns is documented, and a crash inside
``run()`` becomes an ``error`` result instead of an exception. The same functions
(:func:`metadata_problems`, :func:`option_problems`) are usable on their own.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import re
from pathlib import Path
from typing import ClassVar, Iterable, Sequence

from .api import AREAS, NEED_DESCRIPTIONS, Check, CheckContext, CheckOption, SkipCheck
from .catalog import load_catalog
from .model import CheckResult, Finding, Status
from .options import KINDS, RESERVED_FLAGS, add_arguments
from .runner import run_one

__all__ = ["CheckConformance", "metadata_problems", "option_problems", "documented_codes", "undocumented",
           "run_quietly"]

_ID = re.compile(r"^[a-z][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)+$")
_OPTION = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_DOC_CODE = re.compile(r"`([a-z0-9_-]+(?:\.[a-z0-9_{}-]+)+)`")


def metadata_problems(check: type[Check]) -> list[str]:
    """What is missing or malformed in a check's class attributes (empty when complete)."""
    out: list[str] = []
    cid = getattr(check, "id", None)
    if not isinstance(cid, str) or not _ID.match(cid):
        out.append(f"id {cid!r}: a stable dotted lower-case id such as 'acme.dnd_sync'")
    for attr in ("title", "description"):
        value = getattr(check, attr, None)
        if not isinstance(value, str) or not value.strip():
            out.append(f"{attr}: a non-empty text")
    if getattr(check, "area", None) not in AREAS:
        out.append(f"area {getattr(check, 'area', None)!r}: one of {', '.join(AREAS)}")
    timeout = getattr(check, "timeout_s", None)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not timeout > 0:
        out.append(f"timeout_s {timeout!r}: a positive number of seconds")
    options = getattr(check, "options", ())
    if not isinstance(options, tuple) or not all(isinstance(o, CheckOption) for o in options):
        out.append("options: a tuple of CheckOption")
        options = ()
    dests = {o.dest for o in options}
    for need in getattr(check, "needs", ()):
        if need not in NEED_DESCRIPTIONS and need not in dests:
            out.append(f"needs {need!r}: 'cluster', 'case' or the dest of one of the check's options")
    names = {o.name for o in options}
    for step in getattr(check, "guided_steps", ()):
        if step.option not in names:
            out.append(f"guided step {step.id!r}: option {step.option!r} is not one of the check's options")
    if getattr(check, "run", None) is Check.run:
        out.append("run(): not implemented")
    try:
        json.dumps(dict(check.describe()))
    except (TypeError, ValueError, AttributeError) as exc:
        out.append(f"describe(): not JSON ({exc})")
    return out


def option_problems(check: type[Check]) -> list[str]:
    """What is wrong with a check's options: names, kinds, ``requires``, and whether they parse as
    ``wxtriage run`` flags (empty when all is well)."""
    out: list[str] = []
    options: Sequence[CheckOption] = getattr(check, "options", ())
    seen: set[str] = set()
    for o in options:
        if not _OPTION.match(o.name):
            out.append(f"--{o.name}: names are lower-case words joined by '-'")
        if o.name in seen:
            out.append(f"--{o.name}: declared twice")
        seen.add(o.name)
        if o.name in RESERVED_FLAGS:
            out.append(f"--{o.name}: `wxtriage run` has a flag of that name already")
        if o.kind not in KINDS:
            out.append(f"--{o.name}: kind {o.kind!r} is not one of {', '.join(KINDS)}")
        if o.choices is not None and (o.kind != "str" or not o.choices):
            out.append(f"--{o.name}: choices need kind 'str' and at least one value")
        if o.kind == "flag" and o.multiple:
            out.append(f"--{o.name}: a flag cannot be multiple")
        if o.requires is not None and o.requires not in {p.name for p in options}:
            out.append(f"--{o.name}: requires --{o.requires}, which the check does not declare")
        if not o.help.strip():
            out.append(f"--{o.name}: no help text")
        if o.validate is not None and not callable(o.validate):
            out.append(f"--{o.name}: validate is not callable")
    if out:
        return out
    parser = argparse.ArgumentParser(prog="wxtriage run", add_help=False, exit_on_error=False)
    add_arguments(parser, options)
    argv: list[str] = []
    for o in options:
        value = o.choices[0] if o.choices else "value"
        argv += [f"--{o.name}"] if o.kind == "flag" else [f"--{o.name}", value] * (2 if o.multiple else 1)
    try:
        ns = parser.parse_args(argv)
    except (argparse.ArgumentError, SystemExit) as exc:
        return [f"the options do not parse as flags: {exc}"]
    for o in options:
        got = getattr(ns, o.dest, None)
        want = True if o.kind == "flag" else [o.choices[0] if o.choices else "value"] * 2 if o.multiple \
            else (o.choices[0] if o.choices else "value")
        if got != want:
            out.append(f"--{o.name}: parsed as {got!r}, expected {want!r}")
    return out


def documented_codes(catalogs: Iterable[tuple[str, str]] = (), docs: Iterable[Path] = ()) -> set[str]:
    """Finding codes the given rule catalogs (``(package, name)``) produce and the markdown files
    name in backticks. A family code such as ``bw.manual.{id}`` is kept as written."""
    codes: set[str] = set()
    for package, name in catalogs:
        codes |= {r["code"] for r in load_catalog(package, name)["rules"].values()}
    for path in docs:
        codes |= set(_DOC_CODE.findall(Path(path).read_text(encoding="utf-8")))
    return codes


def undocumented(findings: Iterable[Finding], codes: set[str]) -> list[str]:
    """The codes of ``findings`` that ``codes`` does not document (families match their prefix)."""
    families = [re.compile(re.escape(c).replace(r"\{", "{").split("{")[0] + r"[a-z0-9_.-]+$")
                for c in codes if "{" in c]
    return sorted({f.code for f in findings if f.code not in codes and not any(p.match(f.code) for p in families)})


def run_quietly(check: type[Check], ctx: CheckContext) -> tuple[CheckResult, str]:
    """Run ``check`` through the runner (timeout, crash handling, redaction) and return the result
    and whatever it wrote to stdout or stderr."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        result = asyncio.run(run_one(check, ctx))
    return result, out.getvalue()


class CheckConformance:
    """Subclass as ``Test…`` with ``check`` set; override :meth:`make_context` to give it inputs
    (by default it runs with an empty context, where most checks skip with a reason)."""

    check: ClassVar[type[Check]]
    #: ``(package, name)`` of the rule catalogs that document the check's finding codes.
    catalogs: ClassVar[Sequence[tuple[str, str]]] = ()
    #: Markdown files that document codes in backticks (e.g. docs/findings.md).
    docs: ClassVar[Sequence[Path]] = ()

    def make_context(self) -> CheckContext:
        return CheckContext()

    def test_metadata_complete(self) -> None:
        problems = metadata_problems(self.check)
        assert not problems, "\n".join(problems)

    def test_options_parse(self) -> None:
        problems = option_problems(self.check)
        assert not problems, "\n".join(problems)

    def test_run_never_prints_and_codes_are_documented(self) -> None:
        result, printed = run_quietly(self.check, self.make_context())
        assert printed == "", f"{self.check.id} printed: {printed[:300]!r}"
        assert not (result.status is Status.ERROR and result.reason.split(":")[0].endswith(("Error", "Exception"))), (
            f"{self.check.id} crashed: {result.reason}")
        missing = undocumented(result.findings, documented_codes(self.catalogs, self.docs))
        assert not missing, f"{self.check.id} returned undocumented codes: {missing}"

    def test_crash_becomes_error_result(self) -> None:
        async def crash_run(_self: Check, ctx: CheckContext) -> list[Finding]:
            raise RuntimeError("conformance: crash inside run()")

        async def skip_run(_self: Check, ctx: CheckContext) -> list[Finding]:
            raise SkipCheck("conformance: cannot decide")

        ctx = self.make_context()
        crashing = type(self.check.__name__, (self.check,), {"run": crash_run, "applies": lambda s, c: None})
        result, _ = run_quietly(crashing, ctx)
        assert result.status is Status.ERROR and "conformance: crash inside run()" in result.reason, result
        assert result.check_id == self.check.id and result.area == self.check.area
        skipping = type(self.check.__name__, (self.check,), {"run": skip_run, "applies": lambda s, c: None})
        result, _ = run_quietly(skipping, ctx)
        assert result.status is Status.SKIP and result.reason == "conformance: cannot decide", result
