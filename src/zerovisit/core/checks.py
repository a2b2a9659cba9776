"""Checks of the settings: the keys of personal data (always), and (`zerovisit check --deploy`) secrets that would leave
an outside connection open to forgery or sit beside the data they protect."""

import os

from django.conf import settings
from django.core import checks

# Adapter setting, the setting holding its shared secret, and the adapters that sign with it (None: any value
# of the setting, e.g. the 12345 hotline's endpoint, is a signed connection).
SIGNED_ADAPTERS = [
    ("CARRIER_BACKEND", "CARRIER_SECRET", ("zerovisit.delivery.carriers.HttpCarrier",)),
    ("SMS_BACKEND", "SMS_SECRET", ("zerovisit.notify.backends.HttpSmsBackend",)),
    ("HOTLINE_ENDPOINT", "HOTLINE_SECRET", None),
    ("IDENTITY_REGISTER", "IDENTITY_REGISTER_SECRET", ("zerovisit.accounts.registers.HttpRegister",)),
    ("ENTITY_REGISTER", "ENTITY_REGISTER_SECRET", ("zerovisit.accounts.registers.HttpEntityRegister",)),
]
# The demo's registers, which confirm anyone who names one of its made-up people or companies.
SIMULATED_REGISTERS = {
    "IDENTITY_REGISTER": ("zerovisit.accounts.registers.SimulatedRegister", "HttpRegister"),
    "ENTITY_REGISTER": ("zerovisit.accounts.registers.SimulatedEntityRegister", "HttpEntityRegister"),
}
MIN_SECRET_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_shared_secrets(app_configs=None, **kwargs):
    """An adapter that signs its requests and checks its callbacks needs a long secret; without one every request is
    refused at run time, which this reports before the first one."""
    problems = []
    for backend_setting, secret_setting, adapters in SIGNED_ADAPTERS:
        adapter = getattr(settings, backend_setting)
        if not adapter or (adapters is not None and adapter not in adapters):
            continue
        secret = getattr(settings, secret_setting)
        if not secret:
            problems.append(checks.Error(
                f"ZV_{backend_setting} uses a signed adapter but ZV_{secret_setting} is not set: every request and "
                "callback will be refused.", hint=f"Set ZV_{secret_setting} to the secret shared with that system.",
                id="zerovisit.E001",
            ))  # fmt: skip
        elif len(secret) < MIN_SECRET_LENGTH:
            problems.append(checks.Warning(
                f"ZV_{secret_setting} is shorter than {MIN_SECRET_LENGTH} characters.",
                hint="Use a random secret, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`.",
                id="zerovisit.W001",
            ))  # fmt: skip
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_identity_register(app_configs=None, **kwargs):
    """The demo's simulated registers verify anyone who names one of its made-up people: never in production."""
    return [checks.Error(
        f"ZV_{name} is one of the demo's simulated registers.",
        hint=f"Set it to zerovisit.accounts.registers.{real} with the register's endpoint and secret.",
        id="zerovisit.E004",
    ) for name, (simulated, real) in SIMULATED_REGISTERS.items() if getattr(settings, name) == simulated]  # fmt: skip


@checks.register(checks.Tags.security, deploy=True)
def check_audit_key(app_configs=None, **kwargs):
    """The audit's MACs prove nothing against someone who has the key: a key made and kept in the data directory,
    beside an SQLite database and in its backups, is for a demo, not for production."""
    problems = []
    if not os.environ.get("ZV_AUDIT_KEY"):
        problems.append(checks.Warning(
            "ZV_AUDIT_KEY is not set: the audit key was made in the data directory, next to the data it protects.",
            hint="Set ZV_AUDIT_KEY from a secret store (the same on every host) and keep it out of database backups.",
            id="zerovisit.W002",
        ))  # fmt: skip
    if settings.AUDIT_CHECKPOINT_FILE.parent == settings.DATA_DIR:
        problems.append(checks.Warning(
            "ZV_AUDIT_CHECKPOINT_FILE is in the data directory.",
            hint="Keep the checkpoint file where every worker host writes and database administrators cannot "
            "(a shared volume of the application's own, or append-only storage).",
            id="zerovisit.W003",
        ))  # fmt: skip
    return problems


@checks.register(checks.Tags.security)
def check_data_keys(app_configs=None, **kwargs):
    """Each of ZV_DATA_KEYS must be a Fernet key (32 random bytes, URL-safe base64): a mistyped one would fail only
    when the first value is encrypted or read."""
    from cryptography.fernet import Fernet

    problems = []
    for position, key in enumerate(settings.DATA_KEYS, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(checks.Error(
                f"Key {position} of ZV_DATA_KEYS is not a Fernet key.",
                hint="Make one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`.", id="zerovisit.E002",
            ))  # fmt: skip
    if not settings.LOOKUP_KEY:
        problems.append(checks.Error("ZV_LOOKUP_KEY is empty.", id="zerovisit.E003"))
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_personal_data_keys(app_configs=None, **kwargs):
    """The keys of the personal data (core.crypto) made in the data directory sit beside the data they protect, and
    in its backups; and every host must have the same ones."""
    problems = []
    if not os.environ.get("ZV_DATA_KEYS"):
        problems.append(checks.Warning(
            "ZV_DATA_KEYS is not set: the key encrypting personal data was made in the data directory.",
            hint="Set ZV_DATA_KEYS from a secret store (the same on every host) and keep it out of database backups.",
            id="zerovisit.W004",
        ))  # fmt: skip
    if not os.environ.get("ZV_LOOKUP_KEY"):
        problems.append(checks.Warning(
            "ZV_LOOKUP_KEY is not set: the key of the lookup hashes was made in the data directory.",
            hint="Set ZV_LOOKUP_KEY from a secret store (the same on every host); changing it later needs every "
            "stored lookup hash recomputed (docs/security.md).", id="zerovisit.W005",
        ))  # fmt: skip
    elif len(settings.LOOKUP_KEY) < MIN_SECRET_LENGTH:
        problems.append(checks.Warning(
            f"ZV_LOOKUP_KEY is shorter than {MIN_SECRET_LENGTH} characters.",
            hint="Use a random secret, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`.",
            id="zerovisit.W006",
        ))  # fmt: skip
    if settings.LOOKUP_KEY in settings.DATA_KEYS:
        problems.append(checks.Warning(
            "ZV_LOOKUP_KEY is also one of ZV_DATA_KEYS.",
            hint="Give the lookup hashes a key of their own: whoever learns one key should not learn the other.",
            id="zerovisit.W007",
        ))  # fmt: skip
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_identity_providers(app_configs=None, **kwargs):
    """An identity provider (accounts.identity_providers) signs people in: it needs its client secret, and its issuer
    must be reached over HTTPS, or whoever sits between could sign anyone in."""
    problems = []
    for name, config in settings.IDENTITY_PROVIDERS.items():
        if not config.get("issuer"):
            continue
        if not config.get("client_id") or not config.get("client_secret"):
            problems.append(checks.Error(
                f"The identity provider {name} has an issuer but no client id or secret: nobody can sign in with it.",
                hint="Set both as the provider registered this platform.", id="zerovisit.E005",
            ))  # fmt: skip
        if not config["issuer"].startswith("https://"):
            problems.append(checks.Error(
                f"The identity provider {name}'s issuer is not an https:// address.", id="zerovisit.E006",
            ))  # fmt: skip
        if config.get("level") not in (2, 3):
            problems.append(checks.Error(
                f"The identity provider {name}'s level must be 2 (real name) or 3 (real person).", id="zerovisit.E007",
            ))  # fmt: skip
    return problems
