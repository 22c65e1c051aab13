from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import freshness
from ..models import LONGEST_EMAIL, Organisation, User, validate_single_line
from . import zones


class TimeZoneSelect(forms.Select):
    """The menu of zones.menu(), grouped by region, written in one go: Django's template per
    option takes some 25 ms for 400 of them. A zone chosen before the menu left it out (an
    alias, a fixed offset) shows first, so the page says what is stored until it is changed."""

    def render(self, name, value, attrs=None, renderer=None):
        shown = zones.listed_as(value or "") or value
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        # The same for all who keep this zone and read this language: kept in memory, it costs
        # a profile page nothing after the first.
        parts = (name, shown, attrs, translation.get_language())
        return freshness.remembered("zone-menu", parts, lambda: self._menu(name, shown, attrs))

    def _menu(self, name, shown, attrs):
        groups = list(self.choices)
        if shown and shown not in zones.listed():
            groups.insert(0, (_("Your current zone, no longer offered"), [(shown, shown)]))
        options = format_html_join(
            "",
            '<optgroup label="{}">{}</optgroup>',
            (
                (
                    group,
                    format_html_join(
                        "",
                        '<option value="{}"{}>{}</option>',
                        (
                            (
                                zone,
                                mark_safe(" selected") if zone == shown else "",
                                label,
                            )
                            for zone, label in choices
                        ),
                    ),
                )
                for group, choices in groups
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)


class TimeZoneField(forms.ChoiceField):
    """One of the menu's zones; an alias a browser still reports (Asia/Calcutta) is taken as
    the zone it stands for."""

    widget = TimeZoneSelect
    default_error_messages = {
        "invalid_choice": gettext_lazy("Choose the place whose time you keep from the list."),
    }

    def __init__(self, detect_browser_zone=False, **kwargs):
        # The menu as the form is shown, in its reader's language.
        super().__init__(choices=zones.menu, initial=zones.UTC, **kwargs)
        if detect_browser_zone:
            self.widget.attrs["data-detect-time-zone"] = ""

    def to_python(self, value):
        value = super().to_python(value)
        return zones.listed_as(value) or value


class DisplayNameField(forms.CharField):
    """A person's name as their colleagues read it, in emails and calendars too: on one line,
    so no name adds lines of its own to a message sent to others."""

    default_validators = [validate_single_line]


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks beyond email and password."""

    display_name = DisplayNameField(
        label=gettext_lazy("Display name"),
        max_length=100,
        help_text=gettext_lazy("How your colleagues see you."),
    )
    time_zone = TimeZoneField(
        detect_browser_zone=True,
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy("Interviews are shown and scheduled in this time zone."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["display_name", "time_zone"])


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy(
            "Every time on your pages and in your emails is shown in it; type a city's "
            "first letters to find it."
        ),
    )

    # Each language is named in itself, so it reads the same in every language.
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("", gettext_lazy("The one my browser asks for")), *settings.LANGUAGES],
        required=False,
        help_text=gettext_lazy("Your pages and your emails are written in it."),
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language"]
        field_classes = {"display_name": DisplayNameField}
        labels = {"display_name": gettext_lazy("Display name")}


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"), max_length=LONGEST_EMAIL)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=User.Role, initial=User.Role.RECRUITER
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "require_mfa_for_staff", "retention_months"]
        labels = {"name": gettext_lazy("Name")}


class PersonForm(forms.ModelForm):
    """What the organisation's admin changes about a person (hiring.accounts.people)."""

    class Meta:
        model = User
        fields = ["display_name", "role", "is_active"]
        field_classes = {"display_name": DisplayNameField}
        labels = {
            "display_name": gettext_lazy("Display name"),
            "role": gettext_lazy("Role"),
            "is_active": gettext_lazy("Active (can sign in)"),
        }
        help_texts = {
            "is_active": gettext_lazy(
                "Someone deactivated no longer votes in their teams, is not offered to "
                "interview and gets no reminders; their teams keep them as a member until they "
                "remove them."
            )
        }
