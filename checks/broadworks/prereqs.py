"""The parts of a BroadWorks feature's prerequisites compared with pasted server output: patches
and ADP applications, activatable features, the SIP device type, config-wxt.xml tags and the
manual steps. :func:`evaluate` is the pure core (inputs → findings) of the ``bw.*`` checks."""
from __future__ import annotations

from collections import Counter
from typing import Any

from ..findings import make_finding
from ..model import Finding
from .evaluation import PLATFORMS, BwInputs, Evaluation, _shown


class FeatureEvaluation(Evaluation):
    """Every part of one feature's prerequisites, on top of the release and platform decisions."""

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


def _clip(names: list[str], limit: int = 30) -> str:
    """A list for evidence: long patch lists are cut (the full paste is in the case/bundle)."""
    shown = "\n".join(names[:limit])
    return shown + (f"\n… and {len(names) - limit} more" if len(names) > limit else "")


def _quote_arg(name: str) -> str:
    return f'"{name}"' if " " in name else name


def evaluate(feature_key: str, inputs: BwInputs) -> list[Finding]:
    """All findings for one feature of the catalog, given parsed inputs."""
    e = FeatureEvaluation(feature_key, inputs)
    e.check_patches()
    e.check_activatable()
    e.check_device_type()
    e.check_config_tags()
    e.manual_steps()
    return e.out
