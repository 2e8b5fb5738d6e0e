"""Checks of real Chinese identifiers (DOMAIN.md, "Identifiers and their checks").

Each check takes the text as typed (already trimmed and half-width) and returns ``None``
when it is valid, else a ``Finding`` saying exactly what is wrong. Pure functions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from ..problems import Finding, finding

# Province-level prefixes of GB/T 2260 division codes (mainland), plus 10 for
# national-level registrations that appear in USCCs of central enterprises.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65}
)
# Resident IDs also exist for Taiwan (71), Hong Kong / Macao / Taiwan residence permits
# (81, 82, 83) and foreigners' permanent residence (91).
_ID_AREAS = _PROVINCES | {71, 81, 82, 83, 91}


def _province_ok(code: str, allowed=_PROVINCES) -> bool:
    return code[:2].isdigit() and int(code[:2]) in allowed


# --- USCC (GB 32100-2015) and organization code (GB 11714) --------------------------
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_AUTHORITIES = "123456789ANY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_code_check_char(first8: str) -> str:
    r = 11 - sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def uscc(s: str) -> Finding | None:
    if len(s) != 18:
        return finding("uscc_invalid", value=s, reason=f"应为 18 位，现在是 {len(s)} 位")
    if s != s.upper() and uscc(s.upper()) is None:
        return finding("uscc_invalid", s.upper(), value=s, reason="字母应为大写")
    bad = sorted({c for c in s if c not in _USCC_VALUE})
    if bad:
        return finding("uscc_invalid", value=s,
                       reason=f"含有不允许的字符 {'、'.join(bad)}（代码不用 I、O、S、V、Z）")
    if s[0] not in _USCC_AUTHORITIES:
        return finding("uscc_invalid", value=s, reason=f"第 1 位登记管理部门代码「{s[0]}」无效")
    if not s[2:8].isdigit() or not _province_ok(s[2:8]):
        return finding("uscc_invalid", value=s,
                       reason=f"第 3–8 位「{s[2:8]}」不是有效的行政区划代码")
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        return finding("uscc_checksum", value=s, expected=expected)
    org = s[8:17]
    if all(c.isdigit() or "A" <= c <= "Z" for c in org[:8]) and org[8] in "0123456789X":
        org_expected = org_code_check_char(org[:8])
        if org[8] != org_expected:
            return finding("uscc_org_code", value=s, org=org, expected=org_expected)
    else:
        return finding("uscc_org_code", value=s, org=org, expected="数字或 X")
    return None


_ORG_RE = re.compile(r"^([0-9A-Z]{8})-?([0-9X])$")


def org_code(s: str) -> Finding | None:
    m = _ORG_RE.match(s)
    if not m:
        return finding("org_code_invalid", value=s, reason="应为 8 位数字或大写字母加 1 位校验码，如 77604965-3")
    expected = org_code_check_char(m.group(1))
    if m.group(2) != expected:
        return finding("org_code_invalid", value=s, reason=f"校验位应为「{expected}」")
    return None


# --- Resident ID (GB 11643-1999) ---------------------------------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def resident_id(s: str, today: dt.date | None = None) -> Finding | None:
    s_up = s.upper()
    if len(s_up) == 15 and s_up.isdigit():
        return finding("resident_id_invalid", value=s, reason="这是 15 位的一代身份证号，请换成 18 位号码")
    if len(s_up) != 18:
        return finding("resident_id_invalid", value=s, reason=f"应为 18 位，现在是 {len(s_up)} 位")
    if not s_up[:17].isdigit() or not (s_up[17].isdigit() or s_up[17] == "X"):
        return finding("resident_id_invalid", value=s, reason="前 17 位须是数字，末位是数字或 X")
    if not _province_ok(s_up, _ID_AREAS):
        return finding("resident_id_invalid", value=s, reason=f"前 6 位「{s_up[:6]}」不是有效的地区代码")
    try:
        born = dt.date(int(s_up[6:10]), int(s_up[10:12]), int(s_up[12:14]))
    except ValueError:
        return finding("resident_id_invalid", value=s, reason=f"第 7–14 位「{s_up[6:14]}」不是真实的出生日期")
    if born.year < 1900 or born > (today or dt.date.today()):
        return finding("resident_id_invalid", value=s, reason=f"出生日期 {born.isoformat()} 不合理")
    expected = resident_id_check_char(s_up[:17])
    if s_up[17] != expected:
        return finding("resident_id_checksum", value=s, expected=expected)
    return None


# --- Tobacco retail licence number -------------------------------------------------
def licence(s: str) -> Finding | None:
    if not s.isdigit() or not s.isascii():
        return finding("licence_invalid", value=s, reason="只能是数字")
    if len(s) != 12:
        return finding("licence_invalid", value=s, reason=f"应为 12 位，现在是 {len(s)} 位")
    if not _province_ok(s):
        return finding("licence_invalid", value=s, reason=f"前 6 位「{s[:6]}」不是有效的行政区划代码")
    if s[6] not in "12":
        return finding("licence_invalid", value=s,
                       reason=f"第 7 位是主体类型，只能是 1（个体）或 2（企业及其他），现在是「{s[6]}」")
    return None


# --- Phones -------------------------------------------------------------------------
_MOBILE_RE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^(?:0\d{2,3}-?|\(0\d{2,3}\)|（0\d{2,3}）)\d{7,8}(?:(?:-|转)\d{1,6})?$")
_SERVICE_RE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
_SEPARATORS_RE = re.compile(r"[/、,，;；]|\s或\s?")


def _phone_reason(s: str, mobile_only: bool) -> str:
    if _SEPARATORS_RE.search(s) and sum(ch.isdigit() for ch in s) > 12:
        return "一格只能填一个号码"
    digits = re.sub(r"\D", "", s)
    if re.search(r"[^\d+\-()（）转 ]", s):
        return "含有号码以外的字符"
    if mobile_only or (digits.startswith("1") and not s.startswith("0")):
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if len(digits) != 11:
            return f"手机号应为 11 位，现在是 {len(digits)} 位"
        return "手机号第 2 位应为 3–9"
    if not digits.startswith("0"):
        if 7 <= len(digits) <= 8:
            return "座机号码要带区号（如 0731-84561234）"
        return "座机号码应以区号 0 开头"
    return "区号 3–4 位、号码 7–8 位，如 0731-84561234"


def phone(s: str) -> Finding | None:
    if _MOBILE_RE.match(s) or _LANDLINE_RE.match(s) or _SERVICE_RE.match(s):
        return None
    return finding("phone_invalid", value=s, reason=_phone_reason(s, mobile_only=False))


def mobile(s: str) -> Finding | None:
    if _MOBILE_RE.match(s):
        return None
    return finding("mobile_invalid", value=s, reason=_phone_reason(s, mobile_only=True))


# --- Email, bank account --------------------------------------------------------------
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def email(s: str) -> Finding | None:
    if _EMAIL_RE.match(s) and ".." not in s:
        return None
    if s.count("@") != 1:
        reason = "应含一个 @" if "@" not in s else "只能含一个 @（一格只填一个邮箱）"
    elif not s.isascii() or " " in s:
        reason = "含有中文、空格或其他不允许的字符"
    elif "." not in s.split("@", 1)[1]:
        reason = "@ 后面的域名不完整（如 example.com）"
    else:
        reason = "格式不对，应如 name@example.com"
    return finding("email_invalid", value=s, reason=reason)


def bank_account(s: str) -> Finding | None:
    if not s.isdigit() or not s.isascii():
        return finding("bank_account_invalid", value=s, reason="只能是数字")
    if not 8 <= len(s) <= 30:
        return finding("bank_account_invalid", value=s, reason=f"应为 8–30 位，现在是 {len(s)} 位")
    return None


# --- Months and plan periods ---------------------------------------------------------
_PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(上|下)$")
_PERIOD_LOOSE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(上|下)(?:半月|旬)?$")


def plan_period(s: str) -> Finding | None:
    if _PERIOD_RE.match(s):
        return None
    m = _PERIOD_LOOSE_RE.match(s)
    suggestion = None
    if m and 1 <= int(m.group(2)) <= 12:
        suggestion = f"{m.group(1)}-{int(m.group(2)):02d}{m.group(3)}"
    return finding("plan_period_invalid", suggestion, value=s)


HALVES = ("上", "下")      # plan periods: days 1–15, 16–end


def half_of(day: dt.date) -> int:
    """Which half of its month a date is in: 0 for days 1–15, 1 for 16–end."""
    return 0 if day.day <= 15 else 1


def period_of(day: dt.date) -> str:
    """The plan period a date falls in: 1–15 上, 16–end 下."""
    return f"{day.year:04d}-{day.month:02d}{HALVES[half_of(day)]}"


# Fast paths: a value that fully matches one of these (ASCII, no spaces) passes its check.
# They let validation of large sheets skip the full check for the common, clean case.
_PROVINCE_RE = "(?:" + "|".join(map(str, sorted(_PROVINCES))) + ")"
CLEAN: dict[str, re.Pattern] = {
    "licence": re.compile(_PROVINCE_RE + "[0-9]{4}[12][0-9]{5}", re.ASCII),
    "phone": re.compile(
        r"(?:\+?86-?)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?|[48]00-?[0-9]{3}-?[0-9]{4}",
        re.ASCII),
    "mobile": re.compile(r"(?:\+?86-?)?1[3-9][0-9]{9}", re.ASCII),
    "email": re.compile(r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
                        re.ASCII),
    "bank_account": re.compile(r"[0-9]{8,30}", re.ASCII),
    "plan_period": re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])[上下]"),
}

# Fixed lengths, for the templates' text-length validation as people type.
LENGTHS: dict[str, int] = {"uscc": 18, "resident_id": 18, "licence": 12}

CHECKS: dict[str, Callable[[str], Finding | None]] = {
    "uscc": uscc,
    "org_code": org_code,
    "resident_id": resident_id,
    "licence": licence,
    "phone": phone,
    "mobile": mobile,
    "email": email,
    "bank_account": bank_account,
    "plan_period": plan_period,
}
