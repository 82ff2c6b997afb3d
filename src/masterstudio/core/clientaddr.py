"""The client's address: the one function that rate limits, sign-in lockout and the audit trail use.

Behind the reverse proxy every request comes from the proxy, so the proxy's address would put all
clients in one rate-limit budget and in every audit row. The proxy names the client in
``X-Forwarded-For``; that header is believed only when the peer (``REMOTE_ADDR``) is one of
``settings.TRUSTED_PROXIES`` (CIDRs). The list is read from the right: each trusted proxy's entry is
skipped and the first address that is not a trusted proxy is the client, so addresses a client
puts in the header itself (to its left) are never taken. From any other peer the header is
ignored: a forged header from the internet changes nothing.

``core.middleware.RequestAddressMiddleware`` (first in MIDDLEWARE) puts the result into
``REMOTE_ADDR`` for the rest of the request and keeps the peer in ``PEER_ADDR``, so code that reads
``REMOTE_ADDR`` sees the client too.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

RESOLVED = "masterstudio.client_address"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str):
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES or ()))
    return address is not None and any(address in network for network in networks if address.version == network.version)


def client_address(request) -> str | None:
    """The client's address for ``request`` (None without a request or an address)."""
    if request is None:
        return None
    meta = request.META
    if RESOLVED in meta:
        return meta[RESOLVED]
    peer = meta.get("REMOTE_ADDR") or ""
    client = peer or None
    current = _address(peer)
    if is_trusted_proxy(current):
        hops = [h for h in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:  # garbage in the header: stop at the last address we could trust
                break
            client = str(address)
            if not is_trusted_proxy(address):
                break
    meta[RESOLVED] = client
    return client
