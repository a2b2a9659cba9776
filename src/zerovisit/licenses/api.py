"""/api/v1/licenses/: public verification (by identifier, by number and holder name, or by uploading the PDF),
the holder's own licences, and the sharing API for other departments' systems (bearer token, every call logged).

Thin: selectors find, serializers shape, the checks live in core.signing.
"""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from zerovisit.accounts import services as accounts
from zerovisit.accounts.api_auth import has_scope
from zerovisit.core import crypto, ratelimit, signing
from zerovisit.core.clients import client_address
from zerovisit.core.errors import DomainError, NotFound, PermissionDenied
from zerovisit.core.openapi import ErrorSerializer, required_text
from zerovisit.core.serving import private_file_response
from zerovisit.org import selectors as org

from . import documents, identifiers, selectors
from .models import License, LicenseAccess


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429


def _limit(request) -> None:
    if not ratelimit.allow(request, "verify", limit=settings.VERIFY_RATE_PER_MINUTE):
        raise TooManyRequests(_("Too many verifications from this address; wait a minute."))


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    status_after = serializers.CharField()
    reason = serializers.CharField()


class PublicLicenseSerializer(serializers.ModelSerializer):
    """What anyone may know: nothing personal beyond the masked holder."""

    type_code = serializers.CharField(source="license_type.code")
    type_name = serializers.CharField(source="license_type.name")
    holder = serializers.CharField(source="masked_holder_name")
    holder_code = serializers.CharField(source="holder_code_masked")
    issuer = serializers.CharField(source="issuer.name")
    seal = serializers.SerializerMethodField()
    sm2 = serializers.SerializerMethodField()
    current_identifier = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = License
        fields = ["identifier", "number", "version", "type_code", "type_name", "holder", "holder_code",
                  "holder_code_type", "issuer", "jurisdiction", "issue_date", "valid_from", "valid_until", "status",
                  "status_reason", "status_changed_at", "signature_valid", "seal", "sm2", "current_identifier",
                  "events"]  # fmt: skip

    def get_seal(self, license) -> dict | None:
        if license.seal is None:
            return None
        return {"agency": license.seal.agency.name, "purpose": license.seal.purpose,
                "fingerprint": license.seal.fingerprint}  # fmt: skip

    def get_sm2(self, license) -> dict | None:
        return documents.sm2_status(license)

    def get_current_identifier(self, license) -> str | None:
        newer = selectors.newer_version(license)
        return newer.identifier if newer else None

    def get_events(self, license) -> list[dict]:
        return EventSerializer(selectors.changes(license), many=True).data


class SharedLicenseSerializer(PublicLicenseSerializer):
    """For an authorised department: the holder in full and the printed data."""

    holder = serializers.CharField(source="holder_name")
    holder_code = serializers.SerializerMethodField()

    class Meta(PublicLicenseSerializer.Meta):
        fields = [*PublicLicenseSerializer.Meta.fields, "data"]

    def get_holder_code(self, license) -> str:
        return crypto.decrypt(license.holder_code_encrypted)


class WalletLicenseSerializer(PublicLicenseSerializer):
    """The holder's own licence: the printed data and where to download its sealed PDF. The holder's code stays
    masked, as on every page: the answer may sit in a browser's cache or a proxy's log."""

    holder = serializers.CharField(source="holder_name")
    file_url = serializers.SerializerMethodField()

    class Meta(PublicLicenseSerializer.Meta):
        fields = [*PublicLicenseSerializer.Meta.fields, "data", "file_url"]

    def get_file_url(self, license) -> str | None:
        return reverse("license-mine-file", args=[license.pk]) if license.file else None


CHECK = inline_serializer("SignatureCheck", {
    "issued_here": serializers.BooleanField(), "identifier": serializers.CharField(allow_null=True),
    "signed": serializers.BooleanField(), "intact": serializers.BooleanField(),
    "trusted": serializers.BooleanField(), "covers_whole_file": serializers.BooleanField(),
    "signer": serializers.CharField(), "valid": serializers.BooleanField(),
})  # fmt: skip


class VerifyView(APIView):
    """`GET ?identifier=…` or `?number=…&holder_name=…`: the licence as the public may see it.
    `POST` a PDF as `file`: is it an unaltered licence issued here, with an intact and trusted seal?"""

    permission_classes = [permissions.AllowAny]
    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[OpenApiParameter("identifier", str), OpenApiParameter("number", str),
                    OpenApiParameter("holder_name", str)],
        responses={200: PublicLicenseSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
    )  # fmt: skip
    def get(self, request):
        _limit(request)
        identifier = request.query_params.get("identifier", "").strip()
        if identifier:
            if not identifiers.is_valid(identifier):
                raise DomainError(_("This is not a valid licence identifier: check it character by character."),
                                  code="invalid_identifier")  # fmt: skip
            license = selectors.by_identifier(identifier)
        else:
            license = selectors.by_number(request.query_params.get("number", ""),
                                          request.query_params.get("holder_name", ""))  # fmt: skip
        if license is None:
            raise NotFound(_("No licence matches."))
        return Response(PublicLicenseSerializer(license).data)

    @extend_schema(request={"multipart/form-data": inline_serializer("LicenseFile", {"file": serializers.FileField()})},
                   responses={200: CHECK, 429: ErrorSerializer})  # fmt: skip
    def post(self, request):
        _limit(request)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError(_("Send the PDF as the field “file”."), code="file_required")
        data = upload.read(settings.MAX_MATERIAL_FILE_BYTES + 1)
        issued = selectors.by_document(hashlib.sha256(data).hexdigest())
        check = signing.check_pdf(data, trust_roots_pem=org.trust_roots())
        return Response({
            "issued_here": issued is not None, "identifier": issued.identifier if issued else None,
            "signed": check.signed, "intact": check.intact, "trusted": check.trusted,
            "covers_whole_file": check.covers_whole_file, "signer": check.signer, "valid": check.valid,
        })  # fmt: skip


class MineView(APIView):
    """The signed-in person's licences and those of the organisations they act for."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=WalletLicenseSerializer(many=True))
    def get(self, request):
        licenses = selectors.wallet(accounts.own_applicants(request.user))
        return Response(WalletLicenseSerializer(licenses, many=True).data)


class MineFileView(APIView):
    """The sealed PDF of one of the signed-in person's licences; anyone else, signed in or not, gets 404."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, license_id):
        if not request.user.is_authenticated or request.user.pk is None:  # nobody, or an API client (no person)
            raise NotFound(_("No licence of yours has this number."))
        license = selectors.holders_file(request.user, license_id)
        if license is None:
            raise NotFound(_("No licence of yours has this number."))
        return private_file_response(license.file, filename=f"{license.number}.pdf")


class ShareView(APIView):
    """For departments' systems (bearer token with scope `licenses:read`): a holder's licences by their code
    (citizen ID number or credit code), optionally of one type. Every call is logged."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("holder_code", required_text(), required=True),
                               OpenApiParameter("type", str)],
                   responses=SharedLicenseSerializer(many=True))  # fmt: skip
    def get(self, request):
        if not has_scope(request, "licenses:read"):
            raise PermissionDenied(_("This API needs a client token with the scope licenses:read."))
        holder_code = request.query_params.get("holder_code", "").strip().upper()
        if not holder_code:
            raise DomainError(_("Give the holder's code."), code="holder_code_required")
        type_code = request.query_params.get("type", "").strip()
        licenses = list(selectors.by_holder(holder_code, type_code)[:200])
        LicenseAccess.objects.create(client=request.auth, holder_code_hash=crypto.lookup_hash(holder_code),
                                     type_code=type_code, results=len(licenses),
                                     remote_addr=client_address(request) or None)  # fmt: skip
        return Response(SharedLicenseSerializer(licenses, many=True).data)
