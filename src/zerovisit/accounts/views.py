from django.contrib.auth import views as auth_views


class LogoutView(auth_views.LogoutView):
    """Signing out also empties what this browser keeps of the person: the pages the portal's service worker
    saved for reading offline (my cases, my licences) go with the cache and the worker itself."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
