"""Shared fixtures: specs, a seeded demo department on disk, LibreOffice, helpers that
write small workbooks and flatten reports into (sheet, cell, code) tuples."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from gcs_excel.demo import write_department
from gcs_excel.demo.department import generate
from gcs_excel.demo.mistakes import inject
from gcs_excel.spec import load_specs
from gcs_excel.templates import write_workbook

MONTH = "2026-10"
TODAY = dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--corpus", action="store_true",
                     help="also walk the real-world corpus (../shared/corpus or $GCS_CORPUS)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--corpus"):
        return
    kept = [i for i in items if "corpus" not in i.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if "corpus" in i.keywords])
        items[:] = kept


@pytest.fixture(scope="session")
def specs():
    return load_specs()


@pytest.fixture(scope="session")
def department():
    return generate(MONTH, seed=2026, today=TODAY)


@pytest.fixture(scope="session")
def clean_files(department, tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean")
    return write_department(department.tables, folder, MONTH)


@pytest.fixture(scope="session")
def mistakes(department):
    return inject(department, today=TODAY)


@pytest.fixture(scope="session")
def mistake_files(mistakes, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mistakes")
    return write_department(mistakes.tables, folder, MONTH, merges=mistakes.merges,
                            headers=mistakes.headers)


@pytest.fixture
def write(tmp_path, specs):
    """write("stores", [rows by field id], name=..., merges=..., headers=...) -> path"""
    def _write(sheet_id: str, rows, *, name: str | None = None, merges=None, headers=None):
        sheet = specs.sheet(sheet_id)
        template = next(t for t in specs.templates if any(s.id == sheet_id for s in t.sheets))
        path = tmp_path / (name or f"{sheet.name}.xlsx")
        data = {sheet_id: rows}
        return write_workbook(template, path, data=data,
                              merges={sheet_id: merges} if merges else None,
                              headers={sheet_id: headers} if headers else None)
    return _write


def flat(report, *, with_file: bool = False):
    """Problems as sorted (sheet, cell, code) tuples (frictionless-style assertions)."""
    out = []
    for p in report.problems:
        item = (p.sheet, p.cell, p.code)
        out.append((Path(p.file).name, *item) if with_file else item)
    return out


def codes(report) -> list[str]:
    return [p.code for p in report.problems]


@pytest.fixture(scope="session")
def soffice():
    """LibreOffice headless. Missing: a failure in CI (which installs it), a skip elsewhere."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, but CI must have it: see .ci/run")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe
