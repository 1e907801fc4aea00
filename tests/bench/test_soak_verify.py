"""The soak verifier finds acknowledged writes in the database, and names the lost or changed."""

import json

import pytest

from bench.soak import verify
from reviews import services
from tests.factories import CommentFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _comment_write(comment, **changes):
    fields = {"id": comment.pk, "pledge": comment.pledge_id, "body": comment.body}
    return {"kind": "comment", **fields} | changes


def _pledge_write(pledge, **changes):
    fields = {"id": pledge.pk, "version": pledge.version, "title": pledge.title}
    return {"kind": "pledge", **fields, "summary": pledge.summary} | changes


def _edit(pledge, title):
    return services.pledge_update(
        pledge=pledge, by=UserFactory(), version=pledge.version, data={"title": title}
    )


def test_a_comment_and_a_pledge_that_were_saved_pass():
    comment = CommentFactory()
    pledge = PledgeFactory()
    kinds, problems = verify.verify([_comment_write(comment), _pledge_write(_edit(pledge, "A"))])
    assert problems == []
    assert kinds == {"comment": 1, "pledge": 1}


def test_a_missing_comment_fails():
    comment = CommentFactory()
    write = _comment_write(comment)
    comment.delete()
    assert verify.verify([write])[1] == [(write, "missing")]


def test_a_comment_whose_body_changed_fails():
    comment = CommentFactory()
    write = _comment_write(comment, body="What the person typed.")
    [(found, problem)] = verify.verify([write])[1]
    assert found == write
    assert problem.startswith("changed")


def test_every_acknowledged_edit_of_a_pledge_is_in_its_history():
    pledge = _edit(PledgeFactory(), "First title")
    first = _pledge_write(pledge)
    second = _pledge_write(_edit(pledge, "Second title"))
    assert verify.verify([first, second])[1] == []


def test_an_edit_that_was_never_saved_fails():
    pledge = _edit(PledgeFactory(), "Saved title")
    lost = _pledge_write(pledge, version=pledge.version + 1, title="Lost title")
    problems = [problem for _write, problem in verify.verify([lost])[1]]
    assert problems == [
        "no saved version with this title and summary",
        f"pledge is back at version {pledge.version}",
    ]


def test_a_pledge_overwritten_at_the_same_version_fails():
    pledge = _edit(PledgeFactory(), "Acknowledged title")
    write = _pledge_write(pledge)
    type(pledge).objects.filter(pk=pledge.pk).update(title="Silently replaced")
    [(_write, problem)] = verify.verify([write])[1]
    assert problem.startswith("changed")


def test_a_later_unacknowledged_edit_is_not_a_loss():
    pledge = _edit(PledgeFactory(), "Acknowledged")
    write = _pledge_write(pledge)
    _edit(pledge, "Saved, but its answer was lost")
    assert verify.verify([write])[1] == []


def test_a_deleted_pledge_fails():
    pledge = _edit(PledgeFactory(), "Acknowledged")
    write = _pledge_write(pledge)
    pledge.delete()
    assert "missing" in [problem for _write, problem in verify.verify([write])[1]]


def test_the_command_exits_non_zero_and_lists_what_is_missing(tmp_path, capsys):
    kept, lost = CommentFactory(), CommentFactory()
    writes = [_comment_write(kept), _comment_write(lost)]
    lost.delete()
    path = tmp_path / "writes.jsonl"
    path.write_text("".join(json.dumps(write) + "\n" for write in writes))
    assert verify.main(["--writes", str(path)]) == 1
    out = capsys.readouterr().out
    assert "2 acknowledged writes (2 comment); 1 not found as written." in out
    assert f"comment {writes[1]['id']}: missing" in out
    assert f"comment {writes[0]['id']}:" not in out


def test_the_command_exits_zero_when_everything_is_there(tmp_path, capsys):
    path = tmp_path / "writes.jsonl"
    path.write_text(json.dumps(_comment_write(CommentFactory())) + "\n\n")
    assert verify.main(["--writes", str(path)]) == 0
    assert "0 not found as written" in capsys.readouterr().out
