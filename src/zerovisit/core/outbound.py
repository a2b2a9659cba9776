"""Calls to outside systems (SMS gateway, courier): JSON over HTTP, signed with a shared secret.

The signature is HMAC-SHA256 over `timestamp + "." + body` in the headers `X-Timestamp` and `X-Signature`; the
same scheme checks what those systems send back (callbacks).
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request


class OutboundError(Exception):
    """The other system answered with an error status, or could not be reached or read. `status` is the HTTP
    status when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class MissingSecret(OutboundError):
    """No shared secret is configured: nothing is sent, and nothing received is trusted (an empty key would let
    anyone sign)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    if not secret:
        raise MissingSecret("no shared secret is configured")
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    """Whether `given` is our signature of the request; never with an empty secret."""
    return bool(secret) and hmac.compare_digest(given.encode(), signature(secret, timestamp, body).encode())


def untrusted(secret: str, body: bytes, headers, *, setting: str, max_age: int = 300) -> str | None:
    """Why a request the other system sent us is not to be trusted, or None when it is signed with our shared
    secret (named by `setting`, for the message) and no older than `max_age` seconds, so that a captured request
    cannot be replayed later."""
    timestamp = headers.get("X-Timestamp", "")
    if not secret:
        return f"no shared secret is configured ({setting}), so nothing received is trusted"
    if not signature_matches(secret, timestamp, body, headers.get("X-Signature", "")):
        return "the signature does not match"
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > max_age:
        return "the request is too old"
    return None


def call(method: str, url: str, *, secret: str, timeout: float, payload: dict | None = None,
         headers: dict | None = None) -> dict:  # fmt: skip
    """Send `payload` (POST) or nothing (GET), signed; the JSON answer, or {} for an empty one. Raises
    OutboundError for anything but a readable 2xx answer, and MissingSecret, before sending, without a secret."""
    body = json.dumps(payload, ensure_ascii=False).encode() if method == "POST" else b""
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body if method == "POST" else None, method=method, headers={
        "Content-Type": "application/json", "X-Timestamp": timestamp,
        "X-Signature": signature(secret, timestamp, body), **(headers or {}),
    })  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise OutboundError(f"answered {exc.code} to {method} {url}", status=exc.code) from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise OutboundError(f"unreachable or unreadable ({method} {url}): {exc}") from exc
