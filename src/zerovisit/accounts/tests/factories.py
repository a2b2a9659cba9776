import factory

from zerovisit.accounts.models import AssuranceLevel, Role, StaffRole, User

PASSWORD = "Correct-Horse-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    # As verify_real_name leaves an account: a test's applicant linked to it (applicant_for(account=…)) is the person
    # it is verified as. Tests of verification itself start lower.
    assurance_level = AssuranceLevel.REAL_NAME
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            StaffRole.objects.create(user=self, role=role)
        self.save()


def editor(agency, role=Role.CATALOGUE_EDITOR, **kwargs) -> User:
    return UserFactory(agency=agency, is_staff=True, roles=[role], **kwargs)


def verified_person(name: str = "李四", id_number: str = "11010519491231002X", **user_fields):
    """An account verified as this person, as verify_real_name leaves it: the applicant, whose `user` it is."""
    from zerovisit.accounts.services import applicant_for

    return applicant_for(kind="person", name=name, id_number=id_number, account=UserFactory(**user_fields))


def authenticator_code(user) -> str:
    """What the user's authenticator app shows now for their key (the pending one while enrolling): the current
    time step's code, or the next one's when the current one was used already (a code works once)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():0{device.digits}d}"


def system_token(client, secret: str, scope: str = "") -> str:
    """A bearer token for an API client, asked for as its system does: client credentials, HTTP Basic."""
    import base64

    from django.test import Client

    basic = base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()
    answer = Client().post("/oauth/token/", {"grant_type": "client_credentials", **({"scope": scope} if scope else {})},
                           HTTP_AUTHORIZATION=f"Basic {basic}")  # fmt: skip
    assert answer.status_code == 200, answer.content
    return answer.json()["access_token"]


def legacy_api_client(agency, token: str, name: str = "旧数据共享系统", scopes=("licenses:read",)):
    """An API client as it was made before OAuth: with a bearer token (zv_…) of its own, kept as a hash."""
    from zerovisit.accounts.models import ApiClient
    from zerovisit.accounts.services.api_clients import _token_hash

    return ApiClient.objects.create(name=name, agency=agency, scopes=list(scopes), token_hash=_token_hash(token))
