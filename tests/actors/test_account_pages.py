"""Every django-allauth page (sign-up, sign-in, passwords, e-mail, two-factor, sessions) is a page
of the portal: its layout, its form fields (labels, help and errors tied to each field), its CSS —
none of allauth's unstyled default markup."""

from html.parser import HTMLParser

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import get_resolver, reverse

from tests.factories import VerifiedUserFactory, give_mfa, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Page(HTMLParser):
    """The elements of a page, each with its attributes, its ancestors and its text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self._open = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "ancestors": list(self._open), "text": ""}
        element["parents"] = [e["tag"] for e in self._open]
        element["in_main"] = any(e["attrs"].get("id") == "content" for e in self._open)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag=None, **attrs):
        return [
            e
            for e in self.elements
            if (tag is None or e["tag"] == tag)
            and all(e["attrs"].get(k) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id):
        found = self.find(id=element_id)
        return found[0] if found else None


def shows_controls(page, form):
    """Whether a form has anything to see (a form of hidden fields only is the target of a
    button elsewhere, e.g. "Cancel" on the second step of signing in)."""
    return any(
        form in e["ancestors"] and e["tag"] in {"button", "input", "select", "textarea"}
        for e in page.elements
        if e["attrs"].get("type") != "hidden"
    )


def assert_portal_page(response):
    """The page has the site's layout and allauth's elements rendered the site's way."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    page = Page(html)
    # The site's layout: skip link, header with its navigation, main, footer, stylesheet.
    assert page.find("a", **{"class": "skip-link", "href": "#content"})
    assert page.find("header", **{"class": "site-header"})
    assert page.find("nav", **{"aria-label": "Main"})
    assert page.find("main", id="content")
    assert page.find("footer", **{"class": "site-footer"})
    assert any(e["attrs"].get("href", "").endswith("css/portal.css") for e in page.find("link"))
    assert page.find("title")[0]["text"].strip().endswith("· GCM Review Portal")
    # None of allauth's default layout or elements.
    assert "Menu:" not in html and "Messages:" not in html
    main = [e for e in page.elements if e["in_main"]]
    assert [e for e in main if e["tag"] == "h1"], "an account page has a heading"
    for element in main:
        tag, attrs = element["tag"], element["attrs"]
        if tag == "table" or (tag == "form" and shows_controls(page, element)):
            assert attrs.get("class"), f"unstyled <{tag}>"
        if tag in {"input", "select", "textarea", "label"}:
            assert "p" not in element["parents"], f"<{tag}> laid out by form.as_p()"
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
        }:
            assert attrs.get("id") and page.find("label", **{"for": attrs["id"]}), (
                f"<{tag} name={attrs.get('name')}> has no label"
            )
        for described_by in attrs.get("aria-describedby", "").split():
            assert page.by_id(described_by), f"aria-describedby names a missing {described_by}"
    return page


def assert_errors_tied_to_fields(response, *names):
    """Each named field is marked invalid and described by an element holding its error."""
    page = Page(response.content.decode())
    for name in names:
        (field,) = [e for e in page.find(name=name) if e["tag"] in {"input", "textarea"}]
        assert field["attrs"].get("aria-invalid") == "true", name
        described = [page.by_id(i) for i in field["attrs"].get("aria-describedby", "").split()]
        errors = [e for e in described if e and e["attrs"].get("id", "").endswith("_error")]
        assert errors and errors[0]["text"].strip(), f"{name}: no error tied to the field"


def sign_in(client, user, secret=None):
    """Sign in through the forms, as a person does, and confirm the password again, as the
    e-mail, password and two-factor pages ask."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if secret:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.status_code
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.status_code


ANONYMOUS_PAGES = [
    ("account_login", {}),
    ("account_signup", {}),
    ("account_reset_password", {}),
    ("account_reset_password_done", {}),
    ("account_email_verification_sent", {}),
    ("account_inactive", {}),
    ("account_reset_password_from_key", {"uidb36": "zz", "key": "not-a-key"}),
    ("account_reset_password_from_key_done", {}),
    ("account_confirm_email", {"key": "not-a-key"}),
]
SIGNED_IN_PAGES = [
    "account_logout",
    "account_email",
    "account_change_password",
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "usersessions_list",
]
MFA_PAGES = [
    "mfa_index",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
]
# Pages that are not HTML pages of their own, or that these settings switch off.
NOT_PAGES = {
    "account_set_password": "redirects to the password change once a password is set",
    "account_confirm_login_code": "sign-in by code is off",
    "mfa_download_recovery_codes": "a text file",
    "mfa_authenticate": "the second step of signing in, tested on its own below",
}


def test_every_allauth_page_is_checked_here():
    allauth_names = {
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and name.startswith(("account_", "mfa_", "usersessions_"))
    }
    checked = (
        {name for name, _ in ANONYMOUS_PAGES}
        | set(SIGNED_IN_PAGES)
        | set(MFA_PAGES)
        | set(NOT_PAGES)
    )
    assert allauth_names - checked == set()


@pytest.mark.parametrize(("name", "kwargs"), ANONYMOUS_PAGES)
def test_anonymous_account_pages_use_the_site_layout(client, name, kwargs):
    assert_portal_page(client.get(reverse(name, kwargs=kwargs)))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_account_pages_use_the_site_layout_and_account_navigation(client, name):
    user = VerifiedUserFactory()
    sign_in(client, user)

    page = assert_portal_page(client.get(reverse(name)))

    if name != "account_reauthenticate":
        assert page.find("nav", **{"aria-label": "Your account"})


@pytest.mark.parametrize("name", MFA_PAGES)
def test_two_factor_pages_use_the_site_layout(client, name):
    user = VerifiedUserFactory()
    secret = give_mfa(user)
    RecoveryCodes.activate(user)
    sign_in(client, user, secret)

    assert_portal_page(client.get(reverse(name)))


def test_the_second_step_of_signing_in_uses_the_site_layout(client):
    user = VerifiedUserFactory()
    give_mfa(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    page = assert_portal_page(client.get(reverse("mfa_authenticate")))

    assert page.find("input", name="code")


def test_signup_shows_labels_help_and_the_password_rules_as_a_list(client):
    page = assert_portal_page(client.get(reverse("account_signup")))

    for name in ["email", "display_name", "password1", "password2"]:
        (field,) = page.find("input", name=name)
        assert page.find("label", **{"for": field["attrs"]["id"]})
    (password,) = page.find("input", name="password1")
    help_ = page.by_id(password["attrs"]["aria-describedby"])
    assert help_["tag"] == "div" and "li" in [
        e["tag"] for e in page.elements if help_["tag"] in e["parents"]
    ]


def test_signup_errors_are_tied_to_their_fields(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not an address", "display_name": "Member 3", "password1": "x", "password2": "y"},
    )

    assert_portal_page(response)
    assert_errors_tied_to_fields(response, "email", "display_name", "password1")


def test_login_errors_show_in_the_site_form(client):
    user = VerifiedUserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    page = assert_portal_page(response)
    assert page.find("div", **{"class": "form-errors", "role": "alert"}) or page.find(role="alert")


def test_password_change_errors_are_tied_to_their_fields(client):
    user = VerifiedUserFactory()
    sign_in(client, user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "a brand new horse 2031", "password2": "other"},
    )

    assert_portal_page(response)
    assert_errors_tied_to_fields(response, "oldpassword", "password2")


def test_email_change_error_is_tied_to_its_field(client):
    user = VerifiedUserFactory()
    sign_in(client, user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "nope"})

    assert_portal_page(response)
    assert_errors_tied_to_fields(response, "email")


def test_a_wrong_authenticator_code_is_tied_to_its_field(client):
    user = VerifiedUserFactory()
    sign_in(client, user)

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert_portal_page(response)
    assert_errors_tied_to_fields(response, "code")
