"""The site-wide search page (reviews.site_search)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from reviews.site_search import results


@require_safe
def site_search(request):
    found = results.run(request)
    # As the lists: parameters that make no sense are said so (400), never dropped.
    status = 400 if found.errors else 200
    return render(request, "reviews/search.html", {"search": found}, status=status)
