"""Every catalog file has a declared shape, checked when it is loaded (issue 10, item 4).

One shared test for all finding catalogs (it replaced a copy per check): every rule has a known
source, one of the four severities, only declared placeholders and a code documented in
docs/findings.md — which is itself generated from the catalogs, and must not be stale. The schema
is exercised with broken catalogs of a throw-away plugin package (unknown key, bad severity,
unknown source tag, undeclared placeholder), and rendering a rule without a value it needs fails.
"""
from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from checks.catalog import CatalogError, load_catalog
from checks.catalog.docs import OUTPUT, TEMPLATE, render
from checks.catalog.schema import BUILTIN, RULES_ONLY, SEVERITIES, CatalogSchema, MapOf, Table, rule_placeholders
from checks.findings import make_finding, render_partial
from checks.sources import parse_source

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "checks" / "catalog"
NAMES = sorted(p.stem for p in CATALOG.glob("*.toml"))
FINDING_CATALOGS = [n for n in NAMES if BUILTIN[n].finding_catalog]
DOC = OUTPUT.read_text(encoding="utf-8")


def _rules() -> list[tuple[str, str, dict[str, Any]]]:
    return [(name, rid, rule) for name in FINDING_CATALOGS for rid, rule in load_catalog(name)["rules"].items()]


def test_every_catalog_file_has_a_schema_and_every_schema_a_file() -> None:
    assert set(NAMES) == set(BUILTIN)
    assert len(FINDING_CATALOGS) >= 6


@pytest.mark.parametrize("name", NAMES)
def test_catalog_matches_its_schema(name: str) -> None:
    doc = load_catalog(name)
    assert doc, name


@pytest.mark.parametrize("name, rid, rule", _rules(), ids=lambda v: v if isinstance(v, str) else "")
def test_rule_has_source_severity_and_documented_code(name: str, rid: str, rule: dict[str, Any]) -> None:
    assert parse_source(rule["source"]), rid          # raises on an unknown tag; citations: test_sources.py
    assert rule["severity"] in SEVERITIES
    assert rule_placeholders(rule) <= set(load_catalog(name)["placeholders"])
    if rule["code"] == "bw.manual.{id}":
        codes = [f"bw.manual.{m['id']}" for f in load_catalog("patches")["features"].values()
                 for m in f.get("manual", ())]
        assert codes
    else:
        codes = [rule["code"]]
    for code in codes:
        assert f"| `{code}` | {rule['severity']} |" in DOC, f"{code} missing from docs/findings.md"


def test_findings_doc_is_generated_and_not_stale() -> None:
    assert render(TEMPLATE.read_text(encoding="utf-8")) == DOC, (
        "docs/findings.md is stale: run `python -m checks.catalog.docs`")
    assert "<!-- findings:" not in DOC


def test_docs_script_check_mode(capsys: pytest.CaptureFixture[str]) -> None:
    from checks.catalog import docs

    assert docs.main(["--check"]) == 0


# ------------------------------------------------------------------ a plugin's own catalogs
GOOD = """
placeholders = ["host"]

[rules.down]
code = "demo.host.down"
severity = "error"
title = "{host} is down"
detail = "Nothing answers on {host}."
remediation = "Start it."
steps = ["Log in to {host}.", "Start the service."]
source = "inf"
"""


@pytest.fixture()
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A throw-away importable package; ``write(name, text)`` adds ``<name>.toml`` to it."""
    pkg = tmp_path / "wxt_demo_plugin"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    sys.modules.pop("wxt_demo_plugin", None)

    def write(name: str, text: str) -> str:
        (pkg / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
        return "wxt_demo_plugin"

    yield write
    sys.modules.pop("wxt_demo_plugin", None)


def test_plugin_catalog_loads_and_renders(plugin) -> None:
    cat = load_catalog(plugin("good", GOOD), "good")
    f = make_finding(cat["rules"]["down"], host="pbx.example.com")
    assert f.title == "pbx.example.com is down" and f.remediation.steps[0] == "Log in to pbx.example.com."


@pytest.mark.parametrize("change, message", [
    (('severity = "error"', 'severity = "fatal"'), "severity 'fatal' is not one of"),
    (('severity = "error"', 'severity = "error"\nsevrity = "error"'), "unknown key 'sevrity'"),
    (('source = "inf"', 'source = "S9 §1"'), "no seed S9"),
    (('source = "inf"', 'source = "pub:nowhere"'), "names its document"),
    (('source = "inf"', 'source = "vendor"'), "expected S0..S4"),
    (('title = "{host} is down"', 'title = "{host} is down on {port}"'), "{port} not in the catalog's `placeholders`"),
    (('steps = ["Log in to {host}.", "Start the service."]', 'steps = ["Log in to {host"]'), "bad placeholder syntax"),
    (('remediation = "Start it."\n', ''), "missing key 'remediation'"),
    (('steps = ["Log in to {host}.", "Start the service."]', 'steps = "Log in"'), "steps: expected a list, got str"),
    (('placeholders = ["host"]', 'placeholders = ["host"]\n[other]\nx = 1'), "unknown key 'other'"),
])
def test_plugin_catalog_errors_name_the_file_and_the_problem(plugin, change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    pkg = plugin("broken", GOOD.replace(old, new))
    with pytest.raises(CatalogError) as e:
        load_catalog(pkg, "broken")
    assert "wxt_demo_plugin/broken.toml" in str(e.value) and message in str(e.value), str(e.value)


def test_plugin_catalog_with_its_own_schema(plugin) -> None:
    schema = CatalogSchema(sections={"limits": MapOf(Table({"max": int}, frozenset({"max"})))})
    pkg = plugin("limits", GOOD + '\n[limits.a]\nmax = 3\n')
    assert load_catalog(pkg, "limits", schema=schema)["limits"]["a"]["max"] == 3
    with pytest.raises(CatalogError, match="unknown key 'limits'"):
        load_catalog(pkg, "limits", schema=RULES_ONLY)
    pkg = plugin("limits2", GOOD + '\n[limits.a]\nmax = "3"\n')
    with pytest.raises(CatalogError, match=r"limits\.a\.max: expected int, got str"):
        load_catalog(pkg, "limits2", schema=schema)


def test_not_valid_toml_is_a_catalog_error(plugin) -> None:
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(plugin("bad", "[rules.x\n"), "bad")


# ------------------------------------------------------------------ rendering
@pytest.mark.parametrize("name, rid, rule", _rules(), ids=lambda v: v if isinstance(v, str) else "")
def test_rendering_without_a_value_fails_loudly(name: str, rid: str, rule: dict[str, Any]) -> None:
    needed = rule_placeholders(rule, ("title", "detail", "remediation", "steps", "short"))
    values = {n: f"<{n}>" for n in needed}
    f = make_finding(rule, **values)
    shown = " ".join([f.title, f.detail, f.remediation.summary, *f.remediation.steps, str(f.data.get("short", ""))])
    assert all(f"<{n}>" in shown for n in needed)
    for missing in needed:
        with pytest.raises(CatalogError, match=r"no value for .*\{" + missing + r"\}"):
            make_finding(rule, **{k: v for k, v in values.items() if k != missing})


def test_render_partial_keeps_unknown_placeholders() -> None:
    assert render_partial("{count} errors on {host}", host="a") == "{count} errors on a"
