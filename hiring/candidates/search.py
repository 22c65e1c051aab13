"""Finding candidates from the header: by any word's start of their name, however its
accents and case are typed, their email's start, or an opening's title, among the applications
the user may see.

The matches' ids are read from indexes alone, in one UNION per database, through the indexes of
migrations 0019 (SQLite's email), 0032 (PostgreSQL's email) and 0045 (the names', both), so the
expressions here and there must stay the same to the letter. A name is compared in its
searchable() form (hiring/models.py: one case, no accents), stored beside it as search_name, and
the text typed in the same form; an email in its ASCII letters folded to one case, as the
databases fold it. Each branch is a prefix range, low <= x < high, over an index of the searchable
name, of that name after its first space (the second word) and of the email:
- PostgreSQL: B-tree indexes in text_pattern_ops (its ~>=~ and ~<~ compare code points) that also
  hold the id and the column, so no row is read; and a word after the second ("cruz" in "Maria
  de la Cruz"), by a trigram index of the names of three words or more.
- SQLite (and any other database): plain and expression indexes; a word after the second by a
  scan of a partial index that holds the names of three words or more alone (migration 0049):
  2 ms for 30,000 of them.

Newest records first: the newest ids of the union (ids follow creation), then just those rows.
A common last name matches 4,400 of 100,000 candidates; reading and sorting their rows took 4 ms
on SQLite and 9 ms on PostgreSQL. For a reader who sees every candidate each branch gives its
newest ten alone (_matches).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse

from ..models import Application, Candidate, Opening, searchable

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 10
MAX_OPENINGS = 50
# What a result shows: the rest of a record is not read (a search box answers as you type).
SHOWN = ["name", "email", "created_at"]
# What SQLite's lower() and PostgreSQL's upper() in the C locale fold: ASCII alone.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


# The ids whose searchable name's first or second word, or email, starts with the text, or a
# later word of the name: each answered by its index (the same expressions as the migrations',
# to the letter), one branch of a UNION ALL each.
MATCHES = {
    "sqlite": [
        "SELECT id FROM hiring_candidate WHERE search_name >= %s AND search_name < %s",
        """SELECT id FROM hiring_candidate
        WHERE SUBSTR(search_name, INSTR(search_name, ' ') + 1) >= %s
        AND SUBSTR(search_name, INSTR(search_name, ' ') + 1) < %s""",
        "SELECT id FROM hiring_candidate WHERE LOWER(email) >= %s AND LOWER(email) < %s",
        # id + 0, not the id: to give the newest by id, SQLite would walk the whole table
        # backwards (11 ms at 100,000 candidates) rather than the partial index.
        """SELECT id + 0 AS id FROM hiring_candidate
        WHERE search_name LIKE '%% %% %%' AND search_name LIKE %s ESCAPE '\\'""",
    ],
    "postgresql": [
        "SELECT id FROM hiring_candidate WHERE search_name ~>=~ %s AND search_name ~<~ %s",
        """SELECT id FROM hiring_candidate
        WHERE SUBSTRING(search_name FROM STRPOS(search_name, ' ') + 1) ~>=~ %s
        AND SUBSTRING(search_name FROM STRPOS(search_name, ' ') + 1) ~<~ %s""",
        "SELECT id FROM hiring_candidate WHERE UPPER(email) ~>=~ %s AND UPPER(email) ~<~ %s",
        "SELECT id FROM hiring_candidate WHERE search_name LIKE '%% %% %%' AND search_name LIKE %s",
    ],
}


def find(user, text):
    """Up to MAX_RESULTS candidates matching `text` that `user` may see, newest records first,
    each with `shown_applications`: those of their applications `user` may see. At most four
    queries."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    if not searchable(text):  # nothing typed, or accents alone ("\u0301"): nothing to look for
        return []
    visible = Application.objects.visible_to(user)
    newest = MAX_RESULTS if user.sees_all_teams else None
    by_text = Candidate.objects.only(*SHOWN).filter(_matches(text, newest))
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
    """The newest MAX_RESULTS of `candidates`: their ids sorted (ids follow creation), then
    just those rows."""
    newest = candidates.order_by("-pk").values("pk")[:MAX_RESULTS]
    return Candidate.objects.only(*SHOWN).filter(pk__in=newest)


def _matches(text, newest=None):
    """Candidates whose name has a word starting with `text`, or whose email starts with it;
    with `newest`, only the newest that many of each way of matching, enough for a reader who
    sees every candidate: a common last name's thousands of ids are not gathered and sorted
    (its query 4.2 -> 1.0 ms on PostgreSQL at 100,000 candidates). Not for a reader who sees
    some: their newest could all be among those left out."""
    name = searchable(text)
    params = [*_prefix_range(name), *_prefix_range(name), *_prefix_range(_ascii_fold(text))]
    params.append(f"% % {connection.ops.prep_for_like_query(name)}%")
    branches = MATCHES["postgresql" if _trigram_indexed() else "sqlite"]
    if newest is not None:
        branches = [
            f"SELECT id FROM ({branch} ORDER BY id DESC LIMIT {int(newest)}) AS way{at}"
            for at, branch in enumerate(branches)
        ]
    return Q(pk__in=RawSQL(" UNION ALL ".join(branches), params))


def _ascii_fold(text):
    return text.translate(ASCII_UPPER if _trigram_indexed() else ASCII_LOWER)


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
