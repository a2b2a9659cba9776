"""一件事 on the portal: a bundle's guide, its one application form, and the applicant's page of an application
for it (the members' progress, one deadline, the corrections asked once, every result)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerovisit.accounts import services as accounts
from zerovisit.accounts.services import IDENTITY_ERROR_FIELDS
from zerovisit.cases import selectors, services
from zerovisit.cases.models import Channel
from zerovisit.cases.services import bundles
from zerovisit.catalog import bundles as catalog_bundles
from zerovisit.core.errors import DomainError, show_on_form

from .case_forms import BundleApplicationForm, WithdrawForm
from .case_views import _answers, _details_of, _step_up


def _offered(code: str):
    """(bundle, its member items, its merged materials), or 404 while a member is not open for applications."""
    bundle = catalog_bundles.published_bundle(code)
    if bundle is None:
        raise Http404
    try:
        items = bundles.member_items(bundle)
    except DomainError as closed:
        raise Http404(str(closed.message)) from closed
    return bundle, items, bundles.combined_materials(bundle, items)


def bundle_guide(request, code):
    bundle, items, combined = _offered(code)
    members = [(m, items[m.position], [items[p].name for p in m.after]) for m in bundle.members.all()]
    methods = bundles.delivery_methods(items)
    return render(request, "portal/bundle_guide.html", {
        "bundle": bundle, "members": members, "materials": combined, "delivery_methods": methods,
        "agencies": sorted({item.agency.name for item in items.values()}),
    })  # fmt: skip


def _draft_target(bundle, combined) -> services.DraftTarget:
    """A bundle's draft keeps each merged material under the first of its members' specs."""
    return services.DraftTarget(f"bundle:{bundle.code}", bundle.name, tuple(m.specs[0] for m in combined))


def _kept(draft, combined) -> dict:
    """Material name → the file the draft keeps of it."""
    by_spec = selectors.draft_files(draft)
    return {m.name: by_spec[m.specs[0].pk] for m in combined if m.specs[0].pk in by_spec}


@login_required
def bundle_apply(request, code):
    """One form for the whole bundle. When the application is refused, the files chosen are kept in a draft
    (暂存) and shown as uploaded, so that nothing has to be chosen again."""
    bundle, items, combined = _offered(code)
    strictest = max(items.values(), key=lambda item: item.assurance_level)
    own = [] if request.user.agency_id else accounts.own_applicants(request.user)
    if not request.user.agency_id and (request.user.assurance_level < strictest.assurance_level or not own):
        return _step_up(request, strictest)
    draft = selectors.draft_for(request.user, request.POST.get("draft") or request.GET.get("draft"))
    answers = services.draft_answers(draft) if draft and request.method == "GET" else {}
    chosen = next((a for a in own if str(a.pk) == request.GET.get("as")), own[0] if own else None)
    form = BundleApplicationForm(bundle, combined, bundles.delivery_methods(items), request.POST or None,
                                 request.FILES or None, initial={**_details_of(chosen), **answers},
                                 kept=_kept(draft, combined))  # fmt: skip
    if request.method == "POST":
        bundle_case, draft = _submit(request, bundle, combined, form, draft)
        if bundle_case is not None:
            messages.success(request, _("Your application %(number)s was received.") % {"number": bundle_case.number})
            return redirect("portal:bundle_case", number=bundle_case.number)
        form.kept = _kept(draft, combined)
    return render(request, "portal/bundle_apply.html", {
        "bundle": bundle, "form": form, "items": list(items.values()), "own_applicants": own, "chosen": chosen,
        "draft": draft,
    })  # fmt: skip


def _submit(request, bundle, combined, form, draft):
    """(the application filed, None) or, when it is refused, (None, the draft now holding its files)."""
    target = _draft_target(bundle, combined)
    if form.is_valid():
        data = form.cleaned_data
        files = form.uploads()
        kept = services.draft_material_inputs(draft, target.specs, skip={
            m.specs[0].pk for m in combined if m.name in files}) if draft else []  # fmt: skip
        try:
            bundle_case = bundles.submit_bundle(
                actor=request.user, bundle=bundle, channel=Channel.WEB,
                applicant={"kind": data["applicant_kind"], "name": data["applicant_name"],
                           "id_number": data["id_number"], "credit_code": data["credit_code"],
                           "phone": data["phone"], "email": data["email"]},
                form_data=form.form_data(), files={**{m.spec.name: m.file for m in kept}, **files},
                later=form.later(), delivery_method=data["delivery_method"],
                delivery_address=form.delivery_address(), idempotency_key=data["idempotency_key"],
            ).bundle_case  # fmt: skip
        except DomainError as error:
            show_on_form(form, error, IDENTITY_ERROR_FIELDS)
        else:
            if draft is not None:
                services.discard_draft(user=request.user, draft=draft)
            return bundle_case, None
        finally:
            for material in kept:  # the draft's files, opened for the cases to copy
                material.file.close()
    by_name = {m.name: m.specs[0].pk for m in combined}
    usable, problems = services.usable_uploads(target, {by_name[n]: f for n, f in form.uploads().items()})
    names = {pk: name for name, pk in by_name.items()}
    for problem in problems:  # a file that fails the checks is not kept; the form says why, once
        field = f"material_{names.get(int(problem['field'].removeprefix('materials.')), '')}"
        if field in form.fields and field not in form.errors:
            form.add_error(field, problem["message"])
    if usable:
        files = {spec.pk: upload for spec, upload in usable.items()}
        draft = services.save_draft(user=request.user, item=target, answers=_answers(request.POST), files=files,
                                    draft=draft)  # fmt: skip
    return None, draft


@login_required
def bundle_case(request, number, answer_form_errors=None):
    bundle_case = selectors.bundle_case_for_actor(request.user, number)
    progress = selectors.bundle_progress(bundle_case)
    return render(request, "portal/bundle_case.html", {
        "bundle_case": bundle_case, "progress": progress,
        "withdraw_form": WithdrawForm() if bundle_case.is_open else None, "answer_errors": answer_form_errors or [],
    }, status=400 if answer_form_errors else 200)  # fmt: skip


@login_required
@require_POST
def answer_bundle_corrections(request, number):
    selectors.bundle_case_for_actor(request.user, number)
    files = {key.removeprefix("material_"): f for key, f in request.FILES.items() if key.startswith("material_")}
    try:
        bundles.answer_bundle_corrections(actor=request.user, number=number, files=files,
                                          note=request.POST.get("note", "")[:500])  # fmt: skip
    except DomainError as error:
        return bundle_case(request, number, answer_form_errors=error.errors or [{"message": str(error.message)}])
    messages.success(request, _("The corrected materials were sent to every item that asked for them."))
    return redirect("portal:bundle_case", number=number)


@login_required
@require_POST
def withdraw_bundle(request, number):
    selectors.bundle_case_for_actor(request.user, number)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        bundles.withdraw_bundle(actor=request.user, number=number, reason=reason)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("portal:bundle_case", number=number)
