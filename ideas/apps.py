from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ideas import receivers  # noqa: F401 - connects the signal receivers
