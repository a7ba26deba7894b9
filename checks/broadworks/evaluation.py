"""The state of one evaluation of a BroadWorks feature's prerequisites, how a finding is made,
and the release, platform (XSP or ADP) and support-window decisions the parts build on
(:mod:`.prereqs`)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Iterable

from ..catalog import load_catalog
from ..findings import make_finding
from ..model import Evidence, Finding
from ..redact import Redactor
from ..sources import SourceError, parse_source

PLATFORMS = ("xsp", "adp")

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


class Evaluation:
    """One evaluation of one feature: holds the catalogs, the redactor and the findings; decides
    the release and the platforms. :class:`.prereqs.FeatureEvaluation` adds the parts."""

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


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
