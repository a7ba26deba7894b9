"""checks.redact.known.KnownValues: which known secret values occur in a text, found by the text's
own substrings once there are many values. Compared with the plain search (every value, `in`) on
varied values and texts, below and above the point where it files values by their heads; and the
redactor, the leak scanner and the HAR copy's late-secret check that use it."""
from __future__ import annotations

import json
import random

import pytest

from checks.evidence.har_redact_file import _LateCheck, _LateSecret
from checks.redact import LeakScanner, Redactor
from checks.redact.known import _FEW, MIN_KNOWN_LEN, KnownValues

ALPHABETS = ["abcdef", "ab", "abcdefghijklmnopqrstuvwxyz0123456789-_.%=+/", "aé€😀\n\t \"\\", "x\ud800y"]


def _values(rng: random.Random, n: int, alphabet: str) -> list[str]:
    out = []
    for _ in range(n):
        out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))))
    return out


def _texts(rng: random.Random, values: list[str], alphabet: str) -> list[str]:
    texts = ["", "a", "abcde", values[0], values[-1]]
    for _ in range(60):
        parts = [rng.choice(values) if rng.random() < 0.3 else "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(rng.randint(1, 6))]
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("alphabet", ALPHABETS)
@pytest.mark.parametrize("count", [3, _FEW, _FEW + 1, 2000])
def test_found_in_is_the_plain_search(alphabet: str, count: int) -> None:
    rng = random.Random(count * 10 + ALPHABETS.index(alphabet))
    values = _values(rng, count, alphabet)
    known = KnownValues(values)
    distinct = set(values)
    assert len(known) == len(distinct) and all(v in known for v in distinct)
    for text in _texts(rng, values, alphabet):
        expected = {v for v in distinct if v in text}
        assert set(known.found_in(text)) == expected, text
        assert known.any_in(text) is bool(expected)


def test_values_added_after_the_heads_are_filed_are_found() -> None:
    known = KnownValues(f"value-{i:06d}" for i in range(_FEW + 10))
    assert known._by_head is not None
    known.add("late-secret-1")
    known.add("tiny")  # shorter than a head: searched one by one
    assert known.found_in("… late-secret-12 …") == ["late-secret-1"]
    assert known.found_in("a tiny text") == ["tiny"]
    assert known.found_in("value-000003 and value-000137") == ["value-000003", "value-000137"] or \
        set(known.found_in("value-000003 and value-000137")) == {"value-000003", "value-000137"}


def test_a_text_is_asked_about_the_values_under_its_own_heads_only() -> None:
    """The work per text does not grow with the number of values (no timing: the candidates)."""
    known = KnownValues(f"tok{i:08d}" for i in range(20_000))
    text = "GET /api/v1/people?max=100 HTTP/1.1 TrackingID: ROSTER_0f4b3c2a_1 tok00000042"
    candidates = list(known._candidates(text))
    assert "tok00000042" in candidates and len(candidates) < 50
    assert list(known._candidates("nothing to see here, not one head")) == []


def test_values_sharing_a_prefix_are_filed_where_they_differ() -> None:
    """JWTs all begin alike (eyJhbGciOi…): each is still one of few candidates for a text."""
    header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
    rng = random.Random(5)
    jwts = [header + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
                             for _ in range(120)) for _ in range(5000)]
    known = KnownValues(jwts)
    text = f"Authorization: Bearer {jwts[1234]}"
    assert len(list(known._candidates(text))) < 200
    assert known.found_in(text) == [jwts[1234]]
    assert known.found_in(f"Bearer {header}not-a-known-one") == []


def test_escapable_says_whether_some_value_would_be_escaped_in_json() -> None:
    known = KnownValues(["plainvalue1"])
    assert not known.escapable
    known.add('with"quote')
    assert known.escapable


def _old_replace_known(values: list[str], text: str, placeholder) -> str:
    """The redactor's former loop: every value, longest first."""
    for value in sorted({v for v in values if len(v) >= MIN_KNOWN_LEN}, key=len, reverse=True):
        if value in text:
            text = text.replace(value, placeholder(value))
    return text


@pytest.mark.parametrize("count", [10, 600])
def test_the_redactor_replaces_known_values_as_its_former_loop_did(count: int) -> None:
    rng = random.Random(count)
    # Distinct lengths, so "longest first" leaves no tie to order (a tie was in set order before too).
    values = list({"".join(rng.choice("abcxyz019") for _ in range(n)) for n in range(6, 6 + count)})
    r = Redactor(known_secrets=set(values))
    r.known()
    for text in _texts(rng, values, "abcxyz019 ,;"):
        expected = _old_replace_known(values, text, r.secret)
        assert r.replace_known(text) == expected


def test_the_redactor_keeps_up_with_secrets_learnt_one_by_one() -> None:
    r = Redactor()
    tokens = [f"Bearer-tok-{i:05d}-{'x' * (i % 7)}" for i in range(3 * _FEW)]
    for i, token in enumerate(tokens):
        placeholder = r.secret(token, "token")
        assert r.replace_known(f"call {i}: {token}!") == f"call {i}: {placeholder}!"
    r.known_secrets.add("added-directly-to-the-set")  # not through secret(): taken on the next call
    assert "added-directly-to-the-set" not in r.replace_known("x added-directly-to-the-set y")


def test_the_leak_scanner_finds_one_known_value_among_many() -> None:
    secrets = [f"cookie-{i:06d}-AWSALB" for i in range(5000)]
    scanner = LeakScanner(secrets)
    assert scanner.scan_text("nothing here\nstill nothing", "out") == []
    leaks = scanner.scan_text("line one\nSet-Cookie: AWSALB=cookie-004711-AWSALB; Path=/", "out")
    assert [(leak.where, leak.what) for leak in leaks] == [("out line 2", "a known secret value (20 characters)")]
    scanner.add([f"later-{i:06d}" for i in range(300)])
    assert scanner.scan_blob('{"v": "later-000299"}', "entry")


def test_the_late_secret_check_with_many_learnt_values() -> None:
    r = Redactor()
    learnt = [f"rotating-{i:05d}-value" for i in range(3000)]
    for v in learnt:
        r.secret(v, "cookie")
    late = _LateCheck(learnt, r)
    late.check(json.dumps({"v": "<redacted:cookie:1>"}), 0)  # nothing late in it
    late.check(json.dumps({"v": "rotating-00007-value"}), 3000)  # redacted knowing all: not asked
    with pytest.raises(_LateSecret):
        late.check(json.dumps({"v": "x rotating-02999-value"}), 10)


def _rotating_har(path, entries: int) -> list[str]:
    """A capture where every call brings a new bearer token and load-balancer cookie."""
    rng = random.Random(entries)
    secrets: list[str] = []
    items = []
    for i in range(entries):
        bearer = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789") for _ in range(48))
        alb = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/") for _ in range(96))
        secrets += [bearer, alb]
        items.append({
            "startedDateTime": "2026-11-20T14:00:00.000Z", "time": 1,
            "request": {"method": "POST", "url": f"https://admin.webex.com/api/v1/people/{i}", "httpVersion": "HTTP/1.1",
                        "headers": [{"name": "Authorization", "value": f"Bearer {bearer}"},
                                    {"name": "Cookie", "value": f"AWSALB={alb}"}],
                        "cookies": [{"name": "AWSALB", "value": alb}], "queryString": [],
                        "postData": {"mimeType": "application/json", "text": json.dumps({"echo": alb[:40] + alb[40:]})}},
            "response": {"status": 400 if i % 3 == 0 else 200, "statusText": "", "httpVersion": "HTTP/1.1",
                         "headers": [{"name": "TrackingID", "value": f"ATLAS_0f4b3c2a-1d2e-4f50-8a9b-0c1d2e3f4a5b_{i}"}],
                         "cookies": [],
                         "content": {"mimeType": "application/json",
                                     "text": json.dumps({"message": f"bad request, token {bearer} refused"})}},
            "cache": {}, "timings": {"wait": 1}})
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": items}}))
    return secrets


def test_a_capture_with_a_new_secret_in_every_call_is_redacted_and_analysed_whole(tmp_path) -> None:
    """Hundreds of distinct secrets (past the point where values are filed by heads): the redacted
    copy and the analysis quote none of them (each call's body echoes its own token)."""
    from checks.evidence.har_analysis import analyze_har
    from checks.redact import redact_har_file

    har = tmp_path / "rotating.har"
    secrets = _rotating_har(har, 300)
    out = tmp_path / "rotating.redacted.har"
    redact_har_file(har, out)
    copy = out.read_text(encoding="utf-8")
    assert json.loads(copy)["log"]["entries"][299]["request"]["url"].endswith("/people/299")
    analysis = analyze_har(har)
    shown = json.dumps([f.to_dict() for f in analysis.findings])
    for secret in secrets:
        assert secret not in copy and secret not in shown
