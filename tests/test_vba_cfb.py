"""The compound-file writer: olefile reads back every stream, sibling trees are ordered,
the same input gives the same bytes."""

from __future__ import annotations

import io
import os
import struct

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcs_excel.vba.cfb import NOSTREAM, Storage, write_cfb


def read_all(data: bytes) -> dict[str, bytes]:
    ole = olefile.OleFileIO(io.BytesIO(data))
    return {"/".join(p): ole.openstream(p).read() for p in ole.listdir(streams=True, storages=False)}


def test_small_and_large_streams_read_back():
    root = Storage()
    files = {
        "PROJECT": b"ID=x\r\n",
        "VBA/dir": os.urandom(600),
        "VBA/Big": os.urandom(70_000),          # > 128 sectors: a second FAT sector
        "VBA/Exactly4096": b"a" * 4096,        # the cutoff: a regular stream
        "VBA/Just4095": b"b" * 4095,           # below the cutoff: the mini stream
        "Other/Deep/x": b"deep",
    }
    for path, data in files.items():
        root.add(path, data)
    data = write_cfb(root)
    assert read_all(data) == files
    assert len(data) % 512 == 0


def test_many_entries_span_directory_sectors():
    root = Storage()
    files = {f"VBA/Module{i}": f"source {i}".encode() * (i + 1) for i in range(40)}
    for path, data in files.items():
        root.add(path, data)
    assert read_all(write_cfb(root)) == files


@given(st.dictionaries(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=31)
      .filter(lambda n: n.upper() != "ROOT ENTRY"),
    st.binary(max_size=9000), max_size=25))
@settings(max_examples=60, deadline=None)
def test_random_flat_storages(streams):
    keys = {(len(k), k.upper()) for k in streams}
    if len(keys) != len(streams):
        return                       # names equal up to case are refused; tested below
    root = Storage()
    for name, data in streams.items():
        root.add(f"VBA/{name}", data)
    assert read_all(write_cfb(root)) == {f"VBA/{k}": v for k, v in streams.items()}


def test_same_input_same_bytes():
    def build():
        root = Storage()
        root.add("B", b"2")
        root.add("A", b"1")
        return write_cfb(root)
    assert build() == build()


def test_case_duplicates_and_bad_names_refused():
    root = Storage()
    root.add("Module", b"x")
    root.add("MODULE", b"y")
    with pytest.raises(ValueError, match="differ only in case"):
        write_cfb(root)
    root = Storage()
    root.add("x" * 32, b"z")
    with pytest.raises(ValueError, match="illegal"):
        write_cfb(root)


def test_sibling_trees_are_ordered_binary_search_trees():
    root = Storage()
    for name in ["ThisWorkbook", "Sheet1", "Sheet10", "Sheet2", "GcsMain", "dir", "_VBA_PROJECT", "a"]:
        root.add(f"VBA/{name}", b"x")
    data = write_cfb(root)
    raw = data[512 * (1 + struct.unpack_from("<I", data, 0x30)[0]):]
    def entry(i):
        e = raw[i * 128:(i + 1) * 128]
        n = struct.unpack_from("<H", e, 64)[0]
        name = e[:n - 2].decode("utf-16-le")
        left, right, child = struct.unpack_from("<III", e, 68)
        return name, left, right, child, e[67]
    def key(name):
        return (len(name), name.upper())
    def walk(i, lo, hi, out):
        if i == NOSTREAM:
            return
        name, left, right, _, color = entry(i)
        assert color == 1                    # black
        assert (lo is None or key(lo) < key(name)) and (hi is None or key(name) < key(hi))
        walk(left, lo, name, out)
        out.append(name)
        walk(right, name, hi, out)
    vba = entry(0)[3]
    assert entry(vba)[0] == "VBA"
    names = []
    walk(entry(vba)[3], None, None, names)
    assert names == sorted(names, key=key)
    assert len(names) == 8
