"""The CLI end to end: exit codes, text, JSON, cases, bundles. Most run ``main(argv)`` in-process;
the first two start the installed console script (the smoke tests of the real process)."""
from __future__ import annotations

import json
import os
import zipfile

from checks.bundle import verify_bundle

from .helpers import wxtriage

MISSING_V2 = ["--xsi-actions", "https://xsp.example.com/com.broadsoft.xsi-actions/",
              "--xsi-events", "https://xsp.example.com/com.broadsoft.xsi-events/v2.0/",
              "--auth-service", "https://xsp.example.com/authService/v2.0/", "--cti", "xsp.example.com:8012"]
UUID = "1eb65fdf-9643-417f-9974-ad72cae0e10f"


def test_checks_lists_builtin(wxtriage_home):
    r = wxtriage("checks", home=wxtriage_home, process=True)
    assert r.code == 0 and "xsp.urls" in r.out and "urls" in r.out
    doc = json.loads(wxtriage("checks", "--json", home=wxtriage_home).out)
    assert {"id": "xsp.urls", "area": "urls"}.items() <= doc["checks"][0].items() or any(
        c["id"] == "xsp.urls" for c in doc["checks"])


def test_run_reports_missing_v2_and_exits_1(wxtriage_home):
    r = wxtriage("run", "--check", "xsp.urls", *MISSING_V2, home=wxtriage_home, process=True)
    assert r.code == 1, r.err
    assert "[✗] Cluster interface URLs" in r.out
    assert "url.path.missing_v2" in r.out
    assert "fix: Add /v2.0/ to the end of the Xsi-Actions URL" in r.out
    j = wxtriage("run", "--check", "xsp.urls", *MISSING_V2, "--json", home=wxtriage_home)
    assert j.code == 1
    doc = json.loads(j.out)
    assert doc["tool"] == "wxtriage" and doc["version"]
    (check,) = doc["checks"]
    assert check["id"] == "xsp.urls" and check["status"] == "fail" and check["duration_s"] >= 0
    (f,) = check["findings"]
    assert f["code"] == "url.path.missing_v2" and f["remediation"]["steps"] and f["source"]


def test_run_clean_cluster_exits_0(wxtriage_home):
    args = [a.replace("xsi-actions/", "xsi-actions/v2.0/") if a.endswith("xsi-actions/") else a for a in MISSING_V2]
    r = wxtriage("run", "--check", "xsp.urls", *args, home=wxtriage_home)
    assert r.code == 0, r.out
    assert "[✓]" in r.out


def test_run_without_cluster_skips(wxtriage_home):
    r = wxtriage("run", "--check", "xsp.urls", home=wxtriage_home)
    assert r.code == 0 and "[–]" in r.out and "needs a cluster" in r.out


def test_usage_errors_are_one_line_exit_2(wxtriage_home, tmp_path):
    r = wxtriage("run", "--check", "nope", home=wxtriage_home)
    assert r.code == 2 and "known checks:" in r.err and "Traceback" not in r.err
    r = wxtriage("run", "--area", "bogus", home=wxtriage_home)
    assert r.code == 2 and "known areas:" in r.err
    r = wxtriage("run", "--inventory", str(tmp_path / "missing.toml"), "--cluster", "x", home=wxtriage_home)
    assert r.code == 2 and "no such file" in r.err
    r = wxtriage("run", "--inventory", str(tmp_path), "--cluster", "x", home=wxtriage_home)
    assert r.code == 2 and "is a folder" in r.err and "Traceback" not in r.err
    bad = tmp_path / "bad.toml"
    bad.write_text("[[cluster]\nname=")
    r = wxtriage("run", "--inventory", str(bad), home=wxtriage_home)
    assert r.code == 2 and "not valid TOML" in r.err and len(r.err.strip().splitlines()) == 1
    r = wxtriage("case", "new", "--org-id", "acme", home=wxtriage_home)
    assert r.code == 2 and "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8" in r.err and "Traceback" not in r.err
    r = wxtriage("case", "list", "--store", str(tmp_path / "typo" / "cases.db"), home=wxtriage_home)
    assert r.code == 2 and "typo does not exist" in r.err and not (tmp_path / "typo").exists()


def test_inventory_cluster(wxtriage_home, example_inventory):
    r = wxtriage("run", "--check", "xsp.urls", "--inventory", str(example_inventory), "--cluster", "west",
                 home=wxtriage_home)
    assert r.code == 0, r.out  # warnings and info only
    assert "cluster.customers_over_50" in r.out and "url.port.unusual" in r.out
    r = wxtriage("run", "--inventory", str(example_inventory), home=wxtriage_home)
    assert r.code == 2 and "--cluster NAME (east, west)" in r.err
    r = wxtriage("run", "--inventory", str(example_inventory), "--cluster", "north", home=wxtriage_home)
    assert r.code == 2 and "known: east, west" in r.err


def test_cluster_without_any_inventory_says_where_it_belongs(wxtriage_home):
    # A new user follows the README's `run --area connectivity --cluster east` before writing one.
    r = wxtriage("run", "--area", "urls", "--cluster", "east", home=wxtriage_home)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1
    assert "there is no inventory at" in r.err and "inventory.toml yet" in r.err and "--inventory FILE" in r.err


def test_case_lifecycle_and_bundle(wxtriage_home, tmp_path):
    r = wxtriage("case", "new", "--org-id", UUID.upper(), "--tracking-id", f"ATLAS_{UUID}_30",
                 "--email", "user@example.com", "--release", "r24", "--description", "Partner Hub says Error",
                 home=wxtriage_home)
    assert r.code == 0, r.err
    case_id = r.out.split()[-1]
    r = wxtriage("run", "--check", "xsp.urls", *MISSING_V2, "--case", case_id, home=wxtriage_home)
    assert r.code == 1
    listing = wxtriage("case", "list", home=wxtriage_home)
    assert case_id in listing.out and UUID in listing.out
    show = wxtriage("case", "show", case_id, home=wxtriage_home)
    assert "R24" in show.out and "url.path.missing_v2" in show.out
    out = tmp_path / "bundle.zip"
    r = wxtriage("bundle", "--case", case_id, "-o", str(out), home=wxtriage_home)
    assert r.code == 0, r.err
    assert r.out.strip() == f"Wrote {out} (1 check result, attached evidence/checks/xsp.urls.txt)"
    assert verify_bundle(out) == []
    with zipfile.ZipFile(out) as zf:
        assert {"manifest.json", "findings.json", "report.md"} <= set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["case"]["org_id"] == UUID and manifest["checks"][0]["status"] == "fail"
        assert "url.path.missing_v2" in zf.read("report.md").decode()
    assert not list(tmp_path.glob("*.part"))
    r = wxtriage("bundle", "--case", "nope", "-o", str(out), home=wxtriage_home)
    assert r.code == 2 and "no case" in r.err
    r = wxtriage("bundle", "--case", case_id, "-o", str(tmp_path / "no" / "dir.zip"), home=wxtriage_home)
    assert r.code == 2 and "does not exist" in r.err


def test_case_set_appends_and_validates(wxtriage_home):
    case_id = wxtriage("case", "new", home=wxtriage_home).out.split()[-1]
    assert wxtriage("case", "set", case_id, "--email", "a@example.com", home=wxtriage_home).code == 0
    assert wxtriage("case", "set", case_id, "--email", "b@example.com", "--org-id", UUID, home=wxtriage_home).code == 0
    doc = json.loads(wxtriage("case", "show", case_id, "--json", home=wxtriage_home).out)
    assert doc["case"]["emails"] == ["a@example.com", "b@example.com"] and doc["case"]["org_id"] == UUID
    r = wxtriage("case", "set", case_id, "--email", "not-an-email", home=wxtriage_home)
    assert r.code == 2 and "not an e-mail" in r.err


def _install_fake_plugin(site, name: str, module_src: str, target: str):
    """A real installed distribution: a module plus a dist-info with entry_points.txt."""
    site.mkdir(exist_ok=True)
    (site / f"{name}.py").write_text(module_src)
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[wxtriage.checks]\n{target}\n")


def test_third_party_plugins_load_or_fail_visibly(wxtriage_home, tmp_path, monkeypatch):
    import os
    site = tmp_path / "site"
    _install_fake_plugin(site, "acme_plugin", '''
from checks import Check, CheckOption, Finding, Severity, SkipCheck

class DndSyncCheck(Check):
    id = "acme.dnd_sync"
    title = "DND sync toggle"
    area = "provisioning"
    options = (CheckOption("template-export", "Partner Hub template export", kind="path"),)

    async def run(self, ctx):
        path = ctx.option("template-export")
        if path is None:
            raise SkipCheck("give --template-export FILE")
        return [Finding("acme.dnd.disabled", Severity.ERROR, "DND sync is off", source="inf")]
''', "acme.dnd_sync = acme_plugin:DndSyncCheck")
    _install_fake_plugin(site, "broken_plugin", "import does_not_exist_anywhere\n",
                         "broken.check = broken_plugin:Nope")
    monkeypatch.setenv("PYTHONPATH", str(site) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # A real process: the plugins are found on its PYTHONPATH, as a user would install them.
    listing = wxtriage("checks", home=wxtriage_home, process=True)
    assert "acme.dnd_sync" in listing.out and "provisioning" in listing.out
    assert "broken.check" in listing.out and "does_not_exist_anywhere" in listing.out
    r = wxtriage("run", "--check", "acme.dnd_sync", home=wxtriage_home, process=True)
    assert r.code == 0 and "give --template-export FILE" in r.out
    # A kind="path" option without a metavar is shown as a FILE, like the built-in ones.
    assert "--template-export FILE" in wxtriage("run", "--help", home=wxtriage_home, process=True).out
    template = tmp_path / "t.csv"
    template.write_text("x")
    r = wxtriage("run", "--check", "acme.dnd_sync", "--template-export", str(template), home=wxtriage_home, process=True)
    assert r.code == 1 and "acme.dnd.disabled" in r.out
    r = wxtriage("run", "--check", "acme.dnd_sync", "--template-export", str(tmp_path / "nope"), home=wxtriage_home, process=True)
    assert r.code == 2 and "no such file" in r.err
    r = wxtriage("run", "--area", "provisioning", home=wxtriage_home, process=True)
    assert "[☠]" in r.out and "does_not_exist_anywhere" in r.out and r.code == 1


def test_every_help_page_renders(wxtriage_home):
    for args in (["--help"], ["run", "--help"], ["case", "new", "--help"], ["bundle", "--help"],
                 ["checks", "--help"], ["inventory", "--help"]):
        r = wxtriage(*args, home=wxtriage_home)
        assert r.code == 0 and "usage:" in r.out and "Traceback" not in r.err, (args, r.err)


def test_everything_printed_is_redacted_and_scanned(wxtriage_home, memory_keyring):
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    case_id = wxtriage("case", "new", "--description", f"user pasted {jwt}", home=wxtriage_home).out.split()[-1]
    for args in (["case", "show", case_id], ["case", "show", case_id, "--json"]):
        r = wxtriage(*args, home=wxtriage_home)
        assert r.code == 0 and jwt not in r.out and "<redacted:jwt:1>" in r.out
    r = wxtriage("run", "--check", "xsp.urls", "--case", case_id, "--json",
                 "--xsi-actions", "https://xsp.example.com/com.broadsoft.xsi-actions/", home=wxtriage_home)
    assert r.code == 1 and jwt not in r.out and "<redacted:jwt:1>" in r.out


def test_python_dash_m_tui_cli_is_the_wxtriage_command(wxtriage_home, tmp_path):
    import subprocess
    import sys

    env = dict(os.environ, WXTRIAGE_HOME=str(wxtriage_home), PYTHONIOENCODING="utf-8")
    p = subprocess.run([sys.executable, "-m", "tui.cli", "--version"], capture_output=True, text=True, env=env,
                       timeout=60, cwd=tmp_path)
    assert p.returncode == 0 and p.stdout.startswith("wxtriage ")
    p = subprocess.run([sys.executable, "-m", "tui.cli", "logs", str(tmp_path / "missing")], capture_output=True,
                       text=True, env=env, timeout=60, cwd=tmp_path)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and p.stderr.startswith("wxtriage: error: ")
