"""The pages of one's account: signing in or registering with an SMS code, the second factor of staff (enrolling
an authenticator app, its codes, backup codes), resetting the password, verifying one's real name (level 2) and
face (level 3), and what the account is."""

from base64 import b32encode
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as pass_second_factor

from zerovisit.core.clients import client_address
from zerovisit.core.errors import DomainError, show_on_form
from zerovisit.core.redirects import safe_next

from . import identity_providers, oauth, services
from .forms import (
    ChangePasswordForm,
    EnrolForm,
    FaceForm,
    PhoneCodeForm,
    RealNameForm,
    ResetPasswordForm,
    SecondFactorForm,
)
from .models import AssuranceLevel, CodePurpose
from .services import second_factor

# The field of the sign-in and verification forms that shows each refusal.
ERROR_FIELDS = {
    "invalid_phone": "phone", "too_many_codes": "phone", "account_inactive": "phone", "invalid_code": "code",
    "code_expired": "code", "too_many_attempts": "code", "weak_password": "new_password1",
    "invalid_id_number": "id_number", "name_required": "name", "identity_mismatch": "name",
    "identity_not_found": "id_number", "invalid_image": "photo", "face_mismatch": "photo",
    "wrong_password": "current_password",
}  # fmt: skip
SECOND_FACTOR_FIELDS = {"invalid_second_factor": "token", "too_many_attempts": "token"}
BACKEND = "zerovisit.accounts.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    """Password sign-in, with the identity providers configured (accounts.identity_providers) beside it."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, identity_providers=identity_providers.configured())


class LogoutView(auth_views.LogoutView):
    """Signing out also empties what this browser keeps of the person: the pages the portal's service worker
    saved for reading offline (my cases, my licences) go with the cache and the worker itself."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def _send(request, form, purpose) -> None:
    sent_to = services.send_code(phone=form.cleaned_data["phone"], purpose=purpose, client=client_address(request),
                                 language=get_language())  # fmt: skip
    messages.success(request, _("A code was sent by SMS to %(phone)s. It is valid for a few minutes.")
                     % {"phone": sent_to})  # fmt: skip


def sign_in_by_code(request):
    """短信验证码登录: a mobile number and the code sent to it; a number without an account registers one."""
    sending = "send" in request.POST
    form = PhoneCodeForm(request.POST or None, sending=sending)
    if request.method == "POST" and form.is_valid():
        try:
            if sending:
                _send(request, form, CodePurpose.SIGN_IN)
            else:
                signed_in = services.sign_in_with_code(phone=form.cleaned_data["phone"],
                                                       code=form.cleaned_data["code"])  # fmt: skip
                signed_in.user.signed_in_via = "sms"
                login(request, signed_in.user, backend=BACKEND)
                if signed_in.created:
                    messages.success(request, _("Your account is made. Verify your real name to apply for "
                                                "services."))  # fmt: skip
                    return redirect(f"{reverse('accounts:verify')}?next={safe_next(request)}")
                return redirect(safe_next(request))
        except DomainError as error:
            show_on_form(form, error, ERROR_FIELDS)
    return render(request, "accounts/sign_in_by_code.html", {"form": form, "next": safe_next(request, "")})


def reset_password(request):
    """找回密码: a new password, proved by an SMS code to the account's mobile number."""
    sending = "send" in request.POST
    form = ResetPasswordForm(request.POST or None, sending=sending)
    if request.method == "POST" and form.is_valid():
        try:
            if sending:
                _send(request, form, CodePurpose.RESET)
            else:
                services.reset_password(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"],
                                        password=form.cleaned_data["new_password1"])  # fmt: skip
                messages.success(request, _("Your password is changed. Log in with it."))
                return redirect("accounts:login")
        except DomainError as error:
            show_on_form(form, error, ERROR_FIELDS)
    return render(request, "accounts/reset_password.html", {"form": form})


@login_required
def verify(request):
    """实名认证: the name and ID number, checked against the population register, bind the account to its person."""
    person = services.bound_person(request.user)
    initial = {"name": person.name} if person else {}
    form = RealNameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_real_name(user=request.user, name=form.cleaned_data["name"],
                                      id_number=form.cleaned_data["id_number"])  # fmt: skip
        except DomainError as error:
            show_on_form(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("Your real name is verified."))
            return redirect(safe_next(request, reverse("accounts:account")))
    return render(request, "accounts/verify.html", {"form": form, "person": person, "next": safe_next(request, "")})


@login_required
def verify_face(request):
    """实人认证: a photo taken now, compared by the register with the verified person's; kept nowhere."""
    form = FaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_real_person(user=request.user, image=form.cleaned_data["photo"].read())
        except DomainError as error:
            show_on_form(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("You are verified as a real person."))
            return redirect(safe_next(request, reverse("accounts:account")))
    return render(request, "accounts/verify_face.html", {"form": form, "next": safe_next(request, ""),
                                                         "person": services.bound_person(request.user)})  # fmt: skip


@login_required
def account(request):
    """我的账户: the mobile number, the verified person and the level reached, with the way to the next level."""
    user = request.user
    staff = second_factor.needs_second_factor(user)
    return render(request, "accounts/account.html", {
        "person": services.bound_person(user), "levels": AssuranceLevel, "staff": staff,
        "backup_codes_left": second_factor.backup_codes_left(user) if staff else None,
        "apps": [] if staff else oauth.authorised_apps(user),
    })  # fmt: skip


@login_required
@require_POST
def withdraw_app(request, application_id: int):
    """Withdraw an app's access (the tokens it holds for this person end now)."""
    oauth.withdraw_app(user=request.user, application_id=application_id)
    messages.success(request, _("The app no longer acts for you."))
    return redirect("accounts:account")


def _second_factor_passed(request, device) -> None:
    # More rights from here on: a new session id, so that one seen before this point is worth nothing.
    request.session.cycle_key()
    pass_second_factor(request, device)


@login_required
def second_factor_verify(request):
    """二次验证: after the password or the SMS code, staff type their authenticator app's code (or a backup code)."""
    user = request.user
    if not second_factor.needs_second_factor(user) or second_factor.passed(request.session):
        return redirect(safe_next(request))
    if not second_factor.is_enrolled(user):
        return redirect(f"{reverse('accounts:second_factor_setup')}?next={quote(safe_next(request))}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.verify_second_factor(user=user, token=form.cleaned_data["token"])
        except DomainError as error:
            show_on_form(form, error, SECOND_FACTOR_FIELDS)
        else:
            _second_factor_passed(request, device)
            left = second_factor.backup_codes_left(user)
            if left <= 3:
                messages.warning(request, _("Only %(n)d backup codes are left: make new ones on your account page.")
                                 % {"n": left})  # fmt: skip
            return redirect(safe_next(request))
    return render(request, "accounts/second_factor.html", {"form": form, "next": safe_next(request, "")})


@login_required
def second_factor_setup(request):
    """启用二次验证: at the first sign-in of staff, the authenticator app is given a key (a QR code, or the key typed
    in) and proves it with its first code; the backup codes are shown once."""
    user = request.user
    if not second_factor.needs_second_factor(user):
        return redirect("accounts:account")
    if second_factor.is_enrolled(user):
        return redirect(f"{reverse('accounts:second_factor')}?next={quote(safe_next(request))}")
    device = second_factor.pending_authenticator(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = second_factor.confirm_enrolment(user=user, token=form.cleaned_data["token"])
        except DomainError as error:
            show_on_form(form, error, SECOND_FACTOR_FIELDS)
        else:
            _second_factor_passed(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": safe_next(request)})
    key = b32encode(device.bin_key).decode()
    return render(request, "accounts/second_factor_setup.html", {
        "form": form, "next": safe_next(request, ""), "key": " ".join(key[i:i + 4] for i in range(0, len(key), 4)),
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title=_("Key for the app")),
    })  # fmt: skip


@login_required
@require_POST
def renew_backup_codes(request):
    """Ten new backup codes, shown once, in place of the old ones."""
    try:
        codes = second_factor.renew_backup_codes(user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("accounts:account")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:account")})


@login_required
def change_password(request):
    """设置密码 / 修改密码: a password to sign in with besides the SMS code, or a new one."""
    has_password = request.user.has_usable_password()
    form = ChangePasswordForm(request.POST or None, has_password=has_password)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user=request.user, password=form.cleaned_data["new_password1"],
                                     current_password=form.cleaned_data.get("current_password", ""))  # fmt: skip
        except DomainError as error:
            show_on_form(form, error, ERROR_FIELDS)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is set. Sign in with it or with an SMS code."))
            return redirect("accounts:account")
    return render(request, "accounts/change_password.html", {"form": form, "has_password": has_password})
