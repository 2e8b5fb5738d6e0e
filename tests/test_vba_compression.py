"""MS-OVBA compression: our compressor and strict decompressor round-trip random and real
texts; oletools' decompressor, written independently, reads every container back too."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from gcs_excel.vba.ovba_compression import CHUNK, OvbaError, compress, decompress
from gcs_excel.vba.workbooks import generated_sources

from .conftest import ROOT


def oletools_decompress(container: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(container)))


def roundtrip(data: bytes) -> None:
    c = compress(data)
    assert decompress(c) == data
    assert oletools_decompress(c) == data     # a second, independent decompressor


def impossible(data: bytes) -> bool:
    """An incompressible last chunk of 3641..4095 bytes has no exact MS-OVBA encoding."""
    tail = len(data) % CHUNK
    return 3640 < tail < CHUNK


@given(st.binary(max_size=3 * CHUNK + 100))
@settings(max_examples=300, deadline=None)
def test_random_bytes_round_trip_or_refuse(data):
    try:
        roundtrip(data)
    except ValueError:
        assert impossible(data)


@given(st.text(alphabet=st.characters(codec="cp1252"), max_size=12000))
@settings(max_examples=200, deadline=None)
def test_random_ascii_vba_text(text):
    roundtrip(text.replace("\n", "\r\n").encode("cp1252"))


@given(st.text(alphabet=st.characters(codec="gbk"), max_size=6000))
@settings(max_examples=200, deadline=None)
def test_random_gbk_text(text):
    roundtrip(text.encode("gbk"))


@given(st.lists(st.sampled_from([b" ", b"    ", b"End Sub\r\n", b"Dim x As Long\r\n", b"a", b"\r\n"]),
                max_size=3000).map(b"".join))
@settings(max_examples=200, deadline=None)
def test_repetitive_text_uses_long_copy_tokens(data):
    roundtrip(data)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 8, 9, 3640, 4095, 4096, 4097, 8192, 8193, 20000])
def test_boundaries_with_text(n):
    base = b"Sub Hello()\r\n    MsgBox \"x\"\r\nEnd Sub\r\n"
    roundtrip((base * (n // len(base) + 1))[:n])


@pytest.mark.parametrize("n", [CHUNK, 2 * CHUNK, 3640])
def test_incompressible_full_chunks_are_raw_and_short_tails_literal(n):
    data = os.urandom(n)
    roundtrip(data)
    if n % CHUNK == 0:
        c = compress(data)
        assert int.from_bytes(c[1:3], "little") == 0x3FFF      # raw: flag 0, size 4098


def test_incompressible_tail_is_refused_not_padded():
    with pytest.raises(ValueError, match="cannot be stored exactly"):
        compress(os.urandom(CHUNK + 3700))


def test_real_module_texts():
    texts = [p.read_bytes() for p in sorted((ROOT / "macros").glob("*.bas"))]
    texts += list(generated_sources().values())
    assert len(texts) >= 3
    for text in texts:
        roundtrip(text.replace(b"\n", b"\r\n"))


@pytest.mark.parametrize("bad, message", [
    (b"", "starts with 0x01"),
    (b"\x02\x00\x00", "starts with 0x01"),
    (b"\x01\x05", "truncated chunk header"),
    (b"\x01\x05\xb0ab", "runs past the end"),
    (b"\x01\x00\x80ab", "bad chunk signature"),
    (b"\x01\x10\x30" + b"x" * 19, "raw chunk"),
    (b"\x01\x02\xb0\x01\x00\x00", "copy token before any literal"),
    (b"\x01\x02\xb0\x02a\x01", "truncated copy token"),
])
def test_decompress_rejects_malformed(bad, message):
    with pytest.raises(OvbaError, match=message):
        decompress(bad)
