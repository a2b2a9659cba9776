def display_preferences(request):
    """The reader's large-text choice, kept in a cookie so it works without an account."""
    return {"large_text": request.COOKIES.get("zv_large_text") == "1"}
