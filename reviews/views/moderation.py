"""The moderators' workspace."""

from django.shortcuts import render

from actors.models import Actor
from actors.permissions import moderation_access
from portal.access import enforce
from reviews.forms import ReasonForm
from reviews.models import Pledge


def moderation_home(request):
    if denial := enforce(request, moderation_access(request.user), "moderation"):
        return denial
    proposals = Actor.objects.filter(status=Actor.Status.PROPOSED).select_related("proposed_by")
    return render(
        request,
        "reviews/moderation_home.html",
        {
            "queue": Pledge.objects.moderation_queue(),
            "proposals": proposals,
            "reason_form": ReasonForm(),
        },
    )
