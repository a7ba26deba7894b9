"""xsp.urls rules: each fires on its own input and stays quiet on a correct cluster."""
from __future__ import annotations

import asyncio

import pytest

from checks.api import CheckContext
from checks.builtin.xsp_urls import XspUrlsCheck
from checks.inventory import Cluster

GOOD = dict(
    xsi_actions="https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/",
    xsi_events="https://xsp.example.com/com.broadsoft.xsi-events/v2.0/",
    auth_service="https://xsp.example.com/authService/v2.0/",
    cti="xsp.example.com:8012",
    dms="https://dms.example.com/dms/",
)


def run(**overrides):
    cluster = Cluster(name="c", **(GOOD | overrides))
    findings = asyncio.run(XspUrlsCheck().run(CheckContext(cluster=cluster)))
    return {f.code: f for f in findings}


def test_correct_cluster_has_no_findings():
    assert run() == {}


@pytest.mark.parametrize("field,value,code", [
    ("xsi_actions", "https://xsp.example.com/com.broadsoft.xsi-actions/", "url.path.missing_v2"),
    ("xsi_actions", "https://xsp.example.com/com.broadsoft.xsi-actions", "url.path.missing_v2"),
    ("xsi_events", "https://xsp.example.com/com.broadsoft.xsi-events/v2.0", "url.path.missing_trailing_slash"),
    ("xsi_events", "https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/", "url.path.wrong_application"),
    ("xsi_actions", "http://xsp.example.com/com.broadsoft.xsi-actions/v2.0/", "url.scheme.not_https"),
    ("xsi_actions", "https:///com.broadsoft.xsi-actions/v2.0/", "url.host.missing"),
    ("xsi_actions", "https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/?a=1", "url.query_or_fragment"),
    ("xsi_actions", "https://xsp.example.com:99999/com.broadsoft.xsi-actions/v2.0/", "url.port.invalid"),
    ("xsi_actions", "https://xsp.example.com:8443/com.broadsoft.xsi-actions/v2.0/", "url.port.unusual"),
    ("xsi_actions", "https://10.0.0.5/com.broadsoft.xsi-actions/v2.0/", "url.host.not_public_name"),
    ("auth_service", "https://xsp.example.com/authService", "url.path.missing_v2"),
    ("auth_service", "https://xsp.example.com/auth/v2.0/", "url.path.wrong_application"),
    ("cti", "xsp.example.com", "url.cti.port_missing"),
    ("cti", "xsp.example.com:abc", "url.cti.invalid"),
    ("cti", "xsp.example.com:9012", "url.cti.port_unusual"),
])
def test_each_rule(field, value, code):
    assert code in run(**{field: value})


def test_missing_v2_suggests_the_fixed_url_and_cites_the_seed():
    f = run(xsi_actions="https://xsp.example.com:8443/com.broadsoft.xsi-actions/")["url.path.missing_v2"]
    assert f.severity.value == "error"
    assert "https://xsp.example.com:8443/com.broadsoft.xsi-actions/v2.0/" in f.remediation.summary
    assert f.source.startswith("S4")
    assert f.data["interface"] == "xsi-actions"


def test_credentials_are_flagged_and_never_echoed():
    findings = run(xsi_actions="https://admin:Sup3rSecret@xsp.example.com/com.broadsoft.xsi-actions/")
    assert findings["url.credentials_in_url"].severity.value == "critical"
    text = repr([f.to_dict() for f in findings.values()])
    assert "Sup3rSecret" not in text and "admin:" not in text


def test_every_problem_of_one_url_is_reported_at_once():
    """A bad port does not hide the rest (credentials above all); a URL typed without a scheme
    is linted as typed, and every suggestion is an https URL without the bad parts."""
    codes = run(xsi_actions="http://admin:Sup3rSecret@xsp.example.com:99999/com.broadsoft.xsi-actions/")
    assert {"url.scheme.not_https", "url.credentials_in_url", "url.port.invalid",
            "url.path.missing_v2"} <= set(codes)
    assert codes["url.path.missing_v2"].remediation.summary.endswith(
        ": https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/")
    assert "Sup3rSecret" not in repr([f.to_dict() for f in codes.values()])
    typed = run(xsi_actions="xsp.example.com/com.broadsoft.xsi-actions/")
    assert set(typed) == {"url.scheme.not_https", "url.path.missing_v2"}
    assert "https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/" in typed["url.path.missing_v2"].remediation.summary
    plain = run(xsi_actions="http://xsp.example.com/com.broadsoft.xsi-actions/")
    assert "https://xsp.example.com/com.broadsoft.xsi-actions/v2.0/" in plain["url.path.missing_v2"].remediation.summary


def test_auth_service_wrong_app_is_only_a_warning():
    assert run(auth_service="https://xsp.example.com/auth/v2.0/")["url.path.wrong_application"].severity.value == "warning"


def test_a_cluster_without_urls_is_skipped_not_passed():
    from checks.runner import run_one

    result = asyncio.run(run_one(XspUrlsCheck, CheckContext(cluster=Cluster(name="bare", customers=3))))
    assert result.status.value == "skip" and "'bare' lists no interface URLs" in result.reason


def test_customers_over_50():
    assert "cluster.customers_over_50" not in run(customers=50)
    f = run(customers=51)["cluster.customers_over_50"]
    assert "TAC" in f.remediation.summary and f.data["customers"] == 51


@pytest.mark.parametrize("url", ["http://xsp.example.com/com.broadsoft.xsi-actions/v2.0/",
                                 "https://xsp.example.com/com.broadsoft.xsi-actions/",
                                 "https://xsp.example.com/wrong-app/v2.0/"])
def test_partner_hub_path_is_settings_not_services(url):
    # Seeds 002 and 004: Partner Hub → Settings → BroadWorks Calling → View clusters (issue 16).
    findings = run(xsi_actions=url)
    steps = [s for f in findings.values() for s in f.remediation.steps if "Partner Hub (" in s]
    assert steps and all("Settings → BroadWorks Calling → View clusters" in s for s in steps)
    assert not any("Services →" in s for f in findings.values() for s in f.remediation.steps)


def test_trailing_slash_states_no_invented_redirect():
    f = run(xsi_events="https://xsp.example.com/com.broadsoft.xsi-events/v2.0")["url.path.missing_trailing_slash"]
    assert "redirect" not in f.detail and "/v2.0/" in f.detail
    assert f.source.startswith("S4")
