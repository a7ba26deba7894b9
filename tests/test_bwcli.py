"""Parsers of pasted BroadWorks CLI output (checks/evidence/bwcli/)."""
from __future__ import annotations

from pathlib import Path

import pytest

from checks.api import InputError
from checks.evidence import bwcli
from checks.evidence.bwcli import PasteError

from . import bwfixtures as fx


def test_listpatch_table_with_prompts_rule_and_count() -> None:
    ev = bwcli.parse_patches(fx.listpatch(fx.BLF["R23"], {"AP.as.23.0.1075.ap383520": "uninstalled"}))
    assert ev.kind == "listPatch"
    names = {p.name: p.state for p in ev.patches}
    assert names == {n: "installed" for n in fx.BLF["R23"]} | {"AP.as.23.0.1075.ap383520": "uninstalled"}
    assert ev.releases == {"R23"}
    assert ev.ignored_lines == 0  # header, rule, count and prompts are all recognised


def test_detail_crlf_trailing_spaces_and_roles() -> None:
    text = fx.detail("PB.xsp.23.0.1075.2024.02", fx.BLF["R23-xsp"], cli="XSP_CLI", crlf=True)
    assert "\r\n" in text
    ev = bwcli.parse_patches(text)
    assert ev.kind == "detail"
    assert [(p.role, p.major, p.build, p.number, p.state) for p in ev.patches] == [
        ("xsp", 23, "23.0.1075", "ap382053", "installed"), ("xsp", 23, "23.0.1075", "ap382362", "installed")]


def test_plain_list_has_no_state_and_tolerates_the_seeds_stray_space() -> None:
    ev = bwcli.parse_patches("AP.as.24.0.944.ap382053\n  AP.as.24.0.944. ap383520  \n\n")
    assert ev.kind == "plain"
    assert [p.name for p in ev.patches] == ["AP.as.24.0.944.ap382053", "AP.as.24.0.944.ap383520"]
    assert all(p.state is None for p in ev.patches)


def test_listbundle_gives_bundles_only() -> None:
    ev = bwcli.parse_patches(fx.listbundle(["PB.as.23.0.1075.2023.10", "PB.as.23.0.1075.2024.02"]))
    assert ev.kind == "listBundle"
    assert ev.bundles == ("PB.as.23.0.1075.2023.10", "PB.as.23.0.1075.2024.02")
    assert ev.patches == () and ev.applications == ()


def test_adp_bwar_names_with_and_without_spaces() -> None:
    ev = bwcli.parse_patches(fx.adp_apps(["Xsi-Actions-23_2022.01_1.250.bwar"]) +
                             "\nXsi-Events-23 _ 2022.01 _ 1.201.bwar (ou posterior)\n")
    assert ev.kind == "adp"
    assert sorted(a.name for a in ev.applications) == ["Xsi-Actions-23_2022.01_1.250.bwar",
                                                       "Xsi-Events-23_2022.01_1.201.bwar"]


def test_bwar_versions_compare_as_numbers_not_strings() -> None:
    need = bwcli.parse_bwar_name("Xsi-Actions-23_2022.01_1.200.bwar")
    newer = bwcli.parse_bwar_name("Xsi-Actions-23_2022.01_1.1000.bwar")  # "1.1000" < "1.200" as strings
    later_stream = bwcli.parse_bwar_name("Xsi-Actions-23_2023.02_1.10.bwar")
    older = bwcli.parse_bwar_name("Xsi-Actions-23_2022.01_1.99.bwar")
    assert newer.key > need.key and later_stream.key > need.key and older.key < need.key


def test_features_table() -> None:
    ev = bwcli.parse_activatable_features(fx.features({"25433": True, "101642": False}))
    assert ev.features == {"25433": True, "101642": False}
    assert "Enhanced Xsi" in ev.lines["101642"]


def test_features_table_with_the_state_after_the_description() -> None:
    # Column order is not fixed: the Activated column may follow the description, and a
    # description's words ("No Answer") are not the state.
    text = ("AS_CLI/System/ActivatableFeature> get\r\n\r\n"
            "  Feature Id  Description                                   Activated\r\n"
            "  =================================================================\r\n"
            "      101642  Enhanced Xsi mechanism for team telephony     false\r\n"
            "       25433  Unified Call History                          true\r\n"
            "       99001  No Answer Timer Enhancement                   true\r\n"
            "\r\n3 entries found.\r\n")
    ev = bwcli.parse_activatable_features(text)
    assert ev.features == {"101642": False, "25433": True, "99001": True}
    assert ev.raw_states["101642"] == "false"
    # Without a header: the word after the ID, else the last word of the row.
    ev = bwcli.parse_activatable_features("101642 Enhanced Xsi mechanism for team telephony false\n"
                                          "99001 no Something enabled by default\n")
    assert ev.features == {"101642": False, "99001": False}


def test_right_command_in_an_unreadable_shape_is_not_called_the_wrong_paste() -> None:
    with pytest.raises(bwcli.PasteError) as exc:
        bwcli.parse_activatable_features("AS_CLI/System/ActivatableFeature> get\nError: not authorised\n", "f.txt")
    msg = str(exc.value)
    assert msg.startswith("f.txt: this looks like `AS_CLI/System/ActivatableFeature> get` output, but wxtriage "
                          "found no feature rows")
    assert "expected" not in msg


def test_device_type_key_value_and_name_from_prompt() -> None:
    ev = bwcli.parse_device_type(fx.device_type("Business Communicator - PC", "false"))
    (rec,) = ev.device_types
    assert rec.name == "Business Communicator - PC" and rec.enabled is False


def test_device_type_several_outputs_and_table_form() -> None:
    text = (fx.device_type("Connect - Mobile", "true") + "\n" + fx.device_type("Webex-Desktop", "false") + "\n" +
            "AS_CLI/System/DeviceType/SIP> get Tablet\n"
            "  Device Type    isObsolete  supportRemotePartyInfo  supportCauseParameter\n"
            "  ==========================================================================\n"
            "  Tablet         false       false                   true\n")
    recs = [(r.name, r.enabled) for r in bwcli.parse_device_type(text).device_types]
    assert recs == [("Connect - Mobile", True), ("Webex-Desktop", False), ("Tablet", False)]


def test_config_template_and_tags_in_one_paste() -> None:
    text = fx.CONFIG_TEMPLATE + "\nTag Name                         Tag Value\n" \
                                "%ENABLE_BUSY_LAMP_FIELD_WXT%     true\n%ENABLE_BLF_DISPLAY_CALLER_WXT%  false\n"
    cfg = bwcli.parse_config_wxt(text)
    assert cfg.is_template
    assert cfg.elements["busy-lamp-field"] == {"enabled": "%ENABLE_BUSY_LAMP_FIELD_WXT%"}
    assert cfg.tags == {"ENABLE_BUSY_LAMP_FIELD_WXT": "true", "ENABLE_BLF_DISPLAY_CALLER_WXT": "false"}
    assert cfg.resolve("%ENABLE_BLF_DISPLAY_CALLER_WXT%")[0] == "false"
    assert cfg.resolve("%BLF_NOTIFICATON_DELAY_TIME_WXT%")[0] is None


def test_config_with_typographic_quotes_as_in_the_seed() -> None:
    cfg = bwcli.parse_config_wxt('<notification-delay time=\u201d%BLF_NOTIFICATON_DELAY_TIME_WXT%\u201d/>')
    assert cfg.elements["notification-delay"] == {"time": "%BLF_NOTIFICATON_DELAY_TIME_WXT%"}


def test_custom_tags_forms() -> None:
    tags = bwcli.parse_custom_tags("%ENABLE_BUSY_LAMP_FIELD_WXT% = true\r\nENABLE_AUTO_ANSWER_WXT: false\r\n"
                                   "%BLF_NOTIFICATON_DELAY_TIME_WXT%\t5\r\n")
    assert tags == {"ENABLE_BUSY_LAMP_FIELD_WXT": "true", "ENABLE_AUTO_ANSWER_WXT": "false",
                    "BLF_NOTIFICATON_DELAY_TIME_WXT": "5"}


# --- bad input: one clear line naming the expected output and the command ---------------------

@pytest.mark.parametrize("parse, text, expect", [
    (bwcli.parse_patches, fx.features({"101642": False}), "`AS_CLI/System/ActivatableFeature> get` output"),
    (bwcli.parse_activatable_features, fx.listpatch(fx.BLF["R23"]), "a BroadWorks patch list"),
    (bwcli.parse_device_type, fx.features({"101642": True}), "`AS_CLI/System/ActivatableFeature> get` output"),
    (bwcli.parse_config_wxt, fx.device_type(), "`AS_CLI/System/DeviceType/SIP> get <device_profile_type>` output"),
    (bwcli.parse_patches, fx.CONFIG_TEMPLATE, "a Webex app config-wxt.xml or custom tag list"),
])
def test_wrong_command_paste_says_what_it_looks_like(parse, text, expect) -> None:
    with pytest.raises(PasteError) as exc:
        parse(text, "paste.txt")
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith("paste.txt: ")
    assert f"; this looks like {expect}; expected " in msg
    assert "expected" in msg


@pytest.mark.parametrize("parse, command", [
    (bwcli.parse_patches, "listPatch.pl"),
    (bwcli.parse_activatable_features, "AS_CLI/System/ActivatableFeature> get"),
    (bwcli.parse_device_type, "AS_CLI/System/DeviceType/SIP> get <device_profile_type>"),
    (bwcli.parse_config_wxt, "config-wxt.xml"),
])
def test_garbage_names_the_command_that_produces_the_expected_output(parse, command) -> None:
    with pytest.raises(PasteError) as exc:
        parse("Lorem ipsum dolor sit amet\n12 apples\n=====\n", "garbage.txt")
    assert command in str(exc.value) and "\n" not in str(exc.value)
    assert isinstance(exc.value, InputError)


def test_files_empty_binary_huge(tmp_path: Path) -> None:
    empty = fx.write(tmp_path, "empty.txt", "  \r\n")
    with pytest.raises(PasteError, match="empty.txt: empty file"):
        bwcli.load_patches(empty)
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x89PNG\x00\x00\x01")
    with pytest.raises(PasteError, match="binary data"):
        bwcli.load_activatable_features(binary)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(bwcli.MAX_PASTE_BYTES + 1)
        fh.seek(0)
        fh.write(b"AP.as.23.0.1075.ap383520\n")
    with pytest.raises(PasteError, match="far too big"):
        bwcli.load_patches(huge)


def test_cp1252_and_bom_are_read(tmp_path: Path) -> None:
    p = tmp_path / "tags.txt"
    p.write_bytes("\ufeff%ENABLE_BUSY_LAMP_FIELD_WXT% true\n".encode("utf-8"))
    assert bwcli.load_custom_tags(p) == {"ENABLE_BUSY_LAMP_FIELD_WXT": "true"}
    q = tmp_path / "cfg.xml"
    q.write_bytes('<busy-lamp-field enabled=\x93true\x94>'.encode("latin-1"))  # cp1252 smart quotes
    assert bwcli.load_config_wxt(q).elements["busy-lamp-field"] == {"enabled": "true"}


from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = st.sampled_from(["AP.as.23.0.1075.ap383520", "AP.", ".bwar", "Xsi-Actions-23_2022.01_1.200.bwar",
                           "supportRemotePartyInfo", "=", " true", "101642", "<busy-lamp-field enabled=\"",
                           "%ENABLE_BUSY_LAMP_FIELD_WXT%", "\r\n", "\n", "====", "AS_CLI/System>", "$ ", "\t",
                           "Patch Name  State", "Patch Bundle Name", "3 entries found."])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=25))
def test_parsers_never_crash_on_arbitrary_text(parts: list[str]) -> None:
    """Truncated, shuffled or random text: a result or a PasteError, never anything else."""
    text = "".join(parts)
    for parse in (bwcli.parse_patches, bwcli.parse_activatable_features, bwcli.parse_device_type,
                  bwcli.parse_config_wxt, bwcli.parse_custom_tags):
        try:
            parse(text, "fuzz.txt")
        except PasteError as exc:
            assert str(exc).startswith("fuzz.txt: ") and "\n" not in str(exc)
