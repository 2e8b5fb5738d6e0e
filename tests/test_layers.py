"""The layers: the core imports neither click nor xlwings; only cli.py imports click and only
gcs_excel/xl/ imports xlwings; what the workbook buttons run imports no socket module (xlwings
Lite has none); every problem code is documented and exercised by a test."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from gcs_excel.problems import problem_types

from .conftest import ROOT

PACKAGE = ROOT / "gcs_excel"


def core_modules() -> list[str]:
    out = []
    for p in PACKAGE.rglob("*.py"):
        rel = p.relative_to(ROOT).with_suffix("")
        parts = rel.parts
        if parts[-1] in ("cli", "__main__") or "xl" in parts:
            continue
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(out)


def loaded_after(code: str, watched: tuple[str, ...]) -> list[str]:
    """Which of the watched modules a fresh interpreter has loaded after running code."""
    code += f"\nimport sys; print(sorted(m for m in {watched!r} if sys.modules.get(m)))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return ast.literal_eval(r.stdout.strip())


def test_core_imports_neither_click_nor_xlwings():
    code = f"import importlib\nfor m in {core_modules()!r}: importlib.import_module(m)"
    assert loaded_after(code, ("click", "xlwings")) == []


def test_commands_that_need_no_dataframes_do_not_load_pandas():
    """pandas takes a fifth of a second to import: validate, quotas and mail do without it."""
    assert loaded_after("import gcs_excel.validation, gcs_excel.quota_check, gcs_excel.mail", ("pandas",)) == []


def test_validation_does_not_load_openpyxl_or_numpy():
    """openpyxl (a tenth of a second to import) is for editing copies (--annotate, fix) and
    the rare sparse sheet; numpy is not needed to validate: `gcs validate` starts without them."""
    assert loaded_after("import gcs_excel.validation, gcs_excel.readers, gcs_excel.render", ("openpyxl", "numpy")) == []


def test_the_xl_package_imports_without_xlwings_and_quickly():
    """The VBA pre-check runs python -c "import gcs_excel.xl": it must work before xlwings
    is installed and load nothing heavy."""
    code = "import sys; sys.modules['xlwings'] = None\nimport gcs_excel.xl, gcs_excel.xl.entry, gcs_excel.xl.book"
    assert loaded_after(code, ("xlwings", "pandas", "openpyxl", "click")) == []


def test_what_the_buttons_run_needs_no_click_and_no_network():
    """xlwings Lite (Pyodide) has no sockets and no click: the jobs and every core module
    they call import without them (mail, which needs a socket, is imported by its job only)."""
    code = ("import gcs_excel.xl.jobs, gcs_excel.xl.memory, gcs_excel.annotate, gcs_excel.fix, gcs_excel.quota_check\n"
            "import gcs_excel.quota_workbook, gcs_excel.planner, gcs_excel.reporting.run, gcs_excel.dept")
    assert loaded_after(code, ("click", "socket", "ssl", "smtplib", "xlwings", "keyring")) == []


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_cli_imports_click_and_only_xl_imports_xlwings():
    for p in PACKAGE.rglob("*.py"):
        names = _imports(p)
        if "click" in names:
            assert p.name == "cli.py", p
        if "xlwings" in names:
            assert "xl" in p.relative_to(PACKAGE).parts[:-1], p


def test_every_problem_code_has_a_test():
    """Every check has a failing case: its code appears in some test."""
    text = "\n".join(p.read_text("utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    text += (PACKAGE / "demo" / "mistakes.py").read_text("utf-8")   # the demo's expected codes
    missing = [c for c in problem_types() if not re.search(rf'["\']{c}["\']', text)]
    assert missing == []


def test_every_code_the_checks_use_exists():
    used = set()
    for p in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r'finding\(\s*"([a-z_]+)"', p.read_text("utf-8")))
    assert used - set(problem_types()) == set()


def test_every_public_function_and_class_has_a_docstring():
    """A newcomer reads what each public piece is for where it is defined."""
    def undocumented(nodes, where: str, prefix: str = ""):
        for n in nodes:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not n.name.startswith("_"):
                if ast.get_docstring(n) is None:
                    yield f"{where}:{n.lineno} {prefix}{n.name}"
                if isinstance(n, ast.ClassDef):
                    yield from undocumented(n.body, where, f"{prefix}{n.name}.")

    missing = [m for p in sorted(PACKAGE.rglob("*.py"))
               for m in undocumented(ast.parse(p.read_text("utf-8")).body, str(p.relative_to(ROOT)))]
    assert missing == []
