"""Documentation generated from the specs and the problem catalogue, so that it cannot
drift: docs/FIELDS.md (every template, field and rule), docs/PROBLEMS.md (every problem
code). The CLI adds docs/CLI.md from the commands' --help."""

from __future__ import annotations

from pathlib import Path

from .a1 import col_letter
from .describe import rule_text, type_text
from .problems import problem_types
from .render import SEVERITY_WORDS
from .spec import Specs, load_specs
from .writing import atomic_output

GENERATED = "由 `gcs docs` 生成，请勿手改；改 `gcs_excel/specs/` 或 `gcs_excel/problem_types.toml` 后重新生成。"


def fields_markdown(specs: Specs | None = None) -> str:
    """docs/FIELDS.md: every template, sheet and field with its rules."""
    specs = specs or load_specs()
    out = ["# 模板字段", "", GENERATED, "",
           "每个模板是一个工作簿，文件名即第一个工作表名。`*` 表示必填；“id”是程序里使用的字段标识。", ""]
    for t in (*specs.templates, *specs.applications):
        out += [f"## {t.workbook}（`{t.id}`，规格文件 `gcs_excel/specs/{t.source}`）", "", t.description, ""]
        for s in t.sheets:
            key = "、".join(s.header(k) for k in s.key) or "无"
            out += [f"### 工作表「{s.name}」（`{s.id}`）", "", f"{s.description} 主键：{key}。", "",
                    "| 列 | 表头 | id | 类型 | 规则 | 示例 |", "|---|---|---|---|---|---|"]
            for c, f in enumerate(s.fields):
                col = col_letter(c)
                rule = rule_text(f, s, specs).replace("|", "\\|")
                out.append(f"| {col} | {f.header}{'*' if f.required else ''} | `{f.id}` | {type_text(f)} | {rule} | {f.example} |")
            out.append("")
    return "\n".join(out)


def problems_markdown() -> str:
    """docs/PROBLEMS.md: every problem code with its severity, title and message."""
    out = ["# 问题代码", "", GENERATED, "",
           "每个问题都有稳定的代码、级别（错误/警告）和中文说明；“可修正”表示 `gcs fix` 会按建议值自动修正。", "",
           "| 代码 | 级别 | 名称 | 可修正 | 说明模板 |", "|---|---|---|---|---|"]
    for code, k in problem_types().items():
        message = k.message.replace("|", "\\|")
        out.append(f"| `{code}` | {SEVERITY_WORDS[k.severity]} | {k.title} | {'是' if k.fix else ''} | {message} |")
    out.append("")
    return "\n".join(out)


def write_docs(out_dir: str | Path, *, cli_reference: str | None = None) -> list[Path]:
    """Write FIELDS.md and PROBLEMS.md (and CLI.md when given) into out_dir, atomically."""
    out = Path(out_dir)
    pages = {"FIELDS.md": fields_markdown(), "PROBLEMS.md": problems_markdown()}
    if cli_reference is not None:
        pages["CLI.md"] = cli_reference
    written = []
    for name, text in pages.items():
        with atomic_output(out / name) as tmp:
            tmp.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        written.append(out / name)
    return written
