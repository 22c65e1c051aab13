"""Nobody can add candidate data and forget it: every model that hangs from a candidate, and
every field of those models but its key and its relations (a date of birth, a salary expected,
a "needs a visa" too), is in hiring.privacy.inventory's list, classed as personal, files or
kept."""

from django.apps import apps

from hiring.models import Candidate
from hiring.privacy.inventory import HOLDINGS, held_counts
from tests.factories import ApplicationFactory

# Models that point at a candidate's rows but hold nothing about the candidate.
NOT_ABOUT_THE_CANDIDATE = {
    # Which criteria a scorecard covers: the scorecard's, not the candidate's.
    "scorecards.feedback_criteria",
}


def label(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def models_hanging_from(root, exempt=NOT_ABOUT_THE_CANDIDATE):
    """Every model reachable from `root` through relations pointing at what is reached, and
    the table of each many-to-many relation of what is reached: its rows link them to more."""
    reached, todo = {root}, [root]
    while todo:
        model = todo.pop()
        targets = [
            related.through if related.many_to_many else related.related_model
            for related in model._meta.related_objects
        ] + [field.remote_field.through for field in model._meta.many_to_many]
        for target in targets:
            if target not in reached and label(target) not in exempt:
                reached.add(target)
                todo.append(target)
    return reached


def test_every_model_hanging_from_a_candidate_is_in_the_inventory():
    covered = {holding.model for holding in HOLDINGS}
    missing = {label(model) for model in models_hanging_from(Candidate) - covered}
    assert not missing, f"Add these to hiring/privacy/inventory.py HOLDINGS: {sorted(missing)}"


def test_every_field_of_an_inventoried_model_is_classed():
    """Dates, numbers and booleans too: erasure empties only what is classed personal. Keys are
    not: they name rows, and the rows that hang from a candidate are the walk's (above)."""
    unclassed = []
    for holding in HOLDINGS:
        classed = {*holding.personal, *holding.files, *holding.kept}
        for field in holding.model._meta.concrete_fields:
            if not (field.primary_key or field.is_relation or field.name in classed):
                unclassed.append(f"{label(holding.model)}.{field.name}")
    assert not unclassed, f"Class these as personal, files or kept: {unclassed}"


# What an inventoried model may point at besides another holding: the organisation's own
# records (its people, teams, openings, scorecards), which hold nothing about a candidate.
THE_ORGANISATIONS = {
    "hiring.user",
    "hiring.team",
    "hiring.opening",
    "hiring.openingquestion",
    "scorecards.criterion",
    "scorecards.scorecardversion",
}


def test_every_relation_of_an_inventoried_model_leads_to_a_holding_or_the_organisation():
    """The walk above follows the relations pointing at a candidate's rows; one pointing from
    them (a candidate's address kept in a model of its own) leads to rows of theirs too."""
    covered = {holding.model for holding in HOLDINGS}
    unlisted = [
        f"{label(holding.model)}.{field.name} → {label(field.related_model)}"
        for holding in HOLDINGS
        for field in [*holding.model._meta.concrete_fields, *holding.model._meta.many_to_many]
        if field.is_relation
        and field.related_model not in covered
        and label(field.related_model) not in THE_ORGANISATIONS
    ]
    assert not unlisted, f"Add these to hiring/privacy/inventory.py HOLDINGS: {unlisted}"


def test_erasure_can_empty_each_personal_field():
    """Erasure sets a personal field to what a new row would hold: a date or a number without a
    default has to take null for that."""
    stuck = [
        f"{label(holding.model)}.{field.name}"
        for holding in HOLDINGS
        for field in map(holding.model._meta.get_field, holding.personal)
        if field.get_default() is None and not field.null
    ]
    assert not stuck, f"Let these be null, so erasure can empty them: {stuck}"


def test_the_classes_name_real_fields():
    for holding in HOLDINGS:
        names = {field.name for field in holding.model._meta.concrete_fields}
        assert {*holding.personal, *holding.files, *holding.kept} <= names, holding.key


def test_the_walk_sees_a_new_relation():
    """The walk itself: a model with a key to an application is found."""
    reached = models_hanging_from(Candidate)
    assert apps.get_model("hiring", "stagechange") in reached
    assert apps.get_model("scorecards", "rating") in reached
    assert apps.get_model("hiring", "team") not in reached


def test_the_walk_reaches_each_model_said_to_hold_nothing_about_the_candidate():
    """A many-to-many relation's table is walked too (a candidate's tags would be one): every
    exemption names a model the walk would otherwise reach."""
    reached = {label(model) for model in models_hanging_from(Candidate, exempt=())}
    assert reached >= NOT_ABOUT_THE_CANDIDATE


def candidate_data(candidate):
    """[(holding, rows)] of every holding, as the export and the privacy page read them."""
    return [(holding, holding.rows(candidate)) for holding in HOLDINGS]


def test_each_holding_finds_the_candidates_own_rows(db):
    candidate = Candidate.objects.create(name="Quinn Rowe", email="quinn@example.com")
    rows = {holding.key: list(rows) for holding, rows in candidate_data(candidate)}
    assert rows["candidate"] == [candidate]
    assert rows["notification"] == []


def test_the_counts_in_one_query_are_each_holdings_rows(team, django_assert_num_queries):
    candidate = ApplicationFactory(opening__team=team).candidate
    listed = [(holding.key, rows.count()) for holding, rows in candidate_data(candidate)]

    # The ledger's keys (from their emails, applications, exports and sessions) and the
    # imports listing an address of theirs are looked up first.
    with django_assert_num_queries(6):
        counted = [
            (holding.key, count)
            for holding, count in held_counts(candidate, candidate_data(candidate))
        ]

    assert counted == listed
    assert dict(counted)["application"] == 1
