from django.utils.functional import SimpleLazyObject


def display_preferences(request):
    """The reader's large-text choice, kept in a cookie so it works without an account."""
    return {"large_text": request.COOKIES.get("zv_large_text") == "1"}


def unread_messages(request):
    """The unread count beside “Messages” in the header: one indexed count, only for someone signed in."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from zerovisit.notify.services import unread_count

    return {"unread_messages": unread_count(request.user)}


def reader_place(request):
    """The reader's place, named in the header. Lazy, so that a page that does not show it pays nothing."""
    from .selectors import reader_place

    return {"place": SimpleLazyObject(lambda: reader_place(request))}


def supervises(request):
    """Whether the header offers the supervision dashboard: asked only by a page that shows the header."""
    from zerovisit.supervision.selectors import may_supervise

    return {"supervises": SimpleLazyObject(lambda: may_supervise(request.user))}
