"""Attachments: PDF or office documents recognised by content, size-limited, always downloaded."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Pledge
from tests.factories import PledgeFactory, pledge_form_data

pytestmark = pytest.mark.django_db

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPED = {
    "title": "Pledge with a plan",
    "summary": "A summary typed by hand.",
    "contact_name": "Ama Typed",
    "contact_email": "ama.typed@example.org",
    "currency": "XOF",
    "amount": "2500.00",
    "support": "financial",
}


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Plan</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def create_with(client, upload):
    return client.post(
        reverse("reviews:pledge-create"), {**pledge_form_data(**TYPED), "attachment": upload}
    )


def test_a_real_pdf_is_stored_with_its_type_and_downloads_as_an_attachment(
    client, contributor_a, focal_a
):
    client.force_login(contributor_a)

    response = create_with(client, SimpleUploadedFile("Work plan.pdf", PDF_BYTES, "text/html"))

    pledge = Pledge.objects.get(title=TYPED["title"])
    assert response["Location"] == pledge.get_absolute_url()
    assert pledge.attachment_type == "application/pdf"
    assert pledge.attachment_name == "Work plan.pdf"
    assert "Work plan" not in pledge.attachment.name, "the stored name cannot be guessed"
    client.force_login(focal_a)
    download = client.get(reverse("reviews:pledge-attachment", args=[pledge.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Work plan.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_word_document_built_in_memory_is_accepted(client, contributor_a):
    client.force_login(contributor_a)

    create_with(client, SimpleUploadedFile("plan.docx", docx_bytes(), "application/msword"))

    pledge = Pledge.objects.get(title=TYPED["title"])
    assert pledge.attachment_type == DOCX_TYPE
    assert pledge.attachment_name == "plan.docx"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("plan.pdf", EXE_BYTES, "application/pdf"),
        ("plan.svg", SVG_BYTES, "image/svg+xml"),
        ("plan.pdf", b"%PDF", "application/pdf"),  # not the signature "%PDF-"
        ("plan.docx", b"PK\x03\x04 not really a zip", DOCX_TYPE),
    ],
    ids=["executable-renamed-pdf", "svg", "truncated", "broken-zip"],
)
def test_a_file_that_is_not_a_document_is_refused_and_keeps_what_was_typed(
    client, contributor_a, name, content, content_type
):
    client.force_login(contributor_a)

    response = create_with(client, SimpleUploadedFile(name, content, content_type))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["attachment"] == [
        "This file is not a PDF, or a Word, Excel, PowerPoint or OpenDocument file "
        "(its content was checked, not its name)."
    ]
    assert_typed_fields_kept(response)
    assert not Pledge.objects.exists()


def test_a_file_over_the_size_limit_is_refused_and_keeps_what_was_typed(
    client, contributor_a, settings
):
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(contributor_a)

    response = create_with(client, SimpleUploadedFile("big.pdf", PDF_BYTES, "application/pdf"))

    assert response.status_code == 200
    [error] = response.context["form"].errors["attachment"]
    assert "attachments are limited to" in error
    assert_typed_fields_kept(response)
    assert not Pledge.objects.exists()


def test_a_refused_file_on_an_edit_leaves_the_stored_pledge_alone(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, title="Before")
    client.force_login(contributor_a)

    response = client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        {
            **pledge_form_data(pledge, title="After"),
            "attachment": SimpleUploadedFile("x.pdf", EXE_BYTES, "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert response.context["form"]["title"].value() == "After"
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version, pledge.attachment.name) == ("Before", 1, "")


def assert_typed_fields_kept(response):
    form = response.context["form"]
    content = response.content.decode()
    for name, value in TYPED.items():
        assert str(form[name].value()) == value
    assert f'value="{TYPED["title"]}"' in content
    assert f'value="{TYPED["contact_email"]}"' in content
    assert form["description"].value() == pledge_form_data()["description"]
    assert "fair recruitment without fees charged to workers" in content


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 404), ("verified_user", 404), ("focal_b", 404), ("contributor_a", 200)],
)
def test_a_drafts_attachment_is_hidden_from_outsiders(client, as_persona, actor_a, persona, status):
    pledge = PledgeFactory(lead=actor_a)
    pledge.attachment.save("plan.pdf", SimpleUploadedFile("plan.pdf", PDF_BYTES), save=True)
    as_persona(persona)

    response = client.get(reverse("reviews:pledge-attachment", args=[pledge.pk]))

    assert response.status_code == status


def test_a_published_pledges_attachment_is_public(client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, attachment_type="application/pdf")
    pledge.attachment.save("plan.pdf", SimpleUploadedFile("plan.pdf", PDF_BYTES), save=True)

    response = client.get(reverse("reviews:pledge-attachment", args=[pledge.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="attachment.pdf"'


def test_a_pledge_without_attachment_has_nothing_to_download(client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)

    assert client.get(reverse("reviews:pledge-attachment", args=[pledge.pk])).status_code == 404


def test_clearing_the_attachment_forgets_its_name_and_type(client, contributor_a, actor_a):
    pledge = PledgeFactory(
        lead=actor_a, attachment_name="plan.pdf", attachment_type="application/pdf"
    )
    pledge.attachment.save("plan.pdf", SimpleUploadedFile("plan.pdf", PDF_BYTES), save=True)
    client.force_login(contributor_a)

    response = client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        {**pledge_form_data(pledge), "attachment-clear": "on"},
    )

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.attachment.name, pledge.attachment_name, pledge.attachment_type) == ("", "", "")
    assert client.get(reverse("reviews:pledge-attachment", args=[pledge.pk])).status_code == 404
