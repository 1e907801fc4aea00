"""The spreadsheet round trip for IT systems, under /pledges/spreadsheet/: the organisation's
template (`GET …/<slug>/`, or `…/<slug>.xlsx`), and the upload (`POST`, multipart) that is
previewed, or applied with `confirm`.

The API keeps nothing between calls: a system previews a file, then sends it again with
`confirm` and the preview's `digest`, and it is applied only if it still makes exactly that
plan (else a 409 with the new one). The reading, the plan and the write path are the site's
(reviews.spreadsheets).
"""

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from actors.models import Actor
from portal.api import ERRORS, SLUG, AutoSchema, require
from reviews import permissions, spreadsheets
from reviews.models import Pledge

STAGES = Pledge.ImplementationStatus.choices


class SpreadsheetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("The organisation's template, filled in (XLSX, at most 5 MB, 5,000 rows).")
    )
    confirm = serializers.BooleanField(
        default=False,
        help_text=_("Publish the reports (all or none); without it the file is only previewed."),
    )
    digest = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=_(
            "The preview's digest: with `confirm`, the file is applied only if it still makes "
            "that plan (else a 409 with the new one)."
        ),
    )


class SpreadsheetValueSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator.pk")
    indicator_name = serializers.CharField(source="indicator.name")
    value = serializers.DecimalField(max_digits=18, decimal_places=4)
    before = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        allow_null=True,
        help_text=_("The latest value given before (empty: none)."),
    )
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField()
    row = serializers.IntegerField(help_text=_("The spreadsheet row that gives the value."))


class SpreadsheetReportSerializer(serializers.Serializer):
    pledge = serializers.IntegerField(source="pledge.pk")
    title = serializers.CharField(source="pledge.title")
    actor = serializers.IntegerField(
        source="actor.pk", help_text=_("The organisation reported for.")
    )
    date = serializers.DateField()
    stage = serializers.ChoiceField(choices=STAGES)
    stage_before = serializers.ChoiceField(choices=STAGES)
    narrative = serializers.CharField()
    language = serializers.CharField()
    values = SpreadsheetValueSerializer(many=True)
    rows = serializers.ListField(child=serializers.IntegerField())
    round = serializers.CharField(
        source="round.name",
        allow_null=True,
        help_text=_("The open reporting round that asks the pledge for a report."),
    )
    update = serializers.IntegerField(
        source="update.pk",
        allow_null=True,
        help_text=_("The progress report published (once applied)."),
    )


class SpreadsheetCellErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    cell = serializers.CharField(help_text=_("The cell to correct, e.g. R7."))
    message = serializers.CharField()


class SpreadsheetPlanSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text=_("Whether the reports were published."))
    organisation = serializers.CharField(help_text=_("The organisation the file was made for."))
    valid = serializers.BooleanField(source="plan.is_valid")
    digest = serializers.CharField(source="plan.digest")
    rows = serializers.IntegerField(source="plan.rows", help_text=_("Rows read."))
    unchanged = serializers.IntegerField(
        source="plan.unchanged", help_text=_("Rows that fill in nothing.")
    )
    reports = SpreadsheetReportSerializer(source="plan.reports", many=True)
    errors = SpreadsheetCellErrorSerializer(source="plan.errors", many=True)


class SpreadsheetConflictSerializer(SpreadsheetPlanSerializer):
    detail = serializers.CharField()


@dataclass
class Outcome:
    plan: spreadsheets.Plan
    organisation: str
    applied: bool = False
    detail: str = ""


class AlwaysJSON(DefaultContentNegotiation):
    """JSON whatever the client accepts: the template is a file of its own, its errors JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description=_("The organisation's slug.")
)


class PledgeSpreadsheetViewSet(viewsets.ViewSet):
    """Progress reports on many pledges at once, by spreadsheet."""

    lookup_field = "slug"
    lookup_value_regex = SLUG
    parser_classes = [MultiPartParser]
    permission_classes = [IsAuthenticated]
    content_negotiation_class = AlwaysJSON
    schema = AutoSchema()

    @extend_schema(
        description=_(
            "The organisation's spreadsheet (XLSX) for its members: one row per published "
            "pledge it leads or is a confirmed partner of, and per indicator, with the current "
            "values and the open round, and empty columns for the next report."
        ),
        parameters=[SLUG_PARAMETER],
        responses={
            (200, spreadsheets.XLSX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The template.")
            ),
            404: ERRORS[404],
        },
    )
    def retrieve(self, request, slug=None, **kwargs):
        actor = Actor.objects.filter(slug=slug).first()
        if actor is None:
            raise exceptions.NotFound()
        require(request, permissions.spreadsheet_access(request.user, actor), "template")
        response = HttpResponse(
            spreadsheets.template(request.user, actor), content_type=spreadsheets.XLSX_TYPE
        )
        name = f"progress-{actor.slug}-{timezone.localdate().isoformat()}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    @extend_schema(
        description=_(
            "Upload a filled-in template. Without `confirm`: the preview (200), with what each "
            "pledge's report would be and every error by cell; nothing changes. With "
            "`confirm`: the reports are published in one transaction (201), or none is: a "
            "file with errors is a 400 with the same body, a `digest` that is no longer the "
            "plan's a 409 with the new plan."
        ),
        request={"multipart/form-data": SpreadsheetUploadSerializer},
        responses={
            200: SpreadsheetPlanSerializer,
            201: SpreadsheetPlanSerializer,
            409: SpreadsheetConflictSerializer,
            415: OpenApiResponse(description=_("Send the file as multipart/form-data.")),
            **{code: r for code, r in ERRORS.items() if code != 409},
        },
    )
    def create(self, request, **kwargs):
        upload = SpreadsheetUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            sheet = spreadsheets.read(upload.validated_data["file"])
        except spreadsheets.SpreadsheetRefused as error:
            raise exceptions.ValidationError({"file": error.messages}) from error

        def planned():
            return spreadsheets.plan(
                request.user, sheet.rows, organisation=sheet.organisation, language=sheet.language
            )

        def answer(plan, code, **fields):
            outcome = Outcome(plan=plan, organisation=sheet.organisation, **fields)
            serializer = SpreadsheetConflictSerializer if code == 409 else SpreadsheetPlanSerializer
            return Response(serializer(outcome).data, status=code)

        plan = planned()
        if not upload.validated_data["confirm"]:
            return answer(plan, status.HTTP_200_OK)
        if not plan.is_valid:
            return answer(plan, status.HTTP_400_BAD_REQUEST)
        digest = upload.validated_data.get("digest")
        try:
            if digest and digest != plan.digest:
                raise spreadsheets.PlanChanged()
            spreadsheets.apply(request.user, plan)
        except spreadsheets.PlanChanged as changed:
            return answer(planned(), status.HTTP_409_CONFLICT, detail=str(changed))
        code = status.HTTP_201_CREATED if plan.reports else status.HTTP_200_OK
        return answer(plan, code, applied=True)
