"""The in-app inbox (消息中心): a person's messages with the unread ones marked, and how they want to be told."""

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zerovisit.notify import services
from zerovisit.notify.models import Preference


class PreferenceForm(forms.Form):
    sms = forms.BooleanField(label=gettext_lazy("Tell me by SMS"), required=False)
    email = forms.BooleanField(label=gettext_lazy("Tell me by e-mail"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language of the messages"), choices=Preference.Language.choices)


@login_required
def inbox(request):
    page = Paginator(services.inbox(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "portal/messages.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    ids = [int(x) for x in request.POST.getlist("message") if x.isdigit()] or None
    services.mark_read(user=request.user, message_ids=ids)
    return redirect("portal:messages")


@login_required
def preferences(request):
    current = services.preference(request.user.pk)
    form = PreferenceForm(request.POST or None, initial={"sms": current.sms, "email": current.email,
                                                        "language": current.language})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        services.set_preference(user=request.user, **form.cleaned_data)
        flash.success(request, _("Your choices were saved."))
        return redirect("portal:messages")
    return render(request, "portal/message_preferences.html", {"form": form})
