"""The forms of measured results: a result with its indicators, and the actual values a progress
report gives. They turn a post into values; the rules are the models' and the services'
(reviews.services.results), which check everything again when they save."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reviews.models import ExpectedResult, FrameworkIndicator, Indicator
from reviews.services.results import INDICATOR_FIELDS, MAX_INDICATORS, actuals_of

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResultForm(forms.ModelForm):
    class Meta:
        model = ExpectedResult
        fields = ["statement"]
        widgets = {"statement": forms.TextInput(attrs={"maxlength": 300})}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {
            "baseline_date": DATE,
            "target_date": DATE,
            "currency": forms.TextInput(attrs={"size": 4, "maxlength": 3}),
        }
        help_texts = {
            "baseline_value": _("For yes or no: 1 for yes, 0 for no."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = FrameworkIndicator.objects.only("framework", "code", "name")
        self.fields["framework_indicator"].queryset = choices
        self.fields["framework_indicator"].help_text = (
            _("One of the curated indicator frameworks, when the indicator is theirs.")
            if choices.exists()
            else _("No indicator framework has been curated yet.")
        )

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data.get(name) for name in INDICATOR_FIELDS}
        fields["currency"] = fields["currency"] or ""
        if self.instance.pk:
            fields["id"] = self.instance.pk
        return fields


IndicatorFormSet = forms.inlineformset_factory(
    ExpectedResult,
    Indicator,
    form=IndicatorForm,
    extra=1,
    can_delete=True,
    max_num=MAX_INDICATORS,
    validate_max=True,
)


def indicators_given(formset) -> list[dict]:
    """The indicators the formset keeps, in its order, as the service takes them."""
    kept = []
    for form in formset.forms:
        if formset._should_delete_form(form):
            continue
        if form.instance.pk or form.has_changed():  # a new row left blank is no indicator
            kept.append(form.service_fields())
    return kept


class ActualsMixin:
    """The actual values of a progress report: a field per indicator of the pledge, and the
    period they cover (ending on the report's date unless said)."""

    def add_actual_fields(self, pledge, indicators) -> None:
        self.pledge = pledge
        self.indicators = list(indicators)
        self.actuals: list[dict] = []
        if not self.indicators:
            return
        self.fields["period_start"] = forms.DateField(
            label=_("Period from"),
            required=False,
            widget=DATE,
            help_text=_("The first day the values below cover."),
        )
        self.fields["period_end"] = forms.DateField(
            label=_("Period to"),
            required=False,
            widget=DATE,
            help_text=_("The last day they cover: the report's date if left empty."),
        )
        for indicator in self.indicators:
            label = gettext("Value reached: %(indicator)s") % {"indicator": indicator.name}
            if indicator.unit == Indicator.Unit.YES_NO:
                field = forms.TypedChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "—"), ("1", gettext("yes")), ("0", gettext("no"))],
                    coerce=int,
                    empty_value=None,
                )
            else:
                field = forms.DecimalField(
                    label=label, required=False, max_digits=18, decimal_places=4
                )
                field.help_text = indicator.get_unit_display() + (
                    f" ({indicator.currency})" if indicator.currency else ""
                )
            self.fields[self.actual_name(indicator)] = field

    @staticmethod
    def actual_name(indicator) -> str:
        return f"actual_{indicator.pk}"

    def clean_actuals(self, cleaned: dict) -> None:
        given, names = [], []
        for indicator in self.indicators:
            value = cleaned.get(self.actual_name(indicator))
            if value is None:
                continue
            given.append(
                {
                    "indicator": indicator.pk,
                    "value": value,
                    "period_start": cleaned.get("period_start"),
                    "period_end": cleaned.get("period_end"),
                }
            )
            names.append(self.actual_name(indicator))
        self.actuals = given
        _values, problems = actuals_of(self.pledge, given, date=cleaned.get("date"))
        for name, errors in zip(names, problems, strict=True):
            for field, messages in errors.items():
                target = "period_end" if field == "period_end" else name
                for message in messages:
                    if message not in self.errors.get(target, []):
                        self.add_error(target, message)
