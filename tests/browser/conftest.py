"""A real Chromium, driven by Playwright, against the live test server."""

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import PledgeFactory, ProgressUpdateFactory

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags for a sandboxed machine: no GPU, no calls to any other host.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop; Django must still allow its ORM in tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open pages in separate browser contexts: one signed-in person each."""
    contexts = []

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def long_pledge(actor_a):
    """A published pledge with a long title, three countries and a progress report: the pages
    that most easily grow wider than a small screen."""
    pledge = PledgeFactory(
        lead=actor_a,
        published=True,
        title="A pledge with a rather long title about recognising the skills of migrant workers",
        countries=["GB", "SN", "FR"],
    )
    ProgressUpdateFactory(pledge=pledge, actor=actor_a)
    return pledge
