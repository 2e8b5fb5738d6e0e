"""The advice rule table (monthly.toml) as data: it never lets two findings on one subject
say opposite things, a department can override its numbers and words the way it
overrides the quota rules, and the Spring Festival table and sentence."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from gcs_excel.errors import ConfigError
from gcs_excel.festivals import known_year, spring_festival_in, spring_festivals
from gcs_excel.reporting.config import Finding, load_config
from gcs_excel.reporting.narrative import festival_sentence

CONFIG = load_config()


def _finding(kind: str, subject: str = "X") -> Finding:
    spec = CONFIG.findings[kind]
    return Finding(kind, subject if spec["subject"] != "customer" else "", {f: f"<{f}>" for f in spec["fields"]})


@pytest.mark.parametrize("subject", ["sku", "store", "customer"])
def test_no_combination_of_findings_says_more_and_less(subject):
    """Every subset of the findings one subject can have: the sentences said are never both
    'order / place more' and 'order less', and no finding is said twice."""
    kinds = [k for k, f in CONFIG.findings.items() if f["subject"] == subject]
    for n in range(1, len(kinds) + 1):
        for combo in itertools.combinations(kinds, n):
            said = CONFIG.advise([_finding(k) for k in combo])
            directions = {rule.direction for rule, _ in said}
            assert not {"more", "less"} <= directions, (combo, [r.id for r, _ in said])
            used = [k for rule, _ in said for k in rule.when]
            assert len(used) == len(set(used)), combo


def test_findings_on_different_subjects_do_not_meet():
    said = CONFIG.advise([_finding("overstock", "甲"), _finding("distribution_gap", "乙")])
    assert [r.id for r, _ in said] == ["overstock", "distribution_gap"]


@pytest.mark.parametrize("findings, rules", [
    (["overstock", "distribution_gap"], ["overstock_and_gap"]),
    (["overstock", "distribution_gap", "selling_gap", "market_lagging"], ["overstock_and_gap"]),
    (["overstock", "selling_gap"], ["overstock_and_not_selling"]),
    (["overstock", "low_stock"], []),                                   # cannot both be: say neither
    (["distribution_gap", "low_stock"], ["gap_and_low_stock"]),
    (["distribution_gap", "selling_gap"], ["gap_and_not_selling"]),
    (["low_stock"], ["low_stock"]),
    (["price_off", "target_missed", "own_rising"], ["target_and_rising", "price_off"]),
])
def test_rules_in_priority_order(findings, rules):
    said = CONFIG.advise([_finding(k) for k in findings])
    assert sorted(r.id for r, _ in said) == sorted(rules)


def test_every_rule_text_uses_only_its_findings_fields():
    for rule in CONFIG.rules:
        fields = {f for k in rule.when for f in CONFIG.findings[k]["fields"]}
        text = rule.text.format(**{f: "x" for f in fields})        # raises on an unknown placeholder
        assert "{" not in text


def test_a_department_overrides_numbers_and_words(tmp_path):
    f = tmp_path / "设置.toml"
    f.write_text('[thresholds]\nmin_base = 3\nhigh_cover_days = 30\n\n'
                 '[rules.low_stock]\ntext = "{sku} 只够卖 {days} 天，请补货。"\n', "utf-8")
    c = load_config(f)
    assert (c.min_base, c.high_cover_days, c.price_tolerance) == (3, 30.0, 0.05)
    assert c.source == str(f)
    (said,) = c.advise([_finding("low_stock")])
    assert said[1] == "<sku> 只够卖 <days> 天，请补货。"
    assert load_config().min_base == 5                                   # the defaults are untouched


@pytest.mark.parametrize("text, message", [
    ("[thresholds]\nmin_bse = 3\n", "min_bse"),
    ("[thresholds]\nmin_base = \"5\"\n", "应是整数"),
    ("[thresholds]\nmin_base = -1\n", "负数"),
    ('[rules.low_stock]\ntext = "{sku} {stores_x}"\n', "{stores_x}"),
    ('[rules.low_stock]\nwhen = ["low_stok"]\n', "low_stok"),
    ('[rules.low_stock]\ndirection = "up"\n', "direction"),
    ("[rules]\nnew_rule = 1\n", "new_rule"),
    ("not toml", "格式不对"),
])
def test_override_errors_are_one_clear_line(tmp_path, text, message):
    f = tmp_path / "设置.toml"
    f.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_config(f)


def test_missing_override_file(tmp_path):
    with pytest.raises(ConfigError, match="找不到"):
        load_config(tmp_path / "没有.toml")


# --- the Spring Festival ------------------------------------------------------------------------------
def test_spring_festival_table():
    days = spring_festivals()
    assert sorted(days) == list(range(2004, 2031))
    assert all(dt.date(y, 1, 21) <= d <= dt.date(y, 2, 20) for y, d in days.items())
    assert (days[2025], days[2026], days[2030]) == (dt.date(2025, 1, 29), dt.date(2026, 2, 17), dt.date(2030, 2, 3))
    assert spring_festival_in("2026-02") == dt.date(2026, 2, 17) and spring_festival_in("2026-01") is None
    assert spring_festival_in("2031-01") is None and not known_year(2031)


@pytest.mark.parametrize("month, base, change, what, expected", [
    ("2026-02", "2025-02", 0.30, "同比", "同比+30.0%里有春节的因素：今年春节在本月（2月17日），去年同月没有春节（去年春节在1月29日）。"),
    ("2026-01", "2025-01", -0.25, "同比", "同比−25.0%里有春节的因素：去年同月有春节（2025年1月29日），本月没有（今年春节在2月17日）。"),
    ("2026-02", "2026-01", 0.20, "环比", "环比+20.0%里有春节的因素：今年春节在本月（2月17日），上月没有春节。"),
    ("2026-03", "2026-02", -0.20, "环比", "环比−20.0%里有春节的因素：上月有春节（2月17日），本月没有。"),
    ("2026-02", "2025-02", -0.30, "同比", None),          # the festival month fell: not the festival's doing
    ("2026-01", "2025-01", 0.05, "同比", None),           # rose: nothing for the festival to explain
    ("2026-01", "2025-01", -0.05, "同比", None),          # too small a change to name it
    ("2022-02", "2021-02", 0.30, "同比", None),           # both Februaries hold the festival
    ("2026-10", "2025-10", -0.30, "同比", None),          # neither month holds it
    ("2031-02", "2030-02", 0.30, "同比", None),           # a year the table does not hold
    ("2026-02", "2025-02", None, "同比", None),           # no base, no change
])
def test_festival_sentence(month, base, change, what, expected):
    assert festival_sentence(month, base, change, CONFIG, what) == expected
