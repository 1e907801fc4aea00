"""The name others see: asked at sign-up (optional, encouraged), validated as on the profile."""

import pytest
from django.core import mail
from django.urls import reverse

from actors.forms import ProfileForm, SignupForm
from actors.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a brand new horse 2031"


def signup(client, email, **fields):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **fields},
    )


def test_signup_page_asks_for_the_name_others_see_and_says_so(client):
    response = client.get(reverse("account_signup"))

    form = response.context["form"]
    assert list(form.fields)[:2] == ["email", "display_name"]
    assert not form.fields["display_name"].required
    page = response.content.decode()
    assert 'name="display_name"' in page
    assert "Others see it beside what you write" in page


def test_signup_saves_the_display_name_on_the_new_user(client):
    response = signup(client, "newcomer@example.org", display_name="  Nadia Newcomer ")

    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.org")
    assert user.display_name == "Nadia Newcomer"
    assert user.public_name == "Nadia Newcomer"
    assert len(mail.outbox) == 1


def test_signup_without_a_name_still_creates_the_account(client):
    response = signup(client, "nameless@example.org")

    assert response.status_code == 302
    user = User.objects.get(email="nameless@example.org")
    assert user.display_name == ""
    assert user.public_name == f"Member {user.pk}"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("x" * 151, "at most 150 characters"),
        ("Member 12", "The portal uses this name for others"),
        ("former member", "The portal uses this name for others"),
        ("nadia@example.org", "not an e-mail address"),
    ],
)
def test_signup_refuses_a_name_the_profile_refuses_and_keeps_what_was_typed(client, name, error):
    response = signup(client, "newcomer@example.org", display_name=name)

    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["display_name"])
    assert f'value="{name}"' in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.org").exists()
    assert (
        ProfileForm({"display_name": name}).errors["display_name"]
        == (response.context["form"].errors["display_name"])
    )


def test_names_that_merely_resemble_reserved_ones_are_accepted():
    for name in ["Membership Officer 2", "Ann @ UNHCR", "Memberson"]:
        assert ProfileForm({"display_name": name}).is_valid(), name


def test_profile_and_signup_share_one_field_definition():
    profile = ProfileForm.base_fields["display_name"]
    signup_field = SignupForm.base_fields["display_name"]

    assert (profile.label, profile.help_text, profile.max_length) == (
        signup_field.label,
        signup_field.help_text,
        signup_field.max_length,
    )
    assert profile.required and not signup_field.required
