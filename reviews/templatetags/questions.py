"""Questions on the pages: an organisation's responsiveness on its actor page (the actors app
builds nothing on reviews, so its page loads this), and a time to answer in days and hours."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext, ngettext

from reviews.models.questions import OPEN_TOO_LONG_DAYS
from reviews.questions import responsiveness

register = template.Library()


@register.filter
def days_and_hours(duration: timedelta | None) -> str:
    """A time to answer as people say it: "2 days and 5 hours", "3 hours", "less than an
    hour"; "—" for none."""
    if duration is None:
        return "—"
    hours = int(duration.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    if not days and not hours:
        return gettext("less than an hour")
    in_hours = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if not days:
        return in_hours
    in_days = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if not hours:
        return in_days
    return gettext("%(days)s and %(hours)s") % {"days": in_days, "hours": in_hours}


@register.inclusion_tag("reviews/includes/responsiveness.html")
def actor_responsiveness(actor):
    """How the organisation answers the public questions on its pledges (reviews.questions)."""
    return {
        "actor": actor,
        "figures": responsiveness([actor.pk])[actor.pk],
        "days": OPEN_TOO_LONG_DAYS,
    }
