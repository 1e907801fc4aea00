"""The filter forms say what each filter is, the same before and after the API schema is built."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LISTS = ["reviews:pledge-list", "actors:actor-list"]


def _labels(client, name) -> dict[str, str]:
    form = client.get(reverse(name)).context["filter"].form
    return {field.name: str(field.label) for field in form}


@pytest.mark.parametrize("name", LISTS)
def test_every_filter_has_a_label_that_the_schema_does_not_change(client, name):
    before = _labels(client, name)

    assert client.get(reverse("api:schema")).status_code == 200
    after = _labels(client, name)

    assert after == before
    assert all(label and "invalid name" not in label for label in after.values()), after
