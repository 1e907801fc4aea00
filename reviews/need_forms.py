"""The forms of needs: publishing or editing a need, and offering to meet one.

They only turn a post into values; the rules are the model's and reviews.services.needs'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from reviews.forms import WrittenInField
from reviews.models import Need, Objective, ReviewCycle
from reviews.models.needs import DESCRIPTION_MAX, OFFER_MAX, TITLE_MAX, support_list, support_text


class NeedForm(forms.ModelForm):
    language = WrittenInField()
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Objectives"),
        help_text=_("The GCM objectives the support would serve (at least one)."),
    )
    support = forms.MultipleChoiceField(
        choices=Need.Support.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Support sought"),
        help_text=_("Every kind of support that would help (at least one)."),
    )

    class Meta:
        model = Need
        fields = ["title", "description", "language", "objectives", "support", "countries", "cycle"]
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": TITLE_MAX, "data-counter": "true"}),
            "description": forms.Textarea(
                attrs={"rows": 10, "maxlength": DESCRIPTION_MAX, "data-counter": "true"}
            ),
            "countries": forms.SelectMultiple(attrs={"size": 8, "data-chooser": "countries"}),
        }
        help_texts = {
            "description": _("What is needed, for whom, by when, and what would make it met."),
            "countries": _("The countries where support is needed, if any."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = ReviewCycle.objects.all()
        if self.instance.pk:
            self.initial["support"] = support_list(self.instance.support)
        if not self.initial.get("language"):
            self.initial.pop("language", None)

    def clean_support(self) -> str:
        # Stored as "financial,technical" (reviews.models.needs.support_text).
        return support_text(self.cleaned_data["support"])

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class OfferForm(forms.Form):
    actor = forms.ModelChoiceField(
        queryset=Actor.objects.none(),
        label=_("Offer for"),
        empty_label=None,
        help_text=_("The organisation that offers."),
    )
    body = forms.CharField(
        label=_("What you offer"),
        max_length=OFFER_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": OFFER_MAX}),
        help_text=_("What your organisation can bring, and whom to contact."),
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors


class NeedReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
