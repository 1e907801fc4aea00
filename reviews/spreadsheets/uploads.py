"""An upload kept between its preview and its confirmation: in the default storage (private:
read back only here), under a random name, for an hour at most. The page carries a token signed
for the person, naming the file and the preview's digest; nothing else about it is trusted
from the browser. Files left unconfirmed are pruned as new uploads arrive."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PREFIX = "private/spreadsheet-uploads/"
KEEP_SECONDS = 60 * 60
SALT = "reviews.spreadsheets.upload"
STAMP = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class Kept:
    name: str
    content: bytes
    digest: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _prune() -> None:
    """Delete the files older than KEEP_SECONDS (their tokens have expired)."""
    try:
        _, names = default_storage.listdir(PREFIX)
    except FileNotFoundError:
        return
    oldest = (_now() - dt.timedelta(seconds=KEEP_SECONDS)).strftime(STAMP)
    for name in names:
        if name[: len(oldest)] < oldest:
            default_storage.delete(PREFIX + name)


def token_for(user, name: str, digest: str) -> str:
    return signing.dumps({"user": user.pk, "name": name, "digest": digest}, salt=SALT)


def keep(user, content: bytes, digest: str) -> str:
    """Store the upload; returns the token that confirms it."""
    _prune()
    name = f"{PREFIX}{_now().strftime(STAMP)}-{secrets.token_hex(16)}.xlsx"
    name = default_storage.save(name, ContentFile(content))
    return token_for(user, name, digest)


def fetch(user, token: str) -> Kept | None:
    """The upload a token names, for the person it was signed for; None when it is not theirs,
    has expired, or was confirmed already."""
    try:
        found = signing.loads(token, salt=SALT, max_age=KEEP_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(found, dict) or found.get("user") != user.pk:
        return None
    name, digest = found.get("name"), found.get("digest")
    if not isinstance(name, str) or not name.startswith(PREFIX) or ".." in name:
        return None
    try:
        with default_storage.open(name, "rb") as file:
            content = file.read()
    except FileNotFoundError:
        return None
    return Kept(name=name, content=content, digest=str(digest))


def forget(name: str) -> None:
    default_storage.delete(name)
