import re
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from scorecards.models import Category

from ..accounts import zones
from ..accounts.forms import TimeZoneField
from ..models import User, WorkingHours
from ..widgets import DateInput, ModelCheckboxesField
from . import availability


class FeedUrlField(forms.URLField):
    """A calendar feed's address; webcal://, which iCloud and Outlook hand out, is the same feed
    over https://."""

    def to_python(self, value):
        scheme, separator, rest = str(value or "").strip().partition("://")
        if separator and scheme.lower() == "webcal":
            value = f"https://{rest}"
        return super().to_python(value)


class AvailabilityForm(forms.ModelForm):
    time_zone = TimeZoneField(label=gettext_lazy("Time zone"))
    calendar_feed_url = FeedUrlField(
        label=gettext_lazy("Calendar feed (.ics URL)"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Refreshed every hour; its events block interview times."),
    )

    class Meta:
        model = User
        fields = ["time_zone", "buffer_minutes", "weekly_interview_cap", "calendar_feed_url"]

    # A day's worth of buffer, and more interviews a week than anyone holds, are typos; past
    # the database's own bounds (SQLite has none) they broke every search they were part of.
    LONGEST_BUFFER, MOST_A_WEEK = 240, 40

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, most in [
            ("buffer_minutes", self.LONGEST_BUFFER),
            ("weekly_interview_cap", self.MOST_A_WEEK),
        ]:
            self.fields[name].validators.append(MaxValueValidator(most))
            self.fields[name].widget.attrs["max"] = most

    def clean_calendar_feed_url(self):
        # Only http(s) to public addresses: the hourly refresh must never reach inside.
        url = self.cleaned_data["calendar_feed_url"]
        availability.check_feed_url(url)
        return url


# A clock time as the working hours take it, HH:MM. time.fromisoformat() also took seconds,
# fractions, "T09" and UTC offsets: SQLite refused an offset (a 500), PostgreSQL dropped it.
CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def _clock(text):
    found = CLOCK.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"Not a time like 09:00: {text!r}")
    return time(int(found[1]), int(found[2]))


def parse_ranges(text):
    """ "09:00-12:00, 22:00-06:00" as [(time, time), ...], an end at or before its start running
    past midnight; ValidationError says what is wrong. Overlaps are checked for the whole week
    (availability.overlapping_hours)."""
    ranges = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            start_text, end_text = part.split("-")
            start, end = _clock(start_text), _clock(end_text)
        except ValueError as error:
            raise forms.ValidationError(
                gettext("“%(part)s” is not a range like 09:00-17:00.") % {"part": part}
            ) from error
        if end == start:
            raise forms.ValidationError(
                gettext(
                    "“%(part)s” starts and ends at the same time, which could mean no time or "
                    "the whole day: for a whole day, enter 00:00-12:00, 12:00-00:00."
                )
                % {"part": part}
            )
        ranges.append((start, end))
    return sorted(ranges)


class WorkingHoursForm(forms.Form):
    """One line per weekday, in the person's own time zone: "09:00-12:00, 13:00-17:00"."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = {}
        for row in user.working_hours.all():
            current.setdefault(row.weekday, []).append((row.start, row.end))
        for day in WorkingHours.Weekday:
            self.fields[f"day_{day.value}"] = forms.CharField(
                label=day.label,
                required=False,
                initial=", ".join(_written(*hours) for hours in current.get(day.value, [])),
                help_text=_next_day_note(day, current.get(day.value, [])),
                widget=forms.TextInput(attrs={"placeholder": "09:00-17:00"}),
            )

    def clean(self):
        data = super().clean()
        self.ranges = {}
        for day in WorkingHours.Weekday:
            try:
                self.ranges[day.value] = parse_ranges(data.get(f"day_{day.value}", ""))
            except forms.ValidationError as error:
                self.add_error(f"day_{day.value}", error)
            else:  # what was posted, not what was saved, is shown again
                self[f"day_{day.value}"].help_text = _next_day_note(day, self.ranges[day.value])
        refused = set()
        for earlier, later in availability.overlapping_hours(self.ranges):
            if earlier.weekday == later.weekday:
                message = gettext("These ranges overlap.")
            else:
                message = gettext("“%(part)s” overlaps %(other)s.") % {
                    "part": _written(later.start, later.end),
                    "other": earlier,
                }
            if (later.weekday, message) not in refused:
                refused.add((later.weekday, message))
                self.add_error(f"day_{later.weekday}", message)
        return data


def _written(start, end):
    return f"{start:%H:%M}-{end:%H:%M}"


def _next_day_note(day, ranges):
    """What the day's ranges past midnight run to, written out beside its field."""
    overnight = [WorkingHours(weekday=day, start=start, end=end) for start, end in ranges]
    return "; ".join(str(hours) for hours in overnight if hours.ends_next_day)


class LocalDateTimeField(forms.DateTimeField):
    """A time as the clock on the wall shows it (naive), which the form reads in the person's
    own zone with zones.instant."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(UTC):  # no hour repeats or is skipped in UTC
            moment = super().to_python(value)
        return moment and moment.replace(tzinfo=None)


class BusyBlockForm(forms.Form):
    """A busy time entered in the person's own time zone."""

    start = LocalDateTimeField(label=gettext_lazy("Start"))
    end = LocalDateTimeField(label=gettext_lazy("End"))
    summary = forms.CharField(max_length=200, required=False, label=gettext_lazy("Summary"))

    def __init__(self, *args, time_zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(time_zone)

    # A busy time further off than this is a typo (and year 1 or 9999 overflows in UTC).
    FURTHEST = timedelta(days=10 * 365)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("start", "end"):
            if data.get(name) and abs(data[name].date() - today) > self.FURTHEST:
                self.add_error(name, gettext("Enter a time within ten years of today."))
        if data.get("start") and data.get("end"):
            span = _local_span(self, data["start"], data["end"])
            if span:
                data["start"], data["end"] = span
            # Past, it blocks nothing, and nothing would bound how many are kept.
            if span and span[1] <= timezone.now():
                self.add_error("end", gettext("This time has passed: add busy times ahead."))
        return data


def _local_span(form, start, end, shortest=None):
    """(start, end), naive times typed in `form`'s fields of those names in form.zone, as the
    moments they are (zones.instant); None, with why beside its field, when the end does not
    come after the start, or not `shortest` (length, message) after it. Measured on the moments,
    not the wall clock: the night the clocks go forward, 02:30-03:15 runs backwards."""
    first, last = zones.instant(start, form.zone), zones.instant(end, form.zone)
    if last <= first:
        message = gettext("The end must be after the start.")
    elif shortest and last - first < shortest[0]:
        message = shortest[1]
    else:
        return first, last
    # A start the clocks skip is read later than typed (zones.instant), its end not: that is why.
    gap = zones.skipped(start, form.zone)
    if gap and not zones.skipped(end, form.zone):
        form.add_error("start", gap)
    else:
        form.add_error("end", message)
    return None


class IcsUploadForm(forms.Form):
    calendar = forms.FileField(
        label=gettext_lazy(".ics file"),
        help_text=gettext_lazy("Its events replace the ones imported from a file before."),
    )


class PoolMemberForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Member"))
    focus = forms.ChoiceField(choices=Category, label=gettext_lazy("Focus"))
    trainee = forms.BooleanField(
        required=False,
        label=gettext_lazy("Trainee"),
        help_text=gettext_lazy("Joins sessions as a shadow."),
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team.active_members().order_by("display_name")


def _minutes(minutes):
    return gettext("%(minutes)s minutes") % {"minutes": minutes}


# A length's label in the language of the page that shows it.
_minutes_label = lazy(_minutes, str)


class SessionForm(forms.Form):
    focus = forms.ChoiceField(choices=Category, label=gettext_lazy("Focus"))
    duration_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Length"),
        coerce=int,
        choices=[(m, _minutes_label(m)) for m in (30, 45, 60, 90)],
        initial=45,
    )
    interviewers = ModelCheckboxesField(
        queryset=User.objects.none(), required=False, label=gettext_lazy("Interviewers")
    )
    pool_count = forms.IntegerField(
        label=gettext_lazy("Plus, from the pool"),
        min_value=0,
        max_value=10,
        initial=0,
        required=False,
    )
    shadows = ModelCheckboxesField(
        queryset=User.objects.none(), required=False, label=gettext_lazy("Shadows")
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("interviewers", "shadows"):
            self.fields[name].queryset = team.active_members().order_by("display_name")

    def clean(self):
        data = super().clean()
        data["pool_count"] = data.get("pool_count") or 0
        if not self.errors and not data.get("interviewers") and not data["pool_count"]:
            raise forms.ValidationError(gettext("Name interviewers or take some from the pool."))
        both = set(data.get("interviewers", [])) & set(data.get("shadows", []))
        if both:
            raise forms.ValidationError(
                gettext("%(person)s cannot both interview and shadow.") % {"person": both.pop()}
            )
        return data


MAX_SESSIONS = 6


class BaseSessionFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": gettext_lazy("A panel has at most %(num)d sessions."),
    }

    def clean(self):
        if not any(form.has_changed() for form in self.forms) and not self.errors:
            raise forms.ValidationError(gettext("Add at least one session."))


# absolute_max: a forged form count builds no more forms than a panel can have (by default,
# Django builds up to a thousand more, which took 15-23 s).
SessionFormSet = forms.formset_factory(
    SessionForm,
    formset=BaseSessionFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_SESSIONS,
    validate_max=True,
    absolute_max=MAX_SESSIONS,
)


def sessions_formset(team, rows=None):
    """The form of a panel's sessions, showing `rows` (one blank session by default)."""
    return SessionFormSet(prefix="sessions", form_kwargs={"team": team}, initial=rows or [{}])


class ReplaceInterviewerForm(forms.Form):
    """Who takes a seat in a booked session: a member of the team the panel editor would offer
    (SessionForm), not seated in it already."""

    replacement = forms.ModelChoiceField(
        queryset=User.objects.none(), label=gettext_lazy("Replace with")
    )

    def __init__(self, *args, team, session, **kwargs):
        super().__init__(*args, **kwargs)
        seated = session.interviewers.values("user")
        members = team.active_members().exclude(pk__in=seated).order_by("display_name")
        self.fields["replacement"].queryset = members


class FindTimesForm(forms.Form):
    start = forms.DateField(widget=DateInput(), label=gettext_lazy("From"))
    days = forms.IntegerField(
        min_value=1, max_value=30, initial=10, label=gettext_lazy("Days to search")
    )
    within_candidate_windows = forms.BooleanField(
        required=False, label=gettext_lazy("Only when the candidate said they are free")
    )

    # How far ahead a search may start: past that it is a typo (and year 9999 overflows).
    FURTHEST = timedelta(days=10 * 365)

    def clean_start(self):
        start = self.cleaned_data["start"]
        today = timezone.localdate()
        if start < today:
            raise forms.ValidationError(gettext("Search from today or later."))
        if start > today + self.FURTHEST:
            raise forms.ValidationError(gettext("Search within the next ten years."))
        return start


class ShownZoneForm(forms.Form):
    """The zone a candidate's page shows its times in; the browser's is chosen on arrival."""

    tz = TimeZoneField(detect_browser_zone=True, label=gettext_lazy("Times shown in"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Once detected, the page shows its times in that zone at once.
        self.fields["tz"].widget.attrs["data-submit-on-detect"] = ""


class CandidateWindowForm(forms.Form):
    """A time the candidate is free, in the time zone shown on their page: from now until
    DAYS_AHEAD days ahead, and at least SHORTEST long; one that ends at a time of day before it
    starts runs past midnight."""

    DAYS_AHEAD = 60
    SHORTEST = timedelta(minutes=30)

    date = forms.DateField(widget=DateInput(), label=gettext_lazy("Date"))
    start = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label=gettext_lazy("From")
    )
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label=gettext_lazy("To"))

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.today = timezone.now().astimezone(zone).date()
        self.last_day = self.today + timedelta(days=self.DAYS_AHEAD)
        self.fields["date"].widget.attrs.update(min=self.today, max=self.last_day)

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start"), data.get("end")
        if day and day < self.today:
            self.add_error("date", gettext("Choose a day from today on."))
        elif day and day > self.last_day:
            self.add_error(
                "date",
                gettext("Choose a day within the next %(days)s days.") % {"days": self.DAYS_AHEAD},
            )
        elif day and start and end:
            too_short = (self.SHORTEST, gettext("Give us at least 30 minutes."))
            # An end earlier on the clock than the start is the next day's (20:00 to 00:30).
            end_day = day + timedelta(days=1) if end < start else day
            data["window"] = _local_span(
                self, datetime.combine(day, start), datetime.combine(end_day, end), too_short
            )
            if data["window"] and data["window"][0] <= timezone.now():
                self.add_error("start", gettext("That time has passed: choose a later one."))
        return data

    def window(self):
        """(start, end) of a valid form, as aware datetimes in UTC."""
        return self.cleaned_data["window"]
