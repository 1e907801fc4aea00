"""The spreadsheet round trip of a focal point's pledges (issue 14), included by reviews.urls
under the reviews namespace."""

from django.urls import path

from reviews.views import spreadsheets

urlpatterns = [
    path("pledges/mine/spreadsheet/", spreadsheets.spreadsheet, name="spreadsheet"),
    path(
        "pledges/mine/spreadsheet/confirm/",
        spreadsheets.spreadsheet_confirm,
        name="spreadsheet-confirm",
    ),
    path(
        "pledges/mine/spreadsheet/<slug:slug>.xlsx",
        spreadsheets.spreadsheet_template,
        name="spreadsheet-template",
    ),
]
