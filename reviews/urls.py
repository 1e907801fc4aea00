from django.urls import include, path, re_path

from reviews import exports
from reviews.exports import views as export_views
from reviews.views import (
    comments,
    discovery,
    moderation,
    pledges,
    reference,
    results,
    rounds,
    search,
)

app_name = "reviews"

urlpatterns = [
    path("objectives/", reference.objective_list, name="objective-list"),
    path("objectives/<int:number>/", reference.objective_detail, name="objective-detail"),
    path("principles/", reference.principle_list, name="principle-list"),
    path("cycles/", reference.cycle_list, name="cycle-list"),
    path("cycles/<slug:slug>/", reference.cycle_detail, name="cycle-detail"),
    path("timeline/", reference.timeline, name="timeline"),
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/<slug:slug>/", rounds.round_detail, name="round-detail"),
    path("sources/", reference.source_list, name="source-list"),
    path("sources/<slug:slug>/", reference.source_detail, name="source-detail"),
    path("coverage/", discovery.coverage, name="coverage"),
    path("coverage/coverage.csv", discovery.coverage_csv, name="coverage-csv"),
    path("dashboard/", discovery.dashboard, name="dashboard"),
    path("dashboard/<slug:chart>.csv", discovery.dashboard_csv, name="dashboard-csv"),
    path("map/", discovery.world_map, name="map"),
    path("map/countries.csv", discovery.map_csv, name="map-csv"),
    path("moderation/", moderation.moderation_home, name="moderation"),
    path("moderation/log/", moderation.moderation_log, name="moderation-log"),
    path("moderation/hidden/", moderation.moderation_hidden, name="moderation-hidden"),
    path("moderation/bulk/", moderation.bulk_action, name="moderation-bulk"),
    re_path(
        r"^moderation/(?P<kind>comment|update)/(?P<pk>[0-9]+)/(?P<action>hide|restore|dismiss)/$",
        moderation.item_action,
        name="moderation-item",
    ),
    re_path(
        r"^moderation/users/(?P<pk>[0-9]+)/(?P<action>block|unblock)/$",
        moderation.user_action,
        name="moderation-user",
    ),
    path("transparency/", moderation.transparency, name="transparency"),
    path("open-data/", reference.open_data, name="open-data"),
    re_path(
        r"^exports/(?P<resource>pledges|comments|progress-updates)\.(?P<fmt>csv|xlsx|json)$",
        exports.export,
        name="export",
    ),
    path("", include("reviews.exports.urls")),
    path("", include("reviews.spreadsheet_urls")),
    path("exports/jobs/<int:pk>/", export_views.export_job, name="export-job"),
    path(
        "exports/jobs/<int:pk>/download/",
        export_views.export_job_download,
        name="export-job-download",
    ),
    path("comments/new/", comments.comment_create, name="comment-create"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment-delete"),
    re_path(r"^(?P<kind>comment|update)s/(?P<pk>[0-9]+)/flag/$", comments.flag, name="flag"),
    path("search/", search.site_search, name="search"),
    path("pledges/", pledges.pledge_list, name="pledge-list"),
    path("pledges/mine/", pledges.my_pledges, name="pledge-mine"),
    path("pledges/new/", pledges.pledge_create, name="pledge-create"),
    path("pledges/<int:pk>/", pledges.pledge_detail, name="pledge-detail"),
    path("pledges/<int:pk>/edit/", pledges.pledge_edit, name="pledge-edit"),
    path("pledges/<int:pk>/results/new/", results.result_create, name="result-create"),
    path("pledges/<int:pk>/results/<int:result_pk>/", results.result_edit, name="result-edit"),
    path(
        "pledges/<int:pk>/results/<int:result_pk>/delete/",
        results.result_delete,
        name="result-delete",
    ),
    path("pledges/<int:pk>/attachment/", pledges.attachment_download, name="pledge-attachment"),
    path("pledges/<int:pk>/progress/", pledges.progress_create, name="pledge-progress"),
    re_path(
        r"^pledges/(?P<pk>[0-9]+)/(?P<step>submit|withdraw|publish|return|reject)/$",
        pledges.pledge_transition,
        name="pledge-transition",
    ),
    re_path(
        r"^pledges/(?P<pk>[0-9]+)/partners/(?P<partner_pk>[0-9]+)/(?P<decision>confirm|decline)/$",
        pledges.partnership_decide,
        name="pledge-partnership",
    ),
]
