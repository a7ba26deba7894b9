"""The interface spec (checks/interfaces.py) is the only list of cluster interfaces: every place
that names them takes them from it, so none can forget one (the TUI form once forgot DAS)."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from checks.catalog import load_catalog
from checks.interfaces import INTERFACES, by_key, by_name
from checks.inventory import AUTH_MODES, Cluster, InventoryError, load_inventory
from checks.options import RESERVED_FLAGS
from checks.playbooks.inputs import cluster_from_text
from checks.probes import endpoint, endpoints_for
from checks.probes.findings import label
from checks.sources import parse_source

REPO = Path(__file__).resolve().parent.parent
NAMES = [i.name for i in INTERFACES]


def test_names_keys_and_labels_are_unique_and_sourced():
    assert len(set(NAMES)) == len(NAMES) == 6
    assert len({i.label for i in INTERFACES}) == len(INTERFACES)
    for i in INTERFACES:
        assert by_name(i.name) is i and by_key(i.key) is i
        assert i.address in ("url", "host:port") and i.tls in ("tls", "mtls", "auth-mode")
        assert parse_source(i.source), i.name


def test_cluster_has_one_field_per_interface():
    fields = {f.name for f in dataclasses.fields(Cluster)}
    assert {i.key for i in INTERFACES} <= fields
    # every str field of Cluster besides name and auth_mode is an interface
    others = {f.name for f in dataclasses.fields(Cluster) if f.type in ("str", str)} - {"name", "auth_mode"}
    assert others == {i.key for i in INTERFACES}


@pytest.mark.parametrize("spec", INTERFACES, ids=NAMES)
def test_each_interface_goes_from_the_inventory_to_the_probes(tmp_path, spec):
    value = "xsp.example.com:8012" if not spec.is_url else f"https://xsp.example.com/{spec.name}/v2.0/"
    inv = tmp_path / "inventory.toml"
    inv.write_text(f'[[cluster]]\nname = "one"\n{spec.key} = "{value}"\n')
    cluster = load_inventory(inv).cluster("one")
    assert cluster.interfaces() == {spec.name: value}
    assert Cluster.from_mapping(cluster.to_dict()) == cluster  # round trip keeps it
    eps, skipped = endpoints_for(cluster)
    assert not skipped and [e.interface for e in eps] == [spec.name]
    assert eps[0].is_http == spec.is_url
    assert label(spec.name) == spec.label


def test_interfaces_come_out_in_partner_hub_order():
    cluster = Cluster(name="all", **{i.key: ("h.example.com:8012" if not i.is_url else "https://h.example.com/")
                                    for i in reversed(INTERFACES)})
    assert list(cluster.interfaces()) == NAMES


def test_unknown_inventory_key_names_the_interfaces():
    with pytest.raises(InventoryError) as e:
        Cluster.from_mapping({"name": "x", "xsi_action": "https://a.example.com/"})
    for i in INTERFACES:
        assert i.key in str(e.value)


def test_cli_flags_are_the_spec(capsys):
    from tui.cli import build_parser, module_for

    sub = next(a for a in build_parser(module_for("run"))._actions if a.dest == "command")
    run = sub.choices["run"]
    flags = {o for a in run._actions for o in a.option_strings}
    for i in INTERFACES:
        assert f"--{i.name}" in flags and i.name in RESERVED_FLAGS
    args = run.parse_args([f"--{i.name}={'h.example.com:8012' if not i.is_url else 'https://h.example.com/'}"
                           for i in INTERFACES])
    from tui.cli.common import resolve_cluster
    cluster, _ = resolve_cluster(args)
    assert cluster is not None and list(cluster.interfaces()) == NAMES


@pytest.mark.parametrize("spec", [i for i in INTERFACES], ids=NAMES)
def test_playbook_cluster_step_takes_every_interface_by_name(spec):
    value = "xsp.example.com:8012" if not spec.is_url else "https://xsp.example.com/x/v2.0/"
    cluster = cluster_from_text(f"{spec.name}={value}")
    assert cluster.interfaces() == {spec.name: value}


def test_catalog_expectations_cover_every_interface():
    expect = load_catalog("probe_rules")["expect"]
    urls = load_catalog("url_rules")["interfaces"]
    for i in INTERFACES:
        if i.tls == "mtls":
            assert i.name in expect
        elif i.tls == "auth-mode":
            assert f"{i.name}-undeclared" in expect and all(f"{i.name}-{m}" in expect for m in AUTH_MODES)
    # the URL rules know every URL interface (its example), and nothing else
    assert set(urls) == {i.name for i in INTERFACES if i.is_url}


def test_endpoint_of_a_host_port_interface():
    cti = next(i for i in INTERFACES if not i.is_url)
    ep = endpoint(cti.name, "xsp.example.com:8012")
    assert ep is not None and (ep.host, ep.port, ep.is_http) == ("xsp.example.com", 8012, False)
    assert endpoint(cti.name, "xsp.example.com") is None


def _string_literals(path: Path) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)}


def test_no_other_module_spells_the_interface_list():
    """A literal tuple/list/set/dict holding three or more interface names or keys is a copy of the
    list (the forms, flags and inventory once each had one)."""
    spelled = set(NAMES) | {i.key for i in INTERFACES}
    offenders = []
    for path in [*(REPO / "checks").rglob("*.py"), *(REPO / "tui").rglob("*.py")]:
        if path.name == "interfaces.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None) \
                if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else None
            if not items:
                continue
            found = {e.value for e in items if isinstance(e, ast.Constant) and e.value in spelled}
            if len(found) >= 3:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, offenders
