from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews and reference data")

    def ready(self):
        from reviews import follows, stats

        # The statistics' cache is retired by every write a count depends on.
        stats.connect()
        # Pledges, objectives and saved searches can be followed (actors.follows).
        follows.register()
