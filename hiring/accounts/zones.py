"""Time zones as people see them: the menu they choose theirs from, and every time shown to
them, in their zone and named (`shown`).

The menu is the IANA database's own list of the zones where people live, one or more per
country (zone.tab), so the database's aliases (US/Pacific, Asia/Calcutta), its fixed offsets
(Etc/GMT+3) and its technical names (Factory, localtime) are not in it; UTC is, for those who
think in it. It comes from the tzdata package, whose version the project pins, so every
machine lists the same zones. Its places, countries and zones' names are the Unicode CLDR's in
the reader's language (through Babel): "Wien — Österreich" in German.
"""

import datetime
import unicodedata
from functools import cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone_location, get_timezone_name
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

UTC = "UTC"
# The database's first name part, as a menu group reads it; in the order of their English names,
# the menu's order in every language.
REGIONS = {
    "Africa": gettext_lazy("Africa"),
    "America": gettext_lazy("Americas"),
    "Antarctica": gettext_lazy("Antarctica"),
    "Arctic": gettext_lazy("Arctic"),
    "Asia": gettext_lazy("Asia"),
    "Atlantic": gettext_lazy("Atlantic Ocean"),
    "Australia": gettext_lazy("Australia"),
    "Europe": gettext_lazy("Europe"),
    "Indian": gettext_lazy("Indian Ocean"),
    "Pacific": gettext_lazy("Pacific Ocean"),
}


def _tzdata_lines(name):
    text = (resources.files("tzdata.zoneinfo") / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _locale():
    """The active language as CLDR names it; English where CLDR has no such language."""
    try:
        return str(Locale.parse(translation.to_locale(translation.get_language() or "en")))
    except (UnknownLocaleError, ValueError):
        return "en"


def city(name):
    """The place a zone is named for, in the active language: "Asia/Singapore" -> "Singapore",
    "Singapur" in German; "America/Argentina/Buenos_Aires" -> "Buenos Aires"."""
    return _city(name, _locale())


@cache
def _city(name, locale):
    return get_timezone_location(name, locale=locale, return_city=True)


def menu():
    """[(group, [(zone, label), ...]), ...] in the active language: UTC first, then each
    region's zones by city. A label starts with the city, so typing its first letters in the
    menu finds it, then names its country and, where the country keeps several zones, the
    zone's own name: "Denver — United States (Mountain Time)"."""
    return _menu(translation.get_language())


@cache
def _menu(_language):  # made in the language it is kept for
    locale = _locale()
    territories = Locale.parse(locale).territories
    zones = [(code, name) for code, _coordinates, name, *_comment in _tzdata_lines("zone.tab")]
    own_names = {name: _zone_name(name, locale) for _code, name in zones}
    # A country whose zones go by several names: each label says its own.
    names_of = {}
    for code, name in zones:
        names_of.setdefault(code, set()).add(own_names[name])
    groups = {}
    for code, name in zones:
        place = territories.get(code, code)
        if len(names_of[code]) > 1 and own_names[name]:
            place = f"{place} ({own_names[name]})"
        label = city(name) if place == city(name) else f"{city(name)} — {place}"  # Singapore
        groups.setdefault(name.partition("/")[0], []).append((name, label))
    return [
        ("UTC", [(UTC, _("UTC — Coordinated Universal Time"))]),
        *(
            (str(REGIONS[region]), sorted(groups[region], key=lambda zone: alphabetical(zone[1])))
            for region in REGIONS
            if region in groups
        ),
    ]


def _zone_name(name, locale):
    """The zone's generic name ("Mountain Time"), or None where CLDR has none but the place's
    ("India Time" for Kolkata: the label names the place already)."""
    own = get_timezone_name(name, "long", "generic", locale=locale)
    return None if own == get_timezone_location(name, locale=locale) else own


def alphabetical(text):
    """How a label sorts: as a reader looks for it, accents aside ("Zürich" among the Zs)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def listed():
    """Every zone in the menu, by name."""
    zones = _tzdata_lines("zone.tab")
    return frozenset([UTC, *(name for _code, _coordinates, name, *_comment in zones)])


@cache
def _links():
    """An alias -> the zone it stands for (tzdata.zi's "L target alias" lines)."""
    text = (resources.files("tzdata.zoneinfo") / "tzdata.zi").read_text(encoding="utf-8")
    links = (line.split()[1:3] for line in text.splitlines() if line.startswith("L "))
    return {alias: target for target, alias in links}


def listed_as(name):
    """The menu's zone for `name`, an alias a browser may still report (Asia/Calcutta), or
    None when the menu has none (Etc/GMT+3)."""
    target = _links().get(name)
    if "Etc/UTC" in (name, target):  # Zulu, Universal and the like
        return UTC
    for candidate in (name, target):
        if candidate in listed():
            return candidate
    return None


def label(name):
    """How a time names its zone: "Singapore time", "UTC"; a zone the menu does not list by
    its full name (Etc/GMT+3 is three hours behind UTC, which its city part would not say)."""
    if name == UTC or name not in listed():
        return name
    return _("%(city)s time") % {"city": city(name)}


# The formats times are shown in, as each language writes them: German puts a full stop after
# the day and a comma after its name ("Mo, 4. Mär, 09:00").
FORMATS = {
    "j M Y, H:i": pgettext_lazy("date format", "j M Y, H:i"),
    "D j M, H:i": pgettext_lazy("date format", "D j M, H:i"),
    "l j F Y, H:i": pgettext_lazy("date format", "l j F Y, H:i"),
    "l j F, H:i": pgettext_lazy("date format", "l j F, H:i"),
    "l j F Y": pgettext_lazy("date format", "l j F Y"),
    "j F Y, H:i": pgettext_lazy("date format", "j F Y, H:i"),
    "j F Y": pgettext_lazy("date format", "j F Y"),
    "l j F": pgettext_lazy("date format", "l j F"),
    "l j M": pgettext_lazy("date format", "l j M"),
    "D j M": pgettext_lazy("date format", "D j M"),
    "j M Y": pgettext_lazy("date format", "j M Y"),
}


def written(value, date_format="j M Y, H:i"):
    """`value` as the active language writes `date_format`, without naming a zone: a moment in
    the zone active now, a date as it is."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return format_date(value, str(FORMATS.get(date_format, date_format)))


def shown(moment, date_format="j M Y, H:i"):
    """`moment` in the zone active now (the viewer's, or an email's recipient's), named:
    "3 Dec 2026, 10:45 Singapore time"."""
    return f"{written(moment, date_format)} {label(timezone.get_current_timezone_name())}"


def clock(moment, since):
    """The end of a span that began at `since`: its time alone on the same day in the zone
    active now ("11:00"), else with its day ("Thu 10 Dec, 01:45")."""
    same_day = timezone.localdate(moment) == timezone.localdate(since)
    return (
        format_date(timezone.localtime(moment), "H:i")
        if same_day
        else written(moment, "D j M, H:i")
    )


def next_minute(moment):
    """`moment`, or the first whole minute after it: a time shown to the minute ("you may ask
    again from 10:46") that is not before it."""
    minute = moment.replace(second=0, microsecond=0)
    return minute if minute == moment else minute + datetime.timedelta(minutes=1)


def instant_text(moment):
    """A moment in stored text, in UTC, for `zoned_text` to show in each reader's zone."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ")


# Times people type -------------------------------------------------------------------------


def instant(local, zone):
    """`local`, a naive datetime as the clock on the wall reads in `zone`, as the moment it is,
    in UTC. The one reading of a typed or working-hours time, RFC 5545's, as in the invites we
    send: a time the clocks repeat is its first occurrence (still summer time), one they skip
    takes the offset from before the change (02:30 on the night Berlin goes from 02:00 to 03:00
    is 03:30 summer time)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(datetime.UTC)


def skipped(local, zone):
    """Why `local` (naive) is no time of its day in `zone`, the clocks going forward past it, or
    None when it is one."""
    read = instant(local, zone).astimezone(zone).replace(tzinfo=None)
    if read == local:
        return None
    before = local.replace(tzinfo=zone, fold=0).utcoffset()
    after = local.replace(tzinfo=zone, fold=1).utcoffset()
    # The change comes after `local` at the later offset, at or before it at the earlier one.
    early, late = local - after, local - before
    while late - early > datetime.timedelta(seconds=1):
        middle = early + (late - early) / 2
        if middle.replace(tzinfo=datetime.UTC).astimezone(zone).utcoffset() == after:
            late = middle
        else:
            early = middle
    return _(
        "%(time)s %(zone)s does not exist on %(day)s: the clocks go forward from %(from)s to "
        "%(to)s, so it would be %(read)s."
    ) % {
        "time": f"{local:%H:%M}",
        "zone": label(zone.key),
        "day": written(local.date(), "j F Y"),
        "from": f"{late + before:%H:%M}",
        "to": f"{late + after:%H:%M}",
        "read": f"{read:%H:%M}",
    }
