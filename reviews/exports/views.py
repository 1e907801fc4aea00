"""The export addresses: /exports/<resource>.<format>, the page and file of a large export, and
the descriptions of the exports for the tools that read them (their JSON Schemas, the data
package of the CSV exports) and the pledges in the IATI Activity Standard."""

import itertools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from reviews.exports import datapackage, iati, jobs, schema, streams, xlsx
from reviews.exports.columns import RESOURCES, selection
from reviews.models import ExportJob

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IATI_CONTENT_TYPE = "application/xml; charset=utf-8"


def _hardened(response):
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def export(request, resource, fmt):
    if resource not in RESOURCES or fmt not in CONTENT_TYPES:
        raise Http404("No such export.")
    filters = selection(resource, request.GET)
    if not filters.is_valid():
        return _invalid(filters)
    filename = f"gcm-{resource}-{timezone.now():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        limit = settings.EXPORT_XLSX_DIRECT_ROWS
        if jobs.bounded_count(filters, limit + 1) > limit:
            return _large_xlsx(request, resource)
        return _hardened(
            FileResponse(
                xlsx.spooled(resource, filters),
                as_attachment=True,
                filename=filename,
                content_type=CONTENT_TYPES[fmt],
            )
        )
    stream = streams.csv_stream if fmt == "csv" else streams.json_stream
    response = StreamingHttpResponse(
        _primed(stream(resource, filters)), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if fmt == "json":
        schema_url = request.build_absolute_uri(reverse("reviews:export-schema", args=[resource]))
        response["Link"] = f'<{schema_url}>; rel="describedby"'
    return _hardened(response)


def _invalid(filters):
    # A filter that makes no sense would otherwise be dropped and export everything.
    return JsonResponse(
        {"detail": gettext("Some filters are not valid."), "errors": filters.errors},
        status=400,
    )


@require_safe
def export_schema(request, resource):
    """The JSON Schema of a JSON export."""
    if resource not in RESOURCES:
        raise Http404("No such export.")
    address = request.build_absolute_uri(reverse("reviews:export-schema", args=[resource]))
    return _hardened(
        JsonResponse(
            schema.json_schema(resource, address),
            content_type="application/schema+json",
            json_dumps_params={"indent": 2},
        )
    )


@require_safe
def export_datapackage(request):
    """The data package of the CSV exports."""
    return _hardened(
        JsonResponse(
            datapackage.datapackage(request.build_absolute_uri), json_dumps_params={"indent": 2}
        )
    )


@require_safe
def export_iati(request):
    """The selected public pledges as IATI activities, streamed."""
    filters = selection("pledges", request.GET)
    if not filters.is_valid():
        return _invalid(filters)
    stream = iati.activities_stream(filters, iati.Wording.of(request))
    response = StreamingHttpResponse(_primed(stream), content_type=IATI_CONTENT_TYPE)
    filename = f"gcm-pledges-{timezone.now():%Y%m%d}.iati.xml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _hardened(response)


def _primed(chunks):
    """The stream with its first chunk already made, so that the first query runs in the view:
    a database that cannot be reached is then a 503 (DatabaseUnavailableMiddleware), not a 200
    whose body stops short after the headers went out."""
    first = next(chunks, None)
    return chunks if first is None else itertools.chain([first], chunks)


def _large_xlsx(request, resource):
    """Too large to build while the request waits: a signed-in person gets it built for them and
    notified; anyone else is told the ways to have it at once (CSV or JSON, streamed whatever the
    size, or a narrower filter) or to sign in. A job is kept for a person: its file is theirs
    alone and their notifications say when it is ready, which an anonymous visitor has not."""
    if not request.user.is_authenticated:
        context = {
            "resource": resource,
            "limit": settings.EXPORT_XLSX_DIRECT_ROWS,
            "query": request.GET.urlencode(),
        }
        return render(request, "reviews/exportjob_sign_in.html", context, status=403)
    job = jobs.export_job_start(user=request.user, resource=resource, params=request.GET)
    return redirect("reviews:export-job", pk=job.pk)


def _own_job(request, pk) -> ExportJob:
    # Another person's job is a page that does not exist, not a refusal.
    return get_object_or_404(ExportJob, pk=pk, requester=request.user)


@login_required
@require_safe
def export_job(request, pk):
    job = _own_job(request, pk)
    waiting = job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    return render(
        request,
        "reviews/exportjob_detail.html",
        {"job": job, "waiting": waiting, "limit": settings.EXPORT_XLSX_DIRECT_ROWS},
    )


@login_required
@require_safe
def export_job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.READY or not job.file or job.is_expired:
        raise Http404("This export is not ready, or no longer kept.")
    return _hardened(
        FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.file.name.rsplit("/", 1)[-1],
            content_type=CONTENT_TYPES[job.fmt],
        )
    )
