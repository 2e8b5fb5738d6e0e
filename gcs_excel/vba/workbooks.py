"""`gcs build-workbooks`: the .xlsm versions of the templates, with buttons.

Each is the template as `gcs templates` writes it (templates.write_workbook), plus:
  - an 操作 sheet first: three lines of instructions, the month, person and customer cells
    of buttons.toml, and one sheet button per job of that workbook;
  - two lists on the hidden 下拉列表 sheet behind the person and customer dropdowns,
    columns headed 操作-人员 and 操作-客户 under the defined names gcs_staff_names and
    gcs_customer_codes (empty in a template; the buttons refill them from the sibling
    人员名单 and 总部档案 on every run; `--from DIR` fills them at build time);
  - codeNames (ThisWorkbook, Sheet1..SheetN) and a VBA project built from macros/ with
    a document module for each;
  - the ribbon part, added to the saved package.
The same sources give the same bytes. macros/GcsText.bas and macros/customUI14.xml are
generated (from macros/texts.toml and gcs_excel/buttons.toml) and rewritten when stale.
"""

from __future__ import annotations

import hashlib
import io
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..a1 import parse_a1
from ..buttons import Buttons, Job, load_buttons
from ..errors import ConfigError
from ..spec import Specs, TemplateSpec, load_specs
from ..templates import write_workbook
from ..textwidth import row_height, wrapped_lines
from ..writing import atomic_output
from ..xlsx_style import Formats, page_header, print_setup
from .ribbon import add_custom_ui, check_custom_ui, public_subs, ribbon_xml
from .vba_project import Module, build_vba_project
from .vba_text import text_module

MACROS_DIR = Path(__file__).resolve().parents[2] / "macros"
WORKBOOKS = ("hq", "stores", "plan", "visits", "sales")   # template ids that get an .xlsm
MAIN_MODULE = "GcsMain"
TEXT_MODULE = "GcsText"
STAFF_LIST = ("操作-人员", "gcs_staff_names")      # (header on 下拉列表, defined name)
CUSTOMER_LIST = ("操作-客户", "gcs_customer_codes")
LABELS = {"month_cell": ("月份", "如 2026-10；不填就是上个月"),
          "person_cell": ("人员", "生成拜访计划时选择"),
          "customer_cell": ("客户", "生成月度分析时选择；“全部”为每个客户各做一份")}
WIDTHS = (2, 10, 18, 70)              # columns A..D of the 操作 sheet
BUTTON_SIZE = (200, 34)               # pixels: as wide as columns B:C
BUTTON_ROW = 30                       # points: a button row, the button centred in it


@dataclass(frozen=True)
class Sources:
    """What macros/ holds, read and checked: the standard modules and the ribbon XML."""
    modules: tuple[Module, ...]
    ribbon: bytes


@dataclass
class WorkbooksResult:
    """What build_workbooks wrote: the .xlsm files, the generated files in macros/ it
    had to rewrite, and how many names each pre-filled list holds (0 without --from)."""
    workbooks: list[Path] = field(default_factory=list)
    regenerated: list[Path] = field(default_factory=list)
    staff: int = 0
    customers: int = 0


def generated_sources(macros: Path = MACROS_DIR, buttons: Buttons | None = None) -> dict[str, bytes]:
    """The generated files of macros/ as they must be: GcsText.bas from texts.toml (ASCII,
    Chinese through ChrW) and customUI14.xml from buttons.toml."""
    texts = _texts(macros)
    return {f"{TEXT_MODULE}.bas": text_module(TEXT_MODULE, texts).encode("ascii"),
            "customUI14.xml": ribbon_xml(buttons or load_buttons(), texts["Title"])}


def _texts(macros: Path) -> dict[str, str]:
    try:
        return tomllib.loads((macros / "texts.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"找不到 {macros}：gcs build-workbooks 要在源码目录里运行（宏的源文件在 macros/）") from None


def load_sources(macros: Path = MACROS_DIR, buttons: Buttons | None = None) -> Sources:
    """The modules and ribbon of macros/ (generated files as they must be), checked: every
    ribbon callback and every job's sheet-button Sub is a Public Sub of GcsMain."""
    buttons = buttons or load_buttons()
    generated = generated_sources(macros, buttons)
    texts = {f"{TEXT_MODULE}.bas": generated[f"{TEXT_MODULE}.bas"]}
    files = {p.name: p.read_bytes() for p in macros.glob("*.bas")}
    modules = []
    for name, data in sorted({**files, **texts}.items()):
        try:
            modules.append(Module.standard(data.decode("ascii")))
        except UnicodeDecodeError:
            raise ConfigError(f"{macros / name} 里有非 ASCII 字符：中文要写进 macros/texts.toml，用 GcsText 里的函数") from None
    problems = check_sources(modules, generated["customUI14.xml"], buttons)
    if problems:
        raise ConfigError("macros/ 与 buttons.toml 不一致：" + "；".join(problems))
    return Sources(tuple(modules), generated["customUI14.xml"])


def check_sources(modules: Sequence[Module], ribbon: bytes, buttons: Buttons) -> list[str]:
    """Problems between the modules, the ribbon and buttons.toml (empty = fine): the
    ribbon's structure and callbacks (ribbon.check_custom_ui), and for every job a Public
    Sub GcsMain.<macro>() with no parameters that runs exactly that job."""
    subs: dict[str, str] = {}
    for m in modules:
        subs.update(public_subs(m.name, m.source))
    problems = check_custom_ui(ribbon, set(subs))
    main = next((m.source for m in modules if m.name == MAIN_MODULE), "")
    for job in buttons.jobs:
        if subs.get(f"{MAIN_MODULE}.{job.macro}") != "":
            problems.append(f"{MAIN_MODULE} 里没有无参数的 Public Sub {job.macro}（按钮“{job.label}”）")
        elif job_of_sub(main, job.macro) != job.id:
            problems.append(f"{MAIN_MODULE}.{job.macro} 应当运行 RunJob \"{job.id}\"")
    return problems


def job_of_sub(source: str, sub: str) -> str | None:
    """The job a sheet-button Sub runs: the X of its `RunJob "X"` line, if that is its body."""
    m = re.search(rf'^\s*Public\s+Sub\s+{re.escape(sub)}\s*\(\s*\)\s*\n\s*RunJob\s+"(\w+)"\s*\n\s*End\s+Sub',
                  source.replace("\r\n", "\n"), re.I | re.M)
    return m.group(1) if m else None


def write_generated(macros: Path = MACROS_DIR, buttons: Buttons | None = None) -> list[Path]:
    """Rewrite the generated files of macros/ that are stale; returns those rewritten."""
    written = []
    for name, data in generated_sources(macros, buttons).items():
        path = macros / name
        if not path.exists() or path.read_bytes() != data:
            with atomic_output(path) as tmp:
                tmp.write_bytes(data)
            written.append(path)
    return written


class MacroParts:
    """templates.Extras for one template: the 操作 sheet, its lists, the VBA project and
    the ribbon."""

    def __init__(self, template: TemplateSpec, sources: Sources, buttons: Buttons,
                 staff: Sequence[str] = (), customers: Sequence[str] = ()):
        self.template, self.sources, self.buttons = template, sources, buttons
        self.jobs = buttons.for_workbook(template.id)
        self.lists = (
            (*STAFF_LIST, list(staff)),
            (*CUSTOMER_LIST, [buttons.operations.all_customers, *customers]),
        )

    def first(self, wb, fmt: Formats) -> None:
        """The 操作 sheet."""
        write_operations(wb.add_worksheet(self.buttons.operations.sheet), fmt, self.buttons, self.jobs)

    def last(self, wb) -> None:
        """codeNames ThisWorkbook, Sheet1..SheetN and the VBA project with their modules."""
        wb.set_vba_name("ThisWorkbook")
        documents = [Module.workbook("ThisWorkbook")]
        for i, ws in enumerate(wb.worksheets(), start=1):
            ws.set_vba_name(f"Sheet{i}")
            documents.append(Module.worksheet(f"Sheet{i}"))
        digest = hashlib.sha256(f"gcs_excel/{self.template.id}".encode()).digest()
        project_id = "{" + str(uuid.UUID(bytes=digest[:16], version=4)).upper() + "}"
        vba = build_vba_project([*self.sources.modules, *documents], project_id=project_id)
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)

    def saved(self, path: Path) -> None:
        """The ribbon part, into the saved package."""
        add_custom_ui(path, self.sources.ribbon)


def write_operations(ws, fmt: Formats, buttons: Buttons, jobs: Sequence[Job]) -> None:
    """The 操作 sheet: the instruction lines, the three input cells with their labels and
    hints, and a button per job with its tip beside it."""
    ops = buttons.operations
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    line = fmt.get(text_wrap=True, valign="top")
    span = sum(WIDTHS[1:])
    for r, text in enumerate(ops.lines):
        ws.merge_range(r, 1, r, len(WIDTHS) - 1, text, line)
        ws.set_row(r, row_height(wrapped_lines(text, span)))
    label = fmt.get(bold=True, align="right", valign="vcenter")
    hint = fmt.get(font_color="#595959", valign="vcenter")
    box = fmt.get(num_format="@", border=1, bg_color="#FFF2CC", valign="vcenter")
    names = {"person_cell": STAFF_LIST[1], "customer_cell": CUSTOMER_LIST[1]}
    last = 0
    for key, (title, tip) in LABELS.items():
        c, row = parse_a1(getattr(ops, key))
        r = row - 1
        last = max(last, r)
        ws.write_string(r, c - 1, title, label)
        ws.write_blank(r, c, None, box)
        ws.write_string(r, c + 1, tip, hint)
        rule = {"validate": "any", "input_title": title, "input_message": tip}
        if key in names:
            rule = {**rule, "validate": "list", "source": "=" + names[key], "error_type": "warning",
                    "error_title": f"{title}不在列表里", "error_message": "不在下拉列表里，请核对（仍可继续）"}
        ws.data_validation(r, c, r, c, rule)
    width, height = BUTTON_SIZE
    tip_format = fmt.get(text_wrap=True, valign="vcenter")
    for n, job in enumerate(jobs):
        r = last + 2 + n
        ws.set_row(r, BUTTON_ROW)
        ws.insert_button(r, 1, {"macro": f"{MAIN_MODULE}.{job.macro}", "caption": job.label,
                                "width": width, "height": height, "x_offset": 2, "y_offset": 3})
        ws.write_string(r, 3, job.tip, tip_format)
    print_setup(ws, widths=WIDTHS, header=page_header(center=ops.sheet, bold_center=True))


def build_workbooks(out_dir: str | Path, from_dir: str | Path | None = None, *,
                    macros: Path = MACROS_DIR, specs: Specs | None = None) -> WorkbooksResult:
    """The .xlsm of every template in WORKBOOKS as OUT/<workbook>.xlsm; with from_dir,
    the person and customer dropdowns list the names in its 人员名单 and the customer
    codes in its 总部档案. Stale generated files of macros/ are rewritten first."""
    specs = specs or load_specs()
    buttons = load_buttons()
    result = WorkbooksResult(regenerated=write_generated(macros, buttons))
    sources = load_sources(macros, buttons)
    staff, customers, inputs = department_lists(from_dir, specs) if from_dir else ([], [], [])
    result.staff, result.customers = len(staff), len(customers)
    out = Path(out_dir)
    for template_id in WORKBOOKS:
        template = specs.template(template_id)
        extras = MacroParts(template, sources, buttons, staff, customers)
        path = out / (Path(template.filename).stem + ".xlsm")
        result.workbooks.append(write_workbook(template, path, specs=specs, inputs=inputs, extras=extras))
    return result


def department_lists(folder: str | Path, specs: Specs) -> tuple[list[str], list[str], list[Path]]:
    """(staff names, customer codes, files read) from a department's folder: its 人员名单
    and 总部档案 by their standard names (.xlsx, .xlsm or .csv), rows with errors left out."""
    from ..validation import validate_readable

    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder} 不是文件夹")
    wanted = {"staff": "name", "hq": "code"}
    found = []
    for sheet_id in wanted:
        stem = specs.sheet(sheet_id).name
        found += [p for p in (folder / f"{stem}{ext}" for ext in (".xlsx", ".xlsm", ".csv")) if p.is_file()][:1]
    if not found:
        names = "、".join(specs.sheet(s).name for s in wanted)
        raise ConfigError(f"{folder} 里没有{names}（.xlsx、.xlsm 或 .csv），无法预填下拉列表")
    v = validate_readable(found)
    lists = {s: list(dict.fromkeys(r[f] for t in v.tables_of(s) for r in t.records(needed=(f,)) if r.get(f)))
             for s, f in wanted.items()}
    return [str(x) for x in lists["staff"]], [str(x) for x in lists["hq"]], found
