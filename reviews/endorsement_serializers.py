"""The API's endorsement serializers: an endorsement as read, and as made."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from actors.models import Actor
from actors.serializers import ActorBriefSerializer
from portal.filters import MAX_INTEGER
from reviews.models import Endorsement
from reviews.models.endorsements import NOTE_MAX


class EndorsementSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(read_only=True)

    class Meta:
        model = Endorsement
        fields = ["id", "pledge", "actor", "offers_partnership", "note", "created_at"]
        read_only_fields = fields


class EndorsementWriteSerializer(serializers.Serializer):
    # An id, looked up by the view: a pledge the person may not see is a 404, as one that does
    # not exist (a list of choices would tell them apart).
    pledge = serializers.IntegerField(
        min_value=1, max_value=MAX_INTEGER, help_text=_("The published pledge to endorse.")
    )
    actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(),
        help_text=_(
            "The organisation that endorses it: one of yours, neither its lead nor a partner."
        ),
    )
    offers_partnership = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("The organisation offers to become a partner of the pledge."),
    )
    note = serializers.CharField(
        max_length=NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Plain text, shown with the endorsement."),
    )
