"""The authentication backend: Django's, loading the signed-in user as requests need them."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .selectors import signed_in_users


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        """The user of a session with their agency, its region and their roles, in one query (Django's backend
        reads the user alone, and each of the others would cost a query of its own on every request)."""
        user = signed_in_users().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
