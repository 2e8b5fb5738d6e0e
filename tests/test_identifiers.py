"""Identifier checks: tables of (input, expected code or None), one behaviour each."""

import datetime as dt

import pytest

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


@pytest.mark.parametrize("value, expected", [
    ("13800138000", None), ("+8613800138000", None), ("86-13800138000", None),
    ("0731-84561234", None), ("073184561234", None), ("010-12345678", None),
    ("(0731)84561234", None), ("0731-84561234-801", None), ("400-123-4567", None),
    ("8001234567", None),
    ("84561234", "phone_invalid"),                    # no area code
    ("1380013800", "phone_invalid"),                  # 10 digits
    ("12800138000", "phone_invalid"),                 # second digit 2
    ("13800138000/0731-84561234", "phone_invalid"),   # two numbers in one cell
    ("0731-8456", "phone_invalid"),
    ("电话13800138000", "phone_invalid"),
])
def test_phone(value, expected):
    assert code(ids.phone(value)) == expected


def test_phone_two_numbers_says_so():
    assert ids.phone("13800138000/0731-84561234").params["reason"] == "一格只能填一个号码"


@pytest.mark.parametrize("value, expected", [
    ("13974561234", None), ("+8613974561234", None),
    ("0731-84561234", "mobile_invalid"), ("139745612345", "mobile_invalid"),
])
def test_mobile(value, expected):
    assert code(ids.mobile(value)) == expected


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
    ("licence", "430102200045"), ("phone", "0731-84561234"), ("phone", "+86-13800138000"),
    ("mobile", "13974561234"), ("email", "a.b@c.cn"), ("bank_account", "12345678"),
    ("plan_period", "2026-10下"),
])
def test_fast_path_only_accepts_what_the_check_accepts(check, value):
    assert ids.CLEAN[check].fullmatch(value)
    assert ids.CHECKS[check](value) is None


@pytest.mark.parametrize("check, value", [
    ("licence", "４３０１０２２０００４５"), ("licence", "430102300045"), ("phone", "0731 84561234"),
    ("mobile", "1397456123４"), ("email", "a..b@c.cn"),
])
def test_fast_path_rejects_what_needs_a_closer_look(check, value):
    assert not ids.CLEAN[check].fullmatch(value)
