"""Pledge attachments in an S3-compatible object store: a round trip through the upload form and
the permission-checking download view against a local S3 endpoint (moto's threaded server)."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from reviews.models import Pledge
from tests.factories import pledge_form_data

pytestmark = pytest.mark.django_db

BUCKET = "portal-attachments"
REGION = "eu-central-1"
KEYS = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def storage_setting_under(**env) -> dict:
    """STORAGES["default"] as portal/settings.py builds it from the given environment."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, portal.settings as s; print(json.dumps(s.STORAGES['default']))",
        ],
        cwd=django_settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "ENV_FILE": os.devnull + ".absent", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def bucket(s3_endpoint, settings):
    """An empty bucket, and the portal's default storage configured for it from the environment."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_setting_under(
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=s3_endpoint,
            AWS_S3_REGION_NAME=REGION,
            **KEYS,
        ),
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_an_attachment_is_stored_privately_in_the_bucket_and_downloads_through_the_portal(
    client, bucket, contributor_a, focal_a
):
    client.force_login(contributor_a)
    upload = SimpleUploadedFile("Work plan.pdf", PDF_BYTES, "application/pdf")

    client.post(
        reverse("reviews:pledge-create"),
        {**pledge_form_data(title="Pledge in the bucket"), "attachment": upload},
    )

    pledge = Pledge.objects.get(title="Pledge in the bucket")
    [stored] = bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == pledge.attachment.name
    assert bucket.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].read() == PDF_BYTES
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert [(g["Grantee"]["Type"], g["Permission"]) for g in grants] == [
        ("CanonicalUser", "FULL_CONTROL")
    ], "only the bucket's owner may read the object"
    assert "X-Amz-Signature=" in pledge.attachment.url
    assert "X-Amz-Expires=300" in pledge.attachment.url

    client.force_login(focal_a)
    download = client.get(reverse("reviews:pledge-attachment", args=[pledge.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Work plan.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_new_file_never_replaces_an_object_of_the_same_name(bucket):
    first = default_storage.save("pledges/same/attachment.pdf", ContentFile(PDF_BYTES))

    second = default_storage.save(first, ContentFile(b"%PDF-1.4 another"))

    assert second != first
    assert bucket.get_object(Bucket=BUCKET, Key=first)["Body"].read() == PDF_BYTES
