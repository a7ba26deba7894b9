"""BroadWorks server prerequisites from pasted CLI output: ``bw.blf``, ``bw.flowthrough``,
``bw.ci_token_validation``.

What each feature needs (patches per release and role, ADP application builds, activatable
features, device type attributes, config tags, manual steps) is data in
``catalog/patches.toml``; the finding wording is in ``catalog/bw_rules.toml``. This module holds
the checks, their options and guided paste steps, and reads the options into :class:`BwInputs`;
:mod:`checks.broadworks` decides the release and the XSP/ADP platform, compares and builds
the findings (:func:`evaluate`, the pure core: inputs → findings).
"""
from __future__ import annotations

from typing import Any, ClassVar

from ..api import Check, CheckContext, CheckOption, GuidedStep, InputError
from ..case import CaseFieldError, normalize_release
from ..model import Finding
from ..broadworks.evaluation import PLATFORMS, BwInputs
from ..broadworks.prereqs import evaluate


def _validate_release(value: str) -> str:
    try:
        return normalize_release(value)
    except CaseFieldError as exc:
        raise InputError(f"--release: {exc}") from None


def _lazy(name: str):
    """A validator that imports the parser only when used (the registry imports this module)."""
    def validate(path: str) -> Any:
        from ..evidence import bwcli

        return getattr(bwcli, name)(path)
    validate.__name__ = name
    return validate


OPT_RELEASE = CheckOption("release", "BroadWorks release (R22, R23, R24); default: inferred from the patch "
                          "names, else the case's release", metavar="RELEASE", validate=_validate_release, label="BroadWorks release")
OPT_PATCHES = CheckOption("patches", "saved output of listPatch.pl, `Patching> detail <bundle>` or `listBundle`, "
                          "a list of patch names, or the ADP application list with .bwar names (repeatable: "
                          "one per server)", kind="path", multiple=True, metavar="FILE",
                          validate=_lazy("load_patches"), label="Patch list")
OPT_PLATFORM = CheckOption("xsp-platform", "whether the Xsi interfaces run on XSP or ADP (default: inferred "
                           "from the evidence: AP.xsp patches → xsp, .bwar applications → adp)",
                           metavar="xsp|adp", choices=PLATFORMS, choice_labels={"xsp": "XSP", "adp": "ADP"},
                           unset_label="inferred from the pastes", label="Xsi platform (XSP or ADP)")
OPT_FEATURES = CheckOption("features", "saved output of `AS_CLI/System/ActivatableFeature> get`", kind="path",
                           metavar="FILE", validate=_lazy("load_activatable_features"),
                           label="Activatable features")
OPT_DEVICE_TYPE = CheckOption("device-type", "saved output of `AS_CLI/System/DeviceType/SIP> get <type>` "
                              "(several outputs in one file are fine)", kind="path", metavar="FILE",
                              validate=_lazy("load_device_type"), label="Device type")
OPT_CONFIG = CheckOption("config-wxt", "the Webex app config-wxt.xml (template or downloaded file; may also "
                         "hold the custom tags)", kind="path", metavar="FILE", validate=_lazy("load_config_wxt"),
                         label="Webex app config-wxt.xml")
OPT_TAGS = CheckOption("custom-tags", "the device profile's custom tags (%TAG% value per line)", kind="path",
                       metavar="FILE", validate=_lazy("load_custom_tags"), label="Custom tags")


def inputs_from_context(ctx: CheckContext) -> BwInputs:
    """Parse the check options (files) into :class:`BwInputs`. Bad files raise :class:`InputError`."""
    from ..evidence import bwcli

    release = ctx.option("release")
    case_release = getattr(ctx.case, "release", "") or None
    return BwInputs(
        release=_validate_release(release) if release else None,
        case_release=case_release,
        platform=ctx.option("xsp_platform"),
        patch_lists=[bwcli.load_patches(p) for p in ctx.option("patches", [])],
        features=bwcli.load_activatable_features(ctx.option("features")) if ctx.option("features") else None,
        device_types=bwcli.load_device_type(ctx.option("device_type")) if ctx.option("device_type") else None,
        config=bwcli.load_config_wxt(ctx.option("config_wxt")) if ctx.option("config_wxt") else None,
        custom_tags=bwcli.load_custom_tags(ctx.option("custom_tags")) if ctx.option("custom_tags") else None,
    )


def _step(id: str, label: str, command: str, option: str, help: str = "", multiple: bool = False) -> GuidedStep:
    return GuidedStep(id=id, label=label, command=command, option=option, help=help, multiple=multiple)


STEP_AS_PATCHES = _step("as_patches", "Patches on the Application Server",
                        "/usr/local/broadworks/patchtool/sbin/listPatch.pl", "patches",
                        "Run on each AS (or `AS_CLI/Maintenance/Patching> detail <bundle>`); paste the output.",
                        multiple=True)
STEP_XSP_PATCHES = _step("xsp_patches", "Patches on the XSP, or the ADP application list",
                         "/usr/local/broadworks/patchtool/sbin/listPatch.pl", "patches",
                         "On an XSP run listPatch.pl; on an ADP paste the application list with the .bwar names.",
                         multiple=True)
STEP_FEATURES = _step("features", "Activatable features on the AS", "AS_CLI/System/ActivatableFeature> get",
                      "features", "Paste the whole table (feature IDs with true/false).")
STEP_DEVICE_TYPE = _step("device_type", "The Webex app's SIP device type",
                         "AS_CLI/System/DeviceType/SIP> get <device_profile_type>", "device-type",
                         "Use the device profile type of the Webex app's devices.")
STEP_CONFIG = _step("config_wxt", "Webex app config-wxt.xml", "the device profile type's config-wxt.xml",
                    "config-wxt", "Paste the template (or the file the app downloaded).")
STEP_TAGS = _step("custom_tags", "Device profile custom tags", "the device profile's Custom Tags page",
                  "custom-tags", "One %TAG% value per line.")


class _BwFeatureCheck(Check):
    """Shared shape: parse the pasted evidence, evaluate the catalog entry of ``feature``."""

    feature: ClassVar[str]
    timeout_s = 10.0

    def applies(self, ctx: CheckContext) -> str | None:
        evidence = [o for o in self.options if o.kind == "path"]
        if not any(ctx.has(o.dest) for o in evidence):
            # Say what to run and where its output goes (the guided steps), not only the flag names.
            wanted: dict[str, list[str]] = {}
            for step in self.guided_steps:
                cmds = wanted.setdefault(step.option, [])
                if step.command not in cmds:
                    cmds.append(step.command)

            def shown(c: str) -> str:  # a shell or CLI command in backticks; "the … file" as words
                return f"`{c}`" if c.startswith("/") or "_CLI/" in c else c

            return "needs pasted server output; run and save: " + "; ".join(
                f"{' or '.join(shown(c) for c in cmds)} → --{opt} FILE" for opt, cmds in wanted.items())
        return None

    async def run(self, ctx: CheckContext) -> list[Finding]:
        ctx.progress("reading the pasted output")
        inputs = inputs_from_context(ctx)
        ctx.progress(f"comparing with the {self.feature} prerequisites")
        return evaluate(self.feature, inputs)


class BlfCheck(_BwFeatureCheck):
    id = "bw.blf"
    title = "BLF / Call Pickup notification prerequisites"
    area = "blf"
    feature = "blf"
    description = ("Compares pasted BroadWorks output with what Busy Lamp Field needs: the AP patches for the "
                   "release and server role, ADP Xsi application builds, activatable feature 101642, "
                   "supportRemotePartyInfo on the SIP device type and the BLF tags of config-wxt.xml; lists the "
                   "Directed Call Pickup / BLF service assignment as manual steps.")
    options = (OPT_RELEASE, OPT_PATCHES, OPT_PLATFORM, OPT_FEATURES, OPT_DEVICE_TYPE, OPT_CONFIG, OPT_TAGS)
    guided_steps = (STEP_AS_PATCHES, STEP_XSP_PATCHES, STEP_FEATURES, STEP_DEVICE_TYPE, STEP_CONFIG, STEP_TAGS)


class FlowthroughCheck(_BwFeatureCheck):
    id = "bw.flowthrough"
    title = "Flowthrough provisioning prerequisites"
    area = "provisioning"
    feature = "flowthrough"
    description = ("Checks the AS patch for flowthrough provisioning (Integrated IM&P → Webex) for the release, "
                   "and lists the container option and provisioning account as manual steps.")
    options = (OPT_RELEASE, OPT_PATCHES, OPT_PLATFORM)
    guided_steps = (STEP_AS_PATCHES,)


class CiTokenValidationCheck(_BwFeatureCheck):
    # Area mtls: CI token validation is the Auth Service's alternative to mutual TLS; its
    # follow-up (clientAuthReq false) is a client-certificate setting of the XSP interface (digest §3).
    id = "bw.ci_token_validation"
    title = "CI token validation prerequisites (Authentication Service)"
    area = "mtls"
    feature = "ci_token_validation"
    description = ("Checks the platform and XSP patches for CI token validation for the release, and lists the "
                   "client-certificate setting and shared Auth Service keys as manual steps.")
    options = (OPT_RELEASE, OPT_PATCHES, OPT_PLATFORM)
    guided_steps = (STEP_AS_PATCHES, STEP_XSP_PATCHES)


__all__ = ["BlfCheck", "BwInputs", "CiTokenValidationCheck", "FlowthroughCheck", "evaluate", "inputs_from_context"]
