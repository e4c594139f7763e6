"""Address and URL checks (SSRF guard) and the bounded decoder.

IP literals resolve without DNS, so these run offline; only `localhost`
and numeric host spellings go through the system resolver (no network).
"""

from __future__ import annotations

import asyncio
import ipaddress
import zlib

import httpcore
import pytest

from stancewatch.extractors.netguard import (
    STEP,
    BodyError,
    GuardedBackend,
    Refused,
    address_kind,
    check_url,
    decode,
    decoders_for,
)

REFUSED = {
    # IPv4
    "http://127.0.0.1/": "loopback",
    "http://127.8.9.10:8080/": "loopback",
    "http://10.1.2.3/": "private",
    "http://172.16.0.1/": "private",
    "http://192.168.1.1/": "private",
    "http://169.254.169.254/latest/meta-data/": "link-local",  # cloud metadata
    "http://100.64.0.1/": "shared (CGNAT)",
    "http://100.127.255.254/": "shared (CGNAT)",
    "http://224.0.0.1/": "multicast",
    "http://0.0.0.0/": "unspecified",
    "http://255.255.255.255/": "private",
    "http://192.0.2.1/": "private",  # documentation range; never a real feed
    # numeric spellings the resolver turns into loopback
    "http://2130706433/": "loopback",
    "http://0x7f000001/": "loopback",
    "http://127.1/": "loopback",
    "http://localhost:8000/": "loopback",
    # IPv6
    "http://[::1]/": "loopback",
    "http://[::]/": "unspecified",
    "http://[fe80::1]/": "link-local",
    "http://[fc00::1]/": "private",
    "http://[fd12:3456::1]/": "private",
    "http://[ff02::1]/": "multicast",
    "http://[2001:db8::1]/": "private",
    # IPv6 forms that embed a bad IPv4 address
    "http://[::ffff:127.0.0.1]/": "loopback",
    "http://[::ffff:10.0.0.1]/": "private",
    "http://[::ffff:169.254.169.254]/": "link-local",
    "http://[64:ff9b::7f00:1]/": "loopback",  # NAT64
    "http://[2002:c0a8:101::1]/": "private",  # 6to4 of 192.168.1.1
}


@pytest.mark.parametrize(("url", "kind"), REFUSED.items())
def test_non_public_addresses_are_refused(url: str, kind: str) -> None:
    reason = check_url(url, allow_private_networks=False)
    assert reason is not None and reason.startswith("refused: ") and f"{kind} address" in reason


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/feed.xml",
        "https://8.8.8.8:8443/",
        "http://[2606:4700:4700::1111]/",
        "http://[::ffff:8.8.8.8]/",  # mapped, but to a public address
        "http://[64:ff9b::808:808]/",  # NAT64 of 8.8.8.8
    ],
)
def test_public_addresses_pass(url: str) -> None:
    assert check_url(url, allow_private_networks=False) is None


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://10.0.0.1/", "http://[::1]/", "http://localhost/"])
def test_private_networks_allowed_when_policy_says_so(url: str) -> None:
    assert check_url(url, allow_private_networks=True) is None


def test_allowed_networks_exempt_exactly_their_range() -> None:
    assert check_url("http://10.1.2.3/", False, allowed_networks=["10.1.0.0/16"]) is None
    assert check_url("http://10.2.0.1/", False, allowed_networks=["10.1.0.0/16"]) is not None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "refused: unsupported scheme 'file'"),
        ("ftp://93.184.216.34/x", "refused: unsupported scheme 'ftp'"),
        ("javascript:alert(1)", "refused: unsupported scheme 'javascript'"),
        ("gopher://93.184.216.34/", "refused: unsupported scheme 'gopher'"),
        ("http://user:pass@93.184.216.34/", "refused: credentials in URL"),
        ("http://user@93.184.216.34/", "refused: credentials in URL"),
        ("http:///no-host", "refused: URL has no host"),
    ],
)
def test_schemes_credentials_and_shape(url: str, reason: str) -> None:
    # Refused even when private networks are allowed: these are not address checks.
    assert check_url(url, allow_private_networks=True) == reason


def test_unresolvable_host_is_refused() -> None:
    reason = check_url("http://no-such-host.invalid/", allow_private_networks=False, timeout=3)
    assert reason is not None and reason.startswith("refused: cannot resolve host")


def test_literal_and_resolved_reasons_name_the_address() -> None:
    assert check_url("http://10.0.0.1/", False) == "refused: 10.0.0.1 is a private address"
    assert check_url("http://localhost/", False).startswith("refused: localhost resolves to")  # type: ignore[union-attr]


def test_address_kind_public_is_none() -> None:
    assert address_kind(ipaddress.ip_address("1.1.1.1")) is None
    assert address_kind(ipaddress.ip_address("100.128.0.1")) is None  # just outside CGNAT


def test_guarded_backend_refuses_before_connecting() -> None:
    backend = GuardedBackend(allow_private_networks=False)

    async def connect() -> None:
        await backend.connect_tcp("127.0.0.1", 9, timeout=1)

    with pytest.raises(Refused, match="127.0.0.1 is a loopback address"):
        asyncio.run(connect())


def test_guarded_backend_connects_to_the_checked_ip() -> None:
    # The inner backend must receive the IP literal that was checked, never the
    # hostname (which it would resolve again: the DNS-rebinding window).
    seen: list[str] = []

    class Recorder(httpcore.AsyncNetworkBackend):
        async def connect_tcp(self, host: str, port: int, **kw: object) -> httpcore.AsyncNetworkStream:
            seen.append(host)
            raise httpcore.ConnectError("recorded")

    backend = GuardedBackend(allow_private_networks=True, inner=Recorder())
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(backend.connect_tcp("localhost", 9, timeout=1))
    assert seen and all(ipaddress.ip_address(h).is_loopback for h in seen)


def _gzip(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    return comp.compress(data) + comp.flush()


def test_decoder_yields_bounded_pieces_from_one_huge_chunk() -> None:
    bomb = _gzip(bytes(50 * STEP))  # ~3 MiB decoded from a ~3 KiB input chunk
    pieces = []
    for piece in decode(decoders_for("gzip"), bomb):
        assert len(piece) <= STEP
        pieces.append(len(piece))
        if sum(pieces) >= 10 * STEP:
            break  # a caller stopping at max_bytes never inflates the rest
    assert sum(pieces) == 10 * STEP


def test_decoder_handles_multi_member_gzip_stacked_and_raw_deflate() -> None:
    assert b"".join(decode(decoders_for("gzip"), _gzip(b"one ") + _gzip(b"two"))) == b"one two"
    stacked = _gzip(zlib.compress(b"inner"))  # Content-Encoding: deflate, gzip
    assert b"".join(decode(decoders_for("deflate, gzip"), stacked)) == b"inner"
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert b"".join(decode(decoders_for("deflate"), raw.compress(b"raw") + raw.flush())) == b"raw"
    assert decoders_for("identity") == []


def test_decoder_rejects_unknown_and_corrupt_encodings() -> None:
    with pytest.raises(BodyError, match="unsupported content-encoding 'br'"):
        decoders_for("br")
    with pytest.raises(BodyError, match="undecodable body"):
        list(decode(decoders_for("gzip"), b"not gzip at all"))
