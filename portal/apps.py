from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "GCM Review Portal"

    def ready(self):
        from portal import lookups

        lookups.register()
