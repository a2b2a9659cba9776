"""National cryptography (国密): SM2 signatures over SM3 digests, with gmalglib (a C extension, thousands of
signatures a second). Optional: installed with the `sm2` extra and used when ZV_SM2_SIGNATURES is on."""

from django.core.exceptions import ImproperlyConfigured

DEFAULT_UID = b"1234567812345678"  # GB/T 32918's default user identity


def _gmalglib():
    try:
        import gmalglib
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImproperlyConfigured("SM2 signatures need gmalglib: pip install 'zerovisit[sm2]'.") from exc
    return gmalglib


def new_keypair() -> tuple[str, str]:
    """(private key, public key) as hex."""
    private, public = _gmalglib().sm2_generate_keypair()
    return private.hex(), public.hex()


def sign(private_hex: str, public_hex: str, message: bytes) -> str:
    signer = _gmalglib().sm2.SM2(sk=bytes.fromhex(private_hex), pk=bytes.fromhex(public_hex), uid=DEFAULT_UID)
    return signer.sign(message).hex()


def verify(public_hex: str, message: bytes, signature_hex: str) -> bool:
    try:
        checker = _gmalglib().sm2.SM2(pk=bytes.fromhex(public_hex), uid=DEFAULT_UID)
        return bool(checker.verify(message, bytes.fromhex(signature_hex)))
    except ValueError:  # not hex, or not a point on the curve
        return False


def sm3_hex(message: bytes) -> str:
    return _gmalglib().sm3_digest(message).hex()
