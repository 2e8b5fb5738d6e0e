"""Chinese text for an ASCII-only VBA project: one Function per message, returning the
text built from UTF-16 code units with ChrW (so it does not depend on the code page of the
project or of the machine). The generated module is committed and compared by a test, like
the other generated files."""

from __future__ import annotations

import re

_HELPER = '''\
' Builds a string from decimal UTF-16 code units separated by spaces.
Private Function U(ByVal units As String) As String
    Dim parts() As String, i As Long
    parts = Split(units, " ")
    For i = LBound(parts) To UBound(parts)
        U = U & ChrW(CLng(parts(i)))
    Next i
End Function
'''


def _units(text: str) -> str:
    data = text.encode("utf-16-le")
    return " ".join(str(int.from_bytes(data[i:i + 2], "little")) for i in range(0, len(data), 2))


def text_module(name: str, texts: dict[str, str]) -> str:
    """The source of a standard module with one Public Function per text."""
    out = [f'Attribute VB_Name = "{name}"', "Option Explicit",
           "' Generated from the message table by the workbook build: do not edit here.",
           "' The project is ASCII (code page 1252); Chinese text is built with ChrW.", ""]
    for key, text in texts.items():
        if not key.isidentifier() or not key.isascii():
            raise ValueError(f"text key {key!r} is not an ASCII identifier")
        units = _units(text)
        # VBA lines stop at 1023 characters: split long texts over several statements.
        chunks, line = [], []
        for u in units.split(" "):
            if sum(len(x) + 1 for x in line) + len(u) > 600:
                chunks.append(" ".join(line))
                line = []
            line.append(u)
        chunks.append(" ".join(line))
        out.append(f"Public Function {key}() As String")
        out.append(f'    {key} = U("{chunks[0]}")')
        for c in chunks[1:]:
            out.append(f'    {key} = {key} & U("{c}")')
        out += ["End Function", ""]
    out.append(_HELPER)
    return "\r\n".join(out).replace("\n", "\r\n").replace("\r\r\n", "\r\n")


def decode_units(source: str, key: str) -> str:
    """The text a generated Function returns (the inverse of text_module, for the tests)."""
    parts = re.findall(rf'^\s*{key} = (?:{key} & )?U\("([0-9 ]+)"\)', source, re.M)
    units = [int(u) for p in parts for u in p.split()]
    return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le")
