"""Sign-up takes as long for an address that has an account as for a new one.

The slow part of a sign-up is hashing the password, slow by design; a known address must pay for
one too, or the time of the answer tells whether the address has an account. Timing is not
measured here (that would be a flaky timed test): the work is, by counting the hashes.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and new passphrase 42"


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting how many passwords it hashes."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def hashes_for_signup(email) -> int:
    CountingHasher.hashed = 0
    response = Client().post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    return CountingHasher.hashed


def test_signing_up_with_a_known_address_hashes_a_password_as_a_new_sign_up_does(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    VerifiedUserFactory(email="known@example.org")

    new = hashes_for_signup("new@example.org")
    known = hashes_for_signup("known@example.org")

    assert new >= 1
    assert known == new
