"""The marks of the records an older record may be (Candidate.has_older_match), kept by every
write of a record, equal the marks rebuilt from scratch and the records the review page found by
grouping every record, after any sequence of creations, edits, queryset updates, merges,
erasures and deletions (hypothesis stateful). The page reads the marked records as it read
those: its pages are the same."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Min, Q
from django.db.models.functions import Upper
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from hiring.candidates import merging
from hiring.models import NAMED, Candidate, folded, mark_older_matches
from hiring.privacy import erasure
from tests.factories import CandidateFactory, RolledBack, UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

# Few of each, so that records meet on them: names in other cases and accents, and of accents
# alone; phones and links on some.
NAMES = st.sampled_from(["Sam Lee", "sam  LEE", "Sám Lee", "Kim Park", "\u0301"])
EMAILS = st.sampled_from(["a@x.example", "A@X.example", "b@x.example", "c@x.example"])
PHONES = st.sampled_from(["", "0100", "0100 200", "0200"])
LINKS = st.sampled_from(["", "https://a.example", "https://b.example/"])
FIELDS = {"name": NAMES, "email": EMAILS, "phone": PHONES, "links": LINKS}


def marked():
    return set(Candidate.objects.filter(has_older_match=True).values_list("pk", flat=True))


def grouped():
    """The records the review page found before the marks: every record grouped by its email
    and by its name, each group's first left out."""

    def not_first(records, key):
        groups = (
            records.values(key).annotate(records=Count("pk"), first=Min("pk")).filter(records__gt=1)
        )
        return Q(**{f"{key}__in": groups.values(key)}) & ~Q(pk__in=groups.values("first"))

    records = Candidate.objects.annotate(email_key=folded("email"))
    found = records.filter(
        not_first(records, "email_key") | Q(NAMED, not_first(records.filter(NAMED), "search_name"))
    )
    return set(found.values_list("pk", flat=True))


class WritesMachine(RolledBack):
    def __init__(self):
        super().__init__()
        self.recruiter = UserFactory()
        self.pks = []

    def record(self, index):
        return Candidate.objects.get(pk=self.pks[index % len(self.pks)])

    @precondition(lambda self: len(self.pks) < 8)
    @rule(name=NAMES, email=EMAILS, phone=PHONES, links=LINKS)
    def create(self, name, email, phone, links):
        record = Candidate.objects.create(name=name, email=email, phone=phone, links=links)
        self.pks.append(record.pk)

    @precondition(lambda self: self.pks)
    @rule(index=st.integers(0, 7), data=st.data(), whole=st.booleans())
    def edit(self, index, data, whole):
        """A field changed, the record saved whole (the forms, a merge) or that field alone
        (the careers form filling what was blank)."""
        record = self.record(index)
        field = data.draw(st.sampled_from(sorted(FIELDS)))
        setattr(record, field, data.draw(FIELDS[field]))
        record.save(update_fields=None if whole else [field])

    @precondition(lambda self: self.pks)
    @rule(indexes=st.sets(st.integers(0, 7), min_size=1), data=st.data(), bulk=st.booleans())
    def update(self, indexes, data, bulk):
        """A field of some records changed by a queryset's update(), or by bulk_update() (an
        import filling what was blank; a name is updated to a string, not one per record)."""
        records = {record.pk: record for record in map(self.record, indexes)}
        field = data.draw(st.sampled_from(sorted(FIELDS.keys() - ({"name"} if bulk else set()))))
        value = data.draw(FIELDS[field])
        if bulk:
            for record in records.values():
                setattr(record, field, value)
            Candidate.objects.bulk_update(records.values(), [field])
        else:
            Candidate.objects.filter(pk__in=records).update(**{field: value})

    @precondition(lambda self: len(self.pks) > 1)
    @rule(keep=st.integers(0, 7), other=st.integers(0, 7))
    def merge(self, keep, other):
        keep, other = self.record(keep), self.record(other)
        if keep.pk != other.pk and not (keep.erased_at or other.erased_at):
            merging.merge(keep, other, self.recruiter)
            self.pks.remove(other.pk)

    @precondition(lambda self: self.pks)
    @rule(index=st.integers(0, 7))
    def erase(self, index):
        erasure.erase(self.record(index), by=self.recruiter)

    @precondition(lambda self: self.pks)
    @rule(index=st.integers(0, 7))
    def delete(self, index):
        record = self.record(index)
        self.pks.remove(record.pk)
        record.delete()

    @invariant()
    def kept_equal_rebuilt_and_grouped(self):
        kept = marked()
        assert kept == grouped()
        mark_older_matches(Candidate.objects.all())
        assert kept == marked()


def test_the_marks_kept_equal_the_marks_rebuilt_and_the_records_grouped():
    WritesMachine.run(steps=12)


def test_the_command_marks_every_record_again(capsys):
    older = CandidateFactory(email="sam@mail.example")
    newer = CandidateFactory(email="SAM@mail.example")
    Candidate.objects.update(has_older_match=False)

    call_command("rebuild_older_matches")

    assert marked() == {newer.pk}
    assert older.pk not in marked()
    assert "1 may be an older one" in capsys.readouterr().out


def test_an_update_of_an_email_marks_the_records_it_pairs_and_parts():
    older = CandidateFactory(email="sam@mail.example")
    newer = CandidateFactory(email="kim@mail.example")

    Candidate.objects.filter(pk=newer.pk).update(email="SAM@mail.example")
    assert marked() == {newer.pk}

    Candidate.objects.filter(pk=older.pk).update(email="lee@mail.example")
    assert marked() == set()


def test_an_update_of_a_name_writes_its_search_and_marks_again():
    older = CandidateFactory(name="Sam Lee", phone="0100")
    newer = CandidateFactory(name="Kim Park", phone="0200")

    Candidate.objects.filter(pk=newer.pk).update(name="Sám LEE")

    assert Candidate.objects.get(pk=newer.pk).search_name == "sam lee"
    assert marked() == {newer.pk}
    assert older.pk not in marked()


def test_an_update_of_names_to_an_expression_is_refused():
    CandidateFactory(name="Sam Lee")

    with pytest.raises(TypeError):
        Candidate.objects.update(name=Upper("name"))


def test_a_new_record_of_an_email_and_name_of_its_own_writes_no_mark(
    django_assert_num_queries,
):
    CandidateFactory(name="Sam Lee", email="sam@mail.example", phone="0100")

    # Its insert, its possible duplicates (whose pages would list it), and whether another
    # record holds its email or name: no mark to write. On PostgreSQL, its turn first.
    turns = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(3 + turns):
        alone = Candidate.objects.create(name="Kim Park", email="kim@mail.example", phone="0100")
    # Sharing a name, it is marked as before.
    namesake = Candidate.objects.create(name="Sám LEE", email="lee@mail.example", phone="0200")

    assert marked() == {namesake.pk}
    assert alone.pk not in marked()
