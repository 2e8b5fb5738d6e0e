"""Build a vbaProject.bin from VBA source text (MS-OVBA), with no compiled code.

The project holds, per MS-OVBA 2.2 / 2.3:
  PROJECT            text: module list, name, protection fields (2.3.1)
  PROJECTwm          module names in MBCS and UTF-16 (2.3.3)
  VBA/_VBA_PROJECT   7 bytes, Version 0xFFFF, no PerformanceCache (2.3.4.1), so Office
                     ignores every cache and compiles from the source
  VBA/dir            compressed records: project information, references, modules (2.3.4.2)
  VBA/<module>       compressed source text; MODULEOFFSET 0, i.e. no p-code (2.3.4.3)

Document modules (ThisWorkbook, one per worksheet) carry the attribute header Excel itself
writes; their names must equal the codeName that XlsxWriter's set_vba_name() puts in
workbook.xml / sheetN.xml. Output is deterministic: the project id and the seeds of the
CMG/DPB/GC encryption derive from the inputs, never from a clock or a random source.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass

from .cfb import Storage, write_cfb
from .ovba_compression import compress

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"  # Excel's Workbook class
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"  # Excel's Worksheet class
VBE_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"

# The two references Excel puts in every new project (see the Excel-made vbaProject.bin files
# in XlsxWriter's tests and vbamc's ReferencesRecord.cs). VBA resolves them by GUID through
# the registry; the version in the libid stays "2.0" whatever the Office version.
STDOLE = ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
                    r"C:\Windows\System32\stdole2.tlb#OLE Automation")
OFFICE = ("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
                    r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
                    r"#Microsoft Office 16.0 Object Library")


@dataclass(frozen=True)
class Module:
    """One module: `source` is the whole module text as VBA stores it, starting with its
    `Attribute VB_Name = "..."` line (what VBE's Export File writes for a .bas)."""
    name: str
    source: str
    document: bool = False  # True for ThisWorkbook and sheet modules

    @classmethod
    def standard(cls, source: str) -> "Module":
        """A standard module from .bas text; its name is taken from the VB_Name line."""
        first = source.lstrip("\ufeff").splitlines()[0]
        prefix = 'Attribute VB_Name = "'
        if not first.startswith(prefix) or not first.endswith('"'):
            raise ValueError('a .bas module starts with: Attribute VB_Name = "Name"')
        return cls(first[len(prefix):-1], source.lstrip("\ufeff"))

    @classmethod
    def workbook(cls, name: str = "ThisWorkbook", body: str = "") -> "Module":
        """The workbook's document module (its name is the workbook's codeName)."""
        return cls(name, document_header(name, WORKBOOK_BASE) + body, document=True)

    @classmethod
    def worksheet(cls, name: str, body: str = "") -> "Module":
        """A worksheet's document module (its name is the sheet's codeName)."""
        return cls(name, document_header(name, WORKSHEET_BASE) + body, document=True)


def document_header(name: str, base: str) -> str:
    """The attribute lines of a document module, exactly as Excel writes them."""
    return "".join(f"Attribute VB_{k} = {v}\r\n" for k, v in (
        ("Name", f'"{name}"'), ("Base", f'"{base}"'), ("GlobalNameSpace", "False"),
        ("Creatable", "False"), ("PredeclaredId", "True"), ("Exposed", "True"),
        ("TemplateDerived", "False"), ("Customizable", "True")))


def crlf(text: str) -> str:
    """VBA stores lines ending in CR LF, the last line included."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    return text.replace("\n", "\r\n")


# --- MS-OVBA 2.4.3 data encryption (CMG, DPB, GC in the PROJECT stream) -----------------

def encrypt(data: bytes, project_id: str, seed: int, ignored: bytes = b"") -> bytes:
    """MS-OVBA 2.4.3.2. `ignored` supplies the (seed & 6) // 2 filler bytes."""
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    n_ignored = (seed & 6) // 2
    ignored = (ignored + bytes(3))[:n_ignored]
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unenc, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ version
    for b in ignored + struct.pack("<I", len(data)) + data:
        e = b ^ ((enc2 + unenc) & 0xFF)
        out.append(e)
        enc2, enc1, unenc = enc1, e, b
    return bytes(out)


def decrypt(blob: bytes) -> tuple[int, bytes]:
    """MS-OVBA 2.4.3.3: (project key, data); the tests check it on the spec's own example."""
    seed, version_enc, proj_key_enc = blob[0], blob[1], blob[2]
    if seed ^ version_enc != 2:
        raise ValueError("not MS-OVBA encrypted data (version is not 2)")
    proj_key = seed ^ proj_key_enc
    unenc, enc1, enc2 = proj_key, proj_key_enc, version_enc
    plain = bytearray()
    for e in blob[3:]:
        b = e ^ ((enc2 + unenc) & 0xFF)
        plain.append(b)
        enc2, enc1, unenc = enc1, e, b
    n_ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(plain[n_ignored:n_ignored + 4]))[0]
    data = bytes(plain[n_ignored + 4:n_ignored + 4 + length])
    if len(data) != length:
        raise ValueError("encrypted data shorter than its length field")
    return proj_key, data


def _seed(project_id: str, what: str) -> int:
    return hashlib.sha256(f"{project_id}/{what}".encode()).digest()[0]


# --- the streams ---------------------------------------------------------------------------

def _record(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _text_record(rec_id: int, text: bytes, reserved: int, unicode: bytes) -> bytes:
    # DOCSTRING, HELPFILEPATH, CONSTANTS, STREAMNAME: MBCS text, a reserved id, UTF-16 text.
    return (struct.pack("<HI", rec_id, len(text)) + text
            + struct.pack("<HI", reserved, len(unicode)) + unicode)


def dir_stream(name: str, modules: list[Module], codepage: int,
               references: tuple[tuple[str, str], ...]) -> bytes:
    """The uncompressed dir stream (2.3.4.2): project information, references, modules."""
    enc = f"cp{codepage}"
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))              # PROJECTSYSKIND: Win32
    out += _record(0x0002, struct.pack("<I", 0x0409))         # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", 0x0409))         # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", codepage))       # PROJECTCODEPAGE
    out += _record(0x0004, name.encode(enc))                  # PROJECTNAME
    out += _text_record(0x0005, b"", 0x0040, b"")             # PROJECTDOCSTRING
    out += _text_record(0x0006, b"", 0x003D, b"")             # PROJECTHELPFILEPATH
    out += _record(0x0007, struct.pack("<I", 0))              # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))              # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)              # PROJECTVERSION 1.0
    out += _text_record(0x000C, b"", 0x003C, b"")             # PROJECTCONSTANTS
    for ref_name, libid in references:                        # REFERENCENAME + REGISTERED
        out += _text_record(0x0016, ref_name.encode(enc), 0x003E, ref_name.encode("utf-16-le"))
        lib = libid.encode(enc)
        out += _record(0x000D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    out += _record(0x000F, struct.pack("<H", len(modules)))   # PROJECTMODULES count
    out += _record(0x0013, struct.pack("<H", 0xFFFF))         # PROJECTCOOKIE
    for m in modules:
        mbcs, wide = m.name.encode(enc), m.name.encode("utf-16-le")
        out += _record(0x0019, mbcs)                          # MODULENAME
        out += _record(0x0047, wide)                          # MODULENAMEUNICODE
        out += _text_record(0x001A, mbcs, 0x0032, wide)       # MODULESTREAMNAME
        out += _text_record(0x001C, b"", 0x0048, b"")         # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))          # MODULEOFFSET: source at 0
        out += _record(0x001E, struct.pack("<I", 0))          # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))     # MODULECOOKIE
        out += struct.pack("<HI", 0x0022 if m.document else 0x0021, 0)  # MODULETYPE
        out += struct.pack("<HI", 0x002B, 0)                  # module terminator
    out += struct.pack("<HI", 0x0010, 0)                      # dir terminator
    return bytes(out)


def project_stream(project_id: str, name: str, modules: list[Module], codepage: int) -> bytes:
    """The PROJECT stream (2.3.1): the module list and the unprotected, visible state."""
    def hexed(data: bytes, what: str) -> str:
        seed = _seed(project_id, what)
        filler = hashlib.sha256(f"{project_id}/{what}/filler".encode()).digest()
        return encrypt(data, project_id, seed, filler).hex().upper()

    lines = [f'ID="{project_id}"']
    lines += [f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}" for m in modules]
    lines += [
        f'Name="{name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{hexed(bytes(4), "CMG")}"',   # ProtectionState: not protected
        f'DPB="{hexed(bytes(1), "DPB")}"',   # Password: none
        f'GC="{hexed(bytes([0xFF]), "GC")}"',  # VisibilityState: visible
        "",
        "[Host Extender Info]",
        VBE_HOST_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{codepage}")


def projectwm_stream(modules: list[Module], codepage: int) -> bytes:
    """The PROJECTwm stream (2.3.3): each module name in MBCS and in UTF-16."""
    out = bytearray()
    for m in modules:
        out += m.name.encode(f"cp{codepage}") + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def build_vba_project(modules: list[Module], *, name: str = "VBAProject", codepage: int = 1252,
                      project_id: str | None = None,
                      references: tuple[tuple[str, str], ...] = (STDOLE, OFFICE)) -> bytes:
    """The bytes of a vbaProject.bin holding `modules`, compiled by Office from source.

    codepage: 1252 needs ASCII module text (build Chinese strings with ChrW); 936 allows
    GBK text. The module text is encoded with it and it is written as PROJECTCODEPAGE.
    """
    names = [m.name for m in modules]
    if len({n.upper() for n in names}) != len(names):
        raise ValueError(f"duplicate module names: {names}")
    for m in modules:
        if not m.name.isascii() or not m.name.replace("_", "a").isalnum() or not m.name[0].isalpha():
            raise ValueError(f"module name {m.name!r}: use an ASCII VBA identifier")
    if project_id is None:
        digest = hashlib.sha256("\0".join([name, *names]).encode()).digest()
        project_id = "{" + str(uuid.UUID(bytes=digest[:16], version=4)).upper() + "}"
    enc = f"cp{codepage}"
    root = Storage()
    root.add("PROJECT", project_stream(project_id, name, modules, codepage))
    root.add("PROJECTwm", projectwm_stream(modules, codepage))
    root.add("VBA/_VBA_PROJECT", struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001))
    root.add("VBA/dir", compress(dir_stream(name, modules, codepage, references)))
    for m in modules:
        try:
            text = crlf(m.source).encode(enc)
        except UnicodeEncodeError as e:
            raise ValueError(f"module {m.name}: text not representable in code page {codepage}: {e}") from None
        root.add(f"VBA/{m.name}", compress(text))
    return write_cfb(root)
