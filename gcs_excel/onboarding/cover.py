"""The application's first sheet, 申报表: the whole application on one portrait A4 page
to sign — the customer's particulars, the documents, the survey with its total against
the pass mark, and the two approval steps with signature lines. Every value is a formula
over the data sheets (looked up by label, so sorted rows still match): it follows what
is typed, and it is never data itself (the checks read the data sheets)."""

from __future__ import annotations

from typing import Any

from ..a1 import col_letter
from ..sheetnames import APPLICATION_COVER
from ..spec import SheetSpec, Specs
from ..textwidth import row_height, wrapped_lines
from ..xlsx_style import Formats, page_header, print_setup
from .config import MERGED_DOCUMENTS, OnboardingConfig

WIDTHS = (16, 26, 16, 26)       # label, value, label, value
LAST_ROW = 5000                 # rows the lookups and totals cover


def _ref(sheet: SheetSpec, field_id: str) -> str:
    col = col_letter(sheet.ids.index(field_id))
    return f"'{sheet.name}'!${col}$2:${col}${LAST_ROW}"


def _lookup(sheet: SheetSpec, key: str, label: str, field_id: str) -> str:
    """The value of field_id in the row whose key column holds label (a spec label or a
    survey item's name from a department's settings: a quote in it is doubled, as a
    formula's string needs); "" when empty or absent."""
    text = label.replace('"', '""')
    hit = f'INDEX({_ref(sheet, field_id)},MATCH("{text}",{_ref(sheet, key)},0))'
    return f'IFERROR(IF({hit}="","",{hit}),"")'


class Cover:
    """The Extras of templates.write_workbook that puts 申报表 before the form's sheets."""
    lists: tuple = ()

    def __init__(self, specs: Specs, config: OnboardingConfig):
        self.specs, self.config = specs, config

    def first(self, wb, fmt: Formats) -> None:
        """Add the cover sheet."""
        ws = wb.add_worksheet(APPLICATION_COVER)
        f = _Styles(fmt)
        for c, w in enumerate(WIDTHS):
            ws.set_column(c, c, w)
        template = self.specs.template("onboarding")
        ws.merge_range(0, 0, 0, 3, f"集团客户{template.workbook}", f.heading)
        ws.set_row(0, 28)
        r = self._particulars(ws, f, 2)
        r = self._documents(ws, f, r + 1)
        r = self._survey(ws, f, r + 1)
        r = self._approval(ws, f, r + 1)
        note = f"本页各格是公式，随各工作表的内容变化；填写请在后面的工作表里。检查：{template.command} 文件名"
        ws.merge_range(r + 1, 0, r + 1, 3, note, f.note)
        ws.set_row(r + 1, row_height(wrapped_lines(note, sum(WIDTHS))))
        print_setup(ws, widths=WIDTHS, landscape=False, header=page_header(center=template.workbook))

    def last(self, wb) -> None:
        """Nothing to do once the other sheets are there."""

    def saved(self, path) -> None:
        """Nothing to do on the saved file."""

    def _section(self, ws, f, r: int, title: str) -> int:
        ws.merge_range(r, 0, r, 3, title, f.section)
        ws.set_row(r, row_height(wrapped_lines(title, sum(WIDTHS))))
        return r + 1

    def _particulars(self, ws, f, r: int) -> int:
        hq, stores = self.specs.sheet("apply_hq"), self.specs.sheet("apply_stores")
        r = self._section(ws, f, r, "一、客户基本情况")
        cells: list[tuple[str, str]] = []
        for fid in hq.ids:
            ref = f"'{hq.name}'!{col_letter(hq.ids.index(fid))}2"
            cells.append((hq.header(fid), f'IF({ref}="","",{ref})'))
        cells.append(("卖场数", f"COUNTA({_ref(stores, 'licence')})"))
        cells.append((f"卖场{stores.header('monthly_volume')}合计", f"SUM({_ref(stores, 'monthly_volume')})"))
        for k in range(0, len(cells), 2):
            for j, (label, formula) in enumerate(cells[k:k + 2]):
                ws.write_string(r, 2 * j, label, f.label)
                ws.write_formula(r, 2 * j + 1, "=" + formula, f.text, "")
            r += 1
        return r

    def _documents(self, ws, f, r: int) -> int:
        docs = self.specs.sheet("apply_documents")
        r = self._section(ws, f, r, f"二、证照（{docs.header('verified')}）")
        options = docs.field("document").options
        for k in range(0, len(options), 2):
            for j, (doc, label) in enumerate(list(options.items())[k:k + 2]):
                seen = _lookup(docs, "document", label, "verified")
                if doc in MERGED_DOCUMENTS:     # none issued since 2015/2016: say so rather than leave a gap
                    seen = f'IF({seen}="","三证合一后随营业执照",{seen})'
                ws.write_string(r, 2 * j, label, f.label)
                ws.write_formula(r, 2 * j + 1, "=" + seen, f.text, "")
            r += 1
        return r

    def _survey(self, ws, f, r: int) -> int:
        survey = self.specs.sheet("apply_survey")
        cfg = self.config
        r = self._section(ws, f, r, f"三、现场调研（百分制，及格线 {cfg.pass_mark:g} 分）")
        for c, title in enumerate((survey.header("item"), survey.header("weight"), survey.header("score"),
                                   survey.header("note"))):
            ws.write_string(r, c, title, f.label)
        r += 1
        first = r
        for item in cfg.items:
            ws.write_string(r, 0, item.name, f.text)
            ws.write_number(r, 1, item.weight, f.number)
            ws.write_formula(r, 2, "=" + _lookup(survey, "item", item.name, "score"), f.number, "")
            ws.write_formula(r, 3, "=" + _lookup(survey, "item", item.name, "note"), f.text, "")
            ws.set_row(r, row_height(2))        # room for a note of two lines
            r += 1
        weights, scores = f"B{first + 1}:B{r}", f"C{first + 1}:C{r}"
        total = f"ROUND(SUM({scores})/SUM({weights})*100,1)"
        ws.write_string(r, 0, "得分（百分制）", f.label)
        ws.write_formula(r, 1, f'=IF(COUNT({scores})<{len(cfg.items)},"未评完",{total})', f.number, "")
        ws.write_string(r, 2, "结论", f.label)
        ws.write_formula(r, 3, f'=IF(COUNT({scores})<{len(cfg.items)},"",IF({total}>={cfg.pass_mark:g},"合格","不合格"))',
                         f.text, "")
        return r + 1

    def _approval(self, ws, f, r: int) -> int:
        sheet = self.specs.sheet("apply_approval")
        r = self._section(ws, f, r, "四、审批")
        for label in sheet.field("step").values:
            ws.write_string(r, 0, label, f.label)
            opinion = _lookup(sheet, "step", label, "opinion")
            comment = _lookup(sheet, "step", label, "comment")
            ws.merge_range(r, 1, r, 3, "", f.text)
            ws.write_formula(r, 1, f'={opinion}&IF({comment}="","","：")&{comment}', f.text, "")
            ws.set_row(r, 30)
            r += 1
            ws.write_string(r, 0, f"{sheet.header('approver')}（签字）", f.label)
            ws.write_formula(r, 1, "=" + _lookup(sheet, "step", label, "approver"), f.sign, "")
            ws.write_string(r, 2, sheet.header("date"), f.label)
            ws.write_formula(r, 3, "=" + _lookup(sheet, "step", label, "date"), f.date, "")
            ws.set_row(r, 30)
            r += 1
        return r


class _Styles:
    def __init__(self, fmt: Formats):
        box: dict[str, Any] = {"border": 1, "valign": "vcenter", "text_wrap": True}
        self.heading = fmt.get(bold=True, font_size=16, align="center", valign="vcenter")
        self.section = fmt.get(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, valign="vcenter")
        self.label = fmt.get(bold=True, **box)
        self.text = fmt.get(num_format="@", **box)
        self.number = fmt.get(num_format="0.#", align="center", **box)
        self.date = fmt.get(num_format="yyyy-mm-dd", align="center", **box)
        self.sign = fmt.get(**box)
        self.note = fmt.get(italic=True, font_color="#595959", text_wrap=True, valign="top")
