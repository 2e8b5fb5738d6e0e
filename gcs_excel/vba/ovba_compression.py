"""MS-OVBA compression (section 2.4.1): the CompressedContainer used by the dir stream and
by every module stream of a VBA project.

A container is the signature byte 0x01 followed by chunks. Each chunk decompresses to 4096
bytes, except the last, which may be shorter (2.4.1.1.3). A chunk is a 2-byte header
(12 bits CompressedChunkSize = chunk length - 3, 3 bits signature 0b011, 1 bit
CompressedChunkFlag) and either 4096 raw bytes (flag 0) or token sequences (flag 1): a
FlagByte and up to 8 tokens, each a literal byte (bit 0) or a 2-byte CopyToken (bit 1).

Why this compressor and not a literal-only one: literal tokens alone cost n + ceil(n/8)
bytes, which fits the 4096-byte chunk limit only while n <= 3640. A full 4096-byte chunk
can fall back to a raw chunk, but a *last* chunk of 3641..4095 bytes cannot: a raw chunk is
always 4096 bytes, so the spec pads it with 0x00 (2.4.1.3.10) and the module text would gain
NUL bytes. So this module emits copy tokens too (greedy longest match, 2.4.1.3.19.4), with
the bit split of CopyTokenHelp (2.4.1.3.19.1) — MaximumLength = (0xFFFF >> BitCount) + 3,
the value that ms-ovba-compression 1.0.1 gets wrong. A chunk that does not shrink below the
limit becomes a raw chunk when it is a full 4096 bytes; the only input that cannot be
written exactly (an incompressible last chunk of 3641..4095 bytes) raises ValueError
instead of silently gaining padding. VBA source text never comes near that case.
"""

from __future__ import annotations

CHUNK = 4096
_SIGNATURE = 0x01
_MIN_MATCH = 3
_MAX_CANDIDATES = 64  # positions tried per token; only affects the ratio, never correctness


class OvbaError(ValueError):
    """A compressed container that breaks MS-OVBA 2.4.1."""


def _bit_count(position: int) -> int:
    """CopyTokenHelp (2.4.1.3.19.1): offset bits for a token at `position` in its chunk
    (position = bytes of the chunk already decompressed, >= 1)."""
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return bits


def _header(size: int, compressed: bool) -> bytes:
    """CompressedChunkHeader: size = total chunk length including the header."""
    value = (size - 3) | (0b011 << 12) | (int(compressed) << 15)
    return value.to_bytes(2, "little")


def _compress_chunk(chunk: bytes) -> bytes:
    n = len(chunk)
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions, oldest first
    pos = 0
    while pos < n:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            length, offset = 0, 0
            if pos >= 1 and pos + _MIN_MATCH <= n:
                bits = _bit_count(pos)
                max_len = min((0xFFFF >> bits) + 3, n - pos)
                for cand in reversed(heads.get(chunk[pos:pos + _MIN_MATCH], [])[-_MAX_CANDIDATES:]):
                    k = 0
                    while k < max_len and chunk[cand + k] == chunk[pos + k]:
                        k += 1
                    if k > length:
                        length, offset = k, pos - cand
                        if k == max_len:
                            break
            if length >= _MIN_MATCH:
                token = ((offset - 1) << (16 - bits)) | (length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = length
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + _MIN_MATCH <= n:
                    heads.setdefault(chunk[p:p + _MIN_MATCH], []).append(p)
            pos += step
        out[flag_index] = flags
    if len(out) <= CHUNK:
        return _header(len(out) + 2, True) + bytes(out)
    if n == CHUNK:
        return _header(CHUNK + 2, False) + chunk
    raise ValueError(
        f"a last chunk of {n} incompressible bytes cannot be stored exactly in MS-OVBA "
        "(a raw chunk would pad it with NUL bytes)")


def compress(data: bytes) -> bytes:
    """The CompressedContainer for `data` (MS-OVBA 2.4.1.3.6)."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start:start + CHUNK])
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress a CompressedContainer (MS-OVBA 2.4.1.3.1), strictly: every malformed
    header, truncated token or out-of-range offset raises OvbaError."""
    if not container or container[0] != _SIGNATURE:
        raise OvbaError("a compressed container starts with 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise OvbaError(f"truncated chunk header at {pos}")
        header = int.from_bytes(container[pos:pos + 2], "little")
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise OvbaError(f"bad chunk signature at {pos}")
        compressed = bool(header & 0x8000)
        end = pos + size
        if end > len(container):
            raise OvbaError(f"chunk at {pos} runs past the end of the container")
        if len(out) % CHUNK:
            raise OvbaError("only the last chunk may decompress to fewer than 4096 bytes")
        data = container[pos + 2:end]
        if not compressed:
            if size != CHUNK + 2:
                raise OvbaError(f"raw chunk at {pos} is not 4096 bytes")
            out += data
        else:
            out += _decompress_tokens(data, pos)
        pos = end
    return bytes(out)


def _decompress_tokens(data: bytes, where: int) -> bytes:
    chunk = bytearray()
    i = 0
    while i < len(data):
        flags = data[i]
        i += 1
        for bit in range(8):
            if i >= len(data):
                break
            if not flags & (1 << bit):
                chunk.append(data[i])
                i += 1
                continue
            if i + 2 > len(data):
                raise OvbaError(f"truncated copy token in chunk at {where}")
            token = int.from_bytes(data[i:i + 2], "little")
            i += 2
            if not chunk:
                raise OvbaError(f"copy token before any literal in chunk at {where}")
            bits = _bit_count(len(chunk))
            length = (token & (0xFFFF >> bits)) + 3
            offset = (token >> (16 - bits)) + 1
            if offset > len(chunk):
                raise OvbaError(f"copy token reaches before the chunk start at {where}")
            for _ in range(length):
                chunk.append(chunk[-offset])
    if len(chunk) > CHUNK:
        raise OvbaError(f"chunk at {where} decompresses to more than 4096 bytes")
    return bytes(chunk)
