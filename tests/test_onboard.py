"""gcs onboard: the application form (new), its check, and approve into the files —
every refusal with its failing and passing case, the round trip new → fill → check →
approve → validate, the files kept exactly, and the form printed by LibreOffice."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from gcs_excel.cli import cli
from gcs_excel.errors import ConfigError, Refused, WriteError
from gcs_excel.onboarding.approve import approve_application, next_code
from gcs_excel.onboarding.config import load_config
from gcs_excel.onboarding.form import form_specs, new_application, sample_application, sample_rows, write_application
from gcs_excel.onboarding.review import MERGED, MISSING, VERIFIED, check_application
from gcs_excel.sheetnames import APPLICATION_COVER
from gcs_excel.spec import load_specs
from gcs_excel.validation import validate
from gcs_excel.xlsx_edit import set_value
from gcs_excel.xlsx_style import MIN_SCALE

from .conftest import TODAY, digest
from .test_templates import _column

SPECS = form_specs()
HQ, STORES = SPECS.sheet("apply_hq"), SPECS.sheet("apply_stores")
DOCS, SURVEY, APPROVAL = SPECS.sheet("apply_documents"), SPECS.sheet("apply_survey"), SPECS.sheet("apply_approval")
BAD_CHECK_USCC = "91350200776049653B"          # DOMAIN.md's example with the wrong check character


@pytest.fixture(scope="module")
def rows():
    """A filled, approved application (rows by sheet id), made once."""
    return sample_rows(today=TODAY)


@pytest.fixture
def app(tmp_path, rows):
    """app(change) -> the sample application written after change(rows) edited a copy."""
    def _app(change=None, name="入网申报表.xlsx"):
        data = copy.deepcopy(rows)
        if change:
            change(data)
        return write_application(tmp_path / name, rows=data)
    return _app


@pytest.fixture
def files(clean_files, tmp_path):
    """Copies of the demo department's staff list, HQ file and store list."""
    folder = tmp_path / "dept"
    folder.mkdir()
    return {p.stem: Path(shutil.copy(p, folder / p.name)) for p in clean_files
            if p.stem in ("人员名单", "总部档案", "卖场明细表")}


def check(path, **kw):
    return check_application(path, today=TODAY, **kw)


def codes(result) -> list[tuple[str | None, str]]:
    return sorted(((p.cell, p.code) for p in result.report.problems), key=lambda x: (x[0] or "", x[1]))


def step(data, step_id: str) -> dict:
    label = APPROVAL.field("step").label(step_id)
    return next(r for r in data["apply_approval"] if r["step"] == label)


def document(data, doc_id: str) -> dict:
    label = DOCS.field("document").label(doc_id)
    return next(r for r in data["apply_documents"] if r["document"] == label)


# --- the form --------------------------------------------------------------------------------
def test_blank_form_has_the_specs_sheets_text_codes_dropdowns_and_prefilled_rows(tmp_path):
    path = new_application(tmp_path / "申报.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:6] == [APPLICATION_COVER, *(s.name for s in SPECS.template("onboarding").sheets)]
    assert "填表说明" in wb.sheetnames
    hq = wb[HQ.name]
    assert [c.value for c in hq[1]] == list(HQ.headers)
    for fid in ("uscc", "legal_rep_id", "bank_account", "order_phone"):
        assert _column(hq, HQ.ids.index(fid) + 1).number_format == "@", fid   # codes stay text
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in hq.data_validations.dataValidation if dv.type == "list"}
    assert "每周一次" in lists["G2"]                                          # 订货频率's dropdown
    docs = wb[DOCS.name]
    assert [r[0].value for r in docs.iter_rows(min_row=2)] == list(DOCS.field("document").values)
    survey = wb[SURVEY.name]
    cfg = load_config()
    assert [(r[0].value, r[2].value) for r in survey.iter_rows(min_row=2)] == [(i.name, i.weight) for i in cfg.items]
    assert [r[0].value for r in wb[APPROVAL.name].iter_rows(min_row=2)] == list(APPROVAL.field("step").values)


def test_form_fields_are_the_templates_fields():
    """One source: 申报总部 and 申报卖场 are 总部档案's and 卖场明细表's columns, less the
    ones approval fills (客户编码, 入网日期, 状态), with the same checks and hints."""
    specs = load_specs()
    for form, sheet, omitted in ((HQ, specs.sheet("hq"), {"code", "joined", "status"}),
                                 (STORES, specs.sheet("stores"), {"customer", "status"})):
        assert form.ids == tuple(f for f in sheet.ids if f not in omitted)
        for f in form.fields:
            g = sheet.field(f.id)
            assert (f.header, f.type, f.check, f.required, f.hint, f.pattern) == \
                   (g.header, g.type, g.check, g.required, g.hint, g.pattern)


def test_ordinary_recognition_is_unchanged_and_the_form_is_recognised_only_by_gcs_onboard(tmp_path, write, app):
    """The form's sheets are not among the specs gcs validate reads with; with the form's
    specs, a 总部档案 with an unknown sheet name is still 总部档案 (all its headers match)."""
    plain = load_specs()
    assert not {s for s in plain.sheets if s.startswith("apply_")}
    hq_rows = [{f.id: f.example for f in plain.sheet("hq").fields}]
    hq_rows[0]["joined"] = dt.date(2024, 3, 15)
    path = write("hq", hq_rows, name="Sheet1.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["总部档案"].title = "Sheet1"
    wb.save(path)
    for specs in (plain, SPECS):
        v = validate([path], today=TODAY, specs=specs)
        assert [t.spec.id for t in v.tables] == ["hq"]
    form = app()
    wb = openpyxl.load_workbook(form)
    wb[HQ.name].title = "Sheet9"
    wb.save(form)
    v = validate([form], today=TODAY, specs=SPECS)
    assert "apply_hq" in [t.spec.id for t in v.tables]


def test_gcs_validate_points_an_application_to_gcs_onboard_check(app):
    """Its 申报总部 would pass for a 总部档案 lacking 客户编码: gcs validate says what it is instead."""
    path = app()
    v = validate([path], today=TODAY)
    assert v.report.problems == [] and v.tables == []
    assert v.report.notes == [f"没有校验 {path}：它是入网申报表，请用 gcs onboard check 检查"]


# --- check ------------------------------------------------------------------------------------
def test_the_sample_application_checks_clean(app):
    r = check(app())
    assert r.report.problems == [] and r.approved and r.missing == []
    assert [d.status for d in r.documents] == [VERIFIED, VERIFIED, MERGED, MERGED, MERGED, VERIFIED]
    assert r.survey.passed and r.survey.score == round(sum(i["score"] for i in r.survey.items), 1)


def test_a_blank_form_lists_everything_missing(tmp_path):
    r = check(new_application(tmp_path / "申报.xlsx"))
    assert not r.approved
    assert {p.code for p in r.report.problems} == {
        "onboard_hq_rows", "onboard_no_stores", "onboard_document_missing", "onboard_survey_unscored",
        "onboard_approval_pending"}
    assert all(d.status == MISSING for d in r.documents)
    assert r.survey.score is None
    assert len(r.missing) == 1 + 6 + 5 + 2          # stores, documents, survey items, steps


def _uscc(value):
    def change(data):
        data["apply_hq"][0]["uscc"] = value
    return change


def _override(value):
    def change(data):
        data["apply_hq"][0]["uscc"] = BAD_CHECK_USCC
        step(data, "approval")["uscc_override"] = value
    return change


@pytest.mark.parametrize("change, expected, statuses", [
    # a USCC of the wrong form: the licence is missing and nothing is merged into it
    (_uscc("9135020077604965"), [("B2", "uscc_invalid"), ("C2", "onboard_document_missing"),
                                 ("C4", "onboard_document_missing"), ("C5", "onboard_document_missing"),
                                 ("C6", "onboard_document_missing")],
     [MISSING, VERIFIED, MISSING, MISSING, MISSING, VERIFIED]),
    # a check character that fails: a warning, and the approver must confirm it
    (_override("否"), [("B2", "onboard_uscc_unconfirmed"), ("B2", "uscc_checksum"),
                      ("C2", "onboard_document_missing"), ("C4", "onboard_document_missing"),
                      ("C5", "onboard_document_missing"), ("C6", "onboard_document_missing")],
     [MISSING, VERIFIED, MISSING, MISSING, MISSING, VERIFIED]),
    # ... confirmed: the warning stays (it is true), the documents count as merged
    (_override("是"), [("B2", "uscc_checksum")], [VERIFIED, VERIFIED, MERGED, MERGED, MERGED, VERIFIED]),
    # no USCC on the licence: the three certificates are needed, and seen
    (lambda d: ([document(d, x).update(verified="是") for x in ("tax_registration", "org_code")],
                d["apply_hq"][0].update(uscc=None)),
     [("B2", "required_missing"), ("C2", "onboard_document_missing"), ("C6", "onboard_document_missing")],
     [MISSING, VERIFIED, VERIFIED, VERIFIED, MISSING, VERIFIED]),
    (lambda d: d["apply_hq"][0].update(legal_rep_id=None), [("C3", "onboard_document_missing")],
     [VERIFIED, MISSING, MERGED, MERGED, MERGED, VERIFIED]),
    (lambda d: document(d, "tobacco_licence").update(verified="否"), [("C7", "onboard_document_missing")],
     [VERIFIED, VERIFIED, MERGED, MERGED, MERGED, MISSING]),
])
def test_documents(app, change, expected, statuses):
    r = check(app(change))
    assert codes(r) == sorted(expected)
    assert [d.status for d in r.documents] == statuses


def _score(item: int, value):
    def change(data):
        data["apply_survey"][item]["score"] = value
    return change


@pytest.mark.parametrize("change, expected", [
    (_score(0, None), [("D2", "onboard_survey_unscored")]),
    (_score(0, 21), [("D2", "onboard_survey_over")]),
    (_score(0, -1), [("D2", "out_of_range")]),
    (lambda d: d["apply_survey"][1].update(weight=30), [("C3", "onboard_survey_weight")]),
    (lambda d: d["apply_survey"].append({"item": "停车条件", "weight": 5, "score": 5}), [("A7", "onboard_survey_item_unknown")]),
    (lambda d: d["apply_survey"].pop(4), [(None, "onboard_survey_item_missing")]),
    (lambda d: [r.update(score=r["weight"] * 0.6) for r in d["apply_survey"]], [(None, "onboard_survey_below_pass")]),
    (lambda d: [r.update(score=r["weight"] * 0.7) for r in d["apply_survey"]], []),     # the pass mark itself passes
])
def test_survey(app, change, expected):
    assert codes(check(app(change))) == expected


def test_the_pass_mark_and_weights_come_from_a_departments_config(app, tmp_path):
    path = app(lambda d: [r.update(score=r["weight"] * 0.75) for r in d["apply_survey"]])
    assert check(path).survey.passed
    strict = tmp_path / "严.toml"
    strict.write_text("[survey]\npass_mark = 80\n", "utf-8")
    r = check(path, config=strict)
    assert r.survey.score == 75 and [p.code for p in r.report.problems] == ["onboard_survey_below_pass"]
    bad = tmp_path / "错.toml"
    bad.write_text("[survey]\npassmark = 80\n", "utf-8")
    with pytest.raises(ConfigError, match="passmark"):
        check(path, config=bad)


def test_the_form_is_written_from_the_departments_config(tmp_path):
    mine = tmp_path / "本部门.toml"
    mine.write_text('[survey.items.location]\nname = "商圈位置"\nweight = 30\n', "utf-8")
    wb = openpyxl.load_workbook(new_application(tmp_path / "申报.xlsx", config=mine))
    assert [r[0].value for r in wb[SURVEY.name].iter_rows(min_row=2, max_row=2)] == ["商圈位置"]
    assert wb[SURVEY.name]["C2"].value == 30


def test_a_quote_in_an_item_name_stays_inside_the_covers_formula(tmp_path):
    mine = tmp_path / "本部门.toml"
    mine.write_text('[survey.items.location]\nname = \'"黄金"地段\'\n', "utf-8")
    ws = openpyxl.load_workbook(new_application(tmp_path / "申报.xlsx", config=mine))[APPLICATION_COVER]
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")
                and "地段" in c.value]
    assert formulas and all('MATCH("""黄金""地段"' in f for f in formulas)


@pytest.mark.parametrize("text, message", [
    ("[survey]\npass_mark = 120\n", "应在 0 到 100 之间"),
    ('code_prefix = "J1"\n', "两位大写字母"),
    ('[survey.items.location]\nname = "店内环境"\n', "不能重复"),
    ("[survey]\npass_mark = \"七十\"\n", "应是数字"),
    ("[survey.items.extra]\nname = \"停车\"\n", "不是已知的规则或设置"),
])
def test_a_broken_config_is_one_line(tmp_path, text, message):
    bad = tmp_path / "错.toml"
    bad.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(bad)


@pytest.mark.parametrize("change, expected, approved", [
    (lambda d: step(d, "approval").update(approver=None, date=None, opinion=None), [(None, "onboard_approval_pending")], False),
    (lambda d: step(d, "first_review").update(opinion="不同意", comment="门店证照不全"), [("D2", "onboard_approval_rejected")], False),
    (lambda d: step(d, "approval").update(date=TODAY - dt.timedelta(days=9)), [("C3", "onboard_approval_order")], True),
    (lambda d: step(d, "approval").update(date=TODAY + dt.timedelta(days=1)), [("C3", "date_in_future")], False),
    (lambda d: None, [], True),
])
def test_approval(app, change, expected, approved):
    r = check(app(change))
    assert codes(r) == expected and r.approved is approved


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["apply_hq"].append(dict(d["apply_hq"][0], uscc="91440101MA5CJQ4N59")), [(None, "onboard_hq_rows")]),
    (lambda d: d["apply_stores"].clear(), [(None, "onboard_no_stores"), ("C7", "onboard_document_missing")]),
    (lambda d: d["apply_stores"].append(dict(d["apply_stores"][0])), [("A8", "duplicate_key")]),
    (lambda d: d["apply_stores"][0].update(licence="43010229777"), [("A2", "licence_invalid")]),
])
def test_hq_and_stores_are_checked_like_the_files(app, change, expected):
    assert codes(check(app(change))) == expected


@pytest.mark.parametrize("cm, expected", [
    ("刘洋", []),
    ("王建国", [("N2", "ref_mismatch")]),         # a market manager named as customer manager
    ("刘阳", [("N2", "ref_missing")]),
])
def test_the_managers_are_checked_against_the_staff_list_when_given(app, files, cm, expected):
    path = app(lambda d: d["apply_hq"][0].update(cm=cm))
    assert codes(check(path, staff=files["人员名单"])) == expected
    assert codes(check(path)) == []                 # without the list: said in a note, not checked
    assert any("人员名单" in n for n in check(path).report.notes)


def test_a_file_that_is_no_application_is_refused_in_one_line(files):
    with pytest.raises(ConfigError, match="不是入网申报表"):
        check(files["总部档案"])


# --- approve ----------------------------------------------------------------------------------
def _sheet_state(path: Path) -> dict:
    """Everything of a workbook a user would miss: every cell's value and number format,
    column widths, dropdowns, defined names, sheet order."""
    wb = openpyxl.load_workbook(path)
    state = {"sheets": wb.sheetnames, "names": sorted(wb.defined_names)}
    for ws in wb:
        state[ws.title] = {
            "cells": {c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row
                      if c.value not in (None, "")},      # an empty text cell is a blank one to the eye
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1) for dv in ws.data_validations.dataValidation),
            "freeze": ws.freeze_panes, "hidden": ws.sheet_state,
        }
    return state


def test_round_trip_new_fill_check_approve_validate(files, rows, tmp_path):
    """A blank form filled cell by cell as a clerk would, checked clean, approved into the
    demo's files: the files validate with no new problem, the old rows stay exactly, and
    the backups are the old files byte for byte."""
    blank = new_application(tmp_path / "申报.xlsx")
    wb = openpyxl.load_workbook(blank)
    for sheet_id, data in rows.items():
        sheet = SPECS.sheet(sheet_id)
        ws = wb[sheet.name]
        for r, row in enumerate(data, start=2):
            for c, fid in enumerate(sheet.ids, start=1):
                if row.get(fid) is not None:
                    set_value(ws.cell(row=r, column=c), row[fid])
    filled = tmp_path / "申报_已填.xlsx"
    wb.save(filled)
    assert check(filled).report.problems == []
    application = digest([filled])

    hq, stores, staff = files["总部档案"], files["卖场明细表"], files["人员名单"]
    before = digest([hq, stores])
    old = {p: (_sheet_state(p), p.read_bytes()) for p in (hq, stores)}
    n_hq, n_stores = (len(validate([p], today=TODAY).tables[0]) for p in (hq, stores))
    result = approve_application(filled, [hq, stores], staff=staff, today=TODAY)
    assert result.code == "JT0013" and result.stores == len(rows["apply_stores"]) and result.notes == []
    assert result.joined == step(rows, "approval")["date"]

    for o in result.outputs:
        backup = Path(o["backup"])
        assert backup.parent == Path(o["file"]).parent / "备份"
        assert backup.read_bytes() == old[Path(o["file"])][1]        # byte for byte
    assert digest([hq, stores]) != before and digest([filled]) == application      # the application is an input

    v = validate([staff, hq, stores], today=TODAY)
    assert v.report.problems == []
    new_hq = v.tables_of("hq")[0]
    assert len(new_hq) == n_hq + 1 and new_hq.values["code"][-1] == "JT0013"
    assert new_hq.values["uscc"][-1] == rows["apply_hq"][0]["uscc"]
    assert new_hq.values["status"][-1] == "正常"
    new_stores = v.tables_of("stores")[0]
    assert len(new_stores) == n_stores + len(rows["apply_stores"])
    assert new_stores.values["licence"][n_stores:] == [s["licence"] for s in rows["apply_stores"]]
    assert set(new_stores.values["customer"][n_stores:]) == {"JT0013"}

    for path, (state, _) in old.items():
        after = _sheet_state(path)
        assert after["sheets"] == state["sheets"] and after["names"] == state["names"]
        for name in state["sheets"]:
            was, now = state[name], after[name]
            assert {k: v for k, v in now["cells"].items() if k in was["cells"]} == was["cells"], name
            assert (now["widths"], now["validations"], now["freeze"], now["hidden"]) == \
                   (was["widths"], was["validations"], was["freeze"], was["hidden"]), name
        added = set(after[state["sheets"][0]]["cells"]) - set(state[state["sheets"][0]]["cells"])
        assert added and all(int("".join(filter(str.isdigit, c))) > max(
            int("".join(filter(str.isdigit, k))) for k in state[state["sheets"][0]]["cells"]) for c in added)


def _refused(app_path, files, match):
    before = {p: p.read_bytes() for p in files.values()}
    with pytest.raises(Refused, match=match):
        approve_application(app_path, [files["总部档案"], files["卖场明细表"]], today=TODAY)
    assert {p: p.read_bytes() for p in files.values()} == before            # nothing written
    assert not (files["总部档案"].parent / "备份").exists()


@pytest.mark.parametrize("change, match", [
    (lambda d: step(d, "approval").update(opinion=None), "还没有通过审批（审批（营销中心）未签署）"),
    (lambda d: step(d, "first_review").update(opinion="不同意"), "还没有通过审批（初审（市场经理）：不同意）"),
    (lambda d: d["apply_stores"][0].update(phone="12345"), "还有 1 个错误（phone_invalid）"),
    (lambda d: [r.update(score=0) for r in d["apply_survey"][:2]], "onboard_survey_below_pass"),
    (_override("否"), "「91350200776049653B」校验不通过，营销中心审批人没有在审批表确认"),
])
def test_approve_refuses_an_application_not_ready(app, files, change, match):
    _refused(app(change), files, match)


def test_approve_takes_a_confirmed_doubtful_uscc(app, files):
    r = approve_application(app(_override("是")), [files["总部档案"], files["卖场明细表"]], today=TODAY)
    assert r.code == "JT0013"


def test_approve_refuses_a_uscc_or_licence_already_on_file(app, files, department):
    taken_uscc = department["hq"][3]["uscc"]
    taken = [s["licence"] for s in department["stores"][:5]]
    _refused(app(_uscc(taken_uscc)), files, f"统一社会信用代码「{taken_uscc}」已在 .*第 5 行")
    _refused(app(lambda d: d["apply_stores"][1].update(licence=taken[0])), files,
             f"专卖证号 {taken[0]}（第 2 行） 已在 .*共 1 个卖场已在档")
    # passing case: the same application with codes of its own goes in, and a second run is refused
    path = app()
    approve_application(path, [files["总部档案"], files["卖场明细表"]], today=TODAY)
    _refused_again = pytest.raises(Refused, match="已在")
    with _refused_again:
        approve_application(path, [files["总部档案"], files["卖场明细表"]], today=TODAY)


def test_approve_refuses_a_file_excel_holds_open(app, files):
    hq = files["总部档案"]
    lock = hq.with_name("~$" + hq.name)
    lock.write_bytes(b"")
    before = {p: p.read_bytes() for p in files.values()}
    with pytest.raises(WriteError, match="正在被 Excel 或 WPS 打开"):
        approve_application(app(), [hq, files["卖场明细表"]], today=TODAY)
    assert {p: p.read_bytes() for p in files.values()} == before
    assert not (hq.parent / "备份").exists()
    lock.unlink()
    assert approve_application(app(), [hq, files["卖场明细表"]], today=TODAY).code == "JT0013"


def test_a_failed_write_leaves_the_old_files_and_no_backup(app, files, monkeypatch):
    from gcs_excel import xlsx_edit

    def full_disk(self, path):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(xlsx_edit.Copy, "save", full_disk)
    before = {p: p.read_bytes() for p in files.values()}
    with pytest.raises(WriteError, match="磁盘"):
        approve_application(app(), [files["总部档案"], files["卖场明细表"]], today=TODAY)
    assert {p: p.read_bytes() for p in files.values()} == before
    assert list((files["总部档案"].parent / "备份").glob("*")) == []


def test_approve_into_one_workbook_holding_both_lists(app, files, tmp_path):
    combined = tmp_path / "档案.xlsx"
    wb = openpyxl.load_workbook(files["总部档案"])
    ws = wb.create_sheet("卖场明细表")
    for row in openpyxl.load_workbook(files["卖场明细表"])["卖场明细表"].iter_rows(values_only=True):
        ws.append(row)
    for col in range(1, ws.max_column + 1):
        for cell in ws.iter_rows(min_col=col, max_col=col):
            cell[0].number_format = "@"
    wb.save(combined)
    n = [len(t) for t in validate([combined], today=TODAY).tables]
    r = approve_application(app(), [combined, combined], today=TODAY)
    assert {o["file"] for o in r.outputs} == {str(combined)} and len({o["backup"] for o in r.outputs}) == 1
    assert [len(t) for t in validate([combined], today=TODAY).tables] == [n[0] + 1, n[1] + r.stores]


def test_problems_already_in_the_files_are_said_and_left_alone(app, mistake_files, tmp_path):
    books = [Path(shutil.copy(p, tmp_path / p.name)) for p in mistake_files if p.stem in ("总部档案", "卖场明细表")]
    before = validate(books, today=TODAY).report
    r = approve_application(app(), books, today=TODAY)
    assert f"原本就有 {before.count()} 个问题" in r.notes[0]
    after = validate(books, today=TODAY).report
    assert sorted((p.code, p.cell) for p in after.problems) == sorted((p.code, p.cell) for p in before.problems)


def test_approve_refuses_to_write_over_a_total_row(app, files):
    stores = files["卖场明细表"]
    wb = openpyxl.load_workbook(stores)
    ws = wb["卖场明细表"]
    total = ws.max_row + 2
    ws.cell(row=total, column=1, value="合计")
    wb.save(stores)
    _refused(app(), files, f"第 {total} 行还有内容")
    ws.cell(row=total, column=1).value = None
    wb.save(stores)
    assert approve_application(app(), [files["总部档案"], stores], today=TODAY).code == "JT0013"


def test_approve_refuses_a_csv_list(app, files, tmp_path):
    from gcs_excel.writing import write_csv

    wb = openpyxl.load_workbook(files["卖场明细表"])
    csv_path = tmp_path / "卖场明细表.csv"
    write_csv(csv_path, [[("" if v is None else str(v)) for v in row]
                         for row in wb["卖场明细表"].iter_rows(values_only=True)])
    with pytest.raises(ConfigError, match="是 CSV 文件"):
        approve_application(app(), [files["总部档案"], csv_path], today=TODAY)


def test_approve_needs_both_files(app, files):
    with pytest.raises(ConfigError, match="没有「卖场明细表」工作表"):
        approve_application(app(), [files["总部档案"], files["人员名单"]], today=TODAY)


def test_approve_into_the_macro_workbooks_keeps_macros_and_ribbon(app, xlsm_build, tmp_path):
    from gcs_excel.vba.ribbon import read_custom_ui

    books = {p.stem: Path(shutil.copy(p, tmp_path / p.name)) for p in xlsm_build.workbooks
             if p.stem in ("总部档案", "卖场明细表")}
    parts = {}
    for p in books.values():
        with zipfile.ZipFile(p) as z:
            parts[p] = (z.read("xl/vbaProject.bin"), read_custom_ui(p))
    r = approve_application(app(), [books["总部档案"], books["卖场明细表"]], today=TODAY)
    assert r.code == "JT0001"                    # an empty HQ file: the settings' prefix
    for p, (vba, ribbon) in parts.items():
        with zipfile.ZipFile(p) as z:
            assert z.read("xl/vbaProject.bin") == vba
        assert read_custom_ui(p) == ribbon is not None
    v = validate(list(books.values()), today=TODAY)
    assert [len(t) for t in v.tables] == [1, len(sample_rows(today=TODAY)["apply_stores"])]


def _codes(values, raw=None):
    """An HQ table with these codes (values as validated, raw as typed)."""
    from gcs_excel.table import Table

    return Table("总部档案.xlsx", "总部档案", load_specs().sheet("hq"), 1, {"code": 0}, list(range(2, len(values) + 2)),
                 {"code": raw or values}, values={"code": values})


@pytest.mark.parametrize("codes_on_file, expected", [
    ([], "JT0001"),
    (["JT0001", "JT0007", "JT0003"], "JT0008"),
    (["AB0050", "JT0002", "JT0003"], "JT0004"),          # the most used prefix
    (["JT0002", None, "xx"], "JT0003"),                  # what is no code is left aside
])
def test_next_code(codes_on_file, expected):
    assert next_code(_codes(codes_on_file), load_config()) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.from_regex(r"\A(JT|AB|XY)[0-9]{4}\Z"), st.none(), st.text(max_size=6)), max_size=30))
def test_next_code_is_free_and_follows_its_prefix(codes_on_file):
    try:
        code = next_code(_codes(codes_on_file), load_config())
    except Refused:
        assert any(isinstance(c, str) and c.endswith("9999") for c in codes_on_file)
        return
    assert code not in codes_on_file and len(code) == 6
    same = [c for c in codes_on_file if isinstance(c, str) and re.fullmatch(code[:2] + "[0-9]{4}", c)]
    assert all(c < code for c in same)


@pytest.mark.parametrize("raw, message", [
    ({"like": "nope"}, "like 的工作表 'nope' 不存在"),
    ({"like": "hq", "omit": ["nope"]}, "omit 里的 ['nope'] 不是 hq 的字段"),
    ({"omit": ["code"]}, "omit 只和 like 一起用"),
])
def test_like_and_omit_are_checked(raw, message):
    from gcs_excel.errors import SpecError
    from gcs_excel.spec import _like

    hq = {"id": "hq", "fields": [{"id": "code"}, {"id": "name"}]}
    with pytest.raises(SpecError, match=re.escape(message)):
        _like(raw, {"hq": hq}, "x.toml")
    assert _like({"like": "hq", "omit": ["code"]}, {"hq": hq}, "x.toml") == [{"id": "name"}]


def test_a_code_on_file_with_an_error_is_taken_too():
    """jt0013 in a cell (an error: lower case) still holds JT0013: the next is JT0014."""
    assert next_code(_codes(["JT0012", None], raw=["JT0012", "jt0013"]), load_config()) == "JT0014"


def test_approve_into_the_committed_blank_templates(app, tmp_path):
    from .conftest import ROOT

    books = [Path(shutil.copy(ROOT / "workbook_templates" / f"{n}.xlsx", tmp_path / f"{n}.xlsx"))
             for n in ("总部档案", "卖场明细表")]
    r = approve_application(app(), books, today=TODAY)
    assert r.code == "JT0001" and r.notes == ["没有给人员名单（--staff），没有核对申报表里的市场经理、客户经理是否在其中"]
    v = validate(books, today=TODAY)
    assert v.report.problems == [] and [len(t) for t in v.tables] == [1, r.stores]


def test_next_code_refuses_when_the_prefix_is_used_up():
    with pytest.raises(Refused, match="JT9999"):
        next_code(_codes(["JT9999"]), load_config())


# --- the command line -------------------------------------------------------------------------
def test_cli_new_check_approve(files, tmp_path, rows):
    run = CliRunner().invoke
    blank = tmp_path / "空白.xlsx"
    r = run(cli, ["onboard", "new", "--out", str(blank)])
    assert r.exit_code == 0 and blank.exists()
    r = run(cli, ["onboard", "check", str(blank), "--today", TODAY.isoformat()])
    assert r.exit_code == 1 and "✗ 营业执照" in r.output and "未签署" in r.output
    sample = sample_application(tmp_path / "样例.xlsx", today=TODAY)
    r = run(cli, ["onboard", "check", str(sample), "--json", "--today", TODAY.isoformat()])
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["approved"] and data["issues"] == [] and data["survey"]["passed"]
    assert [d["status"] for d in data["documents"]].count(MERGED) == 3
    r = run(cli, ["onboard", "approve", str(sample), "--into", str(files["总部档案"]), str(files["卖场明细表"]),
                  "--staff", str(files["人员名单"]), "--today", TODAY.isoformat()])
    assert r.exit_code == 0 and "客户编码 JT0013" in r.output and "备份" in r.output and "没有给人员名单" not in r.output
    r = run(cli, ["onboard", "approve", str(sample), "--into", str(files["总部档案"]), str(files["卖场明细表"]),
                  "--today", TODAY.isoformat()])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "已在" in r.output


def test_every_onboard_command_has_help_with_an_example():
    from gcs_excel.cli import cli_reference

    group = cli.commands["onboard"]
    assert set(group.commands) == {"new", "check", "approve"}
    for name, c in group.commands.items():
        assert c.help and "示例：gcs onboard " + name in c.help, name
        assert f"## gcs onboard {name}" in cli_reference()


def test_the_sample_avoids_the_departments_codes(department):
    taken = {h["uscc"] for h in department["hq"]} | {s["licence"] for s in department["stores"]}
    data = sample_rows(today=TODAY, avoid=taken)
    assert data["apply_hq"][0]["uscc"] not in taken
    assert not {s["licence"] for s in data["apply_stores"]} & taken


# --- on paper ---------------------------------------------------------------------------------
@pytest.mark.libreoffice
def test_libreoffice_opens_and_prints_the_application(soffice, tmp_path_factory):
    from .printcheck import LibreOffice, print_sheets

    work = tmp_path_factory.mktemp("onboard-print")
    path = sample_application(work / "入网申报表.xlsx", today=TODAY)
    (work / "profile").mkdir()
    office = LibreOffice(soffice, work / "profile")
    prints = {p.sheet: p for p in print_sheets(office, [path], work)}
    assert set(prints) >= {APPLICATION_COVER, *(s.name for s in SPECS.template("onboarding").sheets)}
    for p in prints.values():
        assert p.pages >= 1 and p.scale is not None and p.scale >= MIN_SCALE, str(p)
    cover = prints[APPLICATION_COVER]
    assert (cover.pages, cover.landscape) == (1, False)          # the application on one page to sign
    text = subprocess.run(["pdftotext", "-layout", cover.pdf, "-"], capture_output=True, text=True).stdout
    data = sample_rows(today=TODAY)
    score = sum(r["score"] for r in data["apply_survey"])
    for shown in (data["apply_hq"][0]["uscc"], data["apply_hq"][0]["name"], f"{score:g}", "合格",
                  step(data, "approval")["approver"], str(step(data, "approval")["date"]), "三证合一后随营业执照"):
        assert shown in text, shown                              # the formulas, recalculated
