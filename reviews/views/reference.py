"""Public pages of the reference data: objectives, principles, cycles, timeline, sources."""

from django.conf import settings
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from actors.models import Actor, Coalition, SourceDocument
from reviews import discovery, filters
from reviews.exports import schema as export_schema
from reviews.models import (
    DeclarationParagraph,
    GuidingPrinciple,
    Milestone,
    Objective,
    ReviewCycle,
    RoundTable,
)
from reviews.views.comments import CommentForm, load_thread_groups, thread_context


@require_safe
def objective_list(request):
    objectives = Objective.objects.with_citations().prefetch_related(
        Prefetch("round_tables", queryset=RoundTable.objects.select_related("cycle"))
    )
    return render(request, "reviews/objective_list.html", {"objectives": objectives})


@require_safe
def objective_detail(request, number):
    # The objective and its neighbours (for the previous and next links) in one read.
    around = {
        o.number: o
        for o in Objective.objects.with_citations().filter(
            number__in=[number - 1, number, number + 1]
        )
    }
    if number not in around:
        raise Http404("No such objective.")
    objective = around[number]
    round_tables = (
        RoundTable.objects.filter(objectives=objective)
        .select_related("cycle")
        .with_citations()
        .prefetch_related("objectives")
    )
    paragraphs = (
        DeclarationParagraph.objects.speaking_to(objective).select_related("cycle").with_citations()
    )
    on_objective = discovery.Selection(discovery.query(objective=number))
    by_kind, by_region = discovery.objective_groups(on_objective, number)
    return render(
        request,
        "reviews/objective_detail.html",
        {
            **thread_context(request, "objective", objective),
            "objective": objective,
            "pledges": discovery.pledges_of(on_objective),
            "by_kind": by_kind,
            "by_region": by_region,
            "round_tables": round_tables,
            "paragraphs": paragraphs,
            "principles": GuidingPrinciple.objects.only("title"),
            "previous": around.get(number - 1),
            "next": around.get(number + 1),
        },
    )


@require_safe
def principle_list(request):
    principles = GuidingPrinciple.objects.with_citations()
    return render(request, "reviews/principle_list.html", {"principles": principles})


@require_safe
def cycle_list(request):
    cycles = ReviewCycle.objects.with_citations().annotate(
        round_table_count=Count("round_tables", distinct=True),
        paragraph_count=Count("declaration_paragraphs", distinct=True),
    )
    return render(
        request,
        "reviews/reviewcycle_list.html",
        {"cycles": cycles, "current": ReviewCycle.objects.current()},
    )


@require_safe
def cycle_detail(request, slug):
    cycle = get_object_or_404(ReviewCycle.objects.with_citations(), slug=slug)
    round_tables = list(cycle.round_tables.with_citations().prefetch_related("objectives"))
    paragraphs = list(cycle.declaration_paragraphs.with_citations().with_objective_links())
    threads = load_thread_groups(
        request.user,
        {"paragraph": [p.pk for p in paragraphs], "round_table": [t.pk for t in round_tables]},
    )
    paragraph_threads, table_threads = threads["paragraph"], threads["round_table"]
    table_pledges, paragraph_pledges = discovery.cycle_part_counts(cycle)
    for paragraph in paragraphs:
        paragraph.thread = paragraph_threads.get(paragraph.pk, [])
        paragraph.pledges = paragraph_pledges.get(paragraph.pk) or discovery.none_of(
            paragraph=paragraph.pk
        )
    for round_table in round_tables:
        round_table.thread = table_threads.get(round_table.pk, [])
        round_table.pledges = table_pledges.get(round_table.pk) or discovery.none_of(
            round_table=round_table.pk
        )
    return render(
        request,
        "reviews/reviewcycle_detail.html",
        {
            "cycle": cycle,
            "pledges": discovery.pledges_of(cycle=cycle.slug),
            "feed_url": discovery.feed_of(cycle=cycle.slug),
            "round_tables": round_tables,
            "paragraphs": paragraphs,
            "comment_form": CommentForm(user=request.user),
        },
    )


@require_safe
def timeline(request):
    milestones = Milestone.objects.with_citations()
    return render(request, "reviews/milestone_list.html", {"milestones": milestones})


@require_safe
def source_list(request):
    return render(
        request, "reviews/sourcedocument_list.html", {"sources": SourceDocument.objects.all()}
    )


@require_safe
def source_detail(request, slug):
    source = get_object_or_404(SourceDocument, slug=slug)
    return render(
        request,
        "reviews/sourcedocument_detail.html",
        {
            "source": source,
            "objectives": Objective.objects.citing(source),
            "principles": GuidingPrinciple.objects.citing(source),
            "cycles": ReviewCycle.objects.citing(source),
            "paragraphs": DeclarationParagraph.objects.citing(source).select_related("cycle"),
            "milestones": Milestone.objects.citing(source),
            "actors": Actor.objects.citing(source).only("name", "short_name", "slug"),
            "coalitions": Coalition.objects.citing(source).only("name", "slug"),
        },
    )


@require_safe
def open_data(request):
    return render(
        request,
        "reviews/open_data.html",
        {
            "exports": export_schema.dictionary(),
            "schema_version": export_schema.SCHEMA_VERSION,
            "pledge_filters": filters.documentation(),
            "xlsx_direct_rows": settings.EXPORT_XLSX_DIRECT_ROWS,
            "export_file_days": settings.EXPORT_FILE_DAYS,
        },
    )
