"""Form widgets that render in Python what Django renders through templates.

Django's `Select` renders one template include per option (and another for its attributes): the
pledge list's filter form, with 250 countries and every objective, principle and cycle, spent
more time in those includes than the rest of the page together. The HTML is the same.
"""

import html

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _escape(text) -> str:
    """conditional_escape() without its lazy-string wrapper (the same HTML: html.escape)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class FastSelect(forms.Select):
    """A `Select` rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        # As ChoiceWidget.optgroups() and Select's templates, without a dict per option: the
        # first option whose value is the field's is selected; a choice whose label is a list
        # is an <optgroup>.
        chosen = self.format_value(value)
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        parts = [f'<select name="{conditional_escape(name)}"{attributes}>']
        has_selected = False
        for option_value, option_label in self.choices:
            group = isinstance(option_label, (list, tuple))
            if group:
                parts.append(format_html('\n  <optgroup label="{}">', option_value))
            for subvalue, sublabel in option_label if group else ((option_value, option_label),):
                text = "" if subvalue is None else str(subvalue)
                selected = not has_selected and text in chosen
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_escape(text)}"'
                    f"{' selected' if selected else ''}>{_escape(sublabel)}</option>"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped
