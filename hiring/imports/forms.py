from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from . import imports


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "At most %(megabytes)s MB and %(rows)s candidates, with a header row."
        ) % {
            "megabytes": settings.CANDIDATE_IMPORT_MAX_BYTES // (1024 * 1024),
            "rows": settings.CANDIDATE_IMPORT_MAX_ROWS,
        }
        self.table = None

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit = settings.CANDIDATE_IMPORT_MAX_BYTES
        if file.size > limit:
            raise ValidationError(
                gettext("This file is too large: at most %(megabytes)s MB.")
                % {"megabytes": limit // (1024 * 1024)}
            )
        self.table = imports.read_csv(file.read())
        return file
