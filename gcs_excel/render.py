"""Reports as text for the terminal or as JSON. Pure: returns strings, prints nothing."""

from __future__ import annotations

import json
from typing import Any

from .problems import Problem, Report, problem_types, show

SEVERITY_WORDS = {"error": "错误", "warning": "警告"}


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=show)


def _problem_line(p: Problem) -> list[str]:
    if p.cell:
        where = f"{p.sheet}!{p.cell}"           # as Excel writes a reference
    elif p.row:
        where = f"{p.sheet} 第 {p.row} 行"
    else:
        where = p.sheet or "（整个文件）"
    if p.column:
        where += f" {p.column}"
    head = f"  {where}  [{SEVERITY_WORDS[p.severity]} {p.code}]"
    lines = [head, f"      {p.message}"]
    if p.suggestion is not None and p.suggestion != "":
        lines.append(f"      建议改为：{show(p.suggestion)}")
    if p.related:
        more = "、".join(p.related[:8]) + ("……" if len(p.related) > 8 else "")
        lines.append(f"      同样的问题还在：{more}")
    return lines


def render_validation(report: Report, max_per_file: int = 100) -> str:
    kinds = problem_types()
    out: list[str] = []
    files = report.files
    bad = sum(1 for f in files if report.count(file=f.file))
    out.append(f"校验了 {len(files)} 个文件：{report.summary()['rows']} 行数据，"
               f"{report.count('error')} 个错误，{report.count('warning')} 个警告"
               + (f"，{len(report.unreadable)} 个文件无法读取" if report.unreadable else "")
               + (f"（{bad} 个文件有问题）" if bad else ""))
    for f in files:
        out.append("")
        if f.read_error:
            out.append(f"✗ {f.file}：无法读取 —— {f.read_error}")
            continue
        sheets = "，".join(f"{s.sheet}→{s.recognised_as} {s.rows} 行" if s.recognised_as
                          else f"{s.sheet}（未识别）" for s in f.sheets) or "没有可识别的工作表"
        errors, warnings = report.count("error", f.file), report.count("warning", f.file)
        mark = "✓" if not errors and not warnings else "✗"
        out.append(f"{mark} {f.file}（{sheets}）：{errors} 个错误，{warnings} 个警告")
        by_code = report.by_code(f.file)
        if by_code:
            out.append("  按类型：" + "、".join(f"{kinds[c].title} {n}" for c, n in by_code.most_common()))
        problems = [p for p in report.problems if p.file == f.file]
        shown = problems if max_per_file <= 0 else problems[:max_per_file]
        for p in shown:
            out.extend(_problem_line(p))
        if len(shown) < len(problems):
            out.append(f"  ……还有 {len(problems) - len(shown)} 个问题没有列出（用 --max 0 列出全部，"
                       f"或用 --annotate 在工作簿里标出）")
        for note in f.notes:
            out.append(f"  · {note}")
    if report.notes:
        out.append("")
        out.extend(f"· {note}" for note in report.notes)
    return "\n".join(out)
