"""The authentication backend: Django's, loading the signed-in user as requests need them, and taking a mobile
number in place of the username."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from zerovisit.core import crypto

from .selectors import signed_in_users


class ModelBackend(DjangoModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        """A password sign-in by username, or by the account's mobile number (its keyed hash is the lookup)."""
        from .models import User
        from .services.identity import MOBILE

        if username and MOBILE.match(username):
            found = User.objects.filter(phone_hash=crypto.lookup_hash(username)).values_list("username", flat=True)
            username = found.first() or username
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The user of a session with their agency, its region and their roles, in one query (Django's backend
        reads the user alone, and each of the others would cost a query of its own on every request)."""
        user = signed_in_users().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
