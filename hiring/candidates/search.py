"""Finding candidates from the header: by any word's start of their name, their email's start,
or an opening's title, among the applications the user may see.

Each database searches through the indexes migration 0019 made for it, so the expressions
here and there must stay the same:
- PostgreSQL: Django's case-insensitive LIKE compares UPPER(column) with UPPER(pattern); a
  trigram index on UPPER(name) answers a word's start anywhere (" lee" inside the name), and
  B-tree indexes on UPPER(name) and UPPER(email) in text_pattern_ops answer their start.
- SQLite (and any other database): prefix ranges, lower(x) >= q AND lower(x) < q's successor,
  over expression indexes on lower(name), lower(email) and lower() of the name after its
  first space. That finds the first and the second word's start ("lee" finds "Sam Lee"); a
  third word ("cruz" in "Maria de la Cruz") would need a word table, more than SQLite, the
  embedded default for small installations, is worth. SQLite's lower() folds ASCII only.

Newest records first, by created_at, which no index orders: the database collects the
matches through the indexes and keeps the newest. Ordered by the primary key instead, the
planner may walk it backwards hoping for matches, reading every record when there are none.
"""

from django.db import connection
from django.db.models import F, Func, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Lower, Upper
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from ..models import Application, Candidate, Opening

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 10
MAX_OPENINGS = 50
# What a result shows: the rest of a record is not read (a search box answers as you type).
SHOWN = ["name", "email", "created_at"]
SHOWN_OF_APPLICATION = [
    "candidate_id",
    "stage",
    "created_at",
    "opening__title",
    "opening__team__name",
]


class AfterFirstSpace(Func):
    """The text after the first space (all of it when there is none): the second word on."""

    # The space is written into the SQL, not passed as a parameter: SQLite matches a query's
    # expression with an index's only when both are the same, literals included.
    template = "SUBSTR(%(expressions)s, INSTR(%(expressions)s, ' ') + 1)"


def find(user, text):
    """Up to MAX_RESULTS candidates matching `text` that `user` may see, newest records first,
    each with `shown_applications`: those of their applications `user` may see. At most four
    queries."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    if not text:
        return []
    visible = Application.objects.visible_to(user)
    by_text = Candidate.objects.only(*SHOWN).filter(_matches(text))
    if not user.sees_all_teams:
        by_text = by_text.filter(pk__in=visible.values("candidate_id"))
    found = {c.pk: c for c in _newest(by_text)}
    # The openings first, on their own: given the ids, the planner walks only their
    # applications, where a subquery of titles left it reading every application.
    openings = list(
        Opening.objects.visible_to(user)
        .filter(_word_starts("title", text))
        .order_by("-pk")
        .values_list("pk", flat=True)[:MAX_OPENINGS]
    )
    if openings:
        latest = visible.filter(opening__in=openings).order_by("-created_at")
        for candidate in Candidate.objects.only(*SHOWN).filter(
            pk__in=latest.values("candidate_id")[:MAX_RESULTS]
        ):
            found.setdefault(candidate.pk, candidate)
    results = sorted(found.values(), key=lambda c: (c.created_at, c.pk), reverse=True)
    results = results[:MAX_RESULTS]
    prefetch_related_objects(
        results,
        Prefetch(
            "applications",
            queryset=visible.select_related("opening__team")
            .only(*SHOWN_OF_APPLICATION)
            .order_by("-created_at"),
            to_attr="shown_applications",
        ),
    )
    return results


def _newest(candidates):
    """The newest MAX_RESULTS of `candidates`. PostgreSQL's planner walks them best by creation
    time; SQLite sorts ids read from its indexes alone (ids follow creation), then reads just
    those rows: sorting whole rows of a common name (4,000 at 100k candidates) took 4 ms."""
    if _trigram_indexed():
        return candidates.order_by("-created_at", "-pk")[:MAX_RESULTS]
    newest = candidates.order_by("-pk").values("pk")[:MAX_RESULTS]
    return Candidate.objects.only(*SHOWN).filter(pk__in=newest)


def _matches(text):
    """Candidates whose name has a word starting with `text`, or whose email starts with it."""
    if _trigram_indexed():
        return _word_starts("name", text) | Q(email__istartswith=text)
    return (
        _prefix(folded("name"), text)
        | _prefix(folded(AfterFirstSpace(F("name"))), text)
        | _prefix(folded("email"), text)
    )


def folded(field):
    """`field` in one case, as the indexes of migration 0019 hold it on this database."""
    return Upper(field) if _trigram_indexed() else Lower(field)


def fold(text):
    """`text` in the case folded() compares it in."""
    return text.upper() if _trigram_indexed() else text.lower()


def _trigram_indexed():
    """The one question that sets how candidates are searched (see the docstring above)."""
    return connection.vendor == "postgresql"


def _word_starts(field, text):
    return Q(**{f"{field}__istartswith": text}) | Q(**{f"{field}__icontains": f" {text}"})


def _prefix(expression, text):
    """`expression`, folded, starts with `text`: a range an index on it answers."""
    low = fold(text)
    if low[-1] == chr(0x10FFFF):  # no character comes after it
        return Q(GreaterThanOrEqual(expression, low))
    following = ord(low[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates are not characters; skip them
        following = 0xE000
    return Q(GreaterThanOrEqual(expression, low), LessThan(expression, low[:-1] + chr(following)))
