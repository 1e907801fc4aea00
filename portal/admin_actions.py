"""Admin pieces shared by the apps' admins: actions that ask for a reason, and refusals by a
service shown as messages.

The admin changes nothing with a rule or a side effect by itself: it calls the same services as
the site, so that what they check, log and notify happens here too. This module knows no app.
"""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_format_dict
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80, "maxlength": 2000}), max_length=2000
    )

    def __init__(self, *args, required: bool = True, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].help_text = help_text


def report_each(
    modeladmin: admin.ModelAdmin,
    request,
    targets: Iterable,
    apply: Callable,
    *,
    done: str,
) -> None:
    """Call `apply(target)` for each target; say for each whether it was `done` or, with the
    service's own words, why not."""
    for target in targets:
        try:
            apply(target)
        except ValidationError as error:
            why = " ".join(error.messages)
            message = gettext("%(target)s: %(refusal)s") % {"target": target, "refusal": why}
            modeladmin.message_user(request, message, messages.ERROR)
        else:
            message = gettext("%(target)s: %(done)s.") % {"target": target, "done": done}
            modeladmin.message_user(request, message, messages.SUCCESS)


def ask_reason(
    modeladmin: admin.ModelAdmin,
    request,
    queryset,
    *,
    action: str,
    done: str,
    apply: Callable,
    targets: Iterable | None = None,
    required: bool = True,
    help_text: str = "",
):
    """The body of an admin action that needs a reason (the intermediate page).

    First the page lists what the action will change (`targets`, by default the selection) and
    asks for the reason; posted back with `apply`, a valid reason calls `apply(target, reason)`
    for each target and returns to the change list. Without a valid reason nothing changes and
    the page shows the form's error.
    """
    targets = list(queryset if targets is None else targets)
    data = request.POST if "apply" in request.POST else None
    form = ReasonForm(data, required=required, help_text=help_text)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        report_each(modeladmin, request, targets, lambda target: apply(target, reason), done=done)
        return None
    opts = modeladmin.model._meta
    request.current_app = modeladmin.admin_site.name
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": modeladmin.get_action(action).description % model_format_dict(opts),
        "opts": opts,
        "selected": queryset,
        "targets": targets,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/action_reason.html", context)


class RefusalsAsMessages:
    """For a ModelAdmin whose saves and deletions go through services.

    Each admin view below runs in one transaction: when a service refuses (a ValidationError),
    the whole save is undone and the refusal comes back as an error message on the same page.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def response_action(self, request, queryset, **kwargs):
        # The bulk "delete selected" calls delete_queryset: one refusal undoes the whole batch.
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().response_action(request, queryset, **kwargs)
        except ValidationError as error:
            return self._refused(request, error)

    def _refused(self, request, error: ValidationError):
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())
