"""The ribbon: customUI14.xml is generated from buttons.toml, passes the structural checks of
the customUI 2009/07 schema (each rule with a failing case), calls only Subs that exist,
and stays linked in the package, also after openpyxl saves an edited copy (gcs fix,
validate --annotate)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
import zipfile

import pytest
from defusedxml import ElementTree as SafeET

from gcs_excel.buttons import load_buttons
from gcs_excel.fix import fix_file
from gcs_excel.readers import read
from gcs_excel.validation import validate_files
from gcs_excel.vba.ribbon import (CUSTOMUI_NS, CUSTOMUI_PART, CUSTOMUI_REL, ON_ACTION, add_custom_ui,
                                  check_custom_ui, public_subs, read_custom_ui, ribbon_xml)
from gcs_excel.vba.workbooks import MACROS_DIR, check_sources, load_sources
from gcs_excel.vba.vba_project import Module
from gcs_excel.xlsx_edit import not_kept, open_copy

from .conftest import ROOT

RIBBON = (MACROS_DIR / "customUI14.xml").read_bytes()
BUTTONS = load_buttons()


def macro_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for m in load_sources().modules:
        names.update(public_subs(m.name, m.source))
    return names


def test_the_ribbon_passes_the_structural_checks():
    assert check_custom_ui(RIBBON, set(macro_names())) == []


def test_every_on_action_is_a_public_sub_taking_one_ribbon_control():
    names = macro_names()
    actions = set(re.findall(rb'onAction="([^"]+)"', RIBBON))
    assert actions == {ON_ACTION.encode()}
    for action in actions:
        assert re.fullmatch(r"(ByRef |ByVal )?control As IRibbonControl", names[action.decode()])


def test_one_tab_one_group_per_job_group_one_button_per_job():
    ns = {"c": CUSTOMUI_NS}
    tab = SafeET.fromstring(RIBBON).find("c:ribbon/c:tabs/c:tab", ns)
    texts = tomllib.loads((MACROS_DIR / "texts.toml").read_text("utf-8"))
    assert tab.get("label") == texts["Title"] == "集团客户"
    assert tab.get("insertAfterMso") == "TabHome"
    groups = [(g.get("label"), [b.get("tag") for b in g.findall("c:button", ns)]) for g in tab.findall("c:group", ns)]
    expected: dict[str, list[str]] = {}
    for job in BUTTONS.jobs:
        expected.setdefault(job.group, []).append(job.id)
    assert groups == list(expected.items())
    for b in tab.iter(f"{{{CUSTOMUI_NS}}}button"):
        job = BUTTONS.job(b.get("tag"))
        assert (b.get("label"), b.get("imageMso"), b.get("supertip")) == (job.label, job.image, job.tip)


@pytest.mark.parametrize("mutate, problem", [
    (lambda x: x.replace(b'onAction="GcsMain.OnRibbonButton" tag="fix"', b'onAction="GcsMain.Nope" tag="fix"'), "names no Sub"),
    (lambda x: x.replace(b'id="gcsFix"', b'id="gcsValidate"'), "used twice"),
    (lambda x: x.replace(b'id="gcsFix"', b'id="1fix"'), "not an NCName"),
    (lambda x: x.replace(b'id="gcsFix"', b'idMso="Copy" id="gcsFix"'), "exactly one of id"),
    (lambda x: x.replace(b'size="large" imageMso="Spelling"', b'size="huge" imageMso="Spelling"'), "size must be"),
    (lambda x: x.replace(b'label="\xe5\xae\x89\xe5\x85\xa8\xe4\xbf\xae\xe6\xad\xa3"', b'label=""'), "1..1024"),
    (lambda x: x.replace(b'tag="fix"', b'tag="' + b"x" * 1025 + b'"'), "1..1024"),
    (lambda x: x.replace(b"<tabs>", b'<tabs><group id="g" label="x"/>'), "not allowed inside tabs"),
    (lambda x: x.replace(b"<ribbon>", b'<ribbon><tabs/>'), "tabs may appear once"),
    (lambda x: x.replace(b"  <ribbon>", b'  <ribbon><tabs/></ribbon><commands/><ribbon>'), "out of schema order"),
    (lambda x: x.replace(b'tag="fix"', b'tag="fix" onClick="x"'), "attribute onClick"),
    (lambda x: x.replace(b'<button id="gcsFix" label="\xe5\xae\x89\xe5\x85\xa8\xe4\xbf\xae\xe6\xad\xa3"', b'<button id="gcsFix"'),
     "custom button without label"),
    (lambda x: x.replace(b"<tabs>", b'<tabs xmlns:o="urn:other"><o:tab/>'), "outside the customUI"),
    (lambda x: x.replace(b"<tabs>", b"<tabs><menu/>"), "not used by this project"),
])
def test_each_rule_has_a_failing_case(mutate, problem):
    broken = mutate(RIBBON)
    assert broken != RIBBON
    found = check_custom_ui(broken, set(macro_names()))
    assert any(problem in p for p in found), found


def test_generated_xml_escapes_labels():
    job = dataclasses.replace(BUTTONS.jobs[0], label="<A&B>", tip='"引号"')
    xml = ribbon_xml(dataclasses.replace(BUTTONS, jobs=(job,)), "集团&客户")
    assert check_custom_ui(xml, {ON_ACTION}) == []
    assert b'label="&lt;A&amp;B&gt;"' in xml
    button = next(SafeET.fromstring(xml).iter(f"{{{CUSTOMUI_NS}}}button"))
    assert (button.get("label"), button.get("supertip")) == ("<A&B>", '"引号"')
    assert next(SafeET.fromstring(xml).iter(f"{{{CUSTOMUI_NS}}}tab")).get("label") == "集团&客户"


def test_sources_that_disagree_with_buttons_toml_are_refused():
    modules = list(load_sources().modules)
    main = next(m for m in modules if m.name == "GcsMain")
    assert check_sources(modules, RIBBON, BUTTONS) == []
    cases = [
        (main.source.replace("Public Sub ButtonFix()", "Public Sub ButtonFixed()"), "没有无参数的 Public Sub ButtonFix"),
        (main.source.replace('RunJob "fix"', 'RunJob "validate"'), 'ButtonFix 应当运行 RunJob "fix"'),
        (main.source.replace("Public Sub ButtonMail()", "Public Sub ButtonMail(x As Long)"), "ButtonMail"),
        (main.source.replace("Public Sub OnRibbonButton", "Private Sub OnRibbonButton"), "names no Sub"),
    ]
    for source, problem in cases:
        others = [m for m in modules if m.name != "GcsMain"]
        found = check_sources([Module.standard(source), *others], RIBBON, BUTTONS)
        assert any(problem in p for p in found), (problem, found)


def test_the_package_holds_the_part_and_one_relationship(xlsm_build, tmp_path):
    for path in xlsm_build.workbooks:
        assert read_custom_ui(path) == RIBBON
        with zipfile.ZipFile(path) as z:
            rels = z.read("_rels/.rels").decode()
            types = z.read("[Content_Types].xml").decode()
            assert z.testzip() is None
        assert rels.count(CUSTOMUI_REL) == 1 and f'Target="{CUSTOMUI_PART}"' in rels
        ids = re.findall(r'Id="(rId\d+)"', rels)
        assert len(ids) == len(set(ids))
        assert '<Default Extension="xml" ContentType="application/xml"/>' in types
        assert "customUI" not in types            # the Default covers the part: no Override
    again = tmp_path / "again.xlsm"
    shutil.copy(xlsm_build.workbooks[0], again)
    add_custom_ui(again, RIBBON)                  # again: replaced, not doubled
    assert again.read_bytes() == xlsm_build.workbooks[0].read_bytes()


def _buttons_and_project(path) -> tuple[list[str], bool]:
    with zipfile.ZipFile(path) as z:
        vml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/vmlDrawing"))
        return re.findall(r"<x:FmlaMacro>\[0\]!([\w.]+)</x:FmlaMacro>", vml), "xl/vbaProject.bin" in z.namelist()


def test_openpyxl_drops_the_relationship_and_fix_and_annotate_relink_it(xlsm_build, tmp_path):
    """openpyxl(keep_vba=True) copies the customUI part but not its relationship: the tab
    would vanish from every copy gcs fix or validate --annotate writes. Copy.save re-links it;
    the buttons and the project survive, and nothing is reported as lost."""
    import openpyxl

    src = next(p for p in xlsm_build.workbooks if p.stem == "总部档案")
    bare = tmp_path / "bare.xlsm"
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb.save(bare)
    wb.vba_archive.close()      # an open in-memory archive, finalised later, would print "Exception ignored"
    assert read_custom_ui(bare) is None
    with zipfile.ZipFile(bare) as z:
        assert CUSTOMUI_PART in z.namelist()

    fixed = fix_file(src, tmp_path / "修正.xlsm").output
    annotated = validate_files([src], annotate_dir=tmp_path / "标注").annotated[0].output
    for copy in (fixed, annotated):
        assert read_custom_ui(copy) == RIBBON
        assert _buttons_and_project(copy) == _buttons_and_project(src)
    assert not_kept(read(src)) == []


def test_the_readme_picture_shows_every_group_and_button_of_the_xml():
    """docs/img/ribbon.png is drawn from this layout (python -m gcs_excel.vba.ribbon_picture)."""
    from gcs_excel.vba.ribbon_picture import Box, Text, ribbon_layout

    width, height, shapes = ribbon_layout(RIBBON)
    texts = [s for s in shapes if isinstance(s, Text)]
    shown = "".join(t.text for t in texts)
    assert all(job.label in shown and job.group in shown for job in BUTTONS.jobs)
    assert [t.text for t in texts if t.bold] == ["集团客户"]
    assert all(0 < t.x < width and 0 < t.y < height for t in texts)
    assert all(s.x + s.w <= width and s.y + s.h <= height for s in shapes if isinstance(s, Box))
    assert (ROOT / "docs" / "img" / "ribbon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("names, kind, lacks", [
    (["xl/drawings/vmlDrawing1.vml"], "xlsm", []),                       # our sheet buttons: kept with the macros
    (["xl/drawings/vmlDrawing1.vml", "xl/drawings/drawing1.xml"], "xlsm", ["图片、图表或形状"]),
    (["xl/drawings/vmlDrawing1.vml"], "xlsx", ["图片、图表或形状"]),
    (["xl/ctrlProps/ctrlProp1.xml"], "xlsm", ["表单控件"]),
])
def test_not_kept_spares_only_the_vml_of_a_macro_workbook(names, kind, lacks, tmp_path):
    from types import SimpleNamespace

    path = tmp_path / f"x.{kind}"
    with zipfile.ZipFile(path, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    assert not_kept(SimpleNamespace(kind=kind, path=path)) == lacks


def test_a_macro_workbooks_copy_closes_its_macros_once_written(xlsm_build, tmp_path):
    """openpyxl keeps a macro workbook's VBA in an in-memory archive it never closes; left
    to the collector, its finaliser met an already closed buffer and printed "Exception
    ignored in ZipFile.__del__" (seen only in the whole suite, tests later)."""
    src = next(p for p in xlsm_build.workbooks if p.stem == "总部档案")
    copy = open_copy(read(src))
    assert copy.wb.vba_archive.fp is not None
    copy.save(tmp_path / "副本.xlsm")
    assert copy.wb.vba_archive.fp is None                  # closed
    assert _buttons_and_project(tmp_path / "副本.xlsm") == _buttons_and_project(src)
