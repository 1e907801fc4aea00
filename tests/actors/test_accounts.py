"""Accounts from the person's side: sign-up, sign-in, passwords, e-mail, profile, deletion and
on whose behalf they act. The forms answer alike whether or not an address is known."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from actors.models import Membership, User
from tests.factories import UserFactory, VerifiedUserFactory, give_mfa

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a brand new horse 2031"
PER_REQUEST = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message):
    """The path of the first link in an e-mail."""
    return urlsplit(re.search(r"https?://\S+", message.body).group()).path


def signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def page_text(response, *addresses):
    """The page without what legitimately differs: the CSRF token, the CSP nonce and the
    address typed."""
    text = PER_REQUEST.sub("", response.content.decode())
    for address in addresses:
        text = text.replace(address, "<address>")
    return text


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Sign-up, verification, sign-in, sign-out


def test_signup_sends_a_link_that_verifies_the_address_and_signs_in(client):
    response = signup(client, "newcomer@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.org"]
    confirm_url = link_in(mail.outbox[0])

    assert client.get(confirm_url).status_code == 200  # confirming needs a POST
    confirmed = client.post(confirm_url)

    user = User.objects.get(email="newcomer@example.org")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("actors:my-organisations")
    assert signed_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_unverified_user_is_sent_to_verification_instead_of_signed_in(client):
    user = UserFactory(email="unverified@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = sign_in(client, "unverified@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("actors:security")).status_code == 302
    assert [m.to for m in mail.outbox] == [["unverified@example.org"]]


def test_sign_in_accepts_the_email_in_any_case(client):
    user = VerifiedUserFactory(email="mixed.case@example.org")

    response = sign_in(client, "Mixed.CASE@Example.ORG")

    assert response.status_code == 302
    assert response["Location"] == reverse("actors:my-organisations")
    assert signed_in_user_id(client) == str(user.pk)


def test_logout_by_get_only_asks_and_post_signs_out(client, verified_user):
    client.force_login(verified_user)

    asked = client.get(reverse("account_logout"))

    assert asked.status_code == 200
    assert signed_in_user_id(client) == str(verified_user.pk)

    done = client.post(reverse("account_logout"))

    assert done.status_code == 302
    assert signed_in_user_id(client) is None


# Passwords


def test_password_reset_link_sets_a_new_password_that_works(client, verified_user):
    response = client.post(reverse("account_reset_password"), {"email": verified_user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [verified_user.email]
    key_url = client.get(link_in(mail.outbox[0]))["Location"]  # the key moves to the session
    reset = client.post(key_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert reset.status_code == 302
    assert reset["Location"] == reverse("account_reset_password_from_key_done")
    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD)
    assert sign_in(Client(), verified_user.email, PASSWORD).status_code == 200
    assert sign_in(Client(), verified_user.email, NEW_PASSWORD).status_code == 302


def test_change_password_replaces_the_old_one(client, verified_user):
    client.force_login(verified_user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert not verified_user.check_password(PASSWORD)
    assert sign_in(Client(), verified_user.email, PASSWORD).status_code == 200
    assert sign_in(Client(), verified_user.email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(client) == str(verified_user.pk)  # the current session stays


# Enumeration: the answers never tell whether an address has an account


def test_signup_answers_alike_for_known_and_new_addresses_and_only_the_mailbox_learns_which():
    VerifiedUserFactory(email="known@example.org")
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        client = Client()
        response = signup(client, email)
        page = client.get(response["Location"])
        answers[email] = (response.status_code, response["Location"], page_text(page, email))

    assert answers["known@example.org"] == answers["unknown@example.org"]
    assert answers["known@example.org"][1] == reverse("account_email_verification_sent")
    # One message each, to the address typed: the owner of the known address is told an account
    # already exists (with a reset link); the new address gets its verification link.
    assert User.objects.filter(email__iexact="known@example.org").count() == 1
    known, new = mail.outbox
    assert known.to == ["known@example.org"]
    assert "already exists" in known.subject.lower()
    assert "known@example.org" in known.body
    assert reverse("account_reset_password") in known.body
    assert new.to == ["unknown@example.org"]
    assert reverse("account_confirm_email", args=["KEY"]).removesuffix("KEY/") in new.body


def test_reset_answers_alike_for_known_and_unknown_addresses_and_only_the_mailbox_learns_which():
    VerifiedUserFactory(email="known@example.org")
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        client = Client()
        response = client.post(reverse("account_reset_password"), {"email": email})
        page = client.get(response["Location"])
        answers[email] = (response.status_code, response["Location"], page_text(page, email))

    assert answers["known@example.org"] == answers["unknown@example.org"]
    assert answers["known@example.org"][1] == reverse("account_reset_password_done")
    # The known address gets a reset link; the unknown one is told no account uses it.
    reset_links = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "0", "key": "KEY"}
    ).removesuffix("0-KEY/")
    known, unknown = mail.outbox
    assert known.to == ["known@example.org"]
    assert reset_links in known.body
    assert unknown.to == ["unknown@example.org"]
    assert "unknown account" in unknown.subject.lower()
    assert "unknown@example.org" in unknown.body
    assert reset_links not in unknown.body


# E-mail change


def test_changed_email_is_verified_before_it_becomes_the_login(client, verified_user):
    old_email = verified_user.email
    client.force_login(verified_user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(
        reverse("account_email"), {"email": "moved@example.org", "action_add": ""}
    )

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["moved@example.org"]]
    new_address = EmailAddress.objects.get(email="moved@example.org")
    assert not new_address.verified
    assert not new_address.primary
    verified_user.refresh_from_db()
    assert verified_user.email == old_email
    # The unconfirmed address with the right password only leads to the verification page.
    elsewhere = Client()
    attempt = sign_in(elsewhere, "moved@example.org")
    assert attempt["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(elsewhere) is None
    assert sign_in(Client(), old_email)["Location"] == reverse("actors:my-organisations")

    confirmed = client.post(link_in(mail.outbox[0]))

    assert confirmed.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.email == "moved@example.org"
    assert list(
        EmailAddress.objects.filter(user=verified_user).values_list("email", "primary")
    ) == [("moved@example.org", True)]
    assert sign_in(Client(), "moved@example.org").status_code == 302
    assert sign_in(Client(), old_email).status_code == 200


# Profile and security pages


def test_profile_saves_the_display_name(client, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("actors:profile"), {"display_name": "Vera Renamed"})

    assert response.status_code == 302
    assert response["Location"] == reverse("actors:profile")
    verified_user.refresh_from_db()
    assert verified_user.display_name == "Vera Renamed"


def test_profile_requires_a_display_name(client, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("actors:profile"), {"display_name": ""})

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    verified_user.refresh_from_db()
    assert verified_user.display_name == "Vera Verified"


def test_security_page_shows_mfa_off_then_on(client, verified_user):
    client.force_login(verified_user)

    before = client.get(reverse("actors:security")).content.decode()
    give_mfa(verified_user)
    after = client.get(reverse("actors:security")).content.decode()

    assert "Off — " in before
    assert reverse("mfa_activate_totp") in before
    assert "On — " in after
    assert reverse("mfa_index") in after


# Deleting one's account


def test_delete_account_with_a_wrong_password_deletes_nothing(client, contributor_a):
    client.force_login(contributor_a)

    response = client.post(
        reverse("actors:delete-account"), {"password": "not my password", "confirm": "on"}
    )

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    contributor_a.refresh_from_db()
    assert contributor_a.deleted_at is None
    assert contributor_a.is_active
    assert Membership.objects.filter(user=contributor_a).exists()
    assert signed_in_user_id(client) == str(contributor_a.pk)


def test_delete_account_keeps_an_anonymous_row_that_cannot_sign_in(client, contributor_a):
    email = contributor_a.email
    client.force_login(contributor_a)

    response = client.post(
        reverse("actors:delete-account"), {"password": PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) is None
    contributor_a.refresh_from_db()
    assert contributor_a.deleted_at is not None
    assert str(contributor_a) == "former member"
    assert contributor_a.email != email
    assert not User.objects.filter(email__iexact=email).exists()
    assert not EmailAddress.objects.filter(email__iexact=email).exists()
    assert not Membership.objects.filter(user=contributor_a).exists()
    assert sign_in(Client(), email).status_code == 200


def test_delete_account_needs_the_confirmation_box(client, contributor_a):
    client.force_login(contributor_a)

    response = client.post(reverse("actors:delete-account"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    contributor_a.refresh_from_db()
    assert contributor_a.deleted_at is None


def test_last_focal_point_cannot_delete_their_account(client, focal_a, actor_a):
    client.force_login(focal_a)

    response = client.post(
        reverse("actors:delete-account"), {"password": PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 200
    assert actor_a.name in " ".join(response.context["form"].non_field_errors())
    focal_a.refresh_from_db()
    assert focal_a.deleted_at is None
    assert Membership.objects.filter(user=focal_a, actor=actor_a).exists()


# Acting for an organisation


def test_member_switches_to_act_for_their_organisation(client, contributor_a, actor_a):
    client.force_login(contributor_a)

    response = client.post(reverse("actors:acting-for"), {"actor": actor_a.pk}, follow=True)

    assert client.session["acting_for_actor_id"] == actor_a.pk
    assert response.redirect_chain[-1][0] == reverse("actors:my-organisations")
    # The account menu in the header names the organisation.
    assert f"{contributor_a.public_name} · for {actor_a.short_name}" in response.content.decode()
    assert f"You now act for {actor_a.name}." in message_texts(response)


def test_member_switches_back_to_act_in_their_own_name(client, contributor_a, actor_a):
    client.force_login(contributor_a)
    client.post(reverse("actors:acting-for"), {"actor": actor_a.pk})

    response = client.post(reverse("actors:acting-for"), {"actor": ""}, follow=True)

    assert "acting_for_actor_id" not in client.session
    assert f"· for {actor_a.short_name}" not in response.content.decode()
    assert "You now act in your own name." in message_texts(response)


def test_acting_for_an_organisation_one_does_not_belong_to_is_refused(
    client, contributor_a, actor_b
):
    client.force_login(contributor_a)

    response = client.post(reverse("actors:acting-for"), {"actor": actor_b.pk})

    assert response.status_code == 404
    assert "acting_for_actor_id" not in client.session


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.com/", "//evil.example.com/", "http:/\\evil.example.com", "/\\evil"],
)
def test_acting_for_never_redirects_off_site(client, contributor_a, actor_a, next_url):
    client.force_login(contributor_a)

    response = client.post(reverse("actors:acting-for"), {"actor": actor_a.pk, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("actors:my-organisations")


def test_acting_for_follows_a_next_url_on_the_portal(client, contributor_a, actor_a):
    client.force_login(contributor_a)
    next_url = reverse("actors:actor-detail", args=[actor_a.slug])

    response = client.post(reverse("actors:acting-for"), {"actor": actor_a.pk, "next": next_url})

    assert response["Location"] == next_url
