"""The ribbon: make customUI14.xml from buttons.toml, put it into a saved .xlsm, check it.

Package facts ([MS-CUSTOMUI2] 2.1, "Ribbon and Backstage Customizations part"):
  part              /customUI/customUI14.xml, root <customUI> in
                    http://schemas.microsoft.com/office/2009/07/customui
  relationship      from the package root (_rels/.rels), type
                    http://schemas.microsoft.com/office/2007/relationships/ui/extensibility
  content type      application/xml — the Default for ".xml" that XlsxWriter already writes,
                    so no Override is added (Excel's own xlwings.xlam has none either).

The checks mirror the parts of the customUI 2009/07 schema (customui14.xsd) this project
uses: element nesting and order, required and allowed attributes, ST_ID (NCName,
1..1024), ST_String / ST_Delegate (1..1024), ST_Size, unique ids (xsd:ID) — plus what no
schema can say: every onAction names a Sub that exists in the VBA modules.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree as SafeET

from ..buttons import Buttons, Job

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOMUI_PART = "customUI/customUI14.xml"
_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


# --- the package -----------------------------------------------------------------------


def _quoted(value: str) -> str:
    """An XML attribute value in double quotes. Not xml.sax.saxutils.quoteattr: that module
    imports urllib and with it sockets and ssl, which xlwings Lite (Pyodide) does not have."""
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                        ("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;")):
        value = value.replace(raw, entity)
    return f'"{value}"'

def with_custom_ui(package: bytes, xml: bytes) -> bytes:
    """The package (.xlsm bytes) with the ribbon part and its root relationship. Entries
    keep their order, timestamps and compression, so a deterministic input stays
    deterministic; a customUI14 part already there is replaced, never doubled."""
    check_well_formed(xml)
    with zipfile.ZipFile(io.BytesIO(package)) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()
                 if info.filename != CUSTOMUI_PART]
    names = [info.filename for info, _ in items]
    rels_index = names.index("_rels/.rels")
    items[rels_index] = (items[rels_index][0], _with_relationship(items[rels_index][1]))
    ct_index = names.index("[Content_Types].xml")
    items[ct_index] = (items[ct_index][0], _with_content_type(items[ct_index][1]))
    template = items[rels_index][0]
    part = zipfile.ZipInfo(CUSTOMUI_PART, date_time=template.date_time)
    part.compress_type = zipfile.ZIP_DEFLATED
    part.external_attr = template.external_attr
    part.create_system = template.create_system
    items.append((part, xml))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for info, data in items:
            zout.writestr(info, data)
    return out.getvalue()


def add_custom_ui(xlsm: Path, xml: bytes) -> None:
    """Rewrite a saved .xlsm in place with the ribbon part (only ever called on the
    temporary file of writing.atomic_output, so a failure leaves no half-written output)."""
    xlsm = Path(xlsm)
    xlsm.write_bytes(with_custom_ui(xlsm.read_bytes(), xml))


def _with_relationship(rels: bytes) -> bytes:
    tree = SafeET.fromstring(rels)
    ids = {r.get("Id") for r in tree}
    for r in tree:
        if r.get("Type") == CUSTOMUI_REL:
            return rels  # already there (Target checked by the tests)
    n = 1
    while f"rId{n}" in ids:
        n += 1
    text = rels.decode("utf-8")
    new = (f'<Relationship Id="rId{n}" Type="{CUSTOMUI_REL}" Target="{CUSTOMUI_PART}"/>')
    return text.replace("</Relationships>", new + "</Relationships>").encode("utf-8")


def _with_content_type(types: bytes) -> bytes:
    tree = SafeET.fromstring(types)
    for d in tree.iter(f"{{{_CT_NS}}}Default"):
        if d.get("Extension", "").lower() == "xml" and d.get("ContentType") == "application/xml":
            return types
    override = (f'<Override PartName="/{CUSTOMUI_PART}" ContentType="application/xml"/>')
    return types.decode("utf-8").replace("</Types>", override + "</Types>").encode("utf-8")


def read_custom_ui(xlsm: Path) -> bytes | None:
    """The ribbon XML that the package's root relationship points to, or None."""
    with zipfile.ZipFile(xlsm) as z:
        rels = SafeET.fromstring(z.read("_rels/.rels"))
        for r in rels.iter(f"{{{_PKG_RELS_NS}}}Relationship"):
            if r.get("Type") == CUSTOMUI_REL:
                return z.read(r.get("Target").lstrip("/"))
    return None


# --- making the XML ----------------------------------------------------------------------

ON_ACTION = "GcsMain.OnRibbonButton"    # the one dispatcher: RunJob control.Tag
TAB_ID = "gcsTab"


def ribbon_xml(buttons: Buttons, tab_label: str) -> bytes:
    """customUI14.xml from buttons.toml: one custom tab after Home, one group per job
    group (in the order they first appear), one large button per job with its built-in
    icon; every button calls ON_ACTION and carries its job id in `tag`."""
    groups: dict[str, list[Job]] = {}
    for job in buttons.jobs:
        groups.setdefault(job.group, []).append(job)
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
             "<!-- Generated from gcs_excel/buttons.toml by `gcs build-workbooks`: do not edit here. -->",
             f'<customUI xmlns="{CUSTOMUI_NS}">',
             "  <ribbon>", "    <tabs>",
             f'      <tab id="{TAB_ID}" label={_quoted(tab_label)} insertAfterMso="TabHome">']
    for n, (label, jobs) in enumerate(groups.items(), start=1):
        lines.append(f'        <group id="gcsGroup{n}" label={_quoted(label)}>')
        for job in jobs:
            lines.append(
                f'          <button id={_quoted(button_id(job))} label={_quoted(job.label)} size="large"'
                f" imageMso={_quoted(job.image)} onAction={_quoted(ON_ACTION)} tag={_quoted(job.id)}"
                f" screentip={_quoted(job.label)} supertip={_quoted(job.tip)}/>")
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


def button_id(job: Job) -> str:
    """The ribbon id of a job's button: gcs + the job id (validate -> gcsValidate)."""
    return "gcs" + job.id[:1].upper() + job.id[1:]


# --- checking the XML --------------------------------------------------------------------

_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_STRING_ATTRS = {"label", "tag", "screentip", "supertip", "keytip", "imageMso", "insertAfterMso",
                 "insertBeforeMso", "idMso"}
_DELEGATES = {"onAction", "getLabel", "getEnabled", "getVisible", "getImage", "onLoad"}
# element -> (allowed children in schema order, allowed attributes)
_SHAPE = {
    "customUI": (("commands", "ribbon", "backstage", "contextMenus"), {"onLoad", "loadImage"}),
    "ribbon": (("qat", "tabs", "contextualTabs"), {"startFromScratch"}),
    "tabs": (("tab",), set()),
    "tab": (("group",), {"id", "idMso", "idQ", "label", "insertAfterMso", "insertBeforeMso",
                         "visible", "getVisible", "keytip", "tag"}),
    "group": (("button", "separator"), {"id", "idMso", "idQ", "label", "imageMso", "visible",
                                        "getVisible", "keytip", "screentip", "supertip", "tag"}),
    "button": ((), {"id", "idMso", "idQ", "label", "getLabel", "imageMso", "getImage", "size",
                    "onAction", "enabled", "getEnabled", "visible", "getVisible", "tag",
                    "screentip", "supertip", "keytip", "showLabel", "showImage"}),
    "separator": ((), {"id"}),
}


def check_well_formed(xml: bytes) -> None:
    """Refuse XML that does not parse or whose root is not customUI 2009/07."""
    root = SafeET.fromstring(xml)
    if root.tag != f"{{{CUSTOMUI_NS}}}customUI":
        raise ValueError(f"root element must be customUI in {CUSTOMUI_NS}, not {root.tag}")


def check_custom_ui(xml: bytes, macros: set[str]) -> list[str]:
    """Problems found in a customUI14 document (empty list = fine). `macros` holds the
    callable names, "Module.Sub" and "Sub", that the VBA project defines."""
    problems: list[str] = []
    root = SafeET.fromstring(xml)
    ids: dict[str, str] = {}

    def walk(el, path: str) -> None:
        ns, _, name = el.tag[1:].partition("}")
        here = f"{path}/{name}"
        if ns != CUSTOMUI_NS:
            problems.append(f"{here}: element outside the customUI 2009/07 namespace")
            return
        if name not in _SHAPE:
            problems.append(f"{here}: element not used by this project's schema subset")
            return
        children, attrs = _SHAPE[name]
        for a, v in el.attrib.items():
            if a not in attrs:
                problems.append(f"{here}: attribute {a} not allowed")
            elif a == "id":
                if not _NCNAME.match(v) or len(v) > 1024:
                    problems.append(f"{here}: id {v!r} is not an NCName of 1..1024 characters")
                elif v in ids:
                    problems.append(f"{here}: id {v!r} used twice")
                ids[v] = here
            elif a in _STRING_ATTRS | _DELEGATES and not 1 <= len(v) <= 1024:
                problems.append(f"{here}: {a} must have 1..1024 characters")
            elif a == "size" and v not in ("normal", "large"):
                problems.append(f"{here}: size must be normal or large")
            if a in _DELEGATES and v not in macros:
                problems.append(f"{here}: {a}={v!r} names no Sub of the VBA project")
        if name in ("tab", "group", "button") and sum(k in el.attrib for k in ("id", "idMso", "idQ")) != 1:
            problems.append(f"{here}: needs exactly one of id, idMso, idQ")
        if name == "button" and "id" in el.attrib:
            for need in ("label", "onAction"):
                if need not in el.attrib:
                    problems.append(f"{here}: custom button without {need}")
        order = [c.tag.partition("}")[2] for c in el]
        last = -1
        for child_name in order:
            if child_name not in children:
                problems.append(f"{here}: {child_name} not allowed inside {name}")
                continue
            pos = children.index(child_name)
            if pos < last:
                problems.append(f"{here}: {child_name} out of schema order")
            last = pos
        if name in ("customUI", "ribbon"):
            for c in set(order):
                if order.count(c) > 1:
                    problems.append(f"{here}: {c} may appear once")
        for c in el:
            walk(c, here)

    walk(root, "")
    return problems


_SUB = re.compile(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(([^)]*)\)", re.I | re.M)


def public_subs(module_name: str, source: str) -> dict[str, str]:
    """The Public Subs of a module and their parameter lists: {"Module.Sub": params, "Sub": params}."""
    found: dict[str, str] = {}
    for m in _SUB.finditer(source):
        if m.group(0).lstrip().lower().startswith("private"):
            continue
        found[f"{module_name}.{m.group(1)}"] = m.group(2).strip()
        found[m.group(1)] = m.group(2).strip()
    return found
