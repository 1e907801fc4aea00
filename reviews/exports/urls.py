"""The open-data addresses added by issue 14 (the JSON Schema, the data package, the IATI
export), included by reviews.urls under the reviews namespace."""

from django.urls import path, re_path

from reviews.exports import views

urlpatterns = [
    re_path(
        r"^exports/schema/(?P<resource>pledges|comments|progress-updates|questions|needs)\.json$",
        views.export_schema,
        name="export-schema",
    ),
    path("exports/datapackage.json", views.export_datapackage, name="export-datapackage"),
    path("exports/pledges.iati.xml", views.export_iati, name="export-iati"),
]
