"""A streamed export is recognisably complete or incomplete: the CSV trailer with its row count,
the JSON array closed only at the end, a failure half-way logged (as the open data page tells)."""

import json

import pytest
from django.urls import reverse

from reviews.exports import sql, streams
from tests.factories import (
    CommentFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    bulk_pledges,
)
from tests.reviews.test_exports import (
    RESOURCES,
    download,
    records,
)

pytestmark = pytest.mark.django_db


# Completeness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_complete_csv_export_ends_with_its_row_count(client, actor_a, resource):
    pledge = PledgeFactory(lead=actor_a, published=True)
    ProgressUpdateFactory(pledge=pledge)
    CommentFactory(pledge=pledge)

    _, body = download(client, resource, "csv")

    assert body.decode().endswith("\r\n# complete: 1 rows\r\n")


def test_an_empty_csv_export_is_complete_too(client):
    _, body = download(client, "pledges", "csv", {"status": "withdrawn"})

    assert body.decode().splitlines()[-1] == "# complete: 0 rows"


class DatabaseGone(Exception):
    pass


def failing_after(monkeypatch, good: int):
    """Make the rows of any export stop with an error after `good` of them, each row fetched
    and sent on its own (one-row batches, every batch flushed) so that the good ones are out."""
    real_batches = sql.batches
    monkeypatch.setattr(sql, "BATCH", 1)
    monkeypatch.setattr(streams, "CHUNK_BYTES", 1)

    def batches(*args, **kwargs):
        for number, batch in enumerate(real_batches(*args, **kwargs)):
            if number == good:
                raise DatabaseGone("connection lost")
            yield batch

    monkeypatch.setattr(sql, "batches", batches)


def streamed_until_failure(response) -> bytes:
    """What a client received before the server aborted the response."""
    chunks = []
    with pytest.raises(DatabaseGone):
        for chunk in response.streaming_content:
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_that_fails_half_way_is_recognisably_incomplete_and_logged(
    client, actor_a, monkeypatch, caplog, fmt
):
    bulk_pledges(5, lead=actor_a, published=True)
    failing_after(monkeypatch, 3)

    response = client.get(reverse("reviews:export", args=["pledges", fmt]))
    assert response.status_code == 200
    body = streamed_until_failure(response)

    if fmt == "csv":
        lines = body.decode().splitlines()
        assert len(lines) == 1 + 3
        assert not any(line.startswith("# complete") for line in lines)
        with pytest.raises(AssertionError, match="no trailer"):
            records("csv", body)
    else:
        assert body.decode().count("\n{") == 3
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    (entry,) = [r for r in caplog.records if r.name == "reviews.exports"]
    assert entry.levelname == "ERROR"
    assert f"The {fmt} export of pledges failed after 3 rows" in entry.getMessage()


def test_an_xlsx_export_that_fails_is_an_error_not_a_truncated_file(client, actor_a, monkeypatch):
    """XLSX is built whole before the first byte is sent: a failure is a plain server error."""
    bulk_pledges(5, lead=actor_a, published=True)
    failing_after(monkeypatch, 3)
    client.raise_request_exception = False

    response = client.get(reverse("reviews:export", args=["pledges", "xlsx"]))

    assert response.status_code == 500


def test_the_open_data_page_tells_how_to_check_an_export_is_complete(client):
    page = client.get(reverse("reviews:open-data")).content.decode()

    assert "# complete: N rows" in page
    assert "not valid JSON" in page
