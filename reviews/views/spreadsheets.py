"""The spreadsheet round trip on the site: the page with a download per organisation and the
upload form, the download, the preview of an upload, and its confirmation.

The upload is kept server-side between the preview and the confirmation (reviews.spreadsheets
.uploads); confirming reads and plans it again and applies it only when the plan is the one
previewed. On any error nothing changes and the page names the cells to correct in the file,
which stays the person's own: they correct it and upload it again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST, require_safe

from actors.models import Actor
from actors.permissions import memberships_by_actor
from portal.access import enforce, require_page_or_form, sign_in_first
from reviews import permissions, spreadsheets
from reviews.spreadsheets import uploads
from reviews.spreadsheets.forms import ConfirmForm, UploadForm


def _organisations(user):
    return sorted((m.actor for m in memberships_by_actor(user).values()), key=lambda a: a.name)


def _page(request, form, *, status=200):
    context = {"organisations": _organisations(request.user), "form": form}
    return render(request, "reviews/spreadsheet.html", context, status=status)


def _preview(request, plan, *, token="", status=200, changed=False):
    return render(
        request,
        "reviews/spreadsheet_preview.html",
        {
            "plan": plan,
            "token": token,
            "changed": changed,
            "form": UploadForm(),
        },
        status=status,
    )


def _plan(request, sheet):
    return spreadsheets.plan(
        request.user, sheet.rows, organisation=sheet.organisation, language=sheet.language
    )


@require_page_or_form
@sign_in_first
def spreadsheet(request):
    """GET: how the round trip works, the downloads and the upload form; POST: the preview."""
    if request.method != "POST":
        return _page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    sheet = form.cleaned_data["file"]
    plan = _plan(request, sheet)
    if not plan.is_valid:
        return _preview(request, plan, status=400)
    token = uploads.keep(request.user, sheet.content, plan.digest) if plan.reports else ""
    return _preview(request, plan, token=token)


@require_safe
@sign_in_first
def spreadsheet_template(request, slug):
    actor = Actor.objects.filter(slug=slug).first()
    if actor is None:
        raise Http404("No such organisation.")
    if denial := enforce(request, permissions.spreadsheet_access(request.user, actor), slug):
        return denial
    response = HttpResponse(
        spreadsheets.template(request.user, actor), content_type=spreadsheets.XLSX_TYPE
    )
    name = f"progress-{actor.slug}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
@sign_in_first
def spreadsheet_confirm(request):
    """Publish the reports of a previewed upload, exactly as previewed, or nothing."""
    form = ConfirmForm(request.POST)
    kept = uploads.fetch(request.user, form.cleaned_data["token"]) if form.is_valid() else None
    if kept is None:
        messages.warning(
            request,
            gettext(
                "This upload expired or was confirmed already: nothing more was published. "
                "Upload the file again to see what it would change."
            ),
        )
        return redirect("reviews:spreadsheet")
    try:
        sheet = spreadsheets.read(kept.content)
    except spreadsheets.SpreadsheetRefused as error:  # the portal's template changed meanwhile
        uploads.forget(kept.name)
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:spreadsheet")
    plan = _plan(request, sheet)
    if plan.digest != kept.digest or not plan.is_valid:
        return _changed(request, plan, kept)
    try:
        updates = spreadsheets.apply(request.user, plan)
    except spreadsheets.PlanChanged:
        return _changed(request, _plan(request, sheet), kept)
    except ValidationError as error:
        messages.error(
            request,
            gettext("Nothing was published: %(error)s") % {"error": " ".join(error.messages)},
        )
        return _changed(request, _plan(request, sheet), kept)
    uploads.forget(kept.name)
    count = len(updates)
    messages.success(
        request,
        ngettext(
            "%(count)d progress report is published.",
            "%(count)d progress reports are published.",
            count,
        )
        % {"count": count},
    )
    return redirect("reviews:pledge-mine")


def _changed(request, plan, kept):
    """The plan is no longer the one previewed: show the new one, to confirm again."""
    token = uploads.token_for(request.user, kept.name, plan.digest) if plan.is_valid else ""
    if not plan.is_valid:
        uploads.forget(kept.name)
    return _preview(request, plan, token=token, status=409, changed=True)
