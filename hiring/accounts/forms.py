import zoneinfo

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..models import Organisation, User

TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class TimeZoneSelect(forms.Select):
    """The 600 time zones written in one go: Django's template per option takes some 25 ms."""

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (zone, mark_safe(" selected") if zone == value else "", label)
                for zone, label in self.choices
            ),
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)


class TimeZoneField(forms.ChoiceField):
    widget = TimeZoneSelect

    def __init__(self, detect_browser_zone=False, **kwargs):
        super().__init__(choices=TIME_ZONE_CHOICES, initial="UTC", **kwargs)
        if detect_browser_zone:
            self.widget.attrs["data-detect-time-zone"] = ""


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks beyond email and password."""

    display_name = forms.CharField(max_length=100, help_text="How your colleagues see you.")
    time_zone = TimeZoneField(
        detect_browser_zone=True,
        help_text="Interviews are shown and scheduled in this time zone.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["display_name", "time_zone"])


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["display_name", "time_zone"]


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=User.Role, initial=User.Role.RECRUITER)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "require_mfa_for_staff", "retention_months"]


class PersonForm(forms.ModelForm):
    """What the organisation's admin changes about a person (hiring.accounts.people)."""

    class Meta:
        model = User
        fields = ["display_name", "role", "is_active"]
        labels = {"is_active": "Active (can sign in)"}
