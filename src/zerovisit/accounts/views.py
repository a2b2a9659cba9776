"""The pages of one's account: signing in or registering with an SMS code, resetting the password, verifying one's
real name (level 2) and face (level 3), and what the account is."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zerovisit.core.clients import client_address
from zerovisit.core.errors import DomainError, show_on_form
from zerovisit.core.redirects import safe_next

from . import services
from .forms import FaceForm, PhoneCodeForm, RealNameForm, ResetPasswordForm
from .models import AssuranceLevel, CodePurpose

# The field of the sign-in and verification forms that shows each refusal.
ERROR_FIELDS = {
    "invalid_phone": "phone", "too_many_codes": "phone", "account_inactive": "phone", "invalid_code": "code",
    "code_expired": "code", "too_many_attempts": "code", "weak_password": "new_password1",
    "invalid_id_number": "id_number", "name_required": "name", "identity_mismatch": "name",
    "identity_not_found": "id_number", "invalid_image": "photo", "face_mismatch": "photo",
}  # fmt: skip
BACKEND = "zerovisit.accounts.backends.ModelBackend"


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
    return render(request, "accounts/account.html", {
        "person": services.bound_person(request.user), "levels": AssuranceLevel,
    })  # fmt: skip
