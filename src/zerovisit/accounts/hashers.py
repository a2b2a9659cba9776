"""How OAuth client secrets are kept (django-oauth-toolkit's CLIENT_SECRET_HASHER)."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class ClientSecretHasher(PBKDF2PasswordHasher):
    """A client secret is 256 random bits made here (accounts.services.api_clients), not a password a person chose:
    there is nothing to guess, so the slow hash that protects passwords (argon2, about 100 ms) would protect
    nothing and cost every token request its time. One round of PBKDF2 is a salted HMAC-SHA256. Never the first
    of PASSWORD_HASHERS, so no password is ever hashed with it."""

    algorithm = "client_secret_pbkdf2"
    iterations = 1
