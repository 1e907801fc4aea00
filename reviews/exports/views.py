"""The export addresses: /exports/<resource>.<format>, and the page and file of a large export."""

import itertools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from reviews.exports import jobs, streams, xlsx
from reviews.exports.columns import RESOURCES, selection
from reviews.models import ExportJob

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _hardened(response):
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def export(request, resource, fmt):
    if resource not in RESOURCES or fmt not in CONTENT_TYPES:
        raise Http404("No such export.")
    filters = selection(resource, request.GET)
    if not filters.is_valid():
        # A filter that makes no sense would otherwise be dropped and export everything.
        return JsonResponse(
            {"detail": gettext("Some filters are not valid."), "errors": filters.errors},
            status=400,
        )
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
