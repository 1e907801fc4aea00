"""The spreadsheet round trip of a focal point's pledges (issue 14), included by reviews.urls
under the reviews namespace."""

urlpatterns: list = []
