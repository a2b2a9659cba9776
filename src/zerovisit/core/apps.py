from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zerovisit.core"
    verbose_name = "核心"
