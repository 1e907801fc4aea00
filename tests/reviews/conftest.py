"""Shared by the export tests (a conversation with every kind of content the site hides) and the
search tests (a library of pledges holding the searched words in different columns)."""

import pytest
from django.utils import timezone

from reviews.models import Objective, Pledge
from tests.factories import (
    PLEDGE_DESCRIPTION,
    ActorFactory,
    CommentFactory,
    PledgeFactory,
    ProgressUpdateFactory,
)

S = Pledge.Status


@pytest.fixture
def conversation(db):
    """Public and private pledges, comments and updates; each private text has a marker."""
    public = PledgeFactory(published=True, title="Open pledge")
    withdrawn = PledgeFactory(published=True, status=S.WITHDRAWN, title="Withdrawn pledge")
    private = [
        PledgeFactory(status=status, title=f"secret-pledge-{status}")
        for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED)
    ]
    update = ProgressUpdateFactory(pledge=public, narrative="Shown progress")
    hidden_update = ProgressUpdateFactory(pledge=public, is_hidden=True, narrative="secret-update")
    on_draft_update = ProgressUpdateFactory(pledge=private[0], narrative="secret-draft-update")
    deleted = CommentFactory(pledge=public, deleted_at=timezone.now(), body="secret-deleted")
    hidden = CommentFactory(pledge=public, is_hidden=True, body="secret-hidden")
    shown = [
        CommentFactory(pledge=public, body="Shown on the pledge"),
        CommentFactory(pledge=withdrawn, body="Shown on the withdrawn pledge"),
        CommentFactory(pledge=None, objective=Objective.objects.get(number=7), body="Shown"),
        CommentFactory(pledge=None, progress_update=update, body="Shown on the update"),
        CommentFactory(pledge=public, parent=deleted, body="Shown reply to a deleted comment"),
    ]
    CommentFactory(pledge=private[0], body="secret-on-draft")
    CommentFactory(pledge=None, progress_update=hidden_update, body="secret-on-hidden-update")
    CommentFactory(pledge=None, progress_update=on_draft_update, body="secret-on-draft-update")
    return {
        "pledges": {public.pk, withdrawn.pk},
        "withdrawn": withdrawn.pk,
        "comments": {comment.pk for comment in shown},
        "hidden": hidden,
        "deleted": deleted,
        "draft": private[0],
        "progress-updates": {update.pk, ProgressUpdateFactory(pledge=withdrawn).pk},
    }


@pytest.fixture
def library(db):
    """Published pledges that hold the searched words in different columns, a withdrawn one, and
    a pledge in every non-public state holding all the words."""
    wombat = ActorFactory(name="Wombat Relief Network", short_name="WRN", slug="wombat")
    made = {
        "title": PledgeFactory(
            published=True, title="Quokka shelters on the coast", summary="Safe housing."
        ),
        "summary": PledgeFactory(
            published=True, title="Harbour clinics", summary="Quokka clinics at every port."
        ),
        "description": PledgeFactory(
            published=True,
            title="Border monitoring",
            summary="Monitors crossings.",
            description=f"{PLEDGE_DESCRIPTION} It counts each quokka met on the way.",
        ),
        "lead": PledgeFactory(
            published=True, lead=wombat, title="Dignified return", summary="Reintegration."
        ),
        "withdrawn": PledgeFactory(
            published=True, status=S.WITHDRAWN, title="Numbat lanterns", summary="Lights."
        ),
    }
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED):
        PledgeFactory(
            status=status,
            lead=wombat,
            title=f"Quokka numbat shelters clinics {status}",
            summary="Quokka clinics at every port.",
        )
    return made
