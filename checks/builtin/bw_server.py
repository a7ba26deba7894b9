"""BroadWorks server prerequisites from pasted CLI output: ``bw.blf``, ``bw.flowthrough``,
``bw.ci_token_validation``.

What each feature needs (patches per release and role, ADP application builds, activatable
features, device type attributes, config tags, manual steps) is data in
``catalog/patches.toml``; the finding wording is in ``catalog/bw_rules.toml``. This module
decides the release and the XSP/ADP platform, compares, and builds the findings.

:func:`evaluate` is the pure core (inputs → findings), used by the checks, tests and the TUI.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, ClassVar, Iterable

from ..api import Check, CheckContext, CheckOption, GuidedStep, InputError
from ..case import CaseFieldError, normalize_release
from ..catalog import load_catalog
from ..model import Evidence, Finding
from ..findings import make_finding
from ..redact import Redactor
from ..sources import SourceError, parse_source

PLATFORMS = ("xsp", "adp")


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


@dataclass
class BwInputs:
    """Everything :func:`evaluate` looks at, already parsed."""

    release: str | None = None          # given by the user (normalised, e.g. "R23")
    case_release: str | None = None     # from the case, the last fallback
    platform: str | None = None         # "xsp" / "adp" when given
    patch_lists: list[Any] = field(default_factory=list)   # bwcli.PatchEvidence
    features: Any = None                # bwcli.FeatureEvidence
    device_types: Any = None            # bwcli.DeviceTypeEvidence
    config: Any = None                  # bwcli.ConfigWxt
    custom_tags: dict[str, str] | None = None


def _shown(source: str) -> str:
    """A paste's file name without its directory: enough to recognise it, and no local paths
    (home directories, temp folders) end up in reports or bundles."""
    return PurePath(source).name or source


class _Eval:
    """One evaluation of one feature: holds the catalogs, the redactor and the findings."""

    def __init__(self, feature_key: str, inputs: BwInputs):
        self.data = load_catalog("patches")
        self.rules = load_catalog("bw_rules")["rules"]
        self.key = feature_key
        self.feature = self.data["features"][feature_key]
        self.inp = inputs
        self.redactor = Redactor()
        self.out: list[Finding] = []
        self.base = {"feature": self.feature["title"], "short": self.feature.get("short", feature_key)}
        self._unlisted_roles: set[str] = set()  # roles whose patch list was not pasted

    def hit(self, rule: str, evidence: Iterable[Evidence] = (), *, command: str | None = None,
            data_source: str = "", **values: Any) -> Finding:
        """A finding of ``rule``; ``data_source`` is the source of the patches.toml entry it is
        about, shown first (a BLF patch rests on seed lines, a flowthrough patch on a public guide)."""
        r = self.rules[rule]
        if data_source:
            r = {**r, "source": _join_sources(data_source, r["source"])}
        if command is not None:
            r = {**r, "command": command}
            values = {**values, "command": command}  # rules may quote it in their text
        elif "command" in r:
            r = {**r, "command": r["command"].format_map(_Missing(self.base | values))}
        f = make_finding(r, "", None, evidence, **(self.base | values))
        self.out.append(f)
        return f

    def ev(self, label: str, content: str, source: str) -> Evidence:
        return Evidence(label, self.redactor.redact_text(content), source=source)


    # -- release and platform ------------------------------------------------------------------
    def records(self) -> list[Any]:
        return [r for pl in self.inp.patch_lists for r in (*pl.patches, *pl.applications)]

    def decide_release(self) -> str | None:
        counts = Counter(r.release for r in self.records())
        given = self.inp.release
        if given:
            if counts and given not in counts:
                self.hit("release_mismatch", release=given, found=", ".join(sorted(counts)))
            elif len(counts) > 1:
                self.hit("release_mixed", release=given, releases=", ".join(sorted(counts)),
                         why="given with --release")
            return given
        if counts:
            release = max(counts, key=lambda r: (counts[r], r))
            if len(counts) > 1:
                self.hit("release_mixed", release=release, releases=", ".join(sorted(counts)),
                         why="most of the listed patches are for it")
            return release
        if self.inp.case_release:
            return self.inp.case_release
        return None

    def decide_platforms(self, release: str, rel: dict[str, Any]) -> set[str] | None:
        """The XSP/ADP platforms to check on this release; None when it cannot be told."""
        if self.inp.platform:
            return {self.inp.platform}
        allowed = set(rel.get("platforms", PLATFORMS))
        needs_platform = [e for kind in ("patches", "applications") for e in self.feature.get(kind, ())
                          if e["release"] == release and e.get("platform")]
        major = int(release[1:3])
        seen = set()
        for pl in self.inp.patch_lists:
            if any(p.role == "xsp" and p.major == major for p in pl.patches):
                seen.add("xsp")
            if any(a.major == major for a in pl.applications):
                seen.add("adp")
        if seen == {"xsp", "adp"} and needs_platform:
            self.hit("platform_both")
            return seen
        if seen:
            return seen
        if len(allowed) == 1:
            return allowed
        if needs_platform:
            xsp = [n for e in needs_platform if e.get("platform") == "xsp" for n in e.get("names", ())]
            adp = [n for e in needs_platform if e.get("platform") == "adp" for n in e.get("minimum", ())]
            self.hit("platform_unknown", release=release, xsp_items=", ".join(xsp) or "none",
                     adp_items=", ".join(adp) or "none")
        return None

    # -- release support -------------------------------------------------------------------------
    def support_window(self, release: str) -> tuple[int, int]:
        """(oldest, current) supported major release: the current one and ``previous_majors`` before
        it (N-2). The sources do not name the current release: it is the newest wxtriage knows of —
        ``newest_known``, a release of the catalog, the release checked or one the evidence shows."""
        sup = self.data["support"]
        majors = [_major(r) for r in (*self.data["releases"], sup["newest_known"], release)]
        majors += [r.major for r in self.records()]
        current = max(m for m in majors if m is not None)
        return current - int(sup["previous_majors"]), current

    def supported_text(self, release: str) -> str:
        oldest, current = self.support_window(release)
        return ", ".join(f"R{m}" for m in range(oldest, current + 1))

    def check_support(self, release: str) -> bool:
        """Warn when ``release`` is older than N-2; True when it is."""
        major = _major(release)
        oldest, current = self.support_window(release)
        if major is None or major >= oldest:
            return False
        self.hit("release_unsupported", release=release, current=f"R{current}", oldest=f"R{oldest}",
                 supported=self.supported_text(release), policy=self.data["support"]["policy"])
        return True

    def platform_not_in_source(self, release: str, rel: dict[str, Any], platform: str,
                               entries: list[dict[str, Any]]) -> None:
        """The system runs the Xsi interfaces on a platform the sources list nothing for on this
        release (R24 on XSP, R22 on ADP): wxtriage cannot check it, and says so."""
        listed = [e for e in entries if e.get("platform") and e["platform"] != platform]
        if not listed:
            return  # the feature needs nothing platform-specific on this release
        items = [n for e in listed for n in (*e.get("names", ()), *e.get("minimum", ()))]
        labels = {"xsp": "XSP", "adp": "ADP"}
        self.hit("platform_not_in_source", data_source=listed[0]["source"], release=release,
                 platform_label=labels[platform],
                 listed_label=" or ".join(labels[p] for p in rel.get("platforms", ()) if p != platform),
                 listed_items=", ".join(items))

    # -- the parts -------------------------------------------------------------------------------
    def check_patches(self) -> None:
        if not self.feature.get("patches") and not self.feature.get("applications"):
            return
        cmds = self.data["commands"]
        lists = self.inp.patch_lists
        if lists and not any(pl.patches or pl.applications for pl in lists):
            # Only `listBundle` output: whatever the release, the next step is `detail <bundle>`.
            bundles = [b for pl in lists for b in pl.bundles]
            self.hit("bundles_only", bundles=", ".join(bundles[:8]) + (" …" if len(bundles) > 8 else ""),
                     first_bundle=bundles[0] if bundles else "<bundle>")
            return
        release = self.decide_release()
        if release is None:
            self.hit("release_unknown")
            return
        releases = self.data["releases"]
        too_old = self.check_support(release)
        if release not in releases:
            if not too_old:
                self.hit("release_not_in_catalog", release=release, known=", ".join(releases),
                         supported=self.supported_text(release))
            return
        rel = releases[release]
        entries = [e for e in self.feature.get("patches", ()) if e["release"] == release]
        apps = [e for e in self.feature.get("applications", ()) if e["release"] == release]
        if not entries and not apps:
            known = sorted({e["release"] for e in self.feature.get("patches", ())})
            self.hit("no_patches", release=release, known=", ".join(known))
            return
        if not self.inp.patch_lists:
            if self.inp.platform and self.inp.platform not in rel.get("platforms", PLATFORMS):
                self.platform_not_in_source(release, rel, self.inp.platform, entries + apps)
            names = [n for e in entries for n in e.get("names", ())] + [n for e in apps for n in e["minimum"]]
            self.hit("evidence_missing", what=f"the {release} patches ({', '.join(names)})", option="patches",
                     command=cmds["list_patches"])
            return
        major = int(release[1:3])
        builds = Counter(p.build for pl in lists for p in pl.patches if p.major == major)
        other_builds = [b for b in builds if b != rel["build"]]
        if other_builds:
            self.hit("build_mismatch", release=release, build=rel["build"], found=", ".join(sorted(other_builds)))
        platforms = self.decide_platforms(release, rel)
        for platform in sorted((platforms or set()) - set(rel.get("platforms", PLATFORMS))):
            self.platform_not_in_source(release, rel, platform, entries + apps)
        sources = ", ".join(_shown(pl.source) for pl in lists)
        installed_states = set(self.data["installed_states"])
        by_name = {p.name.lower(): (p, _shown(pl.source)) for pl in lists for p in pl.patches}
        # Roles with any patch in the pasted lists (of any release: a list of another release was
        # still pasted for that server, and the mismatch is reported above).
        roles_seen = {p.role for pl in lists for p in pl.patches}
        role_labels = self.data["roles"]
        listed: dict[str, list[str]] = {}
        for e in entries:
            platform = e.get("platform")
            if platform and (platforms is None or platform not in platforms):
                continue
            for name in e["names"]:
                role = name.split(".")[1].lower()
                vals = dict(patch=name, release=release, build=rel["build"], role=role,
                            role_label=role_labels.get(role, role), sources=sources)
                found = by_name.get(name.lower())
                if found is None:
                    if role in self._unlisted_roles:
                        continue
                    if role not in roles_seen:
                        # No patch at all of this role: that server's list was not pasted.
                        self._missing_role(role, release, entries, platforms)
                        continue
                    same_role = listed.setdefault(role, sorted(
                        p.name for pl in lists for p in pl.patches if p.role == role and p.major == major))
                    ev = [self.ev(f"{role_labels.get(role, role)} patches listed ({len(same_role)})",
                                  _clip(same_role), sources)]
                    self.hit("patch_missing", ev, data_source=e["source"], **vals)
                    continue
                rec, src = found
                if rec.state is not None and rec.state not in installed_states:
                    self.hit("patch_not_installed", [self.ev("patch row", f"{rec.name}  {rec.state}", src)],
                             data_source=e["source"],
                             state=rec.state, **vals)
                self._missing_on_servers(name, lists, major, vals)
        if platforms is None or "adp" not in platforms:
            return
        for e in apps:
            have_apps = [a for pl in lists for a in pl.applications]
            if not have_apps:
                self.hit("evidence_missing_file", what=f"the ADP applications ({', '.join(e['minimum'])})",
                         option="patches", file="the ADP application list showing the .bwar file names")
                continue
            from ..evidence.bwcli import parse_bwar_name

            for minimum in e["minimum"]:
                need = parse_bwar_name(minimum)
                assert need is not None, minimum  # catalog data; a test guards it
                same = [a for a in have_apps if a.app.lower() == need.app.lower() and a.major == need.major]
                later = _later_rule(e, minimum)
                vals = dict(app=need.app, minimum=need.name, release=release, or_later=_OR_LATER[later])
                if not same:
                    listed_apps = _clip(sorted(a.name for a in have_apps))
                    self.hit("app_missing", [self.ev("ADP applications listed", listed_apps, sources)],
                             data_source=e["source"], **vals)
                    continue
                newest = max(same, key=lambda a: a.key)
                if newest.key < need.key or (later == "exact" and newest.key != need.key):
                    self.hit("app_old", [self.ev(f"{need.app} builds listed",
                                                 _clip(sorted(a.name for a in same)), sources)],
                             data_source=e["source"], found=newest.name, **vals)
                elif newest.key > need.key and later == "inferred":
                    self.hit("app_later_inferred", [self.ev(f"{need.app} builds listed",
                                                            _clip(sorted(a.name for a in same)), sources)],
                             data_source=e["later_accepted"]["source"], found=newest.name, **vals)

    def _missing_on_servers(self, name: str, lists: list[Any], major: int, vals: dict[str, Any]) -> None:
        """A patch listed for one server but absent from the full patch list of another server of
        the same role (an AS patch on a second AS; a platform patch on any AS or XSP). Only
        whole-server listings count (listPatch.pl): a `detail <bundle>` shows one bundle, and its
        not naming a patch says nothing about the server."""
        every = set(self.data.get("every_server_roles", ()))
        found_in = ", ".join(_shown(pl.source) for pl in lists
                             if name.lower() in {p.name.lower() for p in pl.patches})
        for pl in lists:
            if pl.kind != "listPatch" or name.lower() in {p.name.lower() for p in pl.patches}:
                continue
            roles = sorted({p.role for p in pl.patches if p.major == major} - every)
            if not roles or (vals["role"] not in roles and vals["role"] not in every):
                continue
            server = ", ".join(self.data["roles"].get(r, r) for r in roles)
            ev = [self.ev(f"patches listed in {_shown(pl.source)}",
                          _clip(sorted(p.name for p in pl.patches if p.major == major)), _shown(pl.source))]
            self.hit("patch_missing_on_server", ev, **(vals | dict(server=server, found_in=found_in,
                                                                   list=_shown(pl.source))))

    def _missing_role(self, role: str, release: str, entries: list[dict[str, Any]],
                      platforms: set[str] | None) -> None:
        names = [n for e in entries for n in e["names"] if n.split(".")[1].lower() == role
                 and (not e.get("platform") or (platforms and e["platform"] in platforms))]
        self._unlisted_roles.add(role)
        self.hit("evidence_missing", what=f"the {self.data['roles'].get(role, role)} patches ({', '.join(names)})",
                 option="patches", command=self.data["commands"]["list_patches"] + f"  (on the {role} server)")

    def check_activatable(self) -> None:
        wanted = self.feature.get("activatable", ())
        if not wanted:
            return
        fe = self.inp.features
        if fe is None:
            ids = ", ".join(w["id"] for w in wanted)
            self.hit("evidence_missing", what=f"activatable feature {ids}", option="features",
                     command=self.data["commands"]["activatable_features"])
            return
        for w in wanted:
            state = fe.features.get(w["id"])
            vals = dict(id=w["id"], name=w["name"])
            if state is None:
                self.hit("feature_absent", count=len(fe.features), **vals)
            elif not state:
                self.hit("feature_off", [self.ev("ActivatableFeature get", fe.lines[w["id"]], _shown(fe.source))],
                         command=w["command"], state=fe.raw_states[w["id"]], **vals)

    def check_device_type(self) -> None:
        spec = self.feature.get("device_type")
        if not spec:
            return
        dt = self.inp.device_types
        if dt is None:
            self.hit("evidence_missing", what=f"{spec['attribute']} of the Webex app's device type",
                     option="device-type", command=self.data["commands"]["device_type"])
            return
        for rec in dt.device_types:
            if rec.enabled:
                continue
            name = rec.name if rec.name != "<device type>" else "<device_profile_type>"
            self.hit("remote_party_off", [self.ev(f"DeviceType/SIP get {name}", rec.line, _shown(dt.source))],
                     command=spec["command"].format(device_type=_quote_arg(name)), device_type=name,
                     device_type_arg=_quote_arg(name),
                     attribute=spec["attribute"], value=rec.support_remote_party_info, label=spec["label"],
                     why=spec["why"])

    def check_config_tags(self) -> None:
        specs = self.feature.get("config_tags", ())
        if not specs:
            return
        cfg, extra = self.inp.config, self.inp.custom_tags or {}
        if cfg is None and not extra:
            self.hit("evidence_missing_file", what="the Webex app config tags (" +
                     ", ".join(f"%{s['tag']}%" for s in specs if s.get("required")) + ")",
                     option="config-wxt", file="the device profile type's config-wxt.xml template "
                     "(or the device profile's custom tags with --custom-tags)")
            return
        elements = cfg.elements if cfg else {}
        tags = {**(cfg.tags if cfg else {}), **extra}
        have_tags = bool(tags)
        src = _shown(cfg.source) if cfg else "custom tags"
        for s in specs:
            vals = dict(element=s["element"], attribute=s["attribute"], tag=s["tag"])
            attrs = elements.get(s["element"])
            ev = []
            if attrs is not None:
                raw = attrs.get(s["attribute"], "")
                ev.append(self.ev("config-wxt.xml", cfg.lines[s["element"]], src))
                value, how = cfg.resolve(raw, extra)
            elif elements:  # a template without this element
                if s.get("required"):
                    self.hit("tag_missing", **vals)
                continue
            elif s["tag"] in tags:  # only custom tags were pasted
                value, how = tags[s["tag"]], f"custom tag %{s['tag']}% = {tags[s['tag']]}"
            else:
                value, how = None, f"custom tag %{s['tag']}% not defined in what was pasted"
            if value is None:
                if not s.get("required"):
                    continue
                if have_tags:  # custom tags were pasted and this one is not among them
                    self.hit("tag_disabled", ev, value="undefined", how=how, **vals)
                else:
                    self.hit("tag_unresolved", ev, **vals)
                continue
            if s["tag"] in tags:
                ev.append(self.ev("custom tag", f"%{s['tag']}% {tags[s['tag']]}", src))
            if s.get("numeric"):
                if value and not value.strip().isdigit():
                    self.hit("tag_not_numeric", ev, value=value, **vals)
            elif value.strip().lower() != "true":
                self.hit("tag_disabled", ev, value=value or "empty", how=how, **vals)

    def manual_steps(self) -> None:
        for m in self.feature.get("manual", ()):
            rule = {**self.rules["manual"], "code": f"bw.manual.{m['id']}", "steps": m.get("steps", []),
                    "source": m["source"]}
            if m.get("command"):
                rule["command"] = m["command"]
            self.out.append(make_finding(rule, "", None, (), **(self.base | {"title": m["title"],
                                                                             "detail": m["detail"],
                                                                             "manual_step": m["id"]})))


# How a later build of an ADP application counts: the seed says "or later" (Xsi-Events), wxtriage
# widens it by inference (patches.toml `later_accepted`, reported as such), or only the build named.
_OR_LATER = {"seed": " or later", "inferred": " (a later build is accepted too: inferred by wxtriage)", "exact": ""}


def _later_rule(entry: dict[str, Any], minimum: str) -> str:
    if minimum in entry.get("or_later", ()):
        return "seed"
    if minimum in entry.get("later_accepted", {}).get("builds", ()):
        return "inferred"
    return "exact"


def _join_sources(first: str, second: str) -> str:
    """``first`` then the parts of ``second`` whose tag (and document) ``first`` does not have."""
    try:
        have = {(p.tag, p.document) for p in parse_source(first)}
        extra = [raw.strip() for raw, p in zip(second.split(";"), parse_source(second))
                 if (p.tag, p.document) not in have]
    except SourceError:
        return first
    return "; ".join([first, *extra])


def _major(release: str) -> int | None:
    """``R24`` → 24, ``R21SP1`` → 21; None for anything else."""
    digits = release[1:3] if release[:1].upper() == "R" else ""
    return int(digits) if digits.isdigit() else None


def _clip(names: list[str], limit: int = 30) -> str:
    """A list for evidence: long patch lists are cut (the full paste is in the case/bundle)."""
    shown = "\n".join(names[:limit])
    return shown + (f"\n… and {len(names) - limit} more" if len(names) > limit else "")


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _quote_arg(name: str) -> str:
    return f'"{name}"' if " " in name else name


def evaluate(feature_key: str, inputs: BwInputs) -> list[Finding]:
    """All findings for one feature of the catalog, given parsed inputs."""
    e = _Eval(feature_key, inputs)
    e.check_patches()
    e.check_activatable()
    e.check_device_type()
    e.check_config_tags()
    e.manual_steps()
    return e.out


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


def guided_steps(check_id: str) -> tuple[GuidedStep, ...]:
    """The paste steps of one of this module's checks (empty for an unknown id)."""
    for c in (BlfCheck, FlowthroughCheck, CiTokenValidationCheck):
        if c.id == check_id:
            return c.guided_steps
    return ()


__all__ = ["BlfCheck", "BwInputs", "CiTokenValidationCheck", "FlowthroughCheck", "evaluate", "guided_steps",
           "inputs_from_context"]
