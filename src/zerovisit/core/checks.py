"""Deployment checks (`zerovisit check --deploy`): settings that would leave an outside connection open to forgery."""

from django.conf import settings
from django.core import checks

# Adapter setting, the setting holding its shared secret, and the adapters that sign with it.
SIGNED_ADAPTERS = [
    ("CARRIER_BACKEND", "CARRIER_SECRET", ("zerovisit.delivery.carriers.HttpCarrier",)),
    ("SMS_BACKEND", "SMS_SECRET", ("zerovisit.notify.backends.HttpSmsBackend",)),
]
MIN_SECRET_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_shared_secrets(app_configs=None, **kwargs):
    """An adapter that signs its requests and checks its callbacks needs a long secret; without one every request is
    refused at run time, which this reports before the first one."""
    problems = []
    for backend_setting, secret_setting, adapters in SIGNED_ADAPTERS:
        if getattr(settings, backend_setting) not in adapters:
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
