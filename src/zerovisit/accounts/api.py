"""/api/v1/auth/…: what a script or the mobile app does to become someone — ask for an SMS code, exchange it for a
token (registering a new number), reset the password, verify the account's real name and face — and
/api/v1/auth/me/, who the caller is; /api/v1/organisations/…: the organisations held as legal representative and
their agents (经办人)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from zerovisit.core.api import TextField
from zerovisit.core.clients import client_address
from zerovisit.core.errors import PermissionDenied
from zerovisit.core.openapi import ErrorSerializer

from . import services
from .models import CodePurpose
from .services import second_factor


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField()
    phone = serializers.CharField(source="phone_masked")
    assurance_level = serializers.IntegerField(help_text="0 none, 1 mobile number, 2 real name, 3 real person")
    verified_as = serializers.SerializerMethodField(help_text="the verified person: name and masked ID number")

    def get_verified_as(self, user) -> dict | None:
        person = services.bound_person(user)
        return {"name": person.name, "id_number": person.id_number_masked} if person else None


class CodeRequestSerializer(serializers.Serializer):
    phone = TextField(max_length=20)
    purpose = serializers.ChoiceField(choices=CodePurpose.choices, default=CodePurpose.SIGN_IN)


class SignInSerializer(serializers.Serializer):
    phone = TextField(max_length=20)
    code = TextField(max_length=6)


class TokenRequestSerializer(SignInSerializer):
    second_factor = TextField(max_length=20, required=False, help_text=(
        "staff and administrators: the authenticator app's code or a backup code"))  # fmt: skip


class PasswordResetSerializer(SignInSerializer):
    password = TextField(max_length=128, trim_whitespace=False)


class RealNameSerializer(serializers.Serializer):
    name = TextField(max_length=50)
    id_number = TextField(max_length=18)


class Anonymous(APIView):
    """Reached without signing in, and without a session: nothing here reads a cookie, so no CSRF token is needed."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser, FormParser]


class CodeView(Anonymous):
    @extend_schema(
        request=CodeRequestSerializer,
        responses={
            202: inline_serializer(
                "CodeSent", {"sent_to": serializers.CharField(), "valid_minutes": serializers.IntegerField()}
            ),
            400: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def post(self, request):
        """Send an SMS code to a mobile number (purpose `sign_in`, which also registers, or `reset`). One a minute
        and a few an hour per number; a reset code goes only to a registered number, with the same answer."""
        given = CodeRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        sent_to = services.send_code(**given.validated_data, client=client_address(request), language=get_language())
        answer = {"sent_to": sent_to, "valid_minutes": settings.SMS_CODE_MINUTES}
        return Response(answer, status=status.HTTP_202_ACCEPTED)


class TokenView(Anonymous):
    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "SignedIn",
                {
                    "token": serializers.CharField(help_text="send as `Authorization: Token …`"),
                    "created": serializers.BooleanField(help_text="a new account"),
                    "account": AccountSerializer(),
                },
            ),
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def post(self, request):
        """Sign in with the SMS code: the account's API token (a number without an account registers one). Staff
        and administrators send their second factor with it (403 `second_factor_required` without)."""
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        token_of_second_factor = given.validated_data.pop("second_factor", "")
        signed_in = services.sign_in_with_code(**given.validated_data)
        if second_factor.needs_second_factor(signed_in.user):
            if not token_of_second_factor:
                raise PermissionDenied(_("Staff send the code of their authenticator app as `second_factor`, "
                                         "with a new SMS code."), code="second_factor_required")  # fmt: skip
            second_factor.verify_second_factor(user=signed_in.user, token=token_of_second_factor)
        signed_in.user.signed_in_via = "sms-api"
        user_logged_in.send(sender=type(signed_in.user), request=request, user=signed_in.user)
        token, _created = Token.objects.get_or_create(user=signed_in.user)
        return Response(
            {"token": token.key, "created": signed_in.created, "account": AccountSerializer(signed_in.user).data}
        )


class PasswordResetView(Anonymous):
    @extend_schema(request=PasswordResetSerializer, responses={204: None, 400: ErrorSerializer})
    def post(self, request):
        """A new password, proved by a `reset` code."""
        given = PasswordResetSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.reset_password(**given.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _person_account(request):
    if getattr(request.user, "pk", None) is None:
        raise PermissionDenied(_("This is for a person's account, not a system's token."), code="person_required")
    return request.user


class MeView(APIView):
    @extend_schema(responses={200: AccountSerializer, 403: ErrorSerializer})
    def get(self, request):
        """The caller's account: its level and the person it is verified as."""
        _person_account(request)
        return Response(AccountSerializer(request.user).data)


class VerificationView(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=RealNameSerializer,
        responses={
            200: AccountSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
            503: ErrorSerializer,
        },
    )
    def post(self, request):
        """实名认证: bind the account to the person the population register confirms (level 2)."""
        given = RealNameSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.verify_real_name(user=_person_account(request), **given.validated_data)
        request.user.refresh_from_db()
        return Response(AccountSerializer(request.user).data)


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    representative_confirmed_at = serializers.DateTimeField(
        allow_null=True, help_text="when the market-entity register confirmed the holder; null: linked at a window"
    )


class AgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField(help_text="masked")
    item_codes = serializers.ListField(child=serializers.CharField(), help_text="empty: every item")
    valid_until = serializers.DateField()
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_name(self, authorisation) -> str:
        return authorisation.agent.persons[0].name if authorisation.agent.persons else str(authorisation.agent)

    def get_id_number(self, authorisation) -> str:
        return authorisation.agent.persons[0].id_number_masked if authorisation.agent.persons else ""


class ClaimSerializer(serializers.Serializer):
    name = TextField(max_length=200)
    credit_code = TextField(max_length=18)


class AgentRequestSerializer(serializers.Serializer):
    name = TextField(max_length=50)
    id_number = TextField(max_length=18)
    item_codes = serializers.ListField(child=TextField(max_length=31), required=False, default=list, max_length=200)
    valid_until = serializers.DateField()


class OrganisationsView(APIView):
    @extend_schema(responses={200: inline_serializer("MyOrganisations", {
        "represented": OrganisationSerializer(many=True),
        "agent_for": inline_serializer("AgentFor", {
            "organisation": OrganisationSerializer(),
            "item_codes": serializers.ListField(child=serializers.CharField()), "valid_until": serializers.DateField(),
        }, many=True),
    }), 403: ErrorSerializer})  # fmt: skip
    def get(self, request):
        """The organisations the caller holds as legal representative, and those whose agent they are today."""
        user = _person_account(request)
        return Response({
            "represented": OrganisationSerializer(services.represented(user), many=True).data,
            "agent_for": [{"organisation": OrganisationSerializer(a.organisation).data, "item_codes": a.item_codes,
                           "valid_until": a.valid_until} for a in services.running_authorisations(user)],
        })  # fmt: skip

    @extend_schema(request=ClaimSerializer, responses={
        201: OrganisationSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 429: ErrorSerializer,
        503: ErrorSerializer,
    })  # fmt: skip
    def post(self, request):
        """Claim an organisation as its legal representative, confirmed by the market-entity register."""
        given = ClaimSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        organisation = services.claim_organisation(user=_person_account(request), **given.validated_data)
        return Response(OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)


class AgentsView(APIView):
    @extend_schema(responses={200: AgentSerializer(many=True), 404: ErrorSerializer})
    def get(self, request, organisation_id: int):
        """The agents (经办人) of an organisation the caller holds."""
        organisation = services.held_organisation(_person_account(request), organisation_id)
        return Response(AgentSerializer(services.agents_of(organisation), many=True).data)

    @extend_schema(request=AgentRequestSerializer,
                   responses={201: AgentSerializer, 400: ErrorSerializer, 404: ErrorSerializer})  # fmt: skip
    def post(self, request, organisation_id: int):
        """Authorise a verified person to apply for the organisation (for the items given, or every item)."""
        given = AgentRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _person_account(request)
        authorisation = services.authorise_agent(actor=user, organisation_id=organisation_id, **given.validated_data)
        organisation = services.held_organisation(user, organisation_id)
        [answer] = [a for a in services.agents_of(organisation) if a.pk == authorisation.pk]
        return Response(AgentSerializer(answer).data, status=status.HTTP_201_CREATED)


class AgentView(APIView):
    @extend_schema(responses={204: None, 404: ErrorSerializer})
    def delete(self, request, organisation_id: int, agent_id: int):
        """End an agent's authorisation now."""
        services.revoke_agent(actor=_person_account(request), organisation_id=organisation_id,
                              authorisation_id=agent_id)  # fmt: skip
        return Response(status=status.HTTP_204_NO_CONTENT)
