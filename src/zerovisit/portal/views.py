"""Public pages: home, item list and search, item guide, departments. Thin: forms and selectors do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerovisit.accounts.services import choose_place
from zerovisit.catalog import bundles as catalog_bundles
from zerovisit.catalog import guide, search, selectors, transfers
from zerovisit.catalog.forms import CatalogueQueryForm
from zerovisit.core.errors import DomainError, NotFound
from zerovisit.core.redirects import safe_next
from zerovisit.core.text import named_id
from zerovisit.feedback import selectors as feedback
from zerovisit.feedback import services as feedback_services
from zerovisit.feedback.forms import QuestionForm
from zerovisit.org import selectors as org_selectors
from zerovisit.org.models import Region
from zerovisit.org.selectors import place_chain

from . import selectors as portal_selectors
from .models import AppCategory, IdentityLevel, ServiceApp
from .services import record_app_use

PAGE_SIZE = 20
FAQ_ON_GUIDE = 30  # answered questions on a guide, the latest first
COOKIE_AGE = 365 * 24 * 3600  # the reader's display and place choices


def home(request):
    place = portal_selectors.reader_place(request)
    return render(
        request,
        "portal/home.html",
        {
            "summary": selectors.catalogue_summary(),
            "themes": selectors.themes_by_audience(),
            "agencies": selectors.agencies_with_items(),
            "high_frequency": portal_selectors.high_frequency_items(place=place),
            "bundles": list(catalog_bundles.published_bundles(place).order_by("pk")[:8]),
            "apps": portal_selectors.featured_apps(),
            "form": CatalogueQueryForm(),
        },
    )


def item_list(request):
    form = CatalogueQueryForm(request.GET)
    filters = form.filters() if form.is_valid() else selectors.ItemFilters()
    filters.place = filters.place or portal_selectors.reader_place(request)
    results = selectors.search_items(form.cleaned_data["q"] if form.is_valid() else "", filters)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = form.cleaned_data["q"] if form.is_valid() and page.number == 1 else ""
    return render(
        request,
        "portal/item_list.html",
        {
            "form": form,
            "page": page,
            "faq_hits": feedback.faq_matching(search.query_tokens(query)),
            "bundle_hits": catalog_bundles.bundles_matching(query, filters.place) if query else [],
            "query_string": params.urlencode(),
            "elided_pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            # The place the list is for (the address may name another than the reader's): a card of a region
            # outside it stands in for the offices below it.
            "place_ids": {region.pk for region in place_chain(filters.place.pk)} if filters.place else set(),
        },
    )


def item_guide(request, impl_code, question_form=None, status=200):
    item = selectors.published_item(impl_code)
    if item is None:
        moved = transfers.moved_to(impl_code)  # a link from before a power transfer: to its new implementation
        if moved is not None and request.method == "GET":
            return redirect("portal:item_guide", impl_code=moved)
        raise Http404
    place = portal_selectors.reader_place(request)
    serves = place is None or selectors.serves_place(item, place)
    return render(
        request,
        "portal/item_guide.html",
        {
            "item": item,
            "materials": item.materials.all(),
            "steps": guide.flow_steps(item),
            "faq": guide.faq_pairs(item.faq),
            "answered": feedback.faq_of(item.impl_code)[:FAQ_ON_GUIDE],
            "question_form": question_form or QuestionForm(),
            "serves_place": serves,
            # Another office serves the reader's place: the guide says so and links to its own guide.
            "place_item": None if serves else selectors.implementation_for(item.base_code, place),
            "implementations": [i for i in selectors.implementations(item.base_code) if i.pk != item.pk],
            "transfer": transfers.transfer_of(item),
        },
        status=status,
    )


@login_required
@require_POST
def ask(request, impl_code):
    """在线咨询 from the guide: a question the service refuses shows the guide again with it kept."""
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = feedback_services.ask_question(actor=request.user, impl_code=impl_code, **form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            form.add_error("text", error.message)
        else:
            due = timezone.localtime(question.due_at)
            messages.success(request, _("Your question was sent. The department answers by %(due)s.")
                             % {"due": f"{due:%Y-%m-%d %H:%M}"})  # fmt: skip
            return redirect("portal:my_questions")
    return item_guide(request, impl_code, question_form=form, status=400)


@login_required
def my_questions(request):
    page = Paginator(feedback.questions_asked_by(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/my_questions.html", {"page": page})


def choose_place_page(request):
    """The place chooser (city → county → town → village): browse down with links, choose with a button. The
    choice is kept in a cookie, and on the account of someone signed in."""
    if request.method == "POST":
        region = Region.objects.filter(code=request.POST.get("region", "")).first()
        if region is None:
            return render(request, "portal/place.html", _place_context(request, None), status=400)
        response = HttpResponseRedirect(safe_next(request))
        if request.user.is_authenticated:
            choose_place(user=request.user, region=region)
        response.set_cookie(portal_selectors.PLACE_COOKIE, str(region.pk), max_age=COOKIE_AGE, samesite="Lax")
        return response
    browsing = Region.objects.filter(code=request.GET.get("at", "")).first()
    return render(request, "portal/place.html", _place_context(request, browsing))


def _place_context(request, browsing: Region | None) -> dict:
    place = portal_selectors.reader_place(request)
    browsing = browsing or place
    return {
        "browsing": browsing,
        "trail": org_selectors.place_chain(browsing.pk) if browsing else [],
        "choices": org_selectors.regions_to_choose(browsing),
        "next": safe_next(request, default=""),
        "invalid": request.method == "POST",
    }


def service_points(request):
    """The halls and town and village service points near the reader's place, with the items they take in."""
    place = portal_selectors.reader_place(request)
    points = org_selectors.service_points(place) if place else []
    services = [service for point in points for service in point.services.all()]
    items = selectors.implementations_for({s.base_code for s in services}, place) if services else {}
    for service in services:
        service.item = items.get(service.base_code)  # the implementation that serves the reader's place
    return render(request, "portal/service_points.html", {"points": points})


@login_required
def me(request):
    """我的: the phone's hub of one's own pages (the header menu holds the same links on a wider screen)."""
    return render(request, "portal/me.html")


def agency_list(request):
    return render(request, "portal/agency_list.html", {"agencies": selectors.agencies_with_items()})


@require_POST
def large_text(request):
    """Switch the large-text reading mode; a cookie, so it works before and without logging in."""
    response = HttpResponseRedirect(safe_next(request))
    if request.POST.get("on") == "1":
        response.set_cookie("zv_large_text", "1", max_age=COOKIE_AGE, samesite="Lax")
    else:
        response.delete_cookie("zv_large_text")
    return response


def app_directory(request):
    """移动端旗舰店: the departments' featured service apps, by category, filtered by category or agency."""
    category = request.GET.get("category", "")
    category = category if category in AppCategory.values else ""
    apps = portal_selectors.service_apps(category, named_id(request.GET.get("agency", "")))
    return render(request, "portal/apps.html", {"apps": apps, "category": category, "categories": AppCategory.choices})


def open_app(request, app_id):
    """Open a service app: counted, then on to where it leads; one that needs a signed-in person asks for the
    sign-in first, and an unavailable one says why instead."""
    app = get_object_or_404(ServiceApp, pk=app_id)
    if not app.available:
        return render(request, "portal/app_unavailable.html", {"app": app}, status=503)
    if app.identity_level > IdentityLevel.ANYONE and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    record_app_use(app)
    return HttpResponseRedirect(portal_selectors.app_target(app, portal_selectors.reader_place(request)))
