"""The coverage-gap map, the dashboards and the world map, each with its CSV (reviews.discovery)."""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from reviews import discovery

# The filters these pages offer (the pledge list's, by the same names): enough to narrow a map
# to a cycle, a kind of lead or a region; any other of the list's filters is accepted too.
NARROWING = ("cycle", "status", "actor_kind", "region", "coalition", "kind", "support", "language")


def _narrowing(request, pledge_filter, leaving_out=()) -> dict:
    """The context of the narrowing form, and the query the page's other links pass on."""
    names = [name for name in NARROWING if name not in leaving_out]
    return {
        "filter": pledge_filter,
        "fields": [pledge_filter.form[name] for name in names],
        "shown_names": names,
        "query": discovery.as_query(discovery.carried(request.GET)).urlencode(),
    }


def _invalid(request, template, context):
    return render(request, template, context, status=400)


_BY_LABELS = {
    "kind": _("By stakeholder kind"),
    "region": _("By region"),
    "cycle": _("By review cycle"),
    "coalition": _("By coalition"),
}


def _with_by(query: str, by: str) -> str:
    return f"by={by}" + (f"&{query}" if query else "")


def _by_url(request, by: str) -> str:
    # The filters carried over, but not the column's own (the other columns need it free).
    axis = discovery.AXES[by]
    kept = discovery.carried(request.GET, axis.param)
    return reverse("reviews:coverage") + "?" + _with_by(discovery.as_query(kept).urlencode(), by)


@require_safe
def coverage(request):
    by = request.GET.get("by") or "kind"
    pledge_filter = discovery.chosen(request.GET)
    axis = discovery.AXES.get(by)
    context = _narrowing(request, pledge_filter, leaving_out=[axis.param] if axis else [])
    context |= {
        "axis": axis,
        "by": by,
        "hidden": [("by", by)] if axis else [],
        "tabs": [
            {"name": name, "label": _BY_LABELS[name], "url": _by_url(request, name)}
            for name in discovery.AXES
        ],
    }
    context["carried_query"] = context["query"]
    context["csv_query"] = _with_by(context["query"], by)
    if axis is None:
        context["by_error"] = gettext("Choose the columns: kind, region, cycle or coalition.")
        return _invalid(request, "reviews/coverage.html", context)
    if not pledge_filter.is_valid():
        return _invalid(request, "reviews/coverage.html", context)
    context["grid"] = discovery.coverage(axis, request.GET)
    return render(request, "reviews/coverage.html", context)


@require_safe
def coverage_csv(request):
    axis = discovery.AXES.get(request.GET.get("by") or "kind")
    if axis is None or not discovery.chosen(request.GET).is_valid():
        return _bad_csv()
    grid = discovery.coverage(axis, request.GET)
    return discovery.csv_response(f"coverage-by-{axis.name}.csv", grid.csv_rows())


def _bad_csv():
    return HttpResponseBadRequest(
        gettext("These filters do not validate: see the page for what is wrong."),
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def dashboard(request):
    pledge_filter = discovery.chosen(request.GET)
    context = _narrowing(request, pledge_filter)
    if not pledge_filter.is_valid():
        return _invalid(request, "reviews/dashboard.html", context)
    context["charts"] = discovery.dashboard(request.GET)
    return render(request, "reviews/dashboard.html", context)


@require_safe
def dashboard_csv(request, chart):
    if chart not in discovery.CHARTS:
        raise Http404("No such chart.")
    if not discovery.chosen(request.GET).is_valid():
        return _bad_csv()
    made = discovery.chart(chart, request.GET)
    return discovery.csv_response(f"pledges-{chart}.csv", discovery.chart_csv_rows(made))


@require_safe
def world_map(request):
    pledge_filter = discovery.chosen(request.GET)
    context = _narrowing(request, pledge_filter)
    if not pledge_filter.is_valid():
        return _invalid(request, "reviews/map.html", context)
    context["map"] = discovery.world_map(request.GET)
    return render(request, "reviews/map.html", context)


@require_safe
def map_csv(request):
    if not discovery.chosen(request.GET).is_valid():
        return _bad_csv()
    made = discovery.world_map(request.GET)
    return discovery.csv_response("pledges-by-country.csv", discovery.map_csv_rows(made))
