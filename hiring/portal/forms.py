from django import forms

from ..accounts.forms import TimeZoneField


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField(
        label="Your time zone", help_text="Times on your pages and in our emails are shown in it."
    )
