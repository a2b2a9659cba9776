"""Public pages: home, item list and search, item guide, departments. Thin: forms and selectors do the work."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zerovisit.catalog import guide, selectors
from zerovisit.catalog.forms import CatalogueQueryForm

from . import selectors as portal_selectors

PAGE_SIZE = 20


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "summary": selectors.catalogue_summary(),
            "themes": selectors.themes_by_audience(),
            "agencies": selectors.agencies_with_items(),
            "high_frequency": portal_selectors.high_frequency_items(),
            "form": CatalogueQueryForm(),
        },
    )


def item_list(request):
    form = CatalogueQueryForm(request.GET)
    if form.is_valid():
        results = selectors.search_items(form.cleaned_data["q"], form.filters())
    else:
        results = selectors.search_items("")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/item_list.html",
        {
            "form": form,
            "page": page,
            "query_string": params.urlencode(),
            "elided_pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


def item_guide(request, impl_code):
    item = selectors.published_item(impl_code)
    if item is None:
        raise Http404
    return render(
        request,
        "portal/item_guide.html",
        {
            "item": item,
            "materials": item.materials.all(),
            "steps": guide.flow_steps(item),
            "faq": guide.faq_pairs(item.faq),
        },
    )


@login_required
def me(request):
    """我的: the phone's hub of one's own pages (the header menu holds the same links on a wider screen)."""
    return render(request, "portal/me.html")


def agency_list(request):
    return render(request, "portal/agency_list.html", {"agencies": selectors.agencies_with_items()})


@require_POST
def large_text(request):
    """Switch the large-text reading mode; a cookie, so it works before and without logging in."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("on") == "1":
        response.set_cookie("zv_large_text", "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie("zv_large_text")
    return response
