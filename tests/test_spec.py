"""The specs implement the template contract (tests/contract/TEMPLATES.md), and bad specs
are refused."""

from __future__ import annotations

import re

import pytest

from gcs_excel.checks import identifiers
from gcs_excel.errors import SpecError
from gcs_excel.spec import _field, load_specs, named_checks

from .conftest import ROOT

CONTRACT = (ROOT / "tests" / "contract" / "TEMPLATES.md").read_text("utf-8")
TYPE_WORDS = {"text": "text", "int": "int", "number": "number", "date": "date", "month": "text",
              "enum": "enum"}


def contract_tables() -> dict[str, list[tuple[str, bool, str, str]]]:
    """sheet name -> [(header, required, type, rule)] as the contract writes them."""
    out: dict[str, list] = {}
    current = None
    for line in CONTRACT.splitlines():
        m = re.match(r"^## (\S+) \(", line) or re.match(r"^A second sheet \*\*(\S+)\*\*", line)
        if m:
            current = m.group(1)
            out[current] = []
            continue
        m = re.match(r"^\| (.+?) \| (\w+) \|(.*)\|$", line)
        if current and m and m.group(1) not in ("header", "---"):
            header = m.group(1)
            out[current].append((header.rstrip("*"), header.endswith("*"), m.group(2), m.group(3).strip()))
    return out


def test_contract_is_parsed():
    tables = contract_tables()
    assert len(tables) == 9 and len(tables["总部档案"]) == 18


@pytest.mark.parametrize("name, fields", contract_tables().items())
def test_sheet_matches_the_contract(name, fields):
    sheet = load_specs().by_name[name]
    assert [f.header for f in sheet.fields[: len(fields)]] == [h for h, *_ in fields]
    for f, (header, required, kind, rule) in zip(sheet.fields, fields):
        assert f.required == required, header
        assert TYPE_WORDS[f.type] == kind, header
        if f.type == "enum":
            listed = [v.strip() for v in rule.split("(")[0].split(",")]
            assert list(f.values) == listed, header


def test_every_sheet_has_an_id_and_every_reference_resolves():
    specs = load_specs()
    for sheet in specs.sheets.values():
        for f in sheet.fields:
            for target in f.targets():
                specs.resolve(target)


@pytest.mark.parametrize("raw, message", [
    ({"id": "x", "header": "X", "type": "text", "colour": "red"}, "未知的键"),
    ({"id": "x", "header": "X", "type": "string"}, "类型"),
    ({"id": "x", "header": "X", "type": "enum"}, "enum"),
    ({"id": "X-1", "header": "X", "type": "text"}, "id"),
    ({"id": "x", "header": "X", "type": "text", "check": "iban"}, "未知的校验"),
    ({"id": "x", "header": "X", "type": "text", "pattern": "^a$"}, "pattern_text"),
    ({"id": "x", "header": "X", "type": "text", "ref_by": "y"}, "ref_map"),
    ({"id": "x", "header": "X", "type": "int", "free_text": True}, "free_text"),
    ({"id": "x", "header": "X", "type": "text", "code": True, "free_text": True}, "free_text"),
])
def test_bad_spec_fields_are_refused(raw, message):
    with pytest.raises(SpecError, match=message):
        _field(raw, "test")


def test_the_named_checks_in_code_and_data_agree():
    """checks.toml is the one list: every entry has an implementation, a fast path and
    written forms only for checks it lists, lengths only where it gives them."""
    names = set(named_checks())
    assert set(identifiers.CHECKS) == names
    assert set(identifiers.CLEAN) <= names and set(identifiers.WRITTEN) <= names
    assert identifiers.LENGTHS == {"uscc": 18, "resident_id": 18, "licence": 12}
    assert load_specs().check_rules.keys() == names
    used = {f.check for s in load_specs().sheets.values() for f in s.fields if f.check}
    assert used <= names


def test_free_text_and_plain_text_fields():
    specs = load_specs()
    free = {(s.id, f.id) for s in specs.sheets.values() for f in s.fields if f.free_text}
    assert free == {("visits", "content"), ("visits", "issues"), ("plan", "purpose"),
                    *(("meetings", f) for f in ("attendees", "monopoly_staff", "topics", "minutes")),
                    ("meeting_items", "item")}
    plain = {(s.id, f.id) for s in specs.sheets.values() for f in s.fields if f.plain_text}
    assert {("hq", "name"), ("hq", "address"), ("stores", "name"), ("stores", "address"),
            ("stores", "contact"), ("catalogue", "sku")} <= plain
    assert not plain & free
    assert ("hq", "code") not in plain and ("plan", "target_name") not in plain and ("hq", "mm") not in plain


def test_outputs_are_recognised_but_get_no_template():
    """An output spec (what gcs writes and reads back) is not a template people fill:
    `gcs templates` and the docs' template list leave it out, recognition keeps it."""
    specs = load_specs()
    assert "allocation" not in {t.id for t in specs.templates}
    assert specs.template("allocation").kind == "output"
    assert specs.by_name["分配明细"].id == "allocation"
    assert specs.sheet("allocation").field("basis").label("sales") == "上月销量"
