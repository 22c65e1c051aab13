from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models import Team
from ..widgets import DateInput

# A report with no period chosen covers this long, up to today.
DEFAULT_PERIOD = timedelta(days=180)
# The validity page's: two years of hires, the first of their check-ins at 90 days.
VALIDITY_PERIOD = timedelta(days=730)
# Dates a report may cover: the date arithmetic of its queries stays far from year 1 and 9999.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
LONGEST_PERIOD_YEARS = 10


class PeriodForm(forms.Form):
    # Without a start, the period runs this long up to its end.
    default_period = DEFAULT_PERIOD

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label=gettext_lazy("Team"),
        empty_label=pgettext_lazy("teams", "All"),
    )
    start = forms.DateField(widget=DateInput(), required=False, label=gettext_lazy("Start"))
    end = forms.DateField(
        widget=DateInput(),
        required=False,
        label=gettext_lazy("End"),
        help_text=gettext_lazy("Left empty: today."),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["start"].help_text = _("Left empty: %(days)s days before the end.") % {
            "days": self.default_period.days
        }

    def clean_start(self):
        return within_reach(self.cleaned_data["start"])

    def clean_end(self):
        return within_reach(self.cleaned_data["end"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - self.default_period
        if data["start"] > data["end"]:
            self.add_error("start", _("The period starts after it ends."))
        elif data["end"] - data["start"] > timedelta(days=366 * LONGEST_PERIOD_YEARS):
            self.add_error(
                "start",
                _("A report covers %(years)s years at most.") % {"years": LONGEST_PERIOD_YEARS},
            )
        else:
            # The fields show the period used, the default one too, rather than stay empty, and
            # the team as chosen however it was spelt ("01" is team 1, not all of them).
            self.data = self.data.copy()
            self.data["start"], self.data["end"] = data["start"], data["end"]
            self.data["team"] = data["team"].pk if data.get("team") else ""
        return data


class HiresPeriodForm(PeriodForm):
    """The period of the hires whose check-ins the validity page reads: longer by default,
    since a hire has a first check-in only after months."""

    default_period = VALIDITY_PERIOD


def within_reach(day):
    if day is not None and not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(
            _("Choose a date from %(earliest)s to %(latest)s.")
            % {"earliest": EARLIEST.year, "latest": LATEST.year},
            code="out_of_reach",
        )
    return day
