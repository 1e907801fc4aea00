"""The portal's settings, with the bench's address list (bench.urls: the trivial JSON view)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
