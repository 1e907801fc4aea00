"""FastSelect writes the HTML of Django's Select, without a template per option."""

import pytest
from django import forms
from django.test.html import parse_html

from portal.widgets import FastSelect
from reviews.models import Objective

CHOICES = [
    ("", "Any"),
    ("a", "Alpha & <b>"),
    ("b", "Beta"),
    ("Group", [("c", "Gamma"), ("d", 'De"lta')]),
    (None, "Nothing"),
]


def _same(value, choices=CHOICES, attrs=None):
    django = forms.Select(choices=choices).render("field", value, attrs)
    fast = FastSelect(choices=choices).render("field", value, attrs)
    assert parse_html(fast) == parse_html(django)


@pytest.mark.parametrize("value", [None, "", "a", "c", "d", "missing", ["b"]])
def test_fast_select_renders_as_select(value):
    _same(value)


def test_fast_select_keeps_the_attributes_and_selects_only_the_first_match():
    _same("a", [("a", "One"), ("a", "Again")], attrs={"id": "id_field", "required": True})
    assert FastSelect(choices=[("a", "One"), ("a", "Two")]).render("f", "a").count("selected") == 1


@pytest.mark.django_db
def test_fast_select_renders_model_choices_as_select():
    objective = Objective.objects.order_by("number").first()
    field = forms.ModelChoiceField(Objective.objects.order_by("number"), to_field_name="number")
    fast_field = forms.ModelChoiceField(
        Objective.objects.order_by("number"), to_field_name="number", widget=FastSelect
    )
    value = str(objective.number)
    assert parse_html(fast_field.widget.render("o", value)) == parse_html(
        field.widget.render("o", value)
    )
