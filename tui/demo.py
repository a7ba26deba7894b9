"""A reproducible demo workspace (case store + inventory) for screenshots and snapshot tests.

Fixed IDs and timestamps make the screens render identically on every run.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from checks.case import Case
from checks.store import CaseStore

from .app import WxTriageApp, make_app

DEMO_CASE_ID = "c0ffee000001"
DEMO_INVENTORY = """\
[[cluster]]
name = "demo-east"
xsi_actions = "https://xsp.demo-sp.example.com/com.broadsoft.xsi-actions/"
xsi_events = "https://xsp.demo-sp.example.com/com.broadsoft.xsi-events/v2.0"
auth_service = "https://xsp.demo-sp.example.com/authService/v2.0/"
auth_mode = "ci-token"
cti = "xsp.demo-sp.example.com:8012"
customers = 64

[[cluster]]
name = "demo-west"
xsi_actions = "https://xsp-w.demo-sp.example.com/com.broadsoft.xsi-actions/v2.0/"
xsi_events = "https://xsp-w.demo-sp.example.com/com.broadsoft.xsi-events/v2.0/"
auth_service = "https://xsp-w.demo-sp.example.com/authService/v2.0/"
cti = "xsp-w.demo-sp.example.com:8012"
"""


def demo_case() -> Case:
    case = Case.create(id=DEMO_CASE_ID, org_id="1eb65fdf-9643-417f-9974-ad72cae0e10f",
                       partner_org_id="6f0e2a52-3c5f-4b8e-9d7a-0c1b2d3e4f50",
                       tracking_ids=["ATLAS_8666bff8-a5f2-4a6c-a31d-c7dccea7315c_30"],
                       emails=["alex.doe@customer.example.com"], client_versions=["44.10.0.31234"],
                       release="R24", description="Partner Hub shows Error for the Xsi-Actions interface")
    return replace(case, created_at="2026-11-20T09:00:00+00:00", updated_at="2026-11-20T09:30:00+00:00")


def demo_app(workdir: Path | str) -> WxTriageApp:
    """An app on a fresh demo store and inventory in ``workdir`` (created if needed)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    inventory = workdir / "inventory.toml"
    inventory.write_text(DEMO_INVENTORY, encoding="utf-8")
    store_path = workdir / "cases.sqlite3"
    store_path.unlink(missing_ok=True)
    CaseStore(store_path).save(demo_case())
    return make_app(store_path=store_path, inventory_path=inventory)


#: What an SP admin pastes for ``bw.blf`` on the demo case: an R23 XSP system missing one AS patch,
#: with feature 101642 off and supportRemotePartyInfo false (the three problems the console lists).
DEMO_BLF_PASTES = {
    "as_patches": """[bwadmin@as1 ~]$ /usr/local/broadworks/patchtool/sbin/listPatch.pl
Patch Name                                  State
====================================================
AP.as.23.0.1075.ap368814                    installed
AP.as.23.0.1075.ap382053                    installed
AP.as.23.0.1075.ap382362                    installed
AP.as.23.0.1075.ap383459                    installed
AP.platform.23.0.1075.ap382053              installed
5 entries found.
""",
    "xsp_patches": """XSP_CLI/Maintenance/Patching> detail PB.xsp.23.0.1075
  Patch Name                          State
  ============================================
  AP.xsp.23.0.1075.ap382053           installed
  AP.xsp.23.0.1075.ap382362           installed
  AP.platform.23.0.1075.ap382053      installed
3 entries found.
""",
    "features": """AS_CLI/System/ActivatableFeature> get
  Feature Id  Activated  Description
  =============================================================
    101642    false      Enhanced Xsi mechanism for team telephony
1 entry found.
""",
    "device_type": """AS_CLI/System/DeviceType/SIP> get "Business Communicator - PC"
    supportRemotePartyInfo = false
""",
    "config_wxt": """<busy-lamp-field enabled="true">
  <display-caller enabled="true"/>
</busy-lamp-field>
""",
}


def load_demo_pastes(screen) -> None:
    """Fill a paste-steps screen with :data:`DEMO_BLF_PASTES` (screenshots, snapshot tests)."""
    from textual.widgets import TextArea

    for step_id, text in DEMO_BLF_PASTES.items():
        screen.query_one(f"#p-{step_id}", TextArea).load_text(text)


#: A Webex app log for the client-logs screen (screenshots): the user's phone services drop
#: because the BroadWorks token fetch fails, then the SIP registration is refused.
DEMO_CLIENT_LOG = """\
2026-11-20T14:00:00.101Z <Info> [0x1a2b] SparkApplication.cpp:211 Webex app version: 44.10.0.31234 starting
2026-11-20T14:00:00.250Z <Info> [0x1a2b] SystemInfo.cpp:40 OS: Windows 11 Pro 23H2
2026-11-20T14:00:01.002Z <Info> [0x1a2b] LoginManager.cpp:88 signed in as alex.doe@customer.example.com \
orgId=1eb65fdf-9643-417f-9974-ad72cae0e10f
2026-11-20T14:00:02.010Z <Info> [0x2c3d] BroadWorksCallingService.cpp:140 BWC: initialising BroadWorks calling library
2026-11-20T14:00:03.120Z <Error> [0x2c3d] BroadWorksTokenManager.cpp:130 Http error when trying to get BWC Token, \
httpStatusCode: 503 errorCode=1502 TrackingID=NA_8666bff8-a5f2-4a6c-a31d-c7dccea7315c
2026-11-20T14:00:03.121Z <Error> [0x2c3d] CallingServices.cpp:77 Error 1000:1502 phone services disconnected
2026-11-20T14:05:00.000Z <Error> [0x2c3d] BroadWorksTokenManager.cpp:130 Http error when trying to get BWC Token, \
httpStatusCode: 503 errorCode=1502 TrackingID=NA_0f4b3c2a-1d2e-4f50-8a9b-0c1d2e3f4a5b
2026-11-20T14:12:00.000Z <Info> [0x3e4f] SipStack.cpp:500 received SIP message:
SIP/2.0 403 Forbidden
CSeq: 2 REGISTER
2026-11-20T14:12:00.200Z <Warning> [0x3e4f] SipStack.cpp:510 registration failed, retrying in 30 s
"""


def write_demo_logs(folder: Path | str) -> Path:
    """Write :data:`DEMO_CLIENT_LOG` as a Webex app log folder and return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "current_log.txt").write_text(DEMO_CLIENT_LOG, encoding="utf-8")
    return folder
