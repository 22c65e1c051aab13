from django import forms
from django.utils.translation import gettext_lazy as _

from ..accounts.forms import TimeZoneField


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField(
        label=_("Your time zone"),
        help_text=_("Times on your pages and in our emails are shown in it."),
    )
