"""A minimal writer of MS-CFB compound files (version 3, 512-byte sectors).

Enough for a vbaProject.bin: storages and streams, written once, deterministically (no
timestamps, no CLSIDs, a fixed layout), so that the same input gives the same bytes.

Layout: header | FAT sectors | directory sectors | mini FAT sectors | mini stream sectors |
regular streams. Streams shorter than the mini stream cutoff (4096 bytes) live in the mini
stream in 64-byte mini sectors (MS-CFB 2.6.3, 2.4). Each storage's children form a binary
search tree ordered by name length, then by upper-cased name (MS-CFB 2.6.4); every node is
black, which the red-black constraints allow (root black, no two reds in a row).
olefile only reads this format; the tests read every file written here back with it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRIES_PER_FAT_SECTOR = SECTOR // 4
DIFAT_IN_HEADER = 109

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_BLACK = 1


@dataclass
class Storage:
    """A storage: named children, each a Storage or bytes (a stream)."""
    children: dict[str, "Storage | bytes"] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> None:
        """Add a stream at a '/'-separated path, creating storages on the way."""
        *dirs, leaf = path.split("/")
        node = self
        for name in dirs:
            child = node.children.setdefault(name, Storage())
            if not isinstance(child, Storage):
                raise ValueError(f"{name!r} is a stream, not a storage")
            node = child
        node.children[leaf] = bytes(data)


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names first, then code point by code point after upper-casing.
    return (len(name), name.upper())


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _check_name(name: str) -> None:
    if not name or len(name) > 31 or any(c in name for c in "/\\:!"):
        raise ValueError(f"illegal compound-file entry name {name!r}")


def _flatten(root: Storage) -> list[_Entry]:
    entries = [_Entry("Root Entry", _ROOT)]

    def add_children(parent_index: int, storage: Storage) -> None:
        names = sorted(storage.children, key=_sort_key)
        keys = [_sort_key(n) for n in names]
        if len(set(keys)) != len(keys):
            raise ValueError(f"entry names that differ only in case: {names}")
        indices = []
        for name in names:
            _check_name(name)
            node = storage.children[name]
            kind = _STORAGE if isinstance(node, Storage) else _STREAM
            entries.append(_Entry(name, kind, b"" if kind == _STORAGE else node))
            indices.append(len(entries) - 1)

        def balanced(lo: int, hi: int) -> int:
            if lo >= hi:
                return NOSTREAM
            mid = (lo + hi) // 2
            entry = entries[indices[mid]]
            entry.left = balanced(lo, mid)
            entry.right = balanced(mid + 1, hi)
            return indices[mid]

        entries[parent_index].child = balanced(0, len(indices))
        for name, index in zip(names, indices):
            node = storage.children[name]
            if isinstance(node, Storage):
                add_children(index, node)

    add_children(0, root)
    return entries


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(n_bytes: int, size: int) -> int:
    return (n_bytes + size - 1) // size


def write_cfb(root: Storage) -> bytes:
    """Serialise `root` as a version-3 compound file."""
    entries = _flatten(root)
    streams = [e for e in entries if e.kind == _STREAM]

    # Mini stream: every small stream, each padded to whole 64-byte mini sectors.
    mini = bytearray()
    minifat: list[int] = []
    for e in streams:
        e.size = len(e.data)
        if 0 < e.size < MINI_CUTOFF:
            n = _sectors(e.size, MINI_SECTOR)
            e.start = len(minifat)
            minifat += [0] * n
            _chain(minifat, e.start, n)
            mini += e.data.ljust(n * MINI_SECTOR, b"\0")
        elif e.size == 0:
            e.start = ENDOFCHAIN

    n_dir = _sectors(len(entries) * 128, SECTOR)
    n_minifat = _sectors(len(minifat) * 4, SECTOR)
    n_mini = _sectors(len(mini), SECTOR)
    big = [e for e in streams if e.size >= MINI_CUTOFF]
    n_big = sum(_sectors(e.size, SECTOR) for e in big)

    n_fat = 1
    while True:  # the FAT must also map its own sectors
        total = n_fat + n_dir + n_minifat + n_mini + n_big
        needed = _sectors(total, ENTRIES_PER_FAT_SECTOR)
        if needed <= n_fat:
            break
        n_fat = needed
    if n_fat > DIFAT_IN_HEADER:
        raise ValueError("file too large for a header-only DIFAT (about 6.8 MB)")

    fat = [FREESECT] * (n_fat * ENTRIES_PER_FAT_SECTOR)
    for i in range(n_fat):
        fat[i] = FATSECT
    next_sector = n_fat
    dir_start = next_sector
    _chain(fat, dir_start, n_dir)
    next_sector += n_dir
    minifat_start = next_sector if n_minifat else ENDOFCHAIN
    _chain(fat, next_sector, n_minifat)
    next_sector += n_minifat
    mini_start = next_sector if n_mini else ENDOFCHAIN
    _chain(fat, next_sector, n_mini)
    next_sector += n_mini
    for e in big:
        n = _sectors(e.size, SECTOR)
        e.start = next_sector
        _chain(fat, next_sector, n)
        next_sector += n

    root_entry = entries[0]
    root_entry.start, root_entry.size = mini_start, len(mini)

    header = bytearray(SECTOR)
    struct.pack_into(
        "<8s16sHHHHH6sIIIIIIIII", header, 0,
        bytes.fromhex("D0CF11E0A1B11AE1"), bytes(16),
        0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6),
        0,                      # directory sectors: always 0 in version 3
        n_fat, dir_start,
        0,                      # transaction signature
        MINI_CUTOFF,
        minifat_start, n_minifat,
        ENDOFCHAIN, 0,          # no DIFAT sectors
    )
    difat = [FREESECT] * DIFAT_IN_HEADER
    difat[:n_fat] = range(n_fat)
    struct.pack_into("<109I", header, 0x4C, *difat)

    body = bytearray()
    body += struct.pack(f"<{len(fat)}I", *fat)
    body += _directory(entries).ljust(n_dir * SECTOR, b"\0")
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    body += minifat_bytes.ljust(n_minifat * SECTOR, b"\xff")
    body += bytes(mini).ljust(n_mini * SECTOR, b"\0")
    for e in big:
        body += e.data.ljust(_sectors(e.size, SECTOR) * SECTOR, b"\0")
    return bytes(header + body)


def _directory(entries: list[_Entry]) -> bytes:
    out = bytearray()
    for e in entries:
        name = (e.name + "\0").encode("utf-16-le")
        out += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name, len(name), e.kind, _BLACK, e.left, e.right, e.child,
            bytes(16), 0, 0, 0,
            e.start if e.kind != _STORAGE else 0, e.size,
        )
    # Unused entries of the last directory sector: empty, siblings and child NOSTREAM.
    while len(out) % SECTOR:
        out += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                           bytes(16), 0, 0, 0, 0, 0)
    return bytes(out)
