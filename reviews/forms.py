from django import forms
from django.conf import settings
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from portal.filters import MAX_TEXT
from reviews.attachments import validate_attachment
from reviews.models import (
    GuidingPrinciple,
    Need,
    Objective,
    Pledge,
    ProgressUpdate,
    ReviewCycle,
)
from reviews.models.content_language import writer_language
from reviews.models.pledges import DESCRIPTION_MAX, DESCRIPTION_MIN, EDITABLE_FIELDS
from reviews.result_forms import ActualsMixin
from reviews.site_search.kinds import TYPE_CHOICES


class WrittenInField(forms.ChoiceField):
    """The language a text is written in: one of the six, the writer's interface language
    chosen until they choose another."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Written in"))
        kwargs.setdefault("help_text", _("The language of your text, which readers are shown."))
        kwargs.setdefault("required", False)  # a post without it: the writer's language
        super().__init__(choices=settings.LANGUAGES, initial=writer_language, **kwargs)


def answerable_needs(lead, current_id=None):
    """The needs a pledge of `lead` may answer: open ones of other organisations, and the one it
    answers already (met or closed since, it stays chosen)."""
    needs = Need.objects.open().exclude(actor=lead) if lead is not None else Need.objects.open()
    if current_id is not None:
        needs = needs | Need.objects.filter(pk=current_id)
    return needs.only("title").order_by("title", "pk")


class PledgeForm(forms.ModelForm):
    """A pledge draft. Drafts may be incomplete; submission checks everything (services).

    The pledge's rules are the model's (`Pledge.clean()`, its constraints) and the services' (the
    partners); this form only turns the post into values."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    language = WrittenInField()
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    principles = forms.ModelMultipleChoiceField(
        queryset=GuidingPrinciple.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Actor.objects.accredited(),
        required=False,
        help_text=_("For a joint pledge: the partner organisations. Their focal points confirm."),
        widget=forms.SelectMultiple(attrs={"size": 8, "data-chooser": "partners"}),
    )

    class Meta:
        model = Pledge
        fields = [*EDITABLE_FIELDS, "attachment"]
        widgets = {
            "description": forms.Textarea(
                attrs={
                    "rows": 12,
                    "maxlength": DESCRIPTION_MAX,
                    "data-min-length": DESCRIPTION_MIN,
                    "data-counter": "true",
                }
            ),
            "summary": forms.TextInput(attrs={"data-counter": "true", "maxlength": 300}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "countries": forms.SelectMultiple(attrs={"size": 8, "data-chooser": "countries"}),
            "attachment": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"}
            ),
        }

    # Form fields whose name would shadow a property of the <form> element in the DOM
    # (`form.matches` is the element's own matches() method): posted under another name. The
    # field, its errors and the model keep the name; so does the API.
    HTML_NAMES = {"matches": "answers_pledge"}

    def add_prefix(self, field_name):
        return super().add_prefix(self.HTML_NAMES.get(field_name, field_name))

    def __init__(self, *args, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead or getattr(self.instance, "lead", None)
        if not self.initial.get("language"):  # not recorded before: the writer's, until chosen
            self.initial.pop("language", None)
        self.fields["matches"].queryset = Pledge.objects.answerable().only("title")
        self.fields["cycle"].queryset = ReviewCycle.objects.all()
        # Open needs of other organisations, and the one the pledge answers already.
        self.fields["answers_need"].queryset = answerable_needs(
            self.lead, getattr(self.instance, "answers_need_id", None)
        )
        if self.instance.pk:
            self.fields["matches"].queryset = self.fields["matches"].queryset.exclude(
                pk=self.instance.pk
            )
            self.initial["partners"] = list(
                self.instance.partnerships.values_list("actor_id", flat=True)
            )
            self.initial["version"] = self.instance.version
        if self.lead is not None:
            self.fields["partners"].queryset = Actor.objects.accredited().exclude(pk=self.lead.pk)
        self.fields["description"].help_text = ngettext(
            "Between %(min)d and %(max)d character: what you will do, with whom, for whom, and "
            "how you will know it worked.",
            "Between %(min)d and %(max)d characters: what you will do, with whom, for whom, and "
            "how you will know it worked.",
            DESCRIPTION_MAX,
        ) % {"min": DESCRIPTION_MIN, "max": DESCRIPTION_MAX}

    def full_clean(self):
        self._cleaned = False
        super().full_clean()
        self._cleaned = True
        self._note_dropped_upload()

    def add_error(self, field, error):
        super().add_error(field, error)
        # The views add the services' refusals after cleaning; those drop a file as well.
        if getattr(self, "_cleaned", False):
            self._note_dropped_upload()

    def _note_dropped_upload(self) -> None:
        """A browser cannot keep a chosen file across a re-rendered form: when the form has
        errors and a file was chosen (and not refused itself), say at the file field, and so in
        the error summary, that it must be chosen again."""
        upload = self.files.get(self.add_prefix("attachment")) if self.is_bound else None
        if not upload or not self._errors or "attachment" in self._errors:
            return
        super().add_error(
            "attachment",
            gettext(
                "“%(name)s” was not saved, because of the other errors: choose the file again "
                "before you save."
            )
            % {"name": upload.name},
        )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.attachment_type = validate_attachment(upload)
        return upload

    def service_data(self) -> dict:
        """The cleaned data as the services take it."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if not data.get("language"):  # not given: kept as recorded (the writer's, when new)
            data.pop("language", None)
        upload = data.get("attachment")
        if upload is False:  # "clear" ticked
            data.update(attachment=None, attachment_name="", attachment_type="")
        elif upload and hasattr(upload, "content_type"):
            data.update(attachment_name=upload.name[:200], attachment_type=self.attachment_type)
        else:
            data.pop("attachment", None)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}), max_length=2000
    )


class OptionalReasonForm(ReasonForm):
    """The reason of a moderation action whose service decides whether it needs one."""

    reason = forms.CharField(max_length=2000, required=False)


class ProgressUpdateForm(ActualsMixin, forms.ModelForm):
    """A progress report, with a value for each of the pledge's indicators it measured."""

    actor = forms.TypedChoiceField(coerce=int, label=_("Reported on behalf of"))
    language = WrittenInField()

    class Meta:
        model = ProgressUpdate
        fields = ["date", "stage", "narrative", "language"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "narrative": forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
        }

    def __init__(self, *args, actors, pledge=None, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [(a.pk, a.name) for a in actors]
        self.order_fields(["actor", "date", "stage", "narrative", "language"])
        self.add_actual_fields(pledge, indicators)

    def clean(self):
        cleaned = super().clean()
        if self.indicators:
            self.clean_actuals(cleaned)
        return cleaned


class SiteSearchForm(forms.Form):
    """The words and the type of result of the site search (reviews.site_search); the pledge
    list's filters beside them are read by its own FilterSet."""

    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.SearchInput,
        help_text=_(
            'Every word must occur; "a phrase" as written; -word to leave a word out; or '
            "between alternatives."
        ),
    )
    type = forms.ChoiceField(
        label=_("Type of result"),
        required=False,
        choices=[("", _("Any type")), *TYPE_CHOICES],
    )
