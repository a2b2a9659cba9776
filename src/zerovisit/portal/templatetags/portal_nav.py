"""Which tab of the phone's bottom tab bar (首页、办事、办件、消息、我的) the current page belongs to."""

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

# The portal's URL names by tab; the first of each is the page the tab links to.
TABS = {
    "home": ("home",),
    "services": ("item_list", "item_guide", "agency_list", "apply", "apps", "place", "service_points"),
    "cases": ("my_cases", "case_detail", "answer_correction", "drafts"),
    "messages": ("messages", "message_preferences"),
    "me": ("me", "wallet"),
}
TAB_OF = {name: tab for tab, names in TABS.items() for name in names}


@register.simple_tag(takes_context=True)
def portal_tabs(context) -> dict:
    """{"show": whether the page has the tab bar, "tab": the current tab, "exact": the page is the tab's own}.

    Portal and sign-in pages have it (and the error pages, which no URL matched); the workbench does not."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"show": request is not None, "tab": "", "exact": False}
    if match.namespace not in ("portal", "accounts"):
        return {"show": False, "tab": "", "exact": False}
    tab = TAB_OF.get(match.url_name, "") if match.namespace == "portal" else ""
    return {"show": True, "tab": tab, "exact": bool(tab) and TABS[tab][0] == match.url_name}


@register.simple_tag
def zh() -> str:
    """` lang="zh-Hans"` on a page in another language: for the catalogue's and the cases' Chinese content (item,
    agency and material names, notices, opinions), so that screen readers and fonts treat it as Chinese."""
    if (translation.get_language() or "").lower().startswith("zh"):
        return ""
    return mark_safe(' lang="zh-Hans"')
