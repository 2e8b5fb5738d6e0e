"""Compare two .xlsx files part by part after masking what changes on every save
(XlsxWriter's approach: timestamps, author, app version)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_NOISE = [
    (re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>"), b""),
    (re.compile(rb"<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>"), b""),
    (re.compile(rb"<AppVersion>[^<]*</AppVersion>"), b""),
    (re.compile(rb"<Application>[^<]*</Application>"), b""),
]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        out = {}
        for name in sorted(z.namelist()):
            data = z.read(name)
            for rx, repl in _NOISE:
                data = rx.sub(repl, data)
            out[name] = data
        return out


def differences(a: Path, b: Path) -> list[str]:
    pa, pb = parts(a), parts(b)
    diffs = [f"only in {a.name}: {n}" for n in pa.keys() - pb.keys()]
    diffs += [f"only in {b.name}: {n}" for n in pb.keys() - pa.keys()]
    diffs += [f"differs: {n}" for n in sorted(pa.keys() & pb.keys()) if pa[n] != pb[n]]
    return diffs
