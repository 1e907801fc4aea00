"""A pledge's expected results and their indicators: the page that adds or changes one result
with its indicators, and the removal of one. The rules are the services' (reviews.services.
results); who may is reviews.permissions.results_access."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from portal.access import enforce, require_page_or_form, sign_in_first
from reviews import permissions, services
from reviews.models import ExpectedResult, Pledge
from reviews.result_forms import IndicatorFormSet, ResultForm, indicators_given


def _pledge_for_results(request, pk):
    pledge = get_object_or_404(Pledge.objects.select_related("lead"), pk=pk)
    return pledge, enforce(request, permissions.results_access(request.user, pledge), "results")


def _result_page(request, pledge, result=None):
    instance = result or ExpectedResult(pledge=pledge)
    form = ResultForm(request.POST or None, instance=instance)
    formset = IndicatorFormSet(request.POST or None, instance=instance, prefix="indicators")
    refused: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {
            "statement": form.cleaned_data["statement"],
            "indicators": indicators_given(formset),
        }
        try:
            services.result_save(pledge=pledge, by=request.user, data=data, result=result)
        except ValidationError as error:  # what only the service sees (a reported value …)
            refused = error.messages
        else:
            messages.success(request, gettext("The expected result and its indicators are saved."))
            return redirect(f"{pledge.get_absolute_url()}#results")
    return render(
        request,
        "reviews/result_form.html",
        {
            "pledge": pledge,
            "result": result,
            "form": form,
            "formset": formset,
            "refused": refused,
            "has_errors": bool(refused or form.errors or formset.total_error_count()),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_page_or_form
@sign_in_first
def result_create(request, pk):
    pledge, denial = _pledge_for_results(request, pk)
    return denial or _result_page(request, pledge)


@require_page_or_form
@sign_in_first
def result_edit(request, pk, result_pk):
    pledge, denial = _pledge_for_results(request, pk)
    if denial:
        return denial
    result = get_object_or_404(ExpectedResult, pk=result_pk, pledge=pledge)
    return _result_page(request, pledge, result)


@require_POST
@sign_in_first
def result_delete(request, pk, result_pk):
    pledge, denial = _pledge_for_results(request, pk)
    if denial:
        return denial
    result = get_object_or_404(ExpectedResult, pk=result_pk, pledge=pledge)
    try:
        services.result_delete(pledge=pledge, by=request.user, result=result)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("The expected result is removed."))
    return redirect(f"{pledge.get_absolute_url()}#results")
