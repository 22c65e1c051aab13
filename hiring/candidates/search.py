"""Finding candidates from the header: by any word's start of their name, their email's start,
or an opening's title, among the applications the user may see.

Each database searches through the indexes migration 0019 made for it, so the expressions
here and there must stay the same:
- PostgreSQL: Django's case-insensitive LIKE compares UPPER(column) with UPPER(pattern); a
  trigram index on UPPER(name) answers a word's start anywhere (" lee" inside the name), and
  B-tree indexes on UPPER(name) and UPPER(email) in text_pattern_ops answer their start.
- SQLite (and any other database): prefix ranges, lower(x) >= q AND lower(x) < q's successor,
  over expression indexes on lower(name), lower(email) and lower() of the name after its
  first space, in one UNION of ids read from the indexes alone (SQLITE_MATCHES). That finds
  the first and the second word's start ("lee" finds "Sam Lee"); a third word ("cruz" in
  "Maria de la Cruz") would need a word table, more than SQLite, the embedded default for
  small installations, is worth. SQLite's lower() folds ASCII only.

Newest records first. PostgreSQL orders by created_at, which no index orders: it collects the
matches through the indexes and keeps the newest (ordered by the primary key instead, its
planner may walk it backwards hoping for matches, reading every record when there are none).
SQLite takes the newest ids of the union (ids follow creation), then reads just those rows.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, Upper
from django.urls import reverse

from ..models import Application, Candidate, Opening

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 10
MAX_OPENINGS = 50
# What a result shows: the rest of a record is not read (a search box answers as you type).
SHOWN = ["name", "email", "created_at"]


# The ids whose name's first or second word, or email, starts with the text: each range
# answered by its expression index of migration 0019 (the same expressions, to the letter).
SQLITE_MATCHES = """
    SELECT id FROM hiring_candidate WHERE LOWER(name) >= %s AND LOWER(name) < %s
    UNION ALL
    SELECT id FROM hiring_candidate
    WHERE LOWER(SUBSTR(name, INSTR(name, ' ') + 1)) >= %s
    AND LOWER(SUBSTR(name, INSTR(name, ' ') + 1)) < %s
    UNION ALL
    SELECT id FROM hiring_candidate WHERE LOWER(email) >= %s AND LOWER(email) < %s
"""


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
        # Newest by id: the primary key walked backwards meets an opening's applications at
        # once, where sorting every application of the openings by date took 20 ms.
        latest = visible.filter(opening__in=openings).order_by("-pk")
        for candidate in Candidate.objects.only(*SHOWN).filter(
            pk__in=latest.values("candidate_id")[:MAX_RESULTS]
        ):
            found.setdefault(candidate.pk, candidate)
    results = sorted(found.values(), key=lambda c: (c.created_at, c.pk), reverse=True)
    results = results[:MAX_RESULTS]
    shown = defaultdict(list)
    for row in (
        visible.filter(candidate__in=results)
        .order_by("-created_at")
        .values("pk", "candidate_id", "stage", "opening__title", "opening__team__name")
    ):
        shown[row["candidate_id"]].append(ShownApplication.of(row))
    for candidate in results:
        candidate.shown_applications = shown[candidate.pk]
    return results


@dataclass(frozen=True)
class ShownApplication:
    """What a result says of an application: read as plain values, no model behind it."""

    url: str
    title: str
    team: str
    stage: str

    @classmethod
    def of(cls, row):
        return cls(
            url=reverse("application_detail", args=[row["pk"]]),
            title=row["opening__title"],
            team=row["opening__team__name"],
            stage=Application.Stage(row["stage"]).label,
        )


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
    return Q(pk__in=RawSQL(SQLITE_MATCHES, _prefix_range(fold(text)) * 3))


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


def _prefix_range(text):
    """[low, high): the texts that start with `text`, in code point order."""
    if text[-1] == chr(0x10FFFF):  # no character comes after it: the range ends with the text
        return [text, text + chr(0x10FFFF)]
    following = ord(text[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates are not characters; skip them
        following = 0xE000
    return [text, text[:-1] + chr(following)]
