from datetime import timedelta

from django import forms
from django.utils import timezone

from ..models import Team

# A report with no period chosen covers this long, up to today.
DEFAULT_PERIOD = timedelta(days=180)


class PeriodForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All")
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - DEFAULT_PERIOD
        if data["start"] > data["end"]:
            self.add_error("start", "The period starts after it ends.")
        return data
