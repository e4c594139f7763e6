"""Test helpers shared by the whole suite: real servers, no mocks.

`webserver.WebServer` is the HTTP server; this module holds the response
bodies it can stream - hostile ones included - so other helpers can reuse
them (e.g. to write a gzip bomb to a file).
"""

from __future__ import annotations

import functools
import gzip
import threading
import zlib
from collections.abc import Iterator
from urllib.parse import urlsplit

_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
MIB = 1 << 20


def content_type_for(name: str) -> str:
    """Content type from a path's extension (feeds get their own types)."""
    path = urlsplit(name).path
    for ext, ctype in _TYPES.items():
        if path.endswith(ext):
            return ctype
    return "text/plain; charset=utf-8"


def gzip_bytes(data: bytes) -> bytes:
    """`data` as a gzip member with a fixed mtime (reproducible bytes)."""
    return gzip.compress(data, mtime=0)


def drip_stream(interval: float, count: int | None, stop: threading.Event) -> Iterator[bytes]:
    """One byte now and then one every `interval` s; forever when `count` is None."""
    sent = 0
    while count is None or sent < count:
        yield b"."
        sent += 1
        if stop.wait(interval):
            return


def endless_stream(stop: threading.Event) -> Iterator[bytes]:
    """64 KiB pieces until the client goes away or the server stops."""
    piece = b"x" * 65536
    while not stop.is_set():
        yield piece


@functools.lru_cache(maxsize=8)
def zero_segment(size: int) -> bytes:
    """`size` zero bytes as a self-contained raw-deflate segment.

    Ending with Z_FULL_FLUSH byte-aligns the output and resets the history,
    so the same segment can be repeated back to back and still form one
    valid deflate stream - a 2 GB bomb costs one 1 MiB compression.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return comp.compress(bytes(size)) + comp.flush(zlib.Z_FULL_FLUSH)


def gzip_bomb_stream(size: int, stop: threading.Event) -> Iterator[bytes]:
    """A valid gzip stream of `size` zero bytes, ~1000:1, generated lazily."""
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip header, no name, mtime 0
    whole, rest = divmod(size, MIB)
    batch = zero_segment(MIB) * 64  # ~64 KiB on the wire per write
    for start in range(0, whole, 64):
        if stop.is_set():
            return
        n = min(64, whole - start)
        yield batch if n == 64 else zero_segment(MIB) * n
    if rest:
        yield zero_segment(rest)
    crc = _crc32_of_zeros(size)
    yield b"\x03\x00" + crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")


Affine = tuple[list[int], int]  # a GF(2)-affine map on 32-bit ints: columns, constant


def _apply(m: Affine, v: int) -> int:
    out, i = m[1], 0
    while v:
        if v & 1:
            out ^= m[0][i]
        v, i = v >> 1, i + 1
    return out


def _compose(outer: Affine, inner: Affine) -> Affine:
    return [_apply(outer, c) ^ outer[1] for c in inner[0]], _apply(outer, inner[1])


@functools.lru_cache(maxsize=16)
def _crc32_of_zeros(n: int) -> int:
    """CRC-32 of `n` zero bytes in O(log n) instead of hashing 2 GB.

    ``crc -> zlib.crc32(b"\\0", crc)`` is affine over GF(2); raise it to the
    n-th power by squaring (the idea behind zlib's crc32_combine). The bomb
    is ~2 MB on the wire, so it always fits the loopback socket buffers and
    the trailer is always produced - it must be cheap.
    """
    const = zlib.crc32(b"\0", 0)
    step: Affine = ([zlib.crc32(b"\0", 1 << i) ^ const for i in range(32)], const)
    result: Affine = ([1 << i for i in range(32)], 0)
    while n:
        if n & 1:
            result = _compose(step, result)
        step, n = _compose(step, step), n >> 1
    return _apply(result, 0)
