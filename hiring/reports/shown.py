"""The rows a report's page shows of a table that grows with the organisation, one row per
interviewer or per team's criterion (each opening's copy of a template is one: thousands across
a large organisation): the first, those that most need a look, and a sentence saying how many
of how many; the CSV has every one."""

from dataclasses import dataclass

# Rows shown of such a table; its chart draws them, no more.
SHOWN_ROWS = 25


@dataclass(frozen=True)
class FirstRows:
    rows: list
    # How many of how many the page shows, "" when it shows every one.
    left_out: str


def first_rows(rows, says):
    """The first SHOWN_ROWS of `rows` (put in order: those that most need a look first), with
    `says` (ngettext_lazy(..., "counter") of "The %(shown)s of %(counter)s ...") saying so when
    it leaves some out."""
    rows = list(rows)
    if len(rows) <= SHOWN_ROWS:
        return FirstRows(rows, "")
    return FirstRows(rows[:SHOWN_ROWS], says % {"shown": SHOWN_ROWS, "counter": len(rows)})
