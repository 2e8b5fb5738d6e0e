"""Identifier checks: tables of (input, expected code or None), one behaviour each."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from gcs_excel.checks import identifiers as ids


def code(f):
    return None if f is None else f.code


@pytest.mark.parametrize("value, expected", [
    ("91350200776049653A", None),             # published valid example
    ("91440101MA5CJQ4N59", None),             # published valid example
    ("91350200776049653B", "uscc_checksum"),  # last character mistyped: a warning
    ("9135020077604965", "uscc_invalid"),     # too short
    ("91350200776O49653A", "uscc_invalid"),   # letter O, not in the alphabet
    ("91440101ma5cjq4n59", "uscc_invalid"),   # lower case
    ("Z1350200776049653A", "uscc_invalid"),   # no such registering authority
    ("91990200776049653A", "uscc_invalid"),   # no such province
])
def test_uscc(value, expected):
    assert code(ids.uscc(value)) == expected


def test_uscc_lower_case_suggests_upper():
    assert ids.uscc("91440101ma5cjq4n59").suggestion == "91440101MA5CJQ4N59"


def test_uscc_checksum_says_the_right_character():
    assert ids.uscc("91350200776049653B").params["expected"] == "A"


def test_uscc_with_a_bad_embedded_organization_code():
    # change the org code's check character (pos 17), then repair the USCC check char
    first17 = "913502007760496" + "5" + "4"
    value = first17 + ids.uscc_check_char(first17)
    found = ids.uscc(value)
    assert found.code == "uscc_org_code"
    assert found.params["expected"] == "3"


@pytest.mark.parametrize("value, expected", [
    ("77604965-3", None), ("776049653", None), ("MA5CJQ4N-5", None),
    ("77604965-4", "org_code_invalid"), ("7760496-3", "org_code_invalid"),
])
def test_org_code(value, expected):
    assert code(ids.org_code(value)) == expected


@pytest.mark.parametrize("value, expected", [
    ("11010519491231002X", None),                 # the GB 11643 example
    ("11010519491231002x", None),                 # lower-case x is the same ID
    ("110105194912310021", "resident_id_checksum"),
    ("110105194902300021", "resident_id_invalid"),   # 30 February
    ("110105211001010021", "resident_id_invalid"),   # born in the future
    ("11010519491231002", "resident_id_invalid"),    # 17 characters
    ("110105491231002", "resident_id_invalid"),      # old 15-digit ID
    ("00010519491231002X", "resident_id_invalid"),   # no such area
    ("1101051949123100ZX", "resident_id_invalid"),   # letter inside
])
def test_resident_id(value, expected):
    assert code(ids.resident_id(value, today=dt.date(2026, 11, 27))) == expected


@pytest.mark.parametrize("value, expected", [
    ("430102200045", None), ("430102100045", None),
    ("430102300045", "licence_invalid"),   # holder type must be 1 or 2
    ("43010220004", "licence_invalid"),    # 11 digits
    ("990102200045", "licence_invalid"),   # no such province
    ("43010220004A", "licence_invalid"),
])
def test_licence(value, expected):
    assert code(ids.licence(value)) == expected


@pytest.mark.parametrize("value, plain", [
    # as people write them (issue 7): every one valid, each with its plain form
    ("13800138000", "13800138000"), ("+8613800138000", "13800138000"), ("86-13800138000", "13800138000"),
    ("+86 139 0731 1234", "13907311234"), ("139-0731-1234", "13907311234"), ("139 0731 1234", "13907311234"),
    ("0731-84561234", "0731-84561234"), ("073184561234", "0731-84561234"), ("010-12345678", "010-12345678"),
    ("01012345678", "010-12345678"), ("(0731)85123456", "0731-85123456"), ("（0731）85123456", "0731-85123456"),
    ("(0731) 8512 3456", "0731-85123456"), ("0731-8512 3456", "0731-85123456"), ("0731 8512 3456", "0731-85123456"),
    ("0731-84561234-801", "0731-84561234-801"), ("0731-84561234转801", "0731-84561234-801"),
    ("0731-84561234 转 801", "0731-84561234-801"), ("0731-84561234 ext.801", "0731-84561234-801"),
    ("0731-84561234 EXT 801", "0731-84561234-801"), ("(021)6543210", "021-6543210"),
    ("400-123-4567", "400-123-4567"), ("8001234567", "800-123-4567"), ("400 123 4567", "400-123-4567"),
])
def test_phone_forms_people_write(value, plain):
    assert ids.phone(value) is None
    assert ids.normalise_phone(value) == plain


@pytest.mark.parametrize("value, reason", [
    ("84561234", "座机号码要带区号（如 0731-84561234）"),
    ("1380013800", "手机号应为 11 位，现在是 10 位"),
    ("12800138000", "手机号第 2 位应为 3–9，现在是「2」"),
    ("13800138000/0731-84561234", "一格只能填一个号码"),
    ("0731-8456", "区号后的号码应为 7–8 位，现在是 4 位"),
    ("电话13800138000", "含有号码以外的字符「电话」"),
    ("0731.84561234", "含有号码以外的字符「.」"),
    ("073-184561234", "区号「073」应为 4 位（010、020–029 为 3 位，其余为 4 位）"),
    ("0731-84561234 801", "号码 0731-84561234 后面多了「801」（分机请写成 -801 或 转801）"),
    ("0731-84561234-8012345", "分机号最多 6 位，现在是 7 位"),
    ("13907311234转801", "手机号不能带分机"),
    ("0731(8456)1234", "括号只能括住开头的区号，如 (0731)85123456"),
    ("+86-731-84561234", "国家代码 +86 后面只能是手机号（座机请写成 0731-84561234）"),
    ("400-123-456", "400/800 电话应为 10 位，现在是 9 位"),
])
def test_phone_rejections_say_what_is_true(value, reason):
    found = ids.phone(value)
    assert found.code == "phone_invalid" and found.params["reason"] == reason


def test_a_grouped_mobile_is_not_told_its_second_digit_is_wrong():
    """The issue's example: 139-0731-1234 was rejected with "第 2 位应为 3–9"."""
    assert ids.phone("139-0731-1234") is None and ids.mobile("139-0731-1234") is None


@pytest.mark.parametrize("value, expected", [
    ("13974561234", None), ("+8613974561234", None), ("139 7456 1234", None),
    ("0731-84561234", "mobile_invalid"), ("139745612345", "mobile_invalid"),
])
def test_mobile(value, expected):
    assert code(ids.mobile(value)) == expected


def test_mobile_given_a_landline_says_so():
    assert ids.mobile("(0731)84561234").params["reason"] == "手机号应以 1 开头（这像是座机号码）"


# Phones as people write them, built from their parts: the normaliser's invariants.
_AREAS = st.sampled_from(["010", "021", "029", "0731", "0755", "0571", "0898"])
_SEP = st.sampled_from(["", "-", " ", " - "])


@st.composite
def written_phones(draw):
    kind = draw(st.sampled_from(["mobile", "landline", "service"]))
    if kind == "mobile":
        digits = draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
        prefix = draw(st.sampled_from(["", "+86", "+86 ", "86-", "0086 "]))
        a, b, c = "1" + digits[:2], digits[2:6], digits[6:]
        s1, s2 = draw(_SEP), draw(_SEP)
        return prefix + a + s1 + b + s2 + c
    if kind == "service":
        digits = draw(st.text("0123456789", min_size=7, max_size=7))
        return draw(st.sampled_from(["400", "800"])) + draw(_SEP) + digits[:3] + draw(_SEP) + digits[3:]
    area = draw(_AREAS)
    local = draw(st.sampled_from("2345678")) + draw(st.text("0123456789", min_size=6, max_size=7))
    style = draw(st.sampled_from(["dash", "brackets", "wide", "plain"]))
    head = {"dash": area + draw(st.sampled_from(["-", " ", " - "])), "brackets": f"({area})",
            "wide": f"（{area}）", "plain": area}[style]
    if style != "plain" and draw(st.booleans()):
        local = local[:4] + " " + local[4:]
    ext = draw(st.sampled_from(["", "-801", "转801", " 转 8", "ext.801", " ext 12345"]))
    return head + local + ext


@given(written_phones())
def test_normalised_phone_is_valid_and_idempotent(s):
    plain = ids.normalise_phone(s)
    assert plain is not None, s
    assert ids.phone(plain) is None
    assert ids.normalise_phone(plain) == plain
    assert ids.CLEAN["phone"].fullmatch(plain)           # the plain form takes the fast path
    assert [c for c in plain if c.isdigit()] == [c for c in s.removeprefix("+86").removeprefix("0086")
                                                 .removeprefix("86") if c.isdigit()]


@pytest.mark.parametrize("value, expected", [
    ("limei@bbg.com.cn", None), ("a.b+c@x-y.cn", None),
    ("limeibbg.com.cn", "email_invalid"), ("a@b@c.cn", "email_invalid"),
    ("li mei@bbg.cn", "email_invalid"), ("limei@bbg", "email_invalid"),
    ("a..b@bbg.cn", "email_invalid"), ("李梅@bbg.cn", "email_invalid"),
])
def test_email(value, expected):
    assert code(ids.email(value)) == expected


@pytest.mark.parametrize("value, expected", [
    ("1901002309024512345", None), ("12345678", None), ("1" * 30, None),
    ("1234567", "bank_account_invalid"), ("1" * 31, "bank_account_invalid"),
    ("6222-0212-3456", "bank_account_invalid"),
])
def test_bank_account(value, expected):
    assert code(ids.bank_account(value)) == expected


@pytest.mark.parametrize("value, expected, suggestion", [
    ("2026-10上", None, None), ("2026-10下", None, None),
    ("2026-10", "plan_period_invalid", None),
    ("2026年10月上", "plan_period_invalid", "2026-10上"),
    ("2026-13上", "plan_period_invalid", None),
])
def test_plan_period(value, expected, suggestion):
    f = ids.plan_period(value)
    assert code(f) == expected
    assert (f.suggestion if f else None) == suggestion


@pytest.mark.parametrize("day, period", [
    (dt.date(2026, 10, 1), "2026-10上"), (dt.date(2026, 10, 15), "2026-10上"),
    (dt.date(2026, 10, 16), "2026-10下"), (dt.date(2026, 10, 31), "2026-10下"),
])
def test_period_of(day, period):
    assert ids.period_of(day) == period


@pytest.mark.parametrize("check, value", [
    ("licence", "430102200045"), ("phone", "0731-84561234"), ("phone", "010-12345678-801"),
    ("phone", "400-123-4567"), ("mobile", "13974561234"), ("email", "a.b@c.cn"),
    ("bank_account", "12345678"), ("plan_period", "2026-10下"),
])
def test_fast_path_only_accepts_what_the_check_accepts(check, value):
    assert ids.CLEAN[check].fullmatch(value)
    assert ids.CHECKS[check](value) is None
    if check in ids.WRITTEN:            # ... and only plain forms, so the value is the same either way
        assert ids.WRITTEN[check].normalise(value) == value


@pytest.mark.parametrize("check, value", [
    ("licence", "４３０１０２２０００４５"), ("licence", "430102300045"), ("phone", "0731 84561234"),
    ("phone", "+8613800138000"), ("phone", "073184561234"), ("phone", "0731-84561234"[:-1] + "4 "),
    ("mobile", "1397456123４"), ("email", "a..b@c.cn"),
])
def test_fast_path_rejects_what_needs_a_closer_look(check, value):
    assert not ids.CLEAN[check].fullmatch(value)
