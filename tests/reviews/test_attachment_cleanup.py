"""A replaced, cleared or deleted attachment leaves the storage once the change commits, and only
then: a change that rolls back keeps the file its pledge still names."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from reviews import services
from reviews.attachments import MediaType
from tests.factories import PledgeFactory, pledge_form_data
from tests.reviews.test_pledge_attachments import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def disk_storage(settings, tmp_path):
    """The default file storage of the portal, on a folder of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pledge_with_file(actor_a):
    pledge = PledgeFactory(lead=actor_a, attachment_name="plan.pdf", attachment_type=MediaType.PDF)
    pledge.attachment.save("plan.pdf", ContentFile(PDF_BYTES), save=True)
    assert Path(pledge.attachment.path).is_file()
    return pledge


def edit(client, pledge, **fields):
    return client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]), {**pledge_form_data(pledge), **fields}
    )


def test_a_replaced_attachment_is_deleted_from_the_storage(
    client, contributor_a, pledge_with_file, django_capture_on_commit_callbacks
):
    old = Path(pledge_with_file.attachment.path)
    client.force_login(contributor_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(
            client, pledge_with_file, attachment=SimpleUploadedFile("new plan.pdf", PDF_BYTES)
        )

    assert response.status_code == 302
    pledge_with_file.refresh_from_db()
    assert pledge_with_file.attachment_name == "new plan.pdf"
    assert Path(pledge_with_file.attachment.path).read_bytes() == PDF_BYTES
    assert not old.exists()


def test_a_cleared_attachment_is_deleted_from_the_storage(
    client, contributor_a, pledge_with_file, django_capture_on_commit_callbacks, disk_storage
):
    old = Path(pledge_with_file.attachment.path)
    client.force_login(contributor_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, pledge_with_file, **{"attachment-clear": "on"})

    assert response.status_code == 302
    pledge_with_file.refresh_from_db()
    assert pledge_with_file.attachment.name == ""
    assert not old.exists()
    assert not [path for path in disk_storage.rglob("*") if path.is_file()]


def test_an_edit_that_keeps_the_attachment_keeps_its_file(
    client, contributor_a, pledge_with_file, django_capture_on_commit_callbacks
):
    kept = Path(pledge_with_file.attachment.path)
    client.force_login(contributor_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, pledge_with_file, title="A new title, the same file")

    assert response.status_code == 302
    pledge_with_file.refresh_from_db()
    assert Path(pledge_with_file.attachment.path) == kept
    assert kept.read_bytes() == PDF_BYTES


def test_a_deleted_pledges_attachment_is_deleted_from_the_storage(
    pledge_with_file, django_capture_on_commit_callbacks
):
    old = Path(pledge_with_file.attachment.path)

    with django_capture_on_commit_callbacks(execute=True):
        pledge_with_file.delete()

    assert not old.exists()


def test_a_replacement_that_rolls_back_keeps_the_file_the_pledge_still_names(
    contributor_a, pledge_with_file, django_capture_on_commit_callbacks
):
    kept = Path(pledge_with_file.attachment.path)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.pledge_update(
            pledge=pledge_with_file,
            by=contributor_a,
            version=pledge_with_file.version,
            data={
                "attachment": SimpleUploadedFile("new.pdf", PDF_BYTES),
                "attachment_name": "new.pdf",
                "attachment_type": MediaType.PDF,
            },
        )
        raise RuntimeError("a later step of the same transaction fails")

    pledge_with_file.refresh_from_db()
    assert Path(pledge_with_file.attachment.path) == kept
    assert kept.read_bytes() == PDF_BYTES
