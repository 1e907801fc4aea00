"""address() writes what reverse() writes, for ids, numbers and slugs, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from portal.addresses import address


@pytest.mark.parametrize(
    ("viewname", "argument"),
    [
        ("reviews:pledge-detail", 1),
        ("reviews:pledge-detail", 123456789012),
        ("reviews:objective-detail", 23),
        ("reviews:cycle-detail", "imrf-2026"),
        ("actors:actor-detail", "un-network_on-migration"),
    ],
)
def test_address_is_reverse(viewname, argument):
    assert address(viewname, argument) == reverse(viewname, args=[argument])


def test_address_follows_the_script_prefix():
    address("reviews:pledge-detail", 5)  # made once without a prefix
    set_script_prefix("/portal/")
    try:
        assert address("reviews:pledge-detail", 5) == "/portal/pledges/5/"
        assert address("reviews:pledge-detail", 5) == reverse("reviews:pledge-detail", args=[5])
    finally:
        clear_script_prefix()
    assert address("reviews:pledge-detail", 5) == reverse("reviews:pledge-detail", args=[5])


def test_an_argument_that_is_not_plain_goes_through_reverse():
    with pytest.raises(NoReverseMatch):
        address("reviews:pledge-detail", "1/../2")
    with pytest.raises(NoReverseMatch):
        address("actors:actor-detail", "a slug with spaces")
