"""The licence as a document: rendered as PDF with the issuer's seal, by a task after the licence is issued.

Licences are official documents and are printed in Chinese whatever language the reader chose for the pages.
"""

import hashlib
import json

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from zerovisit.core import crypto, pdf, signing, sm
from zerovisit.org import selectors as org
from zerovisit.org import services as seals

from .models import License


def verify_url(identifier: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("portal:verify_license", args=[identifier])


def _validity(license: License) -> str:
    start = f"{license.valid_from:%Y年%m月%d日}"
    return f"{start}至{license.valid_until:%Y年%m月%d日}" if license.valid_until else f"{start}起长期有效"


def rows(license: License) -> list[tuple[str, str]]:
    holder_label = "经营者" if license.holder_code_type == "001" else "持证人"
    code_label = "统一社会信用代码" if license.holder_code_type == "001" else "身份证号"
    return [
        (holder_label, license.holder_name),
        (code_label, license.holder_code_masked),
        *[(label, str(value)) for label, value in license.data.items()],
        ("有效期限", _validity(license)),
    ]


def signed_data(license: License) -> bytes:
    """What the SM2 signature covers: the licence's data as canonical JSON (sorted keys, no spaces), holder code in
    clear, so that whoever holds the licence's data can check the signature offline."""
    return json.dumps({
        "identifier": license.identifier, "number": license.number, "type": license.license_type.code,
        "holder_name": license.holder_name, "holder_code": crypto.decrypt(license.holder_code_encrypted),
        "holder_code_type": license.holder_code_type, "issuer": license.issuer.credit_code,
        "issue_date": license.issue_date.isoformat(), "valid_from": license.valid_from.isoformat(),
        "valid_until": license.valid_until.isoformat() if license.valid_until else None, "data": license.data,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()  # fmt: skip


def sm2_status(license: License) -> dict | None:
    """The SM2 signature as verification shows it, checked now against the seal's public key."""
    if not license.sm2_signature or license.seal is None:
        return None
    data, public_key = signed_data(license), license.seal.sm2_public_key
    return {
        "public_key": public_key, "signature": license.sm2_signature, "sm3": sm.sm3_hex(data),
        "valid": sm.verify(public_key, data, license.sm2_signature),
    }  # fmt: skip


def render(license_id: int) -> License:
    """Render and seal the licence's PDF once; a retried or repeated task finds it done."""
    license = License.objects.select_related("license_type", "issuer__region").get(pk=license_id)
    if license.file:
        return license
    rendered = pdf.license_document(
        title=license.license_type.name, number=license.number, rows=rows(license), issuer=license.issuer.name,
        date=f"{license.issue_date:%Y年%m月%d日}", identifier=license.identifier,
        verify_url=verify_url(license.identifier), verify_label="扫码或访问以下地址核验本证照",
    )  # fmt: skip
    body, seal = seals.sign(rendered.pdf, agency=license.issuer, where=rendered.seal, reason=license.license_type.name)
    check = signing.check_pdf(body, trust_roots_pem=org.trust_roots())  # the document as anyone will check it
    with transaction.atomic():
        locked = License.objects.select_for_update().get(pk=license_id)
        if locked.file:  # rendered at the same moment by another worker
            return locked
        locked.file.save(f"{license.identifier}.pdf", ContentFile(body), save=False)
        locked.sha256, locked.seal, locked.signature_valid = hashlib.sha256(body).hexdigest(), seal, check.valid
        if settings.SM2_SIGNATURES:
            locked.sm2_signature = seals.sm2_sign(seal, signed_data(license))
        locked.save(update_fields=["file", "sha256", "seal", "signature_valid", "sm2_signature"])
    return locked
