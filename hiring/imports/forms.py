from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from . import imports


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"At most {settings.CANDIDATE_IMPORT_MAX_BYTES // (1024 * 1024)} MB and "
            f"{settings.CANDIDATE_IMPORT_MAX_ROWS} candidates, with a header row."
        )
        self.table = None

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit = settings.CANDIDATE_IMPORT_MAX_BYTES
        if file.size > limit:
            raise ValidationError(f"This file is too large: at most {limit // (1024 * 1024)} MB.")
        self.table = imports.read_csv(file.read())
        return file
