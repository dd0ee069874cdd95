"""Who the client is: the TCP peer, unless that peer is a configured reverse proxy.

Why not uvicorn's ``proxy_headers``: it was on with loopback trusted, so anyone able to reach the server
from 127.0.0.1 (a test, a local script, a proxy that passes the header through unchanged) could rotate
``X-Forwarded-For`` and get a fresh rate-limit bucket per request. Here only peers listed in
``ASSISTANT_TRUSTED_PROXIES`` (IPs or CIDRs; empty by default) are believed, and even then the header is
read from the right: the first address that is not itself a trusted proxy is the client. Entries a client
wrote at the left of the header are never reached when the proxy appends the real peer (nginx's
``$proxy_add_x_forwarded_for``, Caddy, HAProxy ``option forwardfor``).

The middleware rewrites the ASGI ``client`` (and ``scheme`` from ``X-Forwarded-Proto``) in place, so the
rate limit, the Gradio handlers and uvicorn's access log all see the same address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["TrustedProxies", "TrustedProxyMiddleware"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a header hop: ``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``, ``2001:db8::1``."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class TrustedProxies:
    """The networks whose ``X-Forwarded-For`` is believed."""

    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> TrustedProxies:
        """From ``ASSISTANT_TRUSTED_PROXIES`` entries; a typo is an error at startup, not a silent hole."""
        nets: list[Network] = []
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            if entry == "*":
                raise ValueError("ASSISTANT_TRUSTED_PROXIES='*' would let every client choose its own address; "
                                 "list the proxies' addresses or networks instead")
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as err:
                raise ValueError(f"ASSISTANT_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR ({err})") from None
        return cls(tuple(nets))

    def trusts(self, host: str) -> bool:
        addr = _ip(host)
        return addr is not None and any(addr in net for net in self.networks)

    def client_of(self, peer: str, forwarded_for: str | None) -> str:
        """The client address for a request from ``peer`` carrying ``forwarded_for`` (all values joined)."""
        if not forwarded_for or not self.trusts(peer):
            return peer
        hops = [h for h in (p.strip() for p in forwarded_for.split(",")) if h]
        for hop in reversed(hops):
            addr = _ip(hop)
            if addr is None:
                return peer  # the trusted proxy wrote something unreadable: don't guess, use the proxy
            if not any(addr in net for net in self.networks):
                return str(addr)
        first = _ip(hops[0]) if hops else None
        return str(first) if first is not None else peer  # every hop is a trusted proxy


class TrustedProxyMiddleware:
    """Sets ``scope["client"]`` (and ``scheme``) from forwarding headers sent by a trusted proxy."""

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies.networks:
            peer = scope.get("client")
            if peer and self.proxies.trusts(peer[0]):
                headers = Headers(scope=scope)
                forwarded = ",".join(headers.getlist("x-forwarded-for"))
                client = self.proxies.client_of(peer[0], forwarded)
                if client != peer[0]:
                    scope["client"] = (client, 0)
                proto = (headers.get("x-forwarded-proto") or "").split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto if scope["type"] == "http" else ("wss" if proto == "https" else "ws")
        await self.app(scope, receive, send)
