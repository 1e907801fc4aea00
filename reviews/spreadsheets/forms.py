"""The site's two forms of the round trip: the upload, read as it is cleaned, and the
confirmation of a preview (its signed token)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.i18n import interpolate_lazy
from reviews.spreadsheets.layout import MAX_BYTES, XLSX_TYPE
from reviews.spreadsheets.reading import read


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Your filled-in spreadsheet"),
        help_text=interpolate_lazy(
            _("The XLSX file downloaded on this page, at most %(size)d MB."),
            {"size": MAX_BYTES // (1024 * 1024)},
        ),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_TYPE}"}),
    )

    def clean_file(self):
        """The file, read (reading.Sheet); a file that cannot be used is this field's error."""
        return read(self.cleaned_data["file"])


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
