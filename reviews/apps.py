from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and reference data"

    def ready(self):
        from reviews import stats

        # The statistics' cache is retired by every write a count depends on.
        stats.connect()
