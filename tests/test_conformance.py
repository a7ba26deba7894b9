"""The conformance kit (checks.testing) over every built-in check, with real inputs (issue 10,
item 2): the files of tests/data and examples/, a generated user CSV, and a cluster whose
interfaces point at a closed port on 127.0.0.1 (so the network checks run and find a refusal).
The kit's own failure modes are tested on deliberately broken checks."""
from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest

from checks.api import AREAS, Check, CheckContext, CheckOption
from checks.inventory import Cluster
from checks.model import Finding, Remediation, Severity
from checks.options import RESERVED_FLAGS
from checks.registry import Registry
from checks.testing import (CheckConformance, documented_codes, metadata_problems, option_problems, run_quietly,
                            undocumented)
from tests.tls_servers import ServerSpec, TlsServer, self_signed
from tests.user_csv_fixtures import controlhub_rows, csv_text

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "bw"
DOCS = (REPO / "docs" / "findings.md",)


def _closed_port() -> int:
    with socket.socket() as s:  # bound, never listening: connections are refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: A real TLS peer for the network checks (self-signed, as an XSP is before it is secured).
SERVER: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def xsp_node():
    cert, key = self_signed("127.0.0.1")
    with TlsServer(ServerSpec(chain_pems=[cert], key_pem=key), "127.0.0.1") as srv:
        SERVER["port"] = srv.port
        yield srv
    SERVER.clear()


def _users_csv() -> str:
    path = Path(tempfile.mkdtemp(prefix="wxt-conf-")) / "users.csv"
    path.write_text(csv_text(controlhub_rows()), encoding="utf-8")
    return str(path)


BW = {"patches": [str(DATA / "r23_as_listpatch.txt"), str(DATA / "r23_xsp_detail_crlf.txt")],
      "features": str(DATA / "r23_features.txt"), "device_type": str(DATA / "device_type_rpi_false.txt"),
      "config_wxt": str(DATA / "config-wxt-downloaded.xml")}


def _context(check_id: str) -> CheckContext:
    if check_id == "xsp.urls":
        return CheckContext(cluster=Cluster("bad", xsi_actions="http://xsp.example.com/foo", cti="xsp.example.com",
                                            dms="ftp://dms.example.com/", customers=60))
    if check_id in ("cluster.connectivity", "xsp.tls", "xsp.mtls"):
        # One interface on the TLS peer, CTI on a closed port: handshakes, certificates and a refusal.
        port = SERVER["port"]
        return CheckContext(cluster=Cluster("lo", xsi_actions=f"https://127.0.0.1:{port}/com.broadsoft.xsi-actions/v2.0/",
                                            cti=f"127.0.0.1:{_closed_port()}"), options={"probe_timeout": "2"})
    if check_id.startswith("bw."):
        return CheckContext(options=dict(BW))
    if check_id == "client.logs":
        return CheckContext(options={"logs": str(REPO / "tests" / "fixtures" / "client_logs")})
    if check_id == "har.analyze":
        return CheckContext(options={"har": str(REPO / "examples" / "har" / "onboard-10991.har")})
    if check_id == "users.csv":
        return CheckContext(options={"users_csv": _users_csv()})
    raise AssertionError(f"no conformance context for {check_id}: add one")


BUILTIN = Registry.discover().all()


def test_every_builtin_check_gets_the_kit() -> None:
    assert len(BUILTIN) >= 10


# One conformance class per built-in check, exactly as a plugin author writes one.
for _check in BUILTIN:
    _name = "TestConformance_" + _check.id.replace(".", "_")
    globals()[_name] = type(_name, (CheckConformance,), {
        "check": _check, "docs": DOCS, "make_context": lambda self: _context(self.check.id)})


def test_the_contexts_make_the_checks_find_something() -> None:
    # Guard: a context that makes a check skip would test little beyond the metadata.
    for check in BUILTIN:
        result, printed = run_quietly(check, _context(check.id))
        assert result.findings and printed == "", (check.id, result.status, result.reason)


def test_reserved_flags_are_the_run_commands_own() -> None:
    from tui.cli import build_parser

    parser = build_parser("tui.cli.run_cmd")
    run = parser._subparsers._group_actions[0].choices["run"]  # type: ignore[union-attr]
    flags = {s[2:] for a in run._actions for s in a.option_strings if s.startswith("--")}
    assert flags - {o.name for o in Registry.discover().options()} == RESERVED_FLAGS


# ------------------------------------------------------------------ the kit catches what it should
class _Good(Check):
    id, title, area, description = "acme.good", "Good", "provisioning", "A well-behaved check."
    options = (CheckOption("template-export", "the export", kind="path"),
               CheckOption("mode", "how", choices=("a", "b")),
               CheckOption("strict", "be strict", kind="flag", requires="template-export"),
               CheckOption("site", "a site", multiple=True))

    async def run(self, ctx: CheckContext) -> list[Finding]:
        return [Finding(code="demo.host.down", severity=Severity.ERROR, title="down", detail="",
                        remediation=Remediation("start it"), source="inf")]


def test_a_good_check_passes() -> None:
    assert metadata_problems(_Good) == [] and option_problems(_Good) == []


@pytest.mark.parametrize("attrs, message", [
    ({"id": "Good"}, "id 'Good'"),
    ({"area": "nowhere"}, "area 'nowhere'"),
    ({"title": ""}, "title: a non-empty text"),
    ({"timeout_s": 0}, "timeout_s 0"),
    ({"needs": ("inventory-file",)}, "needs 'inventory-file'"),
    ({"run": Check.run}, "run(): not implemented"),
])
def test_metadata_problems(attrs: dict, message: str) -> None:
    bad = type("Bad", (_Good,), attrs)
    assert any(message in p for p in metadata_problems(bad)), metadata_problems(bad)


@pytest.mark.parametrize("option, message", [
    (CheckOption("Template", "x"), "lower-case words"),
    (CheckOption("json", "x"), "has a flag of that name"),
    (CheckOption("x", "x", kind="file"), "kind 'file'"),
    (CheckOption("x", "x", kind="path", choices=("a",)), "choices need kind 'str'"),
    (CheckOption("x", "x", kind="flag", multiple=True), "cannot be multiple"),
    (CheckOption("x", "x", requires="y"), "requires --y"),
    (CheckOption("x", " "), "no help text"),
    (CheckOption("template-export", "again"), "declared twice"),
])
def test_option_problems(option: CheckOption, message: str) -> None:
    bad = type("Bad", (_Good,), {"options": _Good.options + (option,)})
    assert any(message in p for p in option_problems(bad)), option_problems(bad)


def test_printing_and_undocumented_codes_are_caught() -> None:
    class Loud(_Good):
        async def run(self, ctx: CheckContext) -> list[Finding]:
            print("hello")
            return await super().run(ctx)

    result, printed = run_quietly(Loud, CheckContext())
    assert printed == "hello\n"
    assert undocumented(result.findings, documented_codes(docs=DOCS)) == ["demo.host.down"]
    assert undocumented(result.findings, {"demo.host.{what}"}) == []   # a family documents its members
    with pytest.raises(AssertionError, match="printed"):
        type("TestLoud", (CheckConformance,), {"check": Loud})().test_run_never_prints_and_codes_are_documented()
    with pytest.raises(AssertionError, match="undocumented codes"):
        type("TestGood", (CheckConformance,), {"check": _Good, "docs": DOCS})().test_run_never_prints_and_codes_are_documented()


def test_areas_known() -> None:
    assert {c.area for c in BUILTIN} <= set(AREAS)


# ------------------------------------------------------------------ a plugin's own area (data)
@pytest.fixture()
def area_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import importlib
    import sys

    pkg = tmp_path / "wxt_area_plugin"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "areas.toml").write_text('[areas.voicemail]\ntitle = "Voicemail"\n'
                                    'description = "Voicemail to e-mail and MWI."\nguide = "Give the user ID."\n',
                                    encoding="utf-8")
    (pkg / "checks.py").write_text(
        "from checks import Check\n"
        "class VmCheck(Check):\n"
        "    id, title, area, description = 'acme.vm', 'Voicemail', 'voicemail', 'Voicemail checks.'\n"
        "    async def run(self, ctx):\n        return []\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield "wxt_area_plugin"
    AREAS.pop("voicemail", None)
    for m in [m for m in sys.modules if m.startswith("wxt_area_plugin")]:
        sys.modules.pop(m)


def test_a_plugin_adds_an_area_as_data(area_plugin: str) -> None:
    from importlib.metadata import EntryPoint

    from checks.registry import AREA_GROUP, GROUP

    check = EntryPoint("acme.vm", f"{area_plugin}.checks:VmCheck", GROUP)
    # Without its areas file the check cannot load: its area is unknown.
    reg = Registry.discover([check], area_eps=[])
    assert reg.select(["acme.vm"]) == [] and "unknown area 'voicemail'" in reg.failures_for(["acme.vm"])[0].message
    reg = Registry.discover([check], area_eps=[EntryPoint("acme", f"{area_plugin}:areas", AREA_GROUP)])
    assert [c.id for c in reg.select(areas=["voicemail"])] == ["acme.vm"] and not reg.failures
    assert AREAS["voicemail"].title == "Voicemail" and list(AREAS)[-1] == "voicemail"
    assert metadata_problems(reg.get("acme.vm")) == []
    # Discovering again is harmless; redefining a built-in area is a load failure, not a crash.
    Registry.discover([check], area_eps=[EntryPoint("acme", f"{area_plugin}:areas", AREA_GROUP)])
    (Path(__import__(area_plugin).__file__).parent / "urls.toml").write_text(
        '[areas.urls]\ntitle = "Mine"\ndescription = "x"\n', encoding="utf-8")
    reg = Registry.discover([], area_eps=[EntryPoint("bad", f"{area_plugin}:urls", AREA_GROUP)])
    assert "area urls exists already" in reg.failures[0].message and AREAS["urls"].title != "Mine"
