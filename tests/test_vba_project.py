"""The VBA project: olevba reads every module back identical, the streams and records are
those MS-OVBA prescribes, the protection fields decrypt as the spec's own example does,
and Chinese text survives both ways (ChrW in an ASCII project, GBK under code page 936)."""

from __future__ import annotations

import io
import re
import struct
import tomllib

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from gcs_excel.vba.vba_project import (Module, build_vba_project, crlf, decrypt, dir_stream,
                                       encrypt, project_stream)
from gcs_excel.vba.vba_text import decode_units, text_module
from gcs_excel.vba.workbooks import MACROS_DIR, generated_sources, load_sources

SOURCE = 'Attribute VB_Name = "Main"\nOption Explicit\nPublic Sub Hello()\n    MsgBox "hi"\nEnd Sub\n'


def modules_of(data: bytes, filename: str = "vbaProject.bin") -> dict[str, str]:
    parser = VBA_Parser(filename, data=data)
    return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}


def project_modules():
    return [Module.standard(SOURCE), Module.workbook(), Module.worksheet("Sheet1")]


def test_olevba_reads_every_module_back_identical():
    mods = project_modules()
    got = modules_of(build_vba_project(mods))
    assert got == {m.name: crlf(m.source) for m in mods}


def test_streams_and_version():
    ole = olefile.OleFileIO(io.BytesIO(build_vba_project(project_modules())))
    assert sorted("/".join(p) for p in ole.listdir()) == [
        "PROJECT", "PROJECTwm", "VBA/Main", "VBA/Sheet1", "VBA/ThisWorkbook", "VBA/_VBA_PROJECT", "VBA/dir"]
    head = ole.openstream("VBA/_VBA_PROJECT").read()
    assert struct.unpack("<HHBH", head) == (0x61CC, 0xFFFF, 0, 1) and len(head) == 7


def test_project_stream_lists_modules_and_decrypts():
    text = project_stream("{11111111-2222-3333-4444-555555555555}", "VBAProject", project_modules(), 1252).decode("cp1252")
    assert "Module=Main\r\n" in text
    assert "Document=ThisWorkbook/&H00000000\r\n" in text
    assert "Document=Sheet1/&H00000000\r\n" in text
    key = sum(b"{11111111-2222-3333-4444-555555555555}") & 0xFF
    values = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"', text, re.M))
    assert decrypt(bytes.fromhex(values["CMG"])) == (key, bytes(4))
    assert decrypt(bytes.fromhex(values["DPB"])) == (key, b"\0")
    assert decrypt(bytes.fromhex(values["GC"])) == (key, b"\xff")


@pytest.mark.parametrize("seed", [0, 1, 2, 6, 7, 0xFE, 0xFF])
def test_encrypt_decrypt_round_trip(seed):
    assert decrypt(encrypt(b"\x01\x02\x03", "{ID}", seed, b"abc")) == (sum(b"{ID}") & 0xFF, b"\x01\x02\x03")


def test_dir_stream_record_order_matches_excel():
    """The record ids in the order MS-OVBA 2.3.4.2 gives and Excel writes (without the
    optional PROJECTCOMPATVERSION)."""
    data = dir_stream("VBAProject", project_modules(), 1252, ())
    ids, pos = [], 0
    while pos < len(data):
        rec, size = struct.unpack_from("<HI", data, pos)
        ids.append(rec)
        pos += 6 + size
        if rec in (0x0005, 0x0006, 0x000C, 0x001A, 0x001C):   # a second (reserved, size) pair follows
            _, size2 = struct.unpack_from("<HI", data, pos)
            pos += 6 + size2
        if rec == 0x0009:                                      # PROJECTVERSION: size field is reserved 4, then 6 bytes
            pos += 2
    assert ids[:11] == [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0C]
    assert ids[11:13] == [0x0F, 0x13]
    module = [0x19, 0x47, 0x1A, 0x1C, 0x31, 0x1E, 0x2C]
    assert ids[13:22] == module + [0x21, 0x2B]
    assert ids[-1] == 0x10


def test_same_sources_same_bytes():
    assert build_vba_project(project_modules()) == build_vba_project(project_modules())


def test_chinese_via_chrw_is_ascii_and_decodes():
    texts = {"Title": "集团客户", "Long": "没有找到 Python。\n" * 40}
    source = text_module("GcsText", texts)
    assert source.isascii()
    assert decode_units(source, "Title") == "集团客户"
    assert decode_units(source, "Long") == texts["Long"]
    assert max(len(line) for line in source.split("\r\n")) < 1023
    got = modules_of(build_vba_project([Module.standard(source)]))
    assert got["GcsText"] == crlf(source)


@given(st.dictionaries(st.from_regex(r"[A-T][A-Za-z0-9]{0,20}", fullmatch=True), st.text(max_size=700), max_size=4))
@settings(max_examples=50, deadline=None)
def test_any_text_reads_back_from_its_chrw_function(texts):
    source = text_module("Texts", texts)
    assert source.isascii() and max(map(len, source.split("\r\n"))) < 1023
    assert {key: decode_units(source, key) for key in texts} == texts


def test_gbk_with_codepage_936_reads_back():
    source = 'Attribute VB_Name = "Msg"\nPublic Sub Hi()\n    MsgBox "集团客户：没有找到 Python"\nEnd Sub\n'
    data = build_vba_project([Module.standard(source)], codepage=936)
    assert modules_of(data)["Msg"] == crlf(source)          # olevba decodes with PROJECTCODEPAGE
    raw = olefile.OleFileIO(io.BytesIO(data)).openstream("VBA/Msg").read()
    assert "集团客户".encode("gbk") in bytes(decompress_stream(bytearray(raw)))


def test_chinese_refused_in_codepage_1252():
    source = 'Attribute VB_Name = "Msg"\nPublic Sub Hi()\n    MsgBox "集团"\nEnd Sub\n'
    with pytest.raises(ValueError, match="code page 1252"):
        build_vba_project([Module.standard(source)])


@pytest.mark.parametrize("name", ["1abc", "Mod-ule", "模块", "A" * 0])
def test_module_names_must_be_ascii_identifiers(name):
    with pytest.raises((ValueError, IndexError)):
        build_vba_project([Module(name, "x")])


def test_macros_folder_builds_and_reads_back():
    mods = list(load_sources().modules)
    assert [m.name for m in mods] == ["GcsMain", "GcsText"]
    got = modules_of(build_vba_project(mods + [Module.workbook()]))
    for m in mods:
        assert got[m.name] == crlf(m.source)


def test_generated_files_in_macros_are_current():
    """Regenerate with: gcs build-workbooks --out DIR (it rewrites stale generated files)."""
    for name, data in generated_sources().items():
        assert (MACROS_DIR / name).read_bytes() == data, name


def test_every_message_of_texts_toml_reads_back_from_gcs_text():
    texts = tomllib.loads((MACROS_DIR / "texts.toml").read_text("utf-8"))
    source = (MACROS_DIR / "GcsText.bas").read_text("ascii")
    assert texts and all(decode_units(source, key) == text for key, text in texts.items())


def test_decrypt_the_spec_example():
    """[MS-OVBA] 3.1.6 PROJECT Stream Example: needs no Excel-made file."""
    pid = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"
    key = sum(pid.encode()) & 0xFF
    assert decrypt(bytes.fromhex("0705D8E3D8EDDBF1DBF1DBF1DBF1")) == (key, bytes(4))
    assert decrypt(bytes.fromhex("0E0CD1ECDFF4E7F5E7F5E7")) == (key, b"\0")
    assert decrypt(bytes.fromhex("1517CAF1D6F9D7F9D706")) == (key, b"\xff")
