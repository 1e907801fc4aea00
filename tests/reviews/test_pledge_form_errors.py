"""The pledge form as people meet it: an error summary that lists and links every error, a chosen
file that the form says must be chosen again, searchable choosers, and field names that do not
shadow the form element's own properties."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Pledge
from tests.factories import PledgeFactory, pledge_form_data

pytestmark = pytest.mark.django_db

CREATE = reverse("reviews:pledge-create")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def summary_of(html: str) -> str:
    match = re.search(r'<div class="form-errors error-summary".*?</div>', html, re.S)
    assert match, "the page has an error summary"
    return match.group(0)


def test_the_summary_lists_every_error_with_a_link_to_its_field(client, contributor_a):
    client.force_login(contributor_a)
    data = pledge_form_data(title="", contact_email="not an address", start_date="soon")

    response = client.post(CREATE, data)

    html = response.content.decode()
    summary = summary_of(html)
    form = response.context["form"]
    assert set(form.errors) == {"title", "contact_email", "start_date"}
    for name in form.errors:
        field = form[name]
        assert f'href="#{field.auto_id}"' in summary
        assert f'id="{field.auto_id}"' in html, "the link leads to the field"
        for error in field.errors:
            assert error.replace("'", "&#x27;") in summary
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert "autofocus" not in html


def test_the_summary_lists_errors_of_the_whole_form(client, contributor_a, monkeypatch):
    from django.core.exceptions import ValidationError

    from reviews import services

    def refuse(**kwargs):
        raise ValidationError("The review cycle is closed for new pledges.")

    monkeypatch.setattr(services, "pledge_create", refuse)
    client.force_login(contributor_a)

    response = client.post(CREATE, pledge_form_data())

    assert "The review cycle is closed for new pledges." in summary_of(response.content.decode())


def test_a_chosen_file_must_be_chosen_again_when_another_field_has_an_error(client, contributor_a):
    client.force_login(contributor_a)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")

    response = client.post(CREATE, {**pledge_form_data(title=""), "attachment": upload})

    form = response.context["form"]
    notice = form.errors["attachment"][0]
    assert "“plan.pdf” was not saved" in notice and "choose the file again" in notice
    html = response.content.decode()
    assert "choose the file again" in summary_of(html)
    assert f'href="#{form["attachment"].auto_id}"' in summary_of(html)
    assert not Pledge.objects.exists()


def test_a_file_alone_is_saved_without_a_notice(client, contributor_a):
    client.force_login(contributor_a)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")

    response = client.post(CREATE, {**pledge_form_data(), "attachment": upload})

    assert response.status_code == 302
    assert Pledge.objects.get().attachment_name == "plan.pdf"


def test_without_a_file_an_error_adds_no_file_notice(client, contributor_a):
    client.force_login(contributor_a)

    response = client.post(CREATE, pledge_form_data(title=""))

    assert "attachment" not in response.context["form"].errors


def test_countries_and_partners_are_marked_as_searchable_choosers(client, contributor_a):
    client.force_login(contributor_a)

    html = client.get(CREATE).content.decode()

    assert re.search(r'<select name="countries"[^>]*data-chooser="countries"[^>]*multiple', html)
    assert re.search(r'<select name="partners"[^>]*data-chooser="partners"[^>]*multiple', html)


def test_the_answered_pledge_is_posted_under_a_name_that_shadows_nothing(
    client, contributor_a, actor_b
):
    answered = PledgeFactory(lead=actor_b, published=True, title="Answer me")
    client.force_login(contributor_a)

    html = client.get(CREATE).content.decode()
    response = client.post(CREATE, pledge_form_data(kind="matching", matches=answered.pk))

    assert 'name="answers_pledge"' in html and 'name="matches"' not in html
    assert response.status_code == 302
    assert (
        Pledge.objects.get(lead__in=contributor_a.memberships.values("actor")).matches == answered
    )
