"""The TUI (and the CLI under tui/) holds no domain rules: no string literal in tui/ is a finding
code or a check id. Codes come from every catalog's rules, ids from the registry; front-ends learn
both from the results and the registry at run time (issue 10, item 1)."""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from checks.registry import Registry

REPO = Path(__file__).resolve().parent.parent


def finding_codes() -> set[str]:
    codes: set[str] = set()
    for path in (REPO / "checks" / "catalog").glob("*.toml"):
        for rule in (tomllib.loads(path.read_text(encoding="utf-8")).get("rules") or {}).values():
            if isinstance(rule, dict) and "code" in rule:
                codes.add(rule["code"])
    return codes


def check_ids() -> set[str]:
    return set(Registry.discover().ids())


def domain_literals(source: str, words: set[str]) -> list[tuple[int, str]]:
    return [(n.lineno, n.value) for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in words]


def test_the_walk_finds_a_planted_literal() -> None:
    codes, ids = finding_codes(), check_ids()
    assert len(codes) > 100 and {"logs.summary", "tls.summary", "conn.dns.non_public_address"} <= codes
    assert {"client.logs", "har.analyze", "xsp.tls"} <= ids
    planted = 'if r.check_id == "xsp.tls" and f.code != "tls.summary":\n    x = f"{a}"\n'
    assert sorted(v for _, v in domain_literals(planted, codes | ids)) == ["tls.summary", "xsp.tls"]


def test_no_finding_code_or_check_id_is_written_in_tui() -> None:
    words = finding_codes() | check_ids()
    found = [f"{path.relative_to(REPO)}:{line}: {value!r}"
             for path in sorted((REPO / "tui").rglob("*.py"))
             for line, value in domain_literals(path.read_text(encoding="utf-8"), words)]
    assert not found, "\n".join(found)


async def test_the_command_palette_builds_its_run_entries_from_the_registry(tmp_path) -> None:
    """A check the palette was never told about (a plugin's) gets its "run:" entry by its title."""
    from checks.api import Check
    from tui.commands import WxTriageCommands
    from tui.demo import demo_app

    class PluginCheck(Check):
        id, title, area = "acme.thing", "Acme thing looks fine", "urls"

        async def run(self, ctx):
            return []

    app = demo_app(tmp_path / "ws")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.registry.add(PluginCheck)
        names = [name for name, _, _ in WxTriageCommands(app.screen)._commands()]
    assert "run: Acme thing looks fine" in names
    assert {f"run: {c.title}" for c in app.registry.all()} <= set(names)


#: The screens that draw check options and the option form: every option reaches them from the
#: registry (its name, label, kind, choices), so none is written in them.
OPTION_SCREENS = ("tui/screens/checks.py", "tui/screens/client_logs.py", "tui/screens/paste.py",
                  "tui/widgets/option_form.py")


def option_names() -> set[str]:
    options = Registry.discover().options()
    return {o.name for o in options} | {o.dest for o in options}


def test_no_option_name_is_written_in_the_option_screens() -> None:
    names = option_names()
    assert {"logs", "since", "until", "har", "xsp-platform", "probe_timeout"} <= names
    found = [f"{name}:{line}: {value!r}" for name in OPTION_SCREENS
             for line, value in domain_literals((REPO / name).read_text(encoding="utf-8"), names)]
    assert not found, "\n".join(found)
