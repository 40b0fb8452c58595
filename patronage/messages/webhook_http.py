"""Sending one signed webhook request: the address guard, the Standard Webhooks signature, the POST.

No database here. The guard resolves the host once and the request goes to the very address that was
checked (the TLS name and Host header stay the URL's), so a DNS answer that changes between the check
and the connection cannot point a webhook at the internal network.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from standardwebhooks import Webhook

EXCERPT_BYTES = 1024
USER_AGENT = "Patronage-Webhooks/1"

_pool = urllib3.PoolManager(num_pools=50, maxsize=4, retries=False)


class AddressRefused(Exception):
    """The URL cannot be reached, or reaches an address a webhook may not be sent to."""


@dataclass(frozen=True)
class Outcome:
    """What one request got: a status code and the start of the body, or why there was no answer."""

    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_encode(*, topic: str, created_at: datetime, payload: Mapping[str, Any]) -> bytes:
    """The Standard Webhooks envelope, as the bytes that are signed and sent."""
    envelope = {"type": topic, "timestamp": created_at.isoformat(), "data": payload}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def signature_header(*, secrets: list[str], msg_id: str, at: datetime, body: bytes) -> str:
    """`v1,<sig>` per secret, space-separated (two during a rotation's grace period)."""
    return " ".join(Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body) for secret in secrets)


def address_refusal(address: str) -> str | None:
    """Why a webhook may not go to this IP address, or None."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return "reserved"
    return None


def host_resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: the host's first acceptable one; AddressRefused when there is none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as refused:
        raise AddressRefused(f"the host {host} cannot be resolved") from refused
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise AddressRefused(f"the host {host} cannot be resolved")
    if allow_private:
        return addresses[0]
    for address in addresses:
        if reason := address_refusal(address):
            raise AddressRefused(
                f"the host {host} resolves to a {reason} address ({address}); webhooks go only to public addresses"
            )
    return addresses[0]


def post(*, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
    """POSTs once: no retry, no redirect followed, at most EXCERPT_BYTES of the answer read."""
    return Sender().post(url=url, body=body, headers=headers)


class Sender:
    """The sending of one batch: each host is resolved and checked once, at the batch's send time, and its
    requests go to that checked address through one keep-alive pool; one signer per secret."""

    def __init__(self) -> None:
        self._addresses: dict[tuple[str, int], str | AddressRefused] = {}
        self._pools: dict[tuple[str, str, str, int], urllib3.HTTPConnectionPool] = {}
        self._signers: dict[str, Webhook] = {}
        self._timeout = urllib3.Timeout(total=settings.WEBHOOKS_TIMEOUT_SECONDS)
        self._allow_private = settings.WEBHOOKS_ALLOW_PRIVATE

    def sign(self, *, secrets: list[str], msg_id: str, at: datetime, body: bytes) -> str:
        """`v1,<sig>` per secret, space-separated (two during a rotation's grace period)."""
        return " ".join(
            self._signer(secret).sign(msg_id=msg_id, timestamp=at, data=body) for secret in secrets
        )

    def post(self, *, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        """POSTs once: no retry, no redirect followed, at most EXCERPT_BYTES of the answer read."""
        started = time.monotonic()
        parts = urlsplit(url)
        try:
            host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
            address = self._address(host, port)
            pool = self._pool(parts.scheme, host, address, port)
            response = _request(pool, parts.scheme, host, port, _target(parts), body, headers, self._timeout)
        except AddressRefused as refused:
            return Outcome(None, "", str(refused)[:300], _ms(started))
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as failed:
            return Outcome(None, "", _error_words(failed)[:300], _ms(started))
        try:
            remaining = response.length_remaining
            wanted = EXCERPT_BYTES if remaining is None else min(EXCERPT_BYTES, remaining)
            excerpt = response.read(wanted) if wanted else b""
        except (urllib3.exceptions.HTTPError, OSError) as failed:
            response.close()
            return Outcome(response.status, "", _error_words(failed)[:300], _ms(started))
        if response.length_remaining == 0:
            response.release_conn()
        else:
            response.close()  # an answer longer than the excerpt is not read to its end; the connection goes
        return Outcome(response.status, excerpt.decode("utf-8", "replace"), "", _ms(started))

    def _address(self, host: str, port: int) -> str:
        """The host's checked address, resolved on its first request of the batch (a refusal is kept too)."""
        known = self._addresses.get((host, port))
        if known is None:
            try:
                known = host_resolve(host, port, allow_private=self._allow_private)
            except AddressRefused as refused:
                known = refused
            self._addresses[(host, port)] = known
        if isinstance(known, AddressRefused):
            raise known
        return known

    def _pool(self, scheme: str, host: str, address: str, port: int) -> urllib3.HTTPConnectionPool:
        key = (scheme, host, address, port)
        pool = self._pools.get(key)
        if pool is None or pool.pool is None:  # None once closed: the manager let it go for newer ones
            pool_kwargs: dict[str, Any] = {}
            if scheme == "https":
                pool_kwargs = {"server_hostname": host, "assert_hostname": host}
            pool = _pool.connection_from_host(address, port=port, scheme=scheme, pool_kwargs=pool_kwargs)
            self._pools[key] = pool
        return pool

    def _signer(self, secret: str) -> Webhook:
        signer = self._signers.get(secret)
        if signer is None:
            signer = self._signers[secret] = Webhook(secret)
        return signer


def _request(
    pool: urllib3.HTTPConnectionPool,
    scheme: str,
    host: str,
    port: int,
    target: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout: urllib3.Timeout,
) -> urllib3.BaseHTTPResponse:
    host_header = host if parts_default_port(scheme, port) else f"{host}:{port}"
    return pool.urlopen(
        "POST",
        target,
        body=body,
        headers={
            **headers,
            "Host": host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
        },
        redirect=False,
        retries=False,
        preload_content=False,
        timeout=timeout,
    )


def parts_default_port(scheme: str, port: int) -> bool:
    return (scheme, port) in {("http", 80), ("https", 443)}


def _target(parts: Any) -> str:
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _error_words(failed: Exception) -> str:
    if isinstance(failed, urllib3.exceptions.TimeoutError):
        return f"no answer within {settings.WEBHOOKS_TIMEOUT_SECONDS:g} seconds"
    reason = getattr(failed, "reason", None)
    return f"{type(failed).__name__}: {reason or failed}"


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
