import zoneinfo
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from ..accounts import zones
from ..models import validate_single_line
from ..widgets import DateInput
from . import offers


class OfferForm(forms.Form):
    """An offer's fields; the expiry is a date and a time in the preparer's own zone, stored UTC."""

    title = forms.CharField(
        label=gettext_lazy("Job title"), max_length=120, validators=[validate_single_line]
    )
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DateInput())
    terms = forms.CharField(
        label=gettext_lazy("Terms"),
        max_length=offers.MAX_TERMS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Salary, equity, benefits: what the candidate accepts."),
    )
    expires_date = forms.DateField(label=gettext_lazy("Expires on"), widget=DateInput())
    expires_time = forms.TimeField(
        label=gettext_lazy("at"),
        initial=time(17),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, zone_name, offer=None, application=None, revised=None, **kwargs):
        self.zone = zoneinfo.ZoneInfo(zone_name)
        self.offer = offer
        self.candidate = (offer.application if offer is not None else application).candidate
        initial = kwargs.setdefault("initial", {})
        if offer is not None:
            expires = offer.expires_at.astimezone(self.zone)
            initial.update(
                title=offer.title,
                start_date=offer.start_date,
                terms=offer.terms,
                expires_date=expires.date(),
                expires_time=expires.time().replace(second=0, microsecond=0),
            )
        elif revised is not None:  # the dates are chosen again
            initial.update(title=revised.title, terms=revised.terms)
        elif application is not None:
            initial.setdefault("title", application.opening.title)
        super().__init__(*args, **kwargs)
        self.fields["expires_time"].label = gettext("at (%(zone)s)") % {
            "zone": zones.label(zone_name)
        }

    @classmethod
    def of_draft(cls, offer, zone_name):
        """The draft's fields as its form would send them back, checked again."""
        shown = cls(zone_name=zone_name, offer=offer)
        data = {name: shown[name].value() for name in shown.fields}
        data["based_on"] = offers.version(offer)
        return cls(data, zone_name=zone_name, offer=offer)

    def clean_expires_date(self):
        # Bounded before it meets a time zone: a date near year 9999 would overflow in UTC.
        value = self.cleaned_data["expires_date"]
        if not date(2000, 1, 1) <= value <= date(9000, 1, 1):
            raise ValidationError(gettext("Enter a date within the next 90 days."))
        return value

    def clean(self):
        cleaned = super().clean()
        # An edit that names no version could not tell whether a colleague saved the draft
        # since: refused, never written over theirs (as a check-in's).
        if self.offer is not None and not self.data.get("based_on"):
            self.add_error(
                None,
                gettext(
                    "This page does not say which draft it shows: reload it, then go on writing."
                ),
            )
        day, clock = cleaned.get("expires_date"), cleaned.get("expires_time")
        if day is not None and clock is not None:
            local = datetime.combine(day, clock)
            if gap := zones.skipped(local, self.zone):
                self.add_error("expires_time", gap)
            else:
                cleaned["expires_at"] = zones.instant(local, self.zone)
        # Every field that passed its own check is checked against the rules of an offer, so
        # that each message shows beside its field at once, not one after another.
        try:
            offers.check_fields(
                start_date=cleaned.get("start_date"),
                expires_at=cleaned.get("expires_at"),
                terms=cleaned.get("terms"),
                zone_name=self.zone.key,
                candidate=self.candidate,
            )
        except ValidationError as error:
            self.add_offer_error(error)
        return cleaned

    def add_offer_error(self, error):
        """An error of hiring.offers.offers beside its field; the expiry's beside its date."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error("expires_date" if field == "expires_at" else field, errors)

    def offer_fields(self):
        return {
            name: self.cleaned_data[name] for name in ("title", "start_date", "terms", "expires_at")
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Your reason (optional)"),
        required=False,
        max_length=offers.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Only the team, the recruiters and leadership read it."),
    )


class DidNotStartForm(forms.Form):
    """Why a hire does not start, and when they told; the day on the recorder's calendar."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=offers.MAX_NOT_STARTING_REASON,
        validators=[validate_single_line],
        help_text=gettext_lazy("One line, e.g. “Took another offer”. Shown on the timeline."),
    )
    told_on = forms.DateField(label=gettext_lazy("Date they told you"), widget=DateInput())

    def __init__(self, *args, zone_name, **kwargs):
        # The day is checked as it is recorded, the application locked (offers.did_not_start).
        kwargs.setdefault("initial", {})["told_on"] = timezone.localdate(
            timezone=zoneinfo.ZoneInfo(zone_name)
        )
        super().__init__(*args, **kwargs)
