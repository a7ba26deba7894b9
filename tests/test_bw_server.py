"""bw.blf, bw.flowthrough, bw.ci_token_validation: catalog data, evaluation per release, CLI."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checks.api import CheckContext
from checks.builtin.bw_server import BlfCheck, BwInputs, CiTokenValidationCheck, FlowthroughCheck, evaluate
from checks.case import Case
from checks.catalog import load_catalog
from checks.evidence import bwcli
from checks.model import Severity, Status
from checks.runner import run_one

from . import bwfixtures as fx
from .helpers import wxtriage

REPO = Path(__file__).resolve().parent.parent


def patches(*texts: str) -> list[bwcli.PatchEvidence]:
    return [bwcli.parse_patches(t, f"paste{i}") for i, t in enumerate(texts, 1)]


def problems(findings) -> list[tuple[str, str]]:
    """(code, subject) of every finding above info: what the console asks the admin to fix."""
    out = []
    for f in findings:
        if f.severity > Severity.INFO:
            d = f.data
            out.append((f.code, d.get("patch") or d.get("minimum") or d.get("id") or d.get("device_type")
                        or d.get("tag") or ""))
    return sorted(out)


# --- catalog integrity -------------------------------------------------------------------------

def test_catalog_patch_and_application_names_are_well_formed() -> None:
    # Sources, severities and documented codes: tests/test_catalogs.py; citations: tests/test_sources.py.
    data = load_catalog("patches")
    for key, feat in data["features"].items():
        for e in feat.get("patches", ()):
            build = data["releases"][e["release"]]["build"]
            for name in e["names"]:
                rec = bwcli.parse_patch_name(name)
                assert rec is not None and rec.name == name, name
                assert rec.build == build and rec.release == e["release"], name
                assert e.get("platform") in (None, "xsp", "adp")
                assert (rec.role == "xsp") == (e.get("platform") == "xsp"), name
        for e in feat.get("applications", ()):
            for name in e["minimum"]:
                rec = bwcli.parse_bwar_name(name)
                assert rec is not None and rec.name == name and rec.release == e["release"], name
        for m in feat.get("manual", ()):
            assert m["steps"], m["id"]


# --- the issue's acceptance scenario (evaluate level) -----------------------------------------

def r23_xsp_inputs(**over) -> BwInputs:
    as_list = fx.listpatch([n for n in fx.BLF["R23"] if not n.endswith("as.23.0.1075.ap383520")] + fx.OTHER["R23"])
    xsp_list = fx.detail("PB.xsp.23.0.1075.2024.02",
                         fx.BLF["R23-xsp"] + fx.OTHER_XSP["R23"] + ["AP.platform.23.0.1075.ap382053"],
                         cli="XSP_CLI", crlf=True)
    base = dict(release="R23", patch_lists=patches(as_list, xsp_list),
                features=bwcli.parse_activatable_features(fx.features({"25433": True, "101642": False})),
                device_types=bwcli.parse_device_type(fx.device_type(rpi="false")),
                config=bwcli.parse_config_wxt(fx.CONFIG_RESOLVED))
    return BwInputs(**(base | over))


def test_r23_xsp_exactly_the_three_problems() -> None:
    findings = evaluate("blf", r23_xsp_inputs())
    assert problems(findings) == [
        ("bw.device_type.remote_party_info_disabled", "Business Communicator - PC"),
        ("bw.feature.not_activated", "101642"),
        ("bw.patch.missing", "AP.as.23.0.1075.ap383520"),
    ]
    cmds = {f.code: f.remediation.command for f in findings}
    assert cmds["bw.feature.not_activated"] == "AS_CLI/System/ActivatableFeature> activate 101642"
    assert cmds["bw.device_type.remote_party_info_disabled"] == (
        'AS_CLI/System/DeviceType/SIP> set "Business Communicator - PC" supportRemotePartyInfo true')
    # Nothing installed and nothing of another release is demanded anywhere in the output.
    text = json.dumps([f.to_dict() for f in findings])
    for name in fx.BLF["R23"] + fx.BLF["R23-xsp"] + fx.OTHER["R23"] + fx.OTHER_XSP["R23"]:
        if name != "AP.as.23.0.1075.ap383520":
            assert f"{name} is not installed" not in text and f"Install {name}" not in text
    assert not re.search(r"AP\.\w+\.2[24]\.|-2[24]_20", text)
    # The manual steps are there, as info, not as problems.
    manual = sorted(f.code for f in findings if f.severity is Severity.INFO)
    assert manual == ["bw.manual.blf_service", "bw.manual.directed_call_pickup"]


def test_r23_platform_inferred_from_xsp_patches_without_release() -> None:
    findings = evaluate("blf", r23_xsp_inputs(release=None))
    assert ("bw.patch.missing", "AP.as.23.0.1075.ap383520") in problems(findings)
    assert len(problems(findings)) == 3


def test_r23_xsp_missing_xsp_patch_and_state_not_installed() -> None:
    as_list = fx.listpatch(fx.BLF["R23"], {"AP.as.23.0.1075.ap383459": "uninstalled"})
    xsp_list = fx.listpatch(["AP.xsp.23.0.1075.ap382053", "AP.platform.23.0.1075.ap382053"], host="xsp1")
    found = problems(evaluate("blf", BwInputs(release="R23", patch_lists=patches(as_list, xsp_list))))
    assert ("bw.patch.missing", "AP.xsp.23.0.1075.ap382362") in found
    assert ("bw.patch.not_installed", "AP.as.23.0.1075.ap383459") in found
    assert all(code != "bw.patch.missing" or p == "AP.xsp.23.0.1075.ap382362"
               for code, p in found if code.startswith("bw.patch"))


# --- per release --------------------------------------------------------------------------------

def test_r22_missing_patches_are_named_exactly() -> None:
    have = [n for n in fx.BLF["R22"] if n not in ("AP.xsp.22.0.1123.ap382362", "AP.as.22.0.1123.ap382053")]
    found = problems(evaluate("blf", BwInputs(patch_lists=patches(fx.listpatch(have + fx.OTHER["R22"] + fx.OTHER_XSP["R22"])))))
    assert [p for c, p in found if c == "bw.patch.missing"] == ["AP.as.22.0.1123.ap382053",
                                                                "AP.xsp.22.0.1123.ap382362"]
    # the other parts were not pasted: they are warned about, not passed silently
    assert {c for c, _ in found} == {"bw.patch.missing", "bw.evidence.missing"}


def test_r22_all_installed_passes_patch_part() -> None:
    found = problems(evaluate("blf", BwInputs(patch_lists=patches(fx.listpatch(fx.BLF["R22"])))))
    assert not [c for c, _ in found if c.startswith(("bw.patch", "bw.release", "bw.platform"))]


@pytest.mark.parametrize("release, actions, events, expect", [
    ("R23", "Xsi-Actions-23_2022.01_1.200.bwar", "Xsi-Events-23_2022.01_1.201.bwar", []),  # exactly the minimum
    ("R23", "Xsi-Actions-23_2022.01_1.1000.bwar", "Xsi-Events-23_2023.05_1.5.bwar", []),  # newer (numerically)
    ("R23", "Xsi-Actions-23_2022.01_1.99.bwar", "Xsi-Events-23_2021.12_9.900.bwar",
     [("bw.adp.application_too_old", "Xsi-Actions-23_2022.01_1.200.bwar"),
      ("bw.adp.application_too_old", "Xsi-Events-23_2022.01_1.201.bwar")]),
    ("R24", "Xsi-Actions-24_2022.01_1.300.bwar", "Xsi-Events-24_2022.01_1.200.bwar",
     [("bw.adp.application_too_old", "Xsi-Events-24_2022.01_1.201.bwar")]),
    ("R24", "Xsi-Actions-24_2022.01_1.300.bwar", "Xsi-Actions-24_2022.01_1.100.bwar",
     [("bw.adp.application_missing", "Xsi-Events-24_2022.01_1.201.bwar")]),
])
def test_adp_bwar_minimum_versions(release, actions, events, expect) -> None:
    as_list = fx.listpatch(fx.BLF[release] + fx.OTHER[release])
    found = problems(evaluate("blf", BwInputs(patch_lists=patches(as_list, fx.adp_apps([actions, events])))))
    assert [x for x in found if x[0].startswith(("bw.adp", "bw.patch", "bw.platform", "bw.release"))] == expect


def test_r23_adp_does_not_demand_xsp_patches() -> None:
    ok = fx.adp_apps(["Xsi-Actions-23_2022.01_1.200.bwar", "Xsi-Events-23_2022.01_1.201.bwar"])
    found = problems(evaluate("blf", BwInputs(patch_lists=patches(fx.listpatch(fx.BLF["R23"]), ok))))
    assert not [p for c, p in found if "xsp" in p]
    assert not [c for c, _ in found if c.startswith(("bw.patch", "bw.adp"))]


def test_r23_platform_unknown_is_a_warning_listing_both() -> None:
    findings = evaluate("blf", BwInputs(patch_lists=patches(fx.listpatch(fx.BLF["R23"]))))
    (f,) = [f for f in findings if f.code == "bw.platform.unknown"]
    assert "AP.xsp.23.0.1075.ap382362" in f.detail and "Xsi-Events-23_2022.01_1.201.bwar" in f.detail
    # saying which settles it
    findings = evaluate("blf", BwInputs(platform="adp", patch_lists=patches(fx.listpatch(fx.BLF["R23"]))))
    assert "bw.platform.unknown" not in {f.code for f in findings}
    assert ("bw.evidence.missing", "") in problems(findings)  # the ADP list is asked for


def test_unpasted_server_role_is_asked_for_not_reported_missing() -> None:
    # Only the AS list: the XSP patches are not "missing", their list was not given.
    findings = evaluate("blf", BwInputs(platform="xsp", patch_lists=patches(fx.listpatch(fx.BLF["R23"]))))
    assert not [f for f in findings if f.code == "bw.patch.missing"]
    (f,) = [f for f in findings if f.code == "bw.evidence.missing" and "XSP" in f.title]
    assert "AP.xsp.23.0.1075.ap382053" in f.title


def test_mixed_releases_is_a_finding_and_majority_wins() -> None:
    text = fx.listpatch(fx.BLF["R23"] + fx.BLF["R23-xsp"] + ["AP.as.22.0.1123.ap360215"])
    findings = evaluate("blf", BwInputs(patch_lists=patches(text)))
    (mixed,) = [f for f in findings if f.code == "bw.release.mixed"]
    assert mixed.data["release"] == "R23" and mixed.data["releases"] == "R22, R23"
    assert not [f for f in findings if f.code.startswith("bw.patch")]


def test_release_given_but_lists_of_another_release() -> None:
    findings = evaluate("blf", BwInputs(release="R24", patch_lists=patches(fx.listpatch(fx.BLF["R23"]))))
    codes = {f.code for f in findings}
    assert "bw.release.mismatch" in codes
    missing = [f.data["patch"] for f in findings if f.code == "bw.patch.missing"]
    assert missing == fx.BLF["R24"]  # R24 is what was asked for; nothing of R23 is demanded


def test_release_from_case_unknown_and_unsupported() -> None:
    f = evaluate("flowthrough", BwInputs(case_release="R24", patch_lists=patches(fx.listbundle(["PB.x.1"]))))
    assert [x.code for x in f if x.severity > Severity.INFO] == ["bw.patch.bundles_only"]
    # Only listBundle output and no release anywhere: the next step is `detail <bundle>`, not the release.
    f = evaluate("flowthrough", BwInputs(patch_lists=patches(fx.listbundle(["PB.x.1"]))))
    assert [x.code for x in f if x.severity > Severity.INFO] == ["bw.patch.bundles_only"]
    assert f[0].remediation.command == "AS_CLI/Maintenance/Patching> detail PB.x.1"
    assert evaluate("flowthrough", BwInputs())[0].code == "bw.release.unknown"
    f = evaluate("blf", BwInputs(release="R21SP1", patch_lists=patches("AP.as.21.0.1102.ap350000")))
    assert f[0].code == "bw.release.mismatch" and f[1].code == "bw.release.unsupported"


def test_evidence_missing_names_the_command_in_its_text() -> None:
    # The fix text quotes the command; no `{command}` placeholder may be left in any finding's text.
    findings = evaluate("blf", BwInputs(release="R23", platform="xsp"))
    missing = [f for f in findings if f.code == "bw.evidence.missing"]
    assert missing
    for f in findings:
        for text in (f.title, f.detail, f.remediation.summary, *f.remediation.steps, f.remediation.command or ""):
            assert "{" not in text, (f.code, text)
    (feat,) = [f for f in missing if "101642" in f.title]
    assert feat.remediation.summary == "Run `AS_CLI/System/ActivatableFeature> get` and paste the output."
    (tags,) = [f for f in missing if "config tags" in f.title]
    assert tags.remediation.command is None and "config-wxt.xml template" in tags.remediation.summary


def test_build_mismatch() -> None:
    f = evaluate("flowthrough", BwInputs(patch_lists=patches("AP.as.23.0.1070.ap373197")))
    assert "bw.release.build_mismatch" in {x.code for x in f}
    assert ("bw.patch.missing", "AP.as.23.0.1075.ap373197") in problems(f)


@pytest.mark.parametrize("release, patch", [("R22", "AP.as.22.0.1123.ap373197"),
                                            ("R23", "AP.as.23.0.1075.ap373197"),
                                            ("R24", "AP.as.24.0.944.ap384177")])
def test_flowthrough_per_release(release, patch) -> None:
    other = fx.OTHER[release]
    assert problems(evaluate("flowthrough", BwInputs(patch_lists=patches(fx.listpatch(other))))) == [
        ("bw.patch.missing", patch)]
    ok = evaluate("flowthrough", BwInputs(patch_lists=patches(fx.listpatch(other + [patch]))))
    assert problems(ok) == []
    (step,) = [f for f in ok if f.code == "bw.manual.use_provisioning_url"]
    assert step.remediation.command.endswith("add provisioning bw.imp.useProvisioningUrl true")


def test_ci_token_validation_r22_r23_and_nothing_for_r24() -> None:
    r22 = evaluate("ci_token_validation", BwInputs(patch_lists=patches(
        fx.listpatch(["AP.platform.22.0.1123.ap376508", "AP.xsp.22.0.1123.ap366110"]))))
    assert [p for c, p in problems(r22)] == ["AP.xsp.22.0.1123.ap368601", "AP.xsp.22.0.1123.ap376508"]
    r23 = evaluate("ci_token_validation", BwInputs(platform="xsp", patch_lists=patches(
        fx.listpatch(["AP.platform.23.0.1075.ap376509", "AP.xsp.23.0.1075.ap376509"]))))
    assert problems(r23) == []
    r24 = evaluate("ci_token_validation", BwInputs(patch_lists=patches(fx.listpatch(fx.OTHER["R24"]))))
    assert [f.code for f in r24][0] == "bw.patch.none_for_release"


def test_config_tags_template_with_and_without_tag_values() -> None:
    template = bwcli.parse_config_wxt(fx.CONFIG_TEMPLATE)
    f = evaluate("blf", BwInputs(config=template))
    assert sorted(p for c, p in problems(f) if c == "bw.config.tag_unresolved") == [
        "ENABLE_BLF_DISPLAY_CALLER_WXT", "ENABLE_BUSY_LAMP_FIELD_WXT"]
    tags = bwcli.parse_custom_tags("%ENABLE_BUSY_LAMP_FIELD_WXT% true\n%BLF_NOTIFICATON_DELAY_TIME_WXT% soon\n")
    f = evaluate("blf", BwInputs(config=template, custom_tags=tags))
    found = [x for x in problems(f) if x[0].startswith("bw.config")]
    assert found == [("bw.config.tag_disabled", "ENABLE_BLF_DISPLAY_CALLER_WXT"),
                     ("bw.config.tag_invalid", "BLF_NOTIFICATON_DELAY_TIME_WXT")]
    f = evaluate("blf", BwInputs(config=bwcli.parse_config_wxt("<config><display-caller enabled='true'/></config>")))
    assert ("bw.config.element_missing", "ENABLE_BUSY_LAMP_FIELD_WXT") in problems(f)


def test_feature_absent_from_list_is_a_warning() -> None:
    f = evaluate("blf", BwInputs(features=bwcli.parse_activatable_features(fx.features({"25433": True}))))
    assert ("bw.feature.not_listed", "101642") in problems(f)


def test_guided_steps_describe_paste_boxes() -> None:
    steps = BlfCheck.guided_steps
    opts = {o.name for o in BlfCheck.options}
    assert [s.option for s in steps] == ["patches", "patches", "features", "device-type", "config-wxt",
                                         "custom-tags"]
    assert all(s.option in opts and s.command and s.label for s in steps)
    for check in (FlowthroughCheck, CiTokenValidationCheck):
        assert check.guided_steps and {s.option for s in check.guided_steps} <= {o.name for o in check.options}


# --- through the runner and the real CLI ---------------------------------------------------------

async def test_runner_skips_without_evidence_and_uses_case_release(tmp_path: Path) -> None:
    r = await run_one(BlfCheck, CheckContext())
    assert r.status is Status.SKIP and "--patches FILE" in r.reason
    # The reason says what to run, not only which flag to give.
    assert "`AS_CLI/System/ActivatableFeature> get` → --features FILE" in r.reason
    assert "`/usr/local/broadworks/patchtool/sbin/listPatch.pl` → --patches FILE" in r.reason
    p = fx.write(tmp_path, "as.txt", fx.listpatch(fx.OTHER["R24"]))
    ctx = CheckContext(case=Case(id="c1", release="R24"), options={"patches": [str(p)]})
    r = await run_one(FlowthroughCheck, ctx)
    assert r.status is Status.FAIL
    assert [f.data.get("patch") for f in r.findings if f.code == "bw.patch.missing"] == ["AP.as.24.0.944.ap384177"]
    r = await run_one(CiTokenValidationCheck, ctx)
    assert r.status is Status.PASS and r.area == "mtls"


def done_files(tmp: Path) -> list[str]:
    as_list = fx.listpatch([n for n in fx.BLF["R23"] if n != "AP.as.23.0.1075.ap383520"] + fx.OTHER["R23"])
    xsp_list = fx.detail("PB.xsp.23.0.1075.2024.02",
                         fx.BLF["R23-xsp"] + fx.OTHER_XSP["R23"] + ["AP.platform.23.0.1075.ap382053"],
                         cli="XSP_CLI", crlf=True)
    return ["--patches", str(fx.write(tmp, "as.txt", as_list)), "--patches", str(fx.write(tmp, "xsp.txt", xsp_list)),
            "--features", str(fx.write(tmp, "features.txt", fx.features({"101642": False, "25433": True}))),
            "--device-type", str(fx.write(tmp, "dt.txt", fx.device_type(rpi="false"))),
            "--config-wxt", str(fx.write(tmp, "config-wxt.xml", fx.CONFIG_RESOLVED))]


def test_cli_done_means_text_and_json(tmp_path: Path) -> None:
    args = ["run", "--area", "blf", "--release", "R23", *done_files(tmp_path)]
    text = wxtriage(*args)
    assert text.code == 1, text.err
    problem_lines = [ln for ln in text.out.splitlines() if re.match(r"\s+✗ \[error\]|\s+! \[warning\]", ln)]
    assert len(problem_lines) == 3, text.out
    assert "AP.as.23.0.1075.ap383520" in problem_lines[0] or any("ap383520" in ln for ln in problem_lines)
    assert "$ AS_CLI/System/ActivatableFeature> activate 101642" in text.out
    assert '$ AS_CLI/System/DeviceType/SIP> set "Business Communicator - PC" supportRemotePartyInfo true' in text.out
    assert "$ /usr/local/broadworks/patchtool/sbin/listPatch.pl" in text.out
    doc = json.loads(wxtriage(*args, "--json").out)
    (res,) = doc["checks"]
    assert res["id"] == "bw.blf" and res["status"] == "fail"
    errors = sorted((f["code"], f["severity"]) for f in res["findings"] if f["severity"] != "info")
    assert errors == [("bw.device_type.remote_party_info_disabled", "error"), ("bw.feature.not_activated", "error"),
                      ("bw.patch.missing", "error")]


def test_cli_wrong_command_and_garbage_exit_2(tmp_path: Path) -> None:
    feats = fx.write(tmp_path, "features.txt", fx.features({"101642": True}))
    r = wxtriage("run", "--area", "blf", "--patches", str(feats))
    assert r.code == 2 and r.out == ""
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert "looks like `AS_CLI/System/ActivatableFeature> get` output" in r.err and "listPatch.pl" in r.err
    junk = fx.write(tmp_path, "junk.txt", "hello\r\nworld\r\n")
    r = wxtriage("run", "--area", "blf", "--device-type", str(junk))
    assert r.code == 2 and "AS_CLI/System/DeviceType/SIP> get <device_profile_type>" in r.err
    r = wxtriage("run", "--area", "blf", "--release", "R9x", "--features", str(feats))
    assert r.code == 2 and "--release" in r.err
    r = wxtriage("run", "--area", "blf", "--xsp-platform", "nsx", "--features", str(feats))
    assert r.code == 2 and "invalid choice" in r.err


def test_sample_files_in_tests_data() -> None:
    """The hand-written samples in tests/data/bw (prompts, CRLF, trailing blanks) give the scenario too."""
    from checks.builtin.bw_server import inputs_from_context

    d = REPO / "tests" / "data" / "bw"
    ctx = CheckContext(options={"patches": [str(d / "r23_as_listpatch.txt"), str(d / "r23_xsp_detail_crlf.txt")],
                                "features": str(d / "r23_features.txt"),
                                "device_type": str(d / "device_type_rpi_false.txt"),
                                "config_wxt": str(d / "config-wxt-downloaded.xml")})
    assert b"\r\n" in (d / "r23_xsp_detail_crlf.txt").read_bytes()
    found = problems(evaluate("blf", inputs_from_context(ctx)))
    assert found == [("bw.device_type.remote_party_info_disabled", "Business Communicator - PC"),
                     ("bw.feature.not_activated", "101642"), ("bw.patch.missing", "AP.as.23.0.1075.ap383520")]
    assert problems(evaluate("flowthrough", inputs_from_context(ctx))) == []
    assert problems(evaluate("ci_token_validation", inputs_from_context(ctx))) == []


def test_patch_on_one_server_but_not_in_another_servers_full_list() -> None:
    # Two full listPatch.pl lists: the XSP lacks the platform patch the AS has, and a second AS
    # lacks an AS patch the first has. Each is named for its server; nothing else is demanded.
    as1 = fx.listpatch(fx.BLF["R23"], host="as1")
    as2 = fx.listpatch([n for n in fx.BLF["R23"] if n != "AP.as.23.0.1075.ap383459"], host="as2")
    xsp = fx.listpatch(fx.BLF["R23-xsp"] + fx.OTHER_XSP["R23"], host="xsp1")
    findings = evaluate("blf", BwInputs(release="R23", patch_lists=patches(as1, as2, xsp)))
    missing = sorted((f.data["patch"], f.data.get("list")) for f in findings if f.code == "bw.patch.missing")
    assert missing == [("AP.as.23.0.1075.ap383459", "paste2"), ("AP.platform.23.0.1075.ap382053", "paste3")]
    (plat,) = [f for f in findings if f.data.get("list") == "paste3"]
    assert "Xtended Services Platform (XSP)" in plat.detail and "paste1" in plat.detail
    # A `detail <bundle>` shows one bundle only: its silence about a patch proves nothing.
    xsp_detail = fx.detail("PB.xsp.23.0.1075.2024.02", fx.BLF["R23-xsp"], cli="XSP_CLI")
    findings = evaluate("blf", BwInputs(release="R23", patch_lists=patches(as1, xsp_detail)))
    assert not [f for f in findings if f.code == "bw.patch.missing"]
