"""The site-wide search as JSON: /api/v1/search/, the same search as /search/ (reviews.site_search),
with the same parameters and the same answers."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import AutoSchema
from reviews.api.stats import filter_parameters
from reviews.filters import PledgeFilter
from reviews.site_search import results
from reviews.site_search.kinds import KINDS


class SearchChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    capped = serializers.BooleanField(
        help_text=(
            "At least that many: the count stopped at 1,000, or (a facet's) counted the first "
            "1,000 pledges found only."
        )
    )
    chosen = serializers.BooleanField()


class SearchFacetSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The query parameter, the pledge list's own name.")
    label = serializers.CharField()
    values = SearchChoiceSerializer(many=True)


class SearchHitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(KINDS))
    type_label = serializers.CharField()
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The page where the result is read (an absolute URL).")
    title = serializers.CharField()
    title_html = serializers.CharField(help_text="The title, escaped, the words in <mark>.")
    snippet_html = serializers.CharField(
        allow_blank=True, help_text="Where the words occur, escaped, the words in <mark>."
    )
    meta = serializers.ListField(child=serializers.CharField())
    rank = serializers.IntegerField(help_text="2: the title matches; 1: the summary or lead; 0.")
    language = serializers.CharField(allow_blank=True)


class CorrectionSerializer(serializers.Serializer):
    word = serializers.CharField()
    suggestion = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    q = serializers.CharField(help_text="The words, corrected.")
    url = serializers.CharField()
    corrections = CorrectionSerializer(many=True)


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField(allow_blank=True)
    type = serializers.CharField(allow_null=True)
    total = serializers.IntegerField()
    types = SearchChoiceSerializer(many=True)
    facets = SearchFacetSerializer(many=True)
    results = SearchHitSerializer(many=True)
    suggestion = SuggestionSerializer(allow_null=True)
    pledge_list = serializers.CharField(
        allow_null=True, help_text="The pledge list of the same words and filters."
    )
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


DESCRIPTION = (
    "One search of everything published: pledges (published and withdrawn), progress reports, "
    "comments, organisations, coalitions, objectives and Declaration paragraphs. `q` reads as "
    'the pledge list\'s: every word, "a phrase", -word to leave one out, or between '
    "alternatives. Results rank the title's matches first, then (pledges) the summary's and the "
    "lead's, then the rest. Without `type`, `results` holds the best five of each type that has "
    "any; with `type`, a page of that type, with `next` and `previous`. The pledge list's "
    "filters (`objective`, `actor_kind`, `region`, `country`, `cycle`, `status`, `language`, …) "
    "narrow the pledges by the same names and values, and `facets` counts what each value "
    "would leave (each count equals the pledge list's count with that filter added, counted over "
    "the first 1,000 pledges found: beyond, `capped` marks a count as at least that many). When "
    "nothing is found, `suggestion` may propose the words corrected."
)
PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="The words."),
    OpenApiParameter("type", OpenApiTypes.STR, enum=list(KINDS), description="One type only."),
    OpenApiParameter("after", OpenApiTypes.STR, description="The key of the next page."),
    OpenApiParameter("before", OpenApiTypes.STR, description="The key of the previous page."),
    OpenApiParameter("page", OpenApiTypes.INT, description="A page number (old links)."),
    *(p for p in filter_parameters(PledgeFilter) if p.name != "q"),
]


def _page_link(request, page, forward: bool) -> str | None:
    if page is None:
        return None
    if page.keyset:
        key = page.after if forward else page.before
        param = f"{'after' if forward else 'before'}={key}" if key else ""
    elif forward and page.has_next:
        param = f"page={page.next_page_number}"
    elif not forward and page.has_previous:
        param = f"page={page.previous_page_number}"
    else:
        param = ""
    if not param:
        return None
    query = f"{page.query}&{param}" if page.query else param
    return request.build_absolute_uri(f"{request.path}?{query}")


def _choices(facet) -> list[dict]:
    return [
        {
            "value": c.value,
            "label": c.label,
            "count": c.count,
            "capped": c.capped,
            "chosen": c.chosen,
        }
        for c in facet.choices
    ]


def payload(found: results.Results, request) -> dict:
    hits = (
        found.page.rows if found.page is not None else [h for s in found.sections for h in s.hits]
    )
    suggestion = found.suggestion
    return {
        "q": found.words,
        "type": found.chosen or None,
        "total": found.total,
        "types": _choices(found.types) if found.types else [],
        "facets": [{"name": f.name, "label": f.label, "values": _choices(f)} for f in found.facets],
        "results": [
            {
                "type": hit.kind,
                "type_label": hit.label,
                "id": hit.id,
                "url": request.build_absolute_uri(hit.url),
                "title": hit.title,
                "title_html": str(hit.title_html),
                "snippet_html": str(hit.snippet_html),
                "meta": list(hit.meta),
                "rank": hit.tier,
                "language": hit.language,
            }
            for hit in hits
        ],
        "suggestion": (
            {
                "q": suggestion.words,
                "url": request.build_absolute_uri(suggestion.url),
                "corrections": [
                    {"word": word, "suggestion": other} for word, other in suggestion.corrections
                ],
            }
            if suggestion
            else None
        ),
        "pledge_list": (
            request.build_absolute_uri(found.pledge_list_url) if found.pledge_list_url else None
        ),
        "next": _page_link(request, found.page, forward=True),
        "previous": _page_link(request, found.page, forward=False),
    }


class SearchView(APIView):
    """The site search (reviews.site_search), as the HTML page answers it."""

    permission_classes = [AllowAny]
    schema = AutoSchema()

    @extend_schema(
        operation_id="search",
        description=DESCRIPTION,
        parameters=PARAMETERS,
        responses={200: SearchSerializer},
    )
    def get(self, request):
        found = results.run(request)
        if found.errors:
            raise ValidationError(found.errors)
        return Response(SearchSerializer(payload(found, request)).data)
