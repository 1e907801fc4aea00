"""SMTP servers on loopback that never answer, or refuse: the edge of the world for mail."""

import socket

import pytest


@pytest.fixture
def silent_smtp_port():
    """A loopback server that takes connections and never says a word: the kernel completes the
    handshake (the socket listens), but nobody ever sends the SMTP greeting."""
    previous = socket.getdefaulttimeout()
    # Should the mailer have no timeout of its own, the test fails after 5 s instead of hanging.
    socket.setdefaulttimeout(5)
    with socket.create_server(("127.0.0.1", 0), backlog=8) as server:
        yield server.getsockname()[1]
    socket.setdefaulttimeout(previous)


@pytest.fixture
def refused_smtp_port():
    """A loopback port nobody listens on: every connection is refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return port
