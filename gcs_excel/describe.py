"""Each field's rules in words, generated from the spec: the 填表说明 sheet of every
template and docs/FIELDS.md say the same thing because both come from here."""

from __future__ import annotations

from .problems import show
from .spec import Field, SheetSpec, Specs

TYPE_WORDS = {
    "text": "文本", "int": "整数", "number": "数字", "date": "日期",
    "month": "月份，文本 YYYY-MM", "enum": "下拉选择",
}


def _ref_words(target: str, f: Field, sheet: SheetSpec, specs: Specs) -> str:
    t_sheet, t_field = specs.resolve(target)
    words = f"须在「{t_sheet.name}」的「{t_field.header}」中"
    if f.ref_where:
        words += "，且" + "、".join(f"其「{t_sheet.header(k)}」为{t_sheet.field(k).label(v)}"
                                    for k, v in f.ref_where.items())
    if f.ref_match:
        words += "，且" + "、".join(f"其「{t_sheet.header(k)}」与本行「{sheet.header(v)}」相同"
                                    for k, v in f.ref_match.items())
    return words


def rule_text(f: Field, sheet: SheetSpec, specs: Specs) -> str:
    """Every rule of one field, in words (the 规则 column of 填表说明 and FIELDS.md)."""
    parts = []
    if f.type == "enum":
        parts.append("只能填：" + "、".join(f.values) + (f"，或{specs.check_rules[f.or_check]}" if f.or_check else ""))
    if f.check:
        parts.append(specs.check_rules[f.check])
    if f.pattern_text:
        parts.append(f.pattern_text)
    if f.min is not None:
        parts.append(f"不小于 {show(f.min)}")
    if f.gt is not None:
        parts.append(f"大于 {show(f.gt)}")
    if f.min_field:
        parts.append(f"{'不早于' if f.type == 'date' else '不低于'}「{sheet.header(f.min_field)}」")
    if f.unique or sheet.key == (f.id,):
        parts.append("不能重复")
    elif f.id in sheet.key:
        parts.append("「" + "+".join(sheet.header(k) for k in sheet.key) + "」的组合不能重复")
    if f.ref:
        many = "可填多个，用顿号、逗号、分号或空格隔开，每个都" if f.many else ""
        parts.append(many + _ref_words(f.ref, f, sheet, specs))
    if f.ref_by:
        by = sheet.field(f.ref_by)
        parts.append("；".join(f"{by.header}为{by.label(k)}时{_ref_words(v, f, sheet, specs)}"
                              for k, v in f.ref_map.items()))
    if f.label_of:
        parts.append(f"与「{sheet.header(f.label_of)}」所指对象的名称一致")
    if f.not_future:
        parts.append("不能晚于今天")
    if f.period_of:
        parts.append(f"须与「{sheet.header(f.period_of)}」一致")
    if f.when:
        cond = "、".join(f"{sheet.header(k)}为{sheet.field(k).label(v)}" for k, v in f.when.items())
        parts.append(f"{cond}时必须填「{f.label(f.must_be)}」")
    if f.code:
        parts.append("按文本录入，不能存成数字")
    if f.personal:
        parts.append("个人信息，发给客户的材料里不会出现")
    if f.free_text:
        parts.append("自由填写，可以分行（Alt+Enter）")
    return "；".join(parts)


def type_text(f: Field) -> str:
    """The field's type, in words."""
    return TYPE_WORDS[f.type]


def input_message(f: Field) -> str:
    """The cell's input message (Excel allows 255 characters)."""
    lines = [f.hint]
    if f.example:
        lines.append(f"例：{f.example}")
    if f.required:
        lines.append("必填")
    return "\n".join(lines)
