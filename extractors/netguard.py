"""Guards against hostile servers: address checks (SSRF) and bounded decoding.

Feed and page URLs come from configuration *and from the web* (redirects,
links on listing pages), so a hostile or compromised site can point us at
``http://169.254.169.254/`` (cloud metadata), ``http://localhost:8080/admin``
or a hostname whose DNS answer is ``10.0.0.5``. Two layers stop that:

1. :func:`check_url` - a pre-flight check before any request: scheme must be
   http/https, no ``user:password@``, and (with DNS) the host must resolve
   only to public addresses. The fetcher runs the static part on every
   redirect hop, so ``Location: file:///etc/passwd`` is refused too. Used
   alone (e.g. to validate a sources file) it has the usual check-then-use
   window - DNS may answer differently a second later - which is why the
   fetcher's address check happens at connect time instead:
2. :class:`GuardedBackend` - an httpcore network backend that resolves the
   host itself, checks *every* address, and then connects to the checked IP
   literal. The address that was checked is the address that is connected
   to, so there is no DNS-rebinding window between the check and the
   connect (TLS still uses the hostname for SNI and certificate checks,
   because httpcore passes ``server_hostname`` separately). Environment
   proxies are ignored (``trust_env=False``): through a proxy we would be
   checking the proxy's address, not the target's.

A gzip bomb (~1000:1) is the other cheap attack on a fetcher: httpx's
decoder inflates each network read in one call, so a 64 KiB read can become
64 MB before any size check runs. :func:`decode` yields at most ``STEP``
bytes per step, so the caller's ``max_bytes`` check bounds memory.

Parsing uses :class:`httpx.URL`, the same parser the client connects with,
so the check cannot be fooled by a parser differential. Hosts are always
passed through ``getaddrinfo`` (which answers IP literals without DNS), so
odd spellings such as ``http://2130706433/`` are classified by the address
the OS would actually use.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ALLOWED_SCHEMES = frozenset({"http", "https"})

# getaddrinfo cannot be cancelled; a dedicated pool (never shut down) lets a
# slow lookup be abandoned after its timeout without blocking `asyncio.run`'s
# executor shutdown at the end of a batch.
_DNS_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="stancewatch-dns")


class Refused(Exception):
    """A URL or address the policy does not allow; ``str()`` is the reason.

    Raised inside the network backend and caught by the fetcher, which turns
    it into a ``FetchResult.error``. ``retryable`` marks transient resolver
    failures (SERVFAIL, timeouts) as opposed to "no such host" or a policy
    refusal, which retrying cannot fix.
    """

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def address_kind(ip: IPAddress) -> str | None:
    """Name the non-public category of `ip`, or None when it is public.

    IPv6 forms that embed an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
    NAT64 ``64:ff9b::a.b.c.d``, 6to4 ``2002:AABB:CCDD::``) are judged by the
    embedded address, because that is what a dual-stack socket or gateway
    ends up talking to. The final ``is_global`` test is a catch-all for the
    special ranges the named categories miss (benchmarking, documentation,
    0.0.0.0/8, ...).
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_kind(embedded)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "shared (CGNAT)"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "special-purpose"
    return None


def parse_networks(cidrs: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Parse CIDR strings for an explicit allow-list (raises on typos: config error)."""
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def address_refusal(
    ip: IPAddress,
    host: str,
    allow_private_networks: bool,
    allowed_networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = (),
) -> str | None:
    """Reason `ip` (an address of `host`) may not be contacted, or None."""
    if allow_private_networks or any(ip in net for net in allowed_networks):
        return None
    kind = address_kind(ip)
    if kind is None:
        return None
    an = "an" if kind[0] in "aeiou" else "a"
    if _is_literal(host):
        return f"refused: {ip} is {an} {kind} address"
    return f"refused: {host} resolves to {ip}, {an} {kind} address"


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def static_refusal(url: str | httpx.URL) -> str | None:
    """The checks that need no network: parseable, http(s), host, no userinfo."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "refused: invalid URL"
    if parsed.scheme not in _ALLOWED_SCHEMES:
        return f"refused: unsupported scheme {parsed.scheme!r}"
    if parsed.userinfo:
        return "refused: credentials in URL"
    if not parsed.host:
        return "refused: URL has no host"
    return None


def _lookup(host: str, port: int) -> list[IPAddress]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, IPAddress] = {}
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            addr = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
            seen.setdefault(addr, ipaddress.ip_address(addr))
    return list(seen.values())


def _resolve_error(host: str, exc: BaseException) -> Refused:
    if isinstance(exc, (FutureTimeout, asyncio.TimeoutError, TimeoutError)):
        return Refused(f"cannot resolve host {host!r} (timeout)", retryable=True)
    permanent = isinstance(exc, socket.gaierror) and exc.errno in (
        socket.EAI_NONAME,
        getattr(socket, "EAI_NODATA", socket.EAI_NONAME),
    )
    return Refused(f"cannot resolve host {host!r}", retryable=not permanent)


def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Resolve `host` with a wall-clock timeout; raises :class:`Refused`."""
    future = _DNS_POOL.submit(_lookup, host, port)
    try:
        addresses = future.result(timeout=timeout)
    except Exception as exc:  # gaierror, timeout, UnicodeError from idna
        raise _resolve_error(host, exc) from None
    if not addresses:
        raise Refused(f"cannot resolve host {host!r}")
    return addresses


async def resolve_async(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Like :func:`resolve`, without blocking the event loop."""
    loop = asyncio.get_running_loop()
    try:
        addresses = await asyncio.wait_for(loop.run_in_executor(_DNS_POOL, _lookup, host, port), timeout)
    except Exception as exc:
        raise _resolve_error(host, exc) from None
    if not addresses:
        raise Refused(f"cannot resolve host {host!r}")
    return addresses


def check_url(
    url: str,
    allow_private_networks: bool,
    *,
    allowed_networks: Iterable[str] = (),
    timeout: float = 5.0,
) -> str | None:
    """Why `url` may not be fetched, or None when it is fine.

    Refuses non-http(s) schemes, credentials in the URL, hosts that do not
    resolve within `timeout` seconds, and - unless `allow_private_networks`
    - hosts with *any* address that is loopback, private, link-local,
    multicast, reserved, unspecified, CGNAT or otherwise not global
    (including IPv4-mapped/NAT64/6to4 IPv6 forms of those). Any single bad
    address refuses the host, because the connection could use any of them.
    `allowed_networks` (CIDRs) are exempt: an explicit opt-in for, e.g., a
    feed served from a known intranet host.
    """
    reason = static_refusal(url)
    if reason is not None:
        return reason
    parsed = httpx.URL(url)
    host = parsed.host
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = resolve(host, port, timeout)
    except Refused as exc:
        return f"refused: {exc.reason}"
    allowed = parse_networks(allowed_networks)
    for ip in addresses:
        reason = address_refusal(ip, host, allow_private_networks, allowed)
        if reason is not None:
            return reason
    return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore backend that resolves, checks, then connects to the checked IP.

    Every new TCP connection - first request, each redirect hop, each retry -
    goes through :meth:`connect_tcp`, so the guard cannot be skipped by a
    code path that forgot to call :func:`check_url`. Pooled keep-alive
    connections are reused only for the same origin, whose address was
    checked when the connection was opened.
    """

    def __init__(
        self,
        allow_private_networks: bool,
        allowed_networks: Iterable[str] = (),
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow = allow_private_networks
        self._allowed = parse_networks(allowed_networks)
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve `host`, refuse bad addresses, connect - all within `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (timeout if timeout is not None else 10.0)
        addresses = await resolve_async(host, port, deadline - loop.time())
        for ip in addresses:
            reason = address_refusal(ip, host, self._allow, self._allowed)
            if reason is not None:
                raise Refused(reason)
        last_error: Exception | None = None
        for ip in addresses:  # in resolver order, like a normal client
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=max(deadline - loop.time(), 0.001),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, *args: object, **kwargs: object) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never a fetch target."""
        raise Refused("refused: unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """Delegate (httpcore uses it between its own connect retries)."""
        await self._inner.sleep(seconds)


# -- bounded decoding (decompression bombs) -------------------------------------
STEP = 64 * 1024  # most decoded bytes produced per decompress call


class BodyError(Exception):
    """The body cannot be accepted (too large, undecodable); not retried."""


class _Inflater:
    """Bounded gzip/deflate decoder: never more than STEP bytes per call.

    Handles multi-member gzip and "deflate" sent raw instead of
    zlib-wrapped (a common server bug, which httpx also tolerates).
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._gzip = encoding in ("gzip", "x-gzip")
        self._wbits = zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS
        self._d = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decode `data`, yielding pieces of at most STEP bytes."""
        while True:
            try:
                out = self._d.decompress(data, STEP)
            except zlib.error as exc:
                if self._started or self._gzip or self._wbits < 0:
                    raise BodyError(f"undecodable body ({self.encoding}): {exc}") from None
                self._wbits, self._d = -zlib.MAX_WBITS, zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._started = self._started or bool(out)
            data = self._d.unconsumed_tail
            if out:
                yield out
            if self._d.eof:
                rest = self._d.unused_data.lstrip(b"\0")
                if not (self._gzip and rest):
                    return  # trailing garbage after a deflate stream: ignored
                self._d, data = zlib.decompressobj(self._wbits), rest
            elif not data and len(out) < STEP:
                return


def decoders_for(content_encoding: str) -> list[_Inflater]:
    """Decoders in the order the encodings were applied (header order)."""
    names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
    decoders = []
    for name in names:
        if name == "identity":
            continue
        if name not in ("gzip", "x-gzip", "deflate"):
            raise BodyError(f"unsupported content-encoding {name!r}")
        decoders.append(_Inflater(name))
    return decoders


def decode(decoders: list[_Inflater], data: bytes) -> Iterator[bytes]:
    """Undo the last-applied encoding first, streaming piece by piece."""
    if not decoders:
        yield data
        return
    for piece in decoders[-1].feed(data):
        yield from decode(decoders[:-1], piece)
