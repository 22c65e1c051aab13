"""Predictive validity for the reports: which criteria, and which interviewers, foretold how a
team's hires did at their check-ins.

The database sends compact rows (a handful of queries whatever the size: sums per hire,
interviewer and criterion); one pass here pairs each hire's score at hire with its score at
check-in, and scorecards/validity.py turns the pairs into Spearman's rho with its interval.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards import validity
from scorecards.agreement import VOTE_VALUES
from scorecards.models import Category, CheckIn, CheckInRating, CheckInReview, Feedback

from ..candidates.merging import held
from ..checkins.checkins import addresses_of, raters_of
from ..models import Application, Opening, StageChange
from . import queries

# The bootstrap's resamples for the whole page: each key gets RESAMPLES when it fits, fewer
# (never below MIN_RESAMPLES) when a large organisation has many interviewers and thousands of
# hires, so that drawing the page stays within seconds. A resample costs about its hires plus
# RESAMPLE_OVERHEAD hires' worth of work.
RESAMPLE_BUDGET = 2_000_000
MIN_RESAMPLES = 100
RESAMPLE_OVERHEAD = 70


def hires(scope):
    """The hires in the period whose feedback a reader of the team's reports may read: decided
    (or debriefed) and with nobody still scoring, as the other reports from feedback
    (queries._run). `scope` is a queries.Scope over the teams' applications whose period is the
    hires' (their move to Hired), not the applications'."""
    hired_then = StageChange.objects.filter(
        application=OuterRef("pk"),
        to_stage=Application.Stage.HIRED,
        at__gte=scope.start_at,
        at__lt=scope.end_at,
    )
    still_scored = Feedback.all_objects.filter(
        application=OuterRef("pk"), latest_submission=None, excused_at=None
    )
    # From the teams' openings: SQLite, which keeps no statistics here, would otherwise walk
    # every hire of the organisation by the stage's index.
    openings = Opening.objects.filter(team__in=scope.teams).values("pk")
    return (
        Application.objects.filter(opening__in=openings, stage=Application.Stage.HIRED)
        .filter(Exists(hired_then))
        .filter(Q(debrief_opened_at__isnull=False) | Q(decision__isnull=False))
        .exclude(Exists(still_scored))
    )


def own_applications(user, scope):
    """The applications of the scope whose candidate `user` is (access.is_the_candidate: a hire
    who joined the team, a member who applied to its opening), or the hire they joined as, its
    data erased since: the figures they read leave them out, as calibration and agreement would
    tell them how each interviewer rated them, and check-in results are never shown to the
    hire."""
    addresses = addresses_of([user])[user.pk]
    # Their candidate records first (merging.held: by the index on the address in one case, and
    # those holding it merged in, by theirs), then their applications by the candidates' index:
    # most readers were never candidates, and a subquery would let a database without
    # statistics walk every hire instead. Not Application.objects.ids_of_candidate (the same
    # rule as one union, for a query to exclude them): its union took 2-4 ms longer to build
    # than these plain reads take, on every reports page.
    records = {pk for _address, pk in held(addresses)}
    # And the hires proposed to join at one of their addresses, by the index on it (whose
    # condition SQLite uses only when the query states it), and those who joined with their
    # account (Application.member), which erasure keeps when it takes every address.
    proposed = Application.objects.exclude(member_email="").filter(member_email__in=addresses)
    joined = list(
        proposed.order_by()
        .values_list("pk", flat=True)
        .union(Application.objects.filter(member=user).order_by().values_list("pk", flat=True))
    )
    if not records and not joined:
        return ()
    return tuple(
        scope.applications.filter(Q(candidate__in=records) | Q(pk__in=joined))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def rows(scope, leaving_out=()):
    """The compact rows the figures come from, in six queries; without the applications
    `leaving_out`.

    The hires are read first, and the other queries name them: given the hires as a
    subquery, PostgreSQL misjudged how few they are and walked every rating or check-in of the
    organisation (1.2 s of queries for one team at 100,000 applications). Each hire's latest
    check-in with a submitted review is picked here from its reviews, with no subquery per
    check-in. `good_until`: when the first check-in held back for a rater still to submit
    closes (None if none is)."""
    ids = list(hires(scope).exclude(pk__in=leaving_out).order_by().values_list("pk", flat=True))
    counted = Feedback.objects.filter(application__in=ids, practice=False)
    ratings = "latest_submission__ratings"
    panel = (
        counted.filter(**{f"{ratings}__score__isnull": False})
        .values_list(
            "application_id",
            "interviewer_id",
            "interviewer__display_name",
            "interviewer__email",
            f"{ratings}__criterion__key",
            f"{ratings}__criterion__category",
        )
        .annotate(total=Sum(f"{ratings}__score"), count=Count(ratings))
        .order_by()
    )
    votes = counted.exclude(latest_submission=None).values_list(
        "application_id", "latest_submission__vote"
    )
    reviews = CheckInReview.objects.filter(
        submitted_at__isnull=False, check_in__application__in=ids
    ).values_list(
        "check_in__application_id",
        "check_in__due_at",
        "check_in_id",
        "check_in__day",
        "would_hire_again",
        "rater_id",
    )
    check_in_scores = (
        CheckInRating.objects.filter(
            review__submitted_at__isnull=False,
            score__isnull=False,
            review__check_in__application__in=ids,
        )
        .values_list("review__check_in_id", "review__check_in__application_id", "criterion__key")
        .annotate(total=Sum("score"), count=Count("pk"))
        .order_by()
    )
    reviews, good_until = _of_settled_check_ins(list(reviews))
    latest = {}  # application: (due, check-in) of its latest check-in with a submitted review
    for application, due, check_in, _day, _vote in reviews:
        latest[application] = max(latest.get(application, (due, check_in)), (due, check_in))
    read = {check_in for _due, check_in in latest.values()}
    panel = sorted(panel, key=lambda row: (row[0], row[1], row[4]))
    criteria = criterion_rows(queries.latest_criteria({row[4] for row in panel}), scope)
    # In one order whatever the plan: the same rows make the same figures (the bootstrap draws
    # by position), which lets readers in other zones share them (cached.validity_data).
    return {
        "hires": len(ids),
        "panel": panel,
        "criteria": sorted((key, *row) for key, row in criteria.items()),
        "votes": sorted(votes),
        "check_in_scores": sorted(
            (row[1:] for row in check_in_scores if row[0] in read), key=lambda row: row[:2]
        ),
        "reviews": sorted(
            (application, day, vote)
            for application, _due, check_in, day, vote in reviews
            if check_in in read
        ),
        "good_until": good_until,
    }


def criterion_rows(latest, scope):
    """{criterion key: its report row (its team, category and latest name, the criteria of its
    name before it on its version, the name the report shows it by)} for `latest`
    (queries.latest_criteria): a team's openings' copies of a template pool into one row, two
    criteria of one name on one scorecard (stored before a scorecard refused them) do not, and
    rows of one name are told apart by their category, else a number (queries.distinct_names)."""
    spans_teams = len(scope.teams) > 1
    categories = dict(Category.choices)
    row_of = {key: (c.team, c.category, c.name, c.twin) for key, c in latest.items()}
    names = queries.distinct_names(
        {
            row_of[key]: (
                criterion.name,
                criterion.where(spans_teams),
                [str(categories.get(criterion.category, criterion.category))],
                row_of[key],
            )
            for key, criterion in latest.items()
        }
    )
    return {key: (*row, names[row]) for key, row in row_of.items()}


def _of_settled_check_ins(reviews):
    """The `reviews` (application, due, check-in, day, vote, rater) of check-ins that closed or
    that every rater submitted, without the rater: while one is open, a rater still to submit
    reads nobody's review, nor what is derived from them (access.reads_check_in_reviews). The
    open ones' raters are read only when there are some (two queries). And when the first of
    those held back closes: nothing but the clock then changes what is read."""
    by_check_in = defaultdict(set)
    for _application, _due, check_in, _day, _vote, rater in reviews:
        by_check_in[check_in].add(rater)
    now = timezone.now()
    still_open = list(
        CheckIn.objects.filter(pk__in=list(by_check_in), closes_at__gt=now).select_related(
            "application__opening"
        )
    )
    raters = raters_of(still_open)
    waiting = {
        check_in.pk: check_in.closes_at
        for check_in in still_open
        if {rater.pk for rater in raters[check_in.pk]} - by_check_in[check_in.pk]
    }
    settled = [row[:5] for row in reviews if row[2] not in waiting]
    return settled, min(waiting.values(), default=None)


def _mean(values):
    return sum(values) / len(values) if values else None


def pairs(data):
    """One pass over the rows: (criterion pairs, category pairs, interviewer pairs, vote
    pairs, check-in days, interviewer names, told apart: queries.interviewer_names). A pair is
    (key, score at hire, at check-in), one per hire and key; a criterion's key is its row
    (criterion_rows): the same criterion pools across its team's openings' copies of a
    scorecard, never with another team's of that name."""
    at_check_in = {
        (application, key): total / count
        for application, key, total, count in data["check_in_scores"]
    }
    panel_sums = defaultdict(lambda: [0, 0])  # (application, key): [total, count]
    criteria = {key: tuple(named) for key, *named in data["criteria"]}
    interviewers = defaultdict(lambda: defaultdict(list))  # (person, application): category
    names = {}
    rated_in = {}  # (application, criterion key): the category it was rated in
    for application, person, name, email, key, category, total, count in data["panel"]:
        sums = panel_sums[application, key]
        sums[0] += total
        sums[1] += count
        rated_in[application, key] = category
        names[person] = (name, email)
        checked = at_check_in.get((application, key))
        if checked is not None:
            interviewers[person, application]["mine"].append(total / count)
            interviewers[person, application]["theirs"].append(checked)

    by_criterion, by_category = [], defaultdict(lambda: ([], []))
    for (application, key), (total, count) in panel_sums.items():
        checked = at_check_in.get((application, key))
        by_criterion.append((criteria[key], total / count, checked))
        if checked is not None:
            at_hire, later = by_category[application, rated_in[application, key]]
            at_hire.append(total / count)
            later.append(checked)
    categories = [
        (category, _mean(at_hire), _mean(later))
        for (_application, category), (at_hire, later) in by_category.items()
    ]
    people = [
        (person, _mean(scores["mine"]), _mean(scores["theirs"]))
        for (person, _application), scores in interviewers.items()
    ]

    panel_votes = defaultdict(list)
    for application, vote in data["votes"]:
        if vote in VOTE_VALUES:
            panel_votes[application].append(VOTE_VALUES[vote])
    again, days = defaultdict(list), {}
    for application, day, vote in data["reviews"]:
        days[application] = day
        if vote in VOTE_VALUES:
            again[application].append(VOTE_VALUES[vote])
    vote_pairs = [
        (_mean(panel_votes.get(application, [])), _mean(votes))
        for application, votes in again.items()
    ]
    names = queries.interviewer_names(names)
    return by_criterion, categories, people, vote_pairs, Counter(days.values()), names


def resamples_for(*groups):
    """Resamples per key for this page (see RESAMPLE_BUDGET); `groups` hold the pair lists."""
    per_key = Counter()
    for group in groups:
        for key, at_hire, later in group:
            if at_hire is not None and later is not None:
                per_key[id(group), key] += 1
    cost = sum(
        hires + RESAMPLE_OVERHEAD for hires in per_key.values() if hires >= validity.MIN_HIRES
    )
    if not cost:
        return validity.RESAMPLES
    return max(MIN_RESAMPLES, min(validity.RESAMPLES, RESAMPLE_BUDGET // cost))


def _evidence(group):
    """Hires with a score on both sides, per key."""
    return Counter(
        key for key, at_hire, later in group if at_hire is not None and later is not None
    )


def _rows(group, label, resamples):
    """A report row per key: its figures, or only its hires below validity.MIN_HIRES."""
    figures = validity.by_key(group, resamples=resamples)
    evidence = _evidence(group)
    found = []
    for key, figure in figures.items():
        row = {**label(key), "hires": evidence[key], "shown": figure is not None}
        if figure is not None:
            row.update(estimate=figure.estimate, low=figure.low, high=figure.high)
            # Without an estimate (a side where every hire scored alike) it is no figure, so
            # neither weak nor not.
            row["weak"] = figure.weak if figure.estimate is not None else None
        found.append(row)
    # The best predictors first; those without a figure last, the largest samples first.
    return sorted(
        found,
        key=lambda row: (
            row.get("estimate") is None,
            -(row.get("estimate") or 0),
            -row["hires"],
            row["name"],
        ),
    )


def strongest_first(rows):
    """Criterion or interviewer rows as the page shows them: those whose interval leaves out 0
    first, then the other figures, each by the strength of the relation either way (one that
    predicted the opposite needs a look as much as one that predicted well), the most hires
    first among equals; rows without a figure last, the most hires first."""

    def key(row):
        estimate, low, high = row.get("estimate"), row.get("low"), row.get("high")
        clear = low is not None and high is not None and (low > 0 or high < 0)
        strength = -abs(estimate) if estimate is not None else 0
        return (estimate is None, not clear, strength, -row["hires"], str(row["name"]))

    return sorted(rows, key=key)


def figures(scope, leaving_out=()):
    """Everything the validity page shows, from `rows(scope, leaving_out)`."""
    return figures_of(rows(scope, leaving_out))


def figures_of(data):
    """Everything the validity page shows, from the rows `data` (rows())."""
    criteria, categories, people, votes, days, names = pairs(data)
    vote_group = [(None, at_hire, later) for at_hire, later in votes]
    resamples = resamples_for(criteria, categories, people, vote_group)
    category_labels = dict(Category.choices)
    interviewers = _rows(
        people, lambda key: {"name": names.get(key, str(key)), "id": key}, resamples
    )

    def criterion(key):
        _team, category, _name, _twin, named = key
        return {"name": named, "category": str(category_labels.get(category, category))}

    [vote] = _rows(vote_group, lambda key: {"name": _("Overall vote")}, resamples) or [
        {"name": _("Overall vote"), "hires": 0, "shown": False}
    ]
    return {
        "hires": data["hires"],
        "with_check_in": sum(days.values()),
        "check_in_days": sorted(days.items()),
        "criteria": _rows(criteria, criterion, resamples),
        "categories": _rows(
            categories, lambda key: {"name": str(category_labels.get(key, key))}, resamples
        ),
        "vote": vote,
        # An interviewer is shown from validity.MIN_HIRES hires up, and only counted before.
        "interviewers": [row for row in interviewers if row["shown"]],
        "interviewers_too_few": sum(not row["shown"] for row in interviewers),
        "resamples": resamples,
        "good_until": data["good_until"],
    }
