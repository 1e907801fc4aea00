"""Another organisation's drafts never show in a list, whatever the filter, ordering or page:
only its own members, partners named on a draft, and moderators with MFA see them."""

import pytest
from django.urls import reverse

from tests.api.conftest import API_PERSONAS, ids

pytestmark = pytest.mark.django_db

ALL = API_PERSONAS
LIST = reverse("api:pledge-list")


@pytest.mark.parametrize("persona", ALL)
def test_drafts_appear_in_the_list_only_for_those_who_may_see_them(api_as, world, persona):
    client = api_as(persona)

    listed = ids(client.get(LIST, {"page_size": 200}))

    sees_a = persona in {
        "contributor_a",
        "focal_a",
        "focal_a_without_mfa",
        "moderator",
        "administrator",
    }
    sees_b = persona in {"focal_b", "moderator", "administrator"}
    assert (world["other_draft"].pk in listed) is sees_a
    assert (world["submitted"].pk in listed) is sees_a
    assert (world["draft"].pk in listed) is (sees_a or persona == "partner_c")
    assert (world["b_draft"].pk in listed) is sees_b
    assert world["published"].pk in listed


def _every_page(client, query) -> list[int]:
    seen, response = [], client.get(LIST, query)
    while True:
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()["results"]]
        if not response.json()["next"]:
            return seen
        response = client.get(response.json()["next"])


@pytest.mark.parametrize("persona", ALL)
def test_another_organisations_draft_leaks_through_no_filter_ordering_or_page(
    api_as, world, persona
):
    client = api_as(persona)
    visible = ids(client.get(LIST, {"page_size": 200}))

    for query in [{"q": "draft"}, {"objective": 6}, {"actor_kind": "member-state"}]:
        assert set(_every_page(client, {**query, "page_size": 1})) <= visible
    for ordering in ["title", "-title", "updated_at", "-pk"]:
        pages = _every_page(client, {"ordering": ordering, "page_size": 1})
        assert sorted(pages) == sorted(visible), "each visible pledge once, no other"
