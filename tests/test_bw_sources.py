"""BroadWorks server rules say what their sources say (issue 16, points 3–5).

3. Release support is data (patches.toml [support]): the BroadSoft lifecycle policy, current and two
   previous major releases (N-2, seed 004 line 1174). A release older than N-2 is flagged; a newer
   release the catalog has no patch list for gets no "upgrade" advice.
4. A platform the seed does not list for a release (R24 on XSP, R22 on ADP) is a warning that the
   admin must confirm the equivalent with Cisco — never a silent pass.
5. "Or later" comes after the Xsi-Events build only; accepting a later Xsi-Actions build is an
   inference, reported as such.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest

from checks.broadworks import evaluation as bw_evaluation
from checks.builtin.bw_server import BwInputs, evaluate
from checks.catalog import load_catalog
from checks.evidence import bwcli
from checks.model import Finding, Severity

from . import bwfixtures as fx


def patches(*texts: str) -> list[bwcli.PatchEvidence]:
    return [bwcli.parse_patches(t, f"paste{i}") for i, t in enumerate(texts, 1)]


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def texts(f: Finding) -> str:
    return " ".join((f.title, f.detail, f.remediation.summary, *f.remediation.steps))


def with_catalog(monkeypatch: pytest.MonkeyPatch, **support: Any) -> None:
    """Evaluate against a patches catalog whose [support] differs (the rule is data)."""
    real = load_catalog
    data = copy.deepcopy(real("patches"))
    data["support"].update(support)
    monkeypatch.setattr(bw_evaluation, "load_catalog", lambda name: data if name == "patches" else real(name))


# --- 3. release support -------------------------------------------------------------------------

@pytest.mark.parametrize("release", ["R22", "R23", "R24"])
def test_releases_within_n_minus_2_get_no_support_finding(release: str) -> None:
    f = evaluate("blf", BwInputs(patch_lists=patches(fx.listpatch(fx.BLF[release] + fx.OTHER[release]))))
    assert not {"bw.release.unsupported", "bw.release.not_in_catalog"} & set(codes(f))


@pytest.mark.parametrize("inputs", [
    BwInputs(release="R25"),                                                            # given
    BwInputs(patch_lists=patches(fx.listpatch(["AP.as.25.0.1012.ap390001"]))),          # from the list
    BwInputs(case_release="R25"),                                                       # from the case
    BwInputs(release="R26", patch_lists=patches(fx.listpatch(["AP.as.26.0.77.ap400001"]))),
], ids=["given", "listed", "case", "R26"])
def test_a_newer_release_than_the_catalog_is_no_reason_to_upgrade(inputs: BwInputs) -> None:
    for feature in ("blf", "flowthrough", "ci_token_validation"):
        f = evaluate(feature, inputs)
        (nic,) = [x for x in f if x.code == "bw.release.not_in_catalog"]
        assert nic.severity is Severity.WARNING
        assert "R22, R23, R24" in nic.detail and "within BroadWorks server release support" in nic.detail
        assert "bw.release.unsupported" not in codes(f)
        assert not any("upgrade" in texts(x).lower() for x in f), feature
        assert nic.source.startswith("S4") and "inf" in nic.source


@pytest.mark.parametrize("inputs, release", [
    (BwInputs(release="R20"), "R20"),
    (BwInputs(release="R21SP1", patch_lists=patches(fx.listpatch(["AP.as.21.0.1102.ap350000"]))), "R21SP1"),
    (BwInputs(case_release="R19"), "R19"),
    (BwInputs(patch_lists=patches(fx.detail("PB.as.21.0.1102.2023.01", ["AP.as.21.0.1102.ap350000"]))), "R21"),
])
def test_a_release_older_than_n_minus_2_is_flagged(inputs: BwInputs, release: str) -> None:
    f = evaluate("blf", inputs)
    (old,) = [x for x in f if x.code == "bw.release.unsupported"]
    assert release in old.title and "N-2" in old.title
    assert "R22, R23, R24" in old.detail and "BroadSoft lifecycle policy" in old.detail
    assert "upgrade" in old.remediation.summary.lower()
    assert "bw.release.not_in_catalog" not in codes(f)   # one finding, not two
    assert old.source.startswith("S4") and "S2" in old.source


def test_evidence_of_a_newer_release_moves_the_window_and_the_old_release_is_still_checked() -> None:
    # One server already shows R25: R25 exists, so N-2 is R23 and an R22 AS is out of support. Its
    # patches are still compared with the seed's R22 list.
    as_list = fx.listpatch([n for n in fx.BLF["R22"] if "ap383520" not in n and ".xsp." not in n])
    other = fx.listpatch(["AP.as.25.0.1012.ap390001"], host="as9.example.net")
    f = evaluate("blf", BwInputs(release="R22", platform="xsp", patch_lists=patches(as_list, other)))
    (old,) = [x for x in f if x.code == "bw.release.unsupported"]
    assert "R23, R24, R25" in old.detail and "R25" in old.detail
    assert ("AP.as.22.0.1123.ap383520") in [x.data.get("patch") for x in f if x.code == "bw.patch.missing"]


@pytest.mark.parametrize("newest, release, flagged", [
    ("R26", "R23", True), ("R26", "R24", False), ("R24", "R22", False), ("R25", "R22", True),
])
def test_release_support_is_data(monkeypatch: pytest.MonkeyPatch, newest: str, release: str, flagged: bool) -> None:
    with_catalog(monkeypatch, newest_known=newest)
    f = evaluate("flowthrough", BwInputs(release=release))
    assert ("bw.release.unsupported" in codes(f)) is flagged
    with_catalog(monkeypatch, newest_known="R24", previous_majors=1)
    assert ("bw.release.unsupported" in codes(evaluate("flowthrough", BwInputs(release="R22"))))


# --- 4. a platform the sources list nothing for -------------------------------------------------

R24_ADP = ["Xsi-Actions-24_2022.01_1.200.bwar", "Xsi-Events-24_2022.01_1.201.bwar"]


@pytest.mark.parametrize("inputs", [
    # XSP patches of R24 pasted: the platform is inferred as XSP
    BwInputs(patch_lists=patches(fx.listpatch(fx.BLF["R24"] + fx.OTHER["R24"]),
                                 fx.detail("PB.xsp.24.0.944.2024.05", ["AP.xsp.24.0.944.ap382053",
                                                                       "AP.xsp.24.0.944.ap382362"], cli="XSP_CLI"))),
    # the admin says XSP
    BwInputs(platform="xsp", patch_lists=patches(fx.listpatch(fx.BLF["R24"]))),
    # only the release is known (from the case), the platform given
    BwInputs(case_release="R24", platform="xsp"),
], ids=["xsp-patches-pasted", "xsp-given", "case-release"])
def test_r24_on_xsp_is_a_warning_never_a_silent_pass(inputs: BwInputs) -> None:
    f = evaluate("blf", inputs)
    (w,) = [x for x in f if x.code == "bw.platform.not_in_source"]
    assert w.severity is Severity.WARNING
    assert "R24 on XSP" in w.title and "only ADP" in w.title
    assert all(b in w.detail for b in R24_ADP) and "Cisco" in w.remediation.summary
    assert w.source.startswith("S4")
    # nothing about XSP is demanded or reported as fine
    assert not [x for x in f if "xsp" in str(x.data.get("patch", "")).lower()]


def test_r22_on_adp_is_the_same_warning_the_other_way_round() -> None:
    apps = fx.adp_apps(["Xsi-Actions-22_2022.01_1.200.bwar", "Xsi-Events-22_2022.01_1.201.bwar"])
    f = evaluate("blf", BwInputs(patch_lists=patches(fx.listpatch(fx.BLF["R22"][:3] + fx.BLF["R22"][5:]), apps)))
    (w,) = [x for x in f if x.code == "bw.platform.not_in_source"]
    assert "R22 on ADP" in w.title and "AP.xsp.22.0.1123.ap382053" in w.detail


@pytest.mark.parametrize("feature, inputs", [
    ("blf", BwInputs(platform="adp", patch_lists=patches(fx.listpatch(fx.BLF["R24"]), fx.adp_apps(R24_ADP)))),
    ("blf", BwInputs(platform="xsp", release="R23")),
    ("blf", BwInputs(platform="adp", release="R23")),
    ("flowthrough", BwInputs(platform="xsp", release="R24")),   # nothing platform-specific to confirm
    ("ci_token_validation", BwInputs(platform="xsp", release="R23")),
])
def test_no_platform_warning_where_the_sources_cover_the_platform(feature: str, inputs: BwInputs) -> None:
    assert "bw.platform.not_in_source" not in codes(evaluate(feature, inputs))


async def test_r24_xsp_check_result_is_not_a_pass(tmp_path) -> None:
    from checks.api import CheckContext
    from checks.builtin.bw_server import BlfCheck
    from checks.model import Status
    from checks.runner import run_one

    as_list = fx.write(tmp_path, "as.txt", fx.listpatch(fx.BLF["R24"] + fx.OTHER["R24"]))
    xsp = fx.write(tmp_path, "xsp.txt", fx.listpatch(["AP.xsp.24.0.944.ap382053", "AP.platform.24.0.944.ap380002"],
                                                     host="xsp1.example.net", crlf=True))
    r = await run_one(BlfCheck, CheckContext(options={"patches": [str(as_list), str(xsp)]}))
    assert r.status is not Status.PASS
    assert "bw.platform.not_in_source" in codes(r.findings)


def test_patch_findings_carry_the_source_of_their_catalog_entry() -> None:
    blf = evaluate("blf", BwInputs(release="R22", patch_lists=patches(fx.listpatch(fx.BLF["R22"][:-1]))))
    (m,) = [x for x in blf if x.code == "bw.patch.missing"]
    assert m.source.startswith("S4 §6") and "pub:bw-patching" in m.source
    flow = evaluate("flowthrough", BwInputs(patch_lists=patches(fx.listpatch(fx.OTHER["R23"]))))
    (m,) = [x for x in flow if x.code == "bw.patch.missing"]
    assert m.source.startswith("pub:solution-guide")


# --- 5. "or later" after Xsi-Events only ----------------------------------------------------------

def adp(release: str, actions: str, events: str) -> list[Finding]:
    as_list = fx.listpatch(fx.BLF[release] + fx.OTHER[release])
    return evaluate("blf", BwInputs(platform="adp", patch_lists=patches(as_list, fx.adp_apps([actions, events]))))


@pytest.mark.parametrize("release", ["R23", "R24"])
def test_or_later_is_said_for_xsi_events_and_marked_inferred_for_xsi_actions(release: str) -> None:
    n = release[1:]
    f = adp(release, f"Xsi-Actions-{n}_2021.11_1.100.bwar", f"Xsi-Events-{n}_2021.11_1.100.bwar")
    old = {x.data["app"]: x for x in f if x.code == "bw.adp.application_too_old"}
    assert f"Xsi-Events-{n}_2022.01_1.201.bwar or later" in old["Xsi-Events"].detail
    assert "inferred" not in texts(old["Xsi-Events"])
    actions = texts(old["Xsi-Actions"])
    assert "or later" not in actions and "inferred by wxtriage" in actions


@pytest.mark.parametrize("actions, events, inferred", [
    ("Xsi-Actions-24_2022.01_1.200.bwar", "Xsi-Events-24_2022.01_1.201.bwar", False),   # the builds named
    ("Xsi-Actions-24_2022.01_1.1000.bwar", "Xsi-Events-24_2022.01_1.201.bwar", True),   # later Actions
    ("Xsi-Actions-24_2023.05_1.7.bwar", "Xsi-Events-24_2023.05_1.7.bwar", True),        # later both
    ("Xsi-Actions-24_2022.01_1.200.bwar", "Xsi-Events-24_2024.02_2.3.bwar", False),     # later Events: seed
])
def test_a_later_xsi_actions_build_passes_as_an_inference(actions: str, events: str, inferred: bool) -> None:
    f = adp("R24", actions, events)
    assert not [x for x in f if x.code.startswith("bw.adp.application")]
    later = [x for x in f if x.code == "bw.adp.later_build_inferred"]
    assert bool(later) is inferred
    for x in later:
        assert x.severity is Severity.INFO and x.data["app"] == "Xsi-Actions" and x.source.startswith("inf")
        assert x.data["found"] == actions


def test_missing_applications_say_or_later_only_where_the_seed_does() -> None:
    f = adp("R23", "Xsi-Actions-23_2022.01_1.200.bwar", "Xsi-Actions-23_2022.01_1.300.bwar")
    (m,) = [x for x in f if x.code == "bw.adp.application_missing"]
    assert m.title.startswith("No Xsi-Events application") and "1.201.bwar or later" in m.title


def test_the_catalog_says_or_later_only_after_xsi_events() -> None:
    for e in load_catalog("patches")["features"]["blf"]["applications"]:
        assert e["or_later"] and all(b.startswith("Xsi-Events") for b in e["or_later"])
        assert e["later_accepted"]["source"].startswith("inf")
        assert set(e["or_later"]) | set(e["later_accepted"]["builds"]) == set(e["minimum"])
