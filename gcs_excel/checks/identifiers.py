"""Checks of real Chinese identifiers (DOMAIN.md, "Identifiers and their checks").

Each check takes the text as typed (already trimmed and half-width) and returns ``None``
when it is valid, else a ``Finding`` whose reason is true of the value: it says exactly
what is wrong. Phones are accepted in the forms people write (WRITTEN gives their plain
form). The names are those of specs/checks.toml, the one list. Pure functions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from ..problems import Finding, finding
from ..spec import named_checks

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
    """The 18th character of a USCC from its first 17 (GB 32100-2015)."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_code_check_char(first8: str) -> str:
    """The check character of an organization code from its first 8 (GB 11714)."""
    r = 11 - sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def uscc(s: str) -> Finding | None:
    """A USCC: 18 characters of its alphabet, a real division code, its check character,
    and the organization code inside it (a wrong check character is a warning)."""
    if len(s) != 18:
        return finding("uscc_invalid", value=s, reason=f"应为 18 位，现在是 {len(s)} 位")
    if s != s.upper() and uscc(s.upper()) is None:
        return finding("uscc_invalid", s.upper(), value=s, reason="字母应为大写")
    bad = sorted({c for c in s if c not in _USCC_VALUE})
    if bad:
        return finding("uscc_invalid", value=s,
                       reason=f"含有不允许的字符 {'、'.join(bad)}（只用数字和大写字母，不用 I、O、S、V、Z）")
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
    """An organization code, XXXXXXXX-X or without the dash, with its check character."""
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
    """The 18th character of a resident ID from its first 17 (GB 11643)."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def resident_id(s: str, today: dt.date | None = None) -> Finding | None:
    """An 18-digit resident ID: area, a real birth date not after today, check character."""
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
    """A tobacco retail licence number: 12 digits, a real province, holder type 1 or 2."""
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
# Numbers are written the way people write them: 139-0731-1234, 139 0731 1234, +86 139...,
# (0731)85123456 or （0731）85123456, 0731-8512 3456, with an extension 转801, -801 or
# ext.801. A parse gives either the number's plain form or the true reason it is none.
_ONE_CELL_SEPARATORS = re.compile(r"[/、,，;；]|\s或\s?")
_EXTENSION = re.compile(r"^(.*?\d)\s*(?:转|分机|ext\.?)\s*(\d+)$", re.IGNORECASE)
_AREA_IN_BRACKETS = re.compile(r"^[(（]\s*(\d+)\s*[)）]\s*(.*)$")
_COUNTRY = re.compile(r"^(?:\+|00)?86(?=[\s-]*1)")
_PHONE_CHARS = frozenset("0123456789 -()（）+")
PHONE_FULLWIDTH = "（）"      # full-width brackets are how a Chinese keyboard types them: not a mistake
SERVICE_PREFIXES = ("400", "800")


def area_length(digits: str) -> int:
    """Length of the area code a landline starts with: 010 and 020–029 have 3 digits, every
    other area code 4."""
    return 3 if digits.startswith(("010", "02")) else 4


def _groups(s: str) -> list[tuple[str, str]]:
    """Digit groups with the separator written before each ("" for the first)."""
    return [(sep.strip() or (" " if sep else ""), digits) for sep, digits in re.findall(r"([\s-]*)(\d+)", s)]


def parse_phone(s: str, *, mobile_only: bool = False) -> tuple[str | None, str]:
    """(plain form, "") for a phone number as people write it, else (None, the reason).
    Plain forms: 13907311234, 0731-85123456, 0731-85123456-801, 400-123-4567."""
    digits_all = sum(ch.isdigit() for ch in s)
    if _ONE_CELL_SEPARATORS.search(s) and digits_all > 12:
        return None, "一格只能填一个号码"
    main, ext = s.strip(), ""
    m = _EXTENSION.match(main)
    if m:
        main, ext = m.group(1), m.group(2)
    odd = sorted({ch for ch in main if ch not in _PHONE_CHARS}, key=main.index)
    if odd:
        return None, f"含有号码以外的字符「{''.join(odd)}」"
    area = None
    m = _AREA_IN_BRACKETS.match(main)
    if m:
        area, main = m.group(1), m.group(2)
    elif any(ch in main for ch in "()（）"):
        return None, "括号只能括住开头的区号，如 (0731)85123456"
    m = _COUNTRY.match(main) if area is None else None
    if m:
        main = main[m.end():]
    elif re.match(r"(?:\+|00)86", main):
        return None, "国家代码 +86 后面只能是手机号（座机请写成 0731-84561234）"
    elif "+" in main:
        return None, "「+」只能用在国家代码 +86 前面"
    groups = _groups(main)
    digits = "".join(d for _, d in groups)
    if mobile_only and (area is not None or digits.startswith("0")):
        return None, "手机号应以 1 开头（这像是座机号码）"
    if area is None and (mobile_only or digits.startswith("1")):
        return _mobile(digits, ext)
    if area is None and digits.startswith(SERVICE_PREFIXES):
        if len(digits) != 10 or ext:
            return None, f"400/800 电话应为 10 位，现在是 {len(digits)} 位"
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", ""
    return _landline(area, groups, ext)


def _mobile(digits: str, ext: str) -> tuple[str | None, str]:
    if ext:
        return None, "手机号不能带分机"
    if not digits.startswith("1"):
        return None, "手机号应以 1 开头"
    if len(digits) != 11:
        return None, f"手机号应为 11 位，现在是 {len(digits)} 位"
    if digits[1] not in "3456789":
        return None, f"手机号第 2 位应为 3–9，现在是「{digits[1]}」"
    return digits, ""


def _landline(area: str | None, groups: list[tuple[str, str]], ext: str) -> tuple[str | None, str]:
    if area is None:
        if not groups or not groups[0][1].startswith("0"):
            n = sum(len(d) for _, d in groups)
            return None, ("座机号码要带区号（如 0731-84561234）" if 7 <= n <= 8
                          else "不是手机号（11 位，1 开头），也不是以区号 0 开头的座机号码")
        first = groups[0][1]
        if len(groups) > 1 and len(first) in (3, 4):
            area, groups = first, groups[1:]
        else:       # written without a separator after the area code
            n = area_length(first)
            area, groups = first[:n], [("", first[n:])] * (len(first) > n) + groups[1:]
    if not area.startswith("0"):
        return None, f"区号「{area}」应以 0 开头"
    if len(area) != area_length(area):
        return None, f"区号「{area}」应为 {area_length(area)} 位（010、020–029 为 3 位，其余为 4 位）"
    local = ""
    while groups and len(local) < 7:
        local += groups.pop(0)[1]
    if not 7 <= len(local) <= 8:
        return None, f"区号后的号码应为 7–8 位，现在是 {len(local)} 位"
    if groups:
        if ext or len(groups) > 1 or groups[0][0] != "-":
            return None, f"号码 {area}-{local} 后面多了「{''.join(d for _, d in groups)}」（分机请写成 -801 或 转801）"
        ext = groups[0][1]
    if len(ext) > 6:
        return None, f"分机号最多 6 位，现在是 {len(ext)} 位"
    return f"{area}-{local}" + (f"-{ext}" if ext else ""), ""


def normalise_phone(s: str) -> str | None:
    """The plain form of a phone number written any accepted way, None if it is none."""
    return parse_phone(s)[0]


def normalise_mobile(s: str) -> str | None:
    """The plain form of a mobile number written any accepted way, None if it is none."""
    return parse_phone(s, mobile_only=True)[0]


def phone(s: str) -> Finding | None:
    """One phone number: mobile, landline with area code (and extension), or 400/800."""
    plain, reason = parse_phone(s)
    return None if plain else finding("phone_invalid", value=s, reason=reason)


def mobile(s: str) -> Finding | None:
    """One mobile number (staff 手机)."""
    plain, reason = parse_phone(s, mobile_only=True)
    return None if plain else finding("mobile_invalid", value=s, reason=reason)


# --- Email, bank account --------------------------------------------------------------
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def email(s: str) -> Finding | None:
    """One email address."""
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
    """A bank account: 8–30 digits."""
    if not s.isdigit() or not s.isascii():
        return finding("bank_account_invalid", value=s, reason="只能是数字")
    if not 8 <= len(s) <= 30:
        return finding("bank_account_invalid", value=s, reason=f"应为 8–30 位，现在是 {len(s)} 位")
    return None


# --- Months and plan periods ---------------------------------------------------------
_PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(上|下)$")
_PERIOD_LOOSE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(上|下)(?:半月|旬)?$")


def plan_period(s: str) -> Finding | None:
    """A plan period YYYY-MM上 or YYYY-MM下; a loose spelling gets its suggestion."""
    if _PERIOD_RE.match(s):
        return None
    m = _PERIOD_LOOSE_RE.match(s)
    suggestion = None
    if m and 1 <= int(m.group(2)) <= 12:
        suggestion = f"{m.group(1)}-{int(m.group(2)):02d}{m.group(3)}"
    return finding("plan_period_invalid", suggestion, value=s)


HALVES = ("上", "下")      # plan periods: days 1–15, 16–end


# --- Notice numbers of the written scarce-supply notice (gcs notices) -------------------
NOTICE_PREFIX = "GX"        # 供货 (supply) notice; fixed: visit logs and registers share it
_NOTICE_RE = re.compile(r"^GX(\d{4})(0[1-9]|1[0-2])-(\d{4})$")
_NOTICE_LOOSE_RE = re.compile(r"^\s*[Gg][Xx]\s*(\d{4})\s*[-/.]?\s*(\d{1,2})\s*[-－—_]\s*(\d{1,4})\s*$")


def format_notice_number(month: str, seq: int) -> str:
    """The notice number of a month's seq-th notice: GX202612-0001."""
    return f"{NOTICE_PREFIX}{month.replace('-', '')}-{seq:04d}"


def parse_notice_number(s: str) -> tuple[str, int] | None:
    """(month, seq) of a notice number, or None when it is not one."""
    m = _NOTICE_RE.match(s)
    return (f"{m.group(1)}-{m.group(2)}", int(m.group(3))) if m else None


def notice_number(s: str) -> Finding | None:
    """A notice number GX202612-0001; a loose spelling (gx202612-1) gets its suggestion."""
    if _NOTICE_RE.match(s):
        return None
    m = _NOTICE_LOOSE_RE.match(s)
    suggestion = None
    if m and 1 <= int(m.group(2)) <= 12 and int(m.group(3)) > 0:
        suggestion = format_notice_number(f"{m.group(1)}-{int(m.group(2)):02d}", int(m.group(3)))
    return finding("notice_number_invalid", suggestion, value=s)


def half_of(day: dt.date) -> int:
    """Which half of its month a date is in: 0 for days 1–15, 1 for 16–end."""
    return 0 if day.day <= 15 else 1


def period_of(day: dt.date) -> str:
    """The plan period a date falls in: 1–15 上, 16–end 下."""
    return f"{day.year:04d}-{day.month:02d}{HALVES[half_of(day)]}"


# Fast paths: a value that fully matches one of these (ASCII, no spaces) passes its check
# and is already in its plain form. They let validation of large sheets skip the full check
# for the common, clean case.
_PROVINCE_RE = "(?:" + "|".join(map(str, sorted(_PROVINCES))) + ")"
_LANDLINE_PLAIN = r"(?:010|02[0-9])-[0-9]{7,8}(?:-[0-9]{1,6})?|0[3-9][0-9]{2}-[0-9]{7,8}(?:-[0-9]{1,6})?"
CLEAN: dict[str, re.Pattern] = {
    "licence": re.compile(_PROVINCE_RE + "[0-9]{4}[12][0-9]{5}", re.ASCII),
    "phone": re.compile(r"1[3-9][0-9]{9}|" + _LANDLINE_PLAIN + r"|[48]00-[0-9]{3}-[0-9]{4}", re.ASCII),
    "mobile": re.compile(r"1[3-9][0-9]{9}", re.ASCII),
    "email": re.compile(r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
                        re.ASCII),
    "bank_account": re.compile(r"[0-9]{8,30}", re.ASCII),
    "plan_period": re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])[上下]"),
    "notice_number": re.compile(_NOTICE_RE.pattern.strip("^$"), re.ASCII),
}


@dataclass(frozen=True)
class Written:
    """How values of a named check may be written beyond their plain form: with spaces
    between digit groups, with the given full-width characters, and the function that
    gives the plain form (the value the tools use, and what `gcs fix` writes)."""
    normalise: Callable[[str], str | None]
    fullwidth: str = ""


WRITTEN: dict[str, Written] = {
    "phone": Written(normalise_phone, PHONE_FULLWIDTH),
    "mobile": Written(normalise_mobile, PHONE_FULLWIDTH),
}

# The implementations of the named checks of specs/checks.toml (a test keeps the lists equal).
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
    "notice_number": notice_number,
}

# Fixed lengths, for the templates' text-length validation as people type (checks.toml).
LENGTHS: dict[str, int] = {name: c.length for name, c in named_checks().items() if c.length}
