"""Who is asking: the client's real address, also behind the load balancer or reverse proxy of a deployment.

`X-Forwarded-For` is believed only as far as it was written by a proxy we trust (ZV_TRUSTED_PROXIES): reading it
from the right, each hop added by a trusted proxy is skipped, and the first address a trusted proxy did not write
is the client. Anyone can send the header, so without a trusted proxy in front it is ignored altogether.
"""

import functools
import ipaddress

from django.conf import settings


@functools.cache
def _trusted(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(network, strict=False) for network in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The address of the client that made the request (what rate limits, lock-outs and the admin's networks
    go by)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else remote
