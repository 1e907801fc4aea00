"""Sessions write with a CSRF token, tokens without one."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Pledge
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

LIST = reverse("api:pledge-list")


class TestSessionWritesNeedTheCsrfToken:
    def test_a_session_post_without_the_token_is_refused(self, focal_a, actor_a):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(focal_a)

        response = client.post(LIST, {"lead": actor_a.pk, "title": "No token"}, format="json")

        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
        assert not Pledge.objects.filter(title="No token").exists()

    def test_a_session_post_with_the_token_succeeds(self, focal_a, actor_a):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(focal_a)
        client.get(reverse("actors:api-tokens"))  # any page with a form sets the CSRF cookie
        token = client.cookies[settings.CSRF_COOKIE_NAME].value

        response = client.post(
            LIST,
            {"lead": actor_a.pk, "title": "With the token"},
            format="json",
            HTTP_X_CSRFTOKEN=token,
        )

        assert response.status_code == 201
        assert Pledge.objects.get(title="With the token").lead == actor_a

    def test_a_token_needs_no_csrf_token(self, focal_a, actor_a):
        client = token_client(focal_a)
        client.handler.enforce_csrf_checks = True

        response = client.post(LIST, {"lead": actor_a.pk, "title": "By token"}, format="json")

        assert response.status_code == 201
