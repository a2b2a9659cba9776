"""Seals (电子印章): the platform root that certifies them, each agency's seal, and signing with them."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.core import audit, crypto, signing, sm
from zerovisit.core.errors import DomainError
from zerovisit.core.pdf import SealBox

from .models import Agency, AgencyKind, Seal, SealKind
from .selectors import seal_for, seal_image

ROOT_YEARS = 20
SEAL_YEARS = 5
PLATFORM = "zerovisit 电子印章根证书"


class NoSeal(DomainError):
    code = "no_seal"


def _fingerprint(certificate_pem: bytes) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding

    return hashlib.sha256(signing.load_certificate(certificate_pem).public_bytes(Encoding.DER)).hexdigest()


def _store(*, kind: str, agency: Agency | None, purpose: str, key, certificate_pem: bytes, actor,
           issued_by: Seal | None = None) -> Seal:  # fmt: skip
    certificate = signing.load_certificate(certificate_pem)
    seal = Seal.objects.create(
        kind=kind, agency=agency, purpose=purpose, issued_by=issued_by, certificate_pem=certificate_pem.decode(),
        key_encrypted=crypto.encrypt(signing.private_key_pem(key).decode()), fingerprint=_fingerprint(certificate_pem),
        valid_from=certificate.not_valid_before_utc, valid_until=certificate.not_valid_after_utc,
    )  # fmt: skip
    audit.record(actor=actor, action="seal.create", obj=seal, detail={"fingerprint": seal.fingerprint})
    return seal


def _retire(queryset) -> None:
    queryset.filter(active=True).update(active=False, retired_at=timezone.now())


@transaction.atomic
def create_root(*, actor=None, organisation: str = "zerovisit") -> Seal:
    """A new platform root. Older roots stay trust anchors, so documents signed under them still verify."""
    _retire(Seal.objects.select_for_update().filter(kind=SealKind.ROOT))
    key = signing.new_private_key()
    since = timezone.now() - datetime.timedelta(minutes=5)  # a little slack for clocks that differ
    pem = signing.make_certificate(common_name=PLATFORM, organisation=organisation, key=key, ca=True,
                                   valid_from=since, years=ROOT_YEARS)  # fmt: skip
    return _store(kind=SealKind.ROOT, agency=None, purpose="", key=key, certificate_pem=pem, actor=actor)


def active_root() -> Seal | None:
    return Seal.objects.filter(kind=SealKind.ROOT, active=True).first()


@transaction.atomic
def issue_seal(*, agency: Agency, actor=None, purpose: str = "行政审批专用章") -> Seal:
    """Give an agency a (new) seal, certified by the platform root; a previous seal of the agency is retired
    (rotation): what it signed stays valid, what is signed from now on uses the new key."""
    root = active_root() or create_root(actor=actor)
    _retire(Seal.objects.select_for_update().filter(kind=SealKind.AGENCY, agency=agency))
    key = signing.new_private_key()
    pem = signing.make_certificate(
        common_name=agency.name, organisation=agency.name, key=key,
        issuer_cert=signing.load_certificate(root.certificate_pem.encode()),
        issuer_key=signing.load_private_key(crypto.decrypt(root.key_encrypted).encode()),
        valid_from=timezone.now() - datetime.timedelta(minutes=5), years=SEAL_YEARS,
    )  # fmt: skip
    return _store(kind=SealKind.AGENCY, agency=agency, purpose=purpose, key=key, certificate_pem=pem, actor=actor,
                  issued_by=root)  # fmt: skip


def sm2_sign(seal: Seal, message: bytes) -> str:
    """An SM2 signature by the seal's SM2 key, made on first use (existing seals get one when the setting is
    switched on)."""
    if not seal.sm2_public_key:
        with transaction.atomic():
            locked = Seal.objects.select_for_update().get(pk=seal.pk)
            if not locked.sm2_public_key:
                private, public = sm.new_keypair()
                locked.sm2_public_key, locked.sm2_key_encrypted = public, crypto.encrypt(private)
                locked.save(update_fields=["sm2_public_key", "sm2_key_encrypted"])
        seal.refresh_from_db(fields=["sm2_public_key", "sm2_key_encrypted"])
    return sm.sign(crypto.decrypt(seal.sm2_key_encrypted), seal.sm2_public_key, message)


def seal_approval_bureaus(*, actor=None) -> list[Seal]:
    """A seal for every approval bureau that has none yet (the platform root too, on first use)."""
    sealed = Seal.objects.filter(kind=SealKind.AGENCY, active=True).values_list("agency_id", flat=True)
    bureaus = Agency.objects.filter(kind=AgencyKind.APPROVAL_BUREAU).exclude(pk__in=list(sealed))
    return [issue_seal(agency=bureau, actor=actor) for bureau in bureaus]


def sign(pdf: bytes, *, agency: Agency, where: SealBox, reason: str) -> tuple[bytes, Seal]:
    """Sign a document with the seal that speaks for `agency` (its own, or its approval bureau's): the signed
    bytes and the seal used."""
    seal = seal_for(agency)
    if seal is None:
        raise NoSeal(_("No seal can sign for %(agency)s: create one with `zerovisit create_seals`.")
                     % {"agency": agency.name})  # fmt: skip
    signed = signing.sign_pdf(
        pdf, key_pem=crypto.decrypt(seal.key_encrypted).encode(), certificate_pem=seal.certificate_pem.encode(),
        chain_pems=[seal.issued_by.certificate_pem.encode()], image=seal_image(seal.agency.name, seal.purpose),
        where=where, reason=reason, location=seal.agency.region.name,
    )  # fmt: skip
    return signed, seal
