"""Electronic seals (电子印章): keys and certificates, the seal's image, PAdES signing and validation of PDFs.

Mechanics only; which agency's seal signs what is decided in `org` (the seals) and by the callers. Keys are
ECDSA P-256. The platform's own root certificate is the trust anchor: a document is *trusted* when its signer's
certificate chains to it, and *intact* when not one signed byte has changed.
"""

import datetime
import io
import math
from dataclasses import dataclass
from functools import cache

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pdf import FONT_FILE, SealBox

SEAL_RED = (200, 16, 32)
SEAL_LAYOUT = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins.uniform(0)
)


def new_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())  # fmt: skip


def load_private_key(pem: bytes):
    return serialization.load_pem_private_key(pem, password=None)


def make_certificate(*, common_name: str, organisation: str, key, issuer_cert=None, issuer_key=None,
                     valid_from: datetime.datetime, years: int, ca: bool = False) -> bytes:  # fmt: skip
    """A PEM certificate for `key`: self-signed when no issuer is given (the platform root), else issued by it."""
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])  # fmt: skip
    issuer = issuer_cert.subject if issuer_cert is not None else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_from + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        usage = {"key_cert_sign": True, "crl_sign": True, "digital_signature": False, "content_commitment": False}
    else:
        usage = {"key_cert_sign": False, "crl_sign": False, "digital_signature": True, "content_commitment": True}
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )  # document signing; validators accept it for PDF signatures
    builder = builder.add_extension(
        x509.KeyUsage(key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
                      decipher_only=False, **usage),
        critical=True,
    )  # fmt: skip
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False
        )
    certificate = builder.sign(issuer_key if issuer_key is not None else key, hashes.SHA256())
    return certificate.public_bytes(serialization.Encoding.PEM)


def load_certificate(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


def _asn1_certificate(pem: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(load_certificate(pem).public_bytes(serialization.Encoding.DER))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILE), size, index=0)


def seal_image(name: str, purpose: str = "行政审批专用章", size: int = 360) -> Image.Image:
    """The visible seal: a red ring, the agency's name along its upper arc, a star, and the seal's purpose."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre, ring = size / 2, size * 0.035
    draw.ellipse([ring, ring, size - ring, size - ring], outline=SEAL_RED, width=int(ring))
    points = []
    for i in range(10):  # five-pointed star
        radius = size * (0.16 if i % 2 == 0 else 0.065)
        angle = math.pi / 2 + i * math.pi / 5
        points.append((centre + radius * math.cos(angle), centre - radius * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)
    font = _font(int(size * 0.1))
    span = min(math.radians(250), math.radians(26) * len(name))  # the arc the name takes, centred on the top
    radius = size * 0.36
    for i, char in enumerate(name):
        angle = math.pi / 2 + span / 2 - (span * (i + 0.5) / len(name))
        glyph = Image.new("RGBA", (int(size * 0.13), int(size * 0.13)), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(math.degrees(angle - math.pi / 2), resample=Image.BICUBIC, expand=True)
        x = centre + radius * math.cos(angle) - glyph.width / 2
        y = centre - radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    small = _font(int(size * 0.075))
    draw.text((centre, centre + size * 0.27), purpose, font=small, fill=SEAL_RED, anchor="mm")
    return image


def sign_pdf(pdf: bytes, *, key_pem: bytes, certificate_pem: bytes, chain_pems: list[bytes], image: Image.Image,
             where: SealBox, reason: str, location: str, field_name: str = "Seal") -> bytes:  # fmt: skip
    """A PAdES (B-B) signature over the whole document, shown as the seal image at `where`."""
    key = asn1_keys.PrivateKeyInfo.load(load_private_key(key_pem).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(certificate_pem),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(pem) for pem in chain_pems]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, location=location,
                                            subfilter=fields.SigSeedSubFilter.PADES)  # fmt: skip
    out = signers.PdfSigner(
        metadata,
        signer=signer,
        stamp_style=StaticStampStyle(
            background=PdfImage(image), border_width=0, background_opacity=1.0, background_layout=SEAL_LAYOUT
        ),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=where.page, box=where.box),
    ).sign_pdf(writer)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature says. `signed` is False when the file carries no signature at all."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signed_at: datetime.datetime | None = None

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.covers_whole_file


def check_pdf(pdf: bytes, *, trust_roots_pem: list[bytes]) -> SignatureCheck:
    """Validate the (last) signature of a PDF against our roots, offline. A damaged file is reported as unsigned
    or not intact, never raised."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # not a PDF, or too damaged to read
        return SignatureCheck(signed=False)
    if not embedded:
        return SignatureCheck(signed=False)
    signature = embedded[-1]
    context = ValidationContext(
        trust_roots=[_asn1_certificate(pem) for pem in trust_roots_pem], allow_fetching=False,
        revocation_mode="soft-fail",
    )  # fmt: skip
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:
        return SignatureCheck(signed=True)
    coverage = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    return SignatureCheck(
        signed=True, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
        covers_whole_file=coverage, signer=status.signing_cert.subject.native.get("common_name", ""),
        signed_at=status.signer_reported_dt,
    )  # fmt: skip
