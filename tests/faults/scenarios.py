"""The five faults, each run against the live stack for a bounded time, and counted.

Each scenario returns a Result: how many requests or operations it made, the counts that must
be zero, other counts that show the fault really happened (conflicts met, processes killed,
connections cut), and how long it took.
"""

import json
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, timedelta

import kombu
import redis
from django.db import connection, transaction

from hiring.models import Notification, SessionInterviewer, User
from hiring.teams.invitations import invite
from scorecards import scoring
from scorecards.models import FeedbackRevision

from ..services import wait_for
from .client import Client, form_actions, form_fields, signed_in
from .data import DOMAIN


@dataclass
class Result:
    name: str
    operations: int = 0
    must_be_zero: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""
    details: list = field(default_factory=list)  # what failed, for the run's log folder

    @property
    def passed(self):
        return not self.error and not any(self.must_be_zero.values())


def timed(name, scenario, *args):
    """Run `scenario`; a harness failure becomes a failed row rather than ending the run."""
    started = time.monotonic()
    try:
        result = scenario(*args)
    except Exception as error:  # reported in the table, with its type
        result = Result(name, error=f"{type(error).__name__}: {error}")
    result.name, result.seconds = name, time.monotonic() - started
    return result


def at_once(*calls):
    """Run the calls in threads released together; their results in order (the first
    exception one raised is raised here)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # raised again in the calling thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def describe(response, since=0.0):
    """One line for the failures file: what was asked, what came back, when."""
    answer = f"HTTP {response.status}" if response.status else f"no answer ({response.error})"
    return f"+{response.started - since:.2f}s {response.path} -> {answer}"


def signed_in_client(ports, email, password, client_ip):
    client = Client(ports, client_ip=client_ip)
    response = client.login(email, password)
    if not signed_in(response):
        raise RuntimeError(f"{email} could not sign in: HTTP {response.status} {response.error}")
    return client


# a. Two tabs of one interviewer autosave and submit the same feedback.


class Tab:
    """One tab on the feedback form, as its htmx autosave behaves: one field at a time, each
    save carrying the draft version the last answer gave. A save refused (409: the draft moved
    on in the other tab), it reloads as the page says and types the value again; now and then
    it submits, then amends to go on writing."""

    def __init__(self, name, client, world):
        self.name, self.client = name, client
        self.own = world.tab_fields[name]
        base = f"/feedback/{world.feedback_id}/"
        self.form_url, self.draft_url = base, base + "draft/"
        self.submit_url, self.amend_url = base + "submit/", base + "amend/"
        self.shown = {}  # the form's fields as the last page or save left them
        self.sent = {name: [] for name in self.own}  # field -> [Typed] in order
        self.counts = Counter()
        self.details = []
        self.serial = 0

    def request(self, method, *args, **kwargs):
        response = getattr(self.client, method)(*args, **kwargs)
        self.counts["requests"] += 1
        self.counts["failed"] += response.failed
        if response.failed:
            self.details.append(f"tab {self.name}: {describe(response)}")
        return response

    def reload(self):
        page = self.request("get", self.form_url)
        if page.status == 200 and self.submit_url not in form_actions(page.text):
            self.request("post", self.amend_url, {})  # submitted: amend to go on writing
            self.counts["amendments"] += 1
            page = self.request("get", self.form_url)
        if page.status != 200 or self.submit_url not in form_actions(page.text):
            return False
        self.counts["reloads"] += 1
        self.shown = form_fields(page.text)
        return True

    def next_value(self, name):
        self.serial += 1
        if name.startswith("score_"):
            return str(1 + self.serial % 4)
        if name == "vote":
            return ("yes", "no", "strong_yes", "strong_no")[self.serial % 4]
        return f"{self.name}-{name}-{self.serial}"  # notes and takeaways: each value unique

    def autosave(self, name, value):
        """Save one field; refused (the page says reload), reload and type it again."""
        typed = Typed(value)
        self.sent[name].append(typed)
        for _ in range(3):
            posted = {name: value}
            if "draft_version" in self.shown:  # what the page carries, as htmx posts it
                posted["draft_version"] = self.shown["draft_version"]
            response = self.request("post", self.draft_url, posted, htmx=True)
            if response.status == 200 and "Draft saved" in response.text:
                typed.saved_at = time.time()  # wall clock, to compare with submitted_at
                self.counts["saved"] += 1
                self.shown[name] = value
                saved = form_fields(response.text)
                if "draft_version" in saved:
                    self.shown["draft_version"] = saved["draft_version"]
                return
            if response.status == 409:
                self.counts["refused as stale"] += 1
            else:
                self.counts[f"save HTTP {response.status}"] += 1
            if response.failed or not self.reload():
                return

    def submit(self):
        """Submit the form as the page shows it, like the button does."""
        posted = {
            name: value
            for name, value in self.shown.items()
            if name.startswith(("score_", "notes_"))
            or name in ("takeaways", "vote", "revision", "draft_version")
        }
        if "amend_reason" in self.shown:
            posted["amend_reason"] = "Fault run: amended to go on writing."
        response = self.request("post", self.submit_url, posted)
        if response.status == 302:
            self.counts["submitted"] += 1
        else:
            self.counts[f"submit HTTP {response.status}"] += 1
        self.reload()

    def run(self, deadline):
        if not self.reload():
            raise RuntimeError(f"tab {self.name} could not open the feedback form")
        rng = random.Random(self.name)
        operations = 0
        while time.monotonic() < deadline:
            name = self.own[operations % len(self.own)]
            self.autosave(name, self.next_value(name))
            operations += 1
            if operations % 12 == 0:
                self.submit()
            time.sleep(rng.uniform(0, 0.03))

    def missing(self, revision, before=None):
        """Own fields whose value in `revision` (as form fields) is older than the last save
        that got its "Draft saved" before the wall-clock time `before` (or at all): the value
        must be that one or one typed after it (an unanswered save may have landed)."""
        for name, typed in self.sent.items():
            saved = [n for n, t in enumerate(typed) if t.saved_at and t.saved_at < (before or 1e12)]
            if saved and revision.get(name, "") not in {t.value for t in typed[saved[-1] :]}:
                yield name


@dataclass
class Typed:
    value: str
    saved_at: float = 0.0  # time.time() of its "Draft saved", 0 if it never got one


def revision_fields(revision):
    """A revision's values as the form's fields."""
    values = {"vote": revision.vote or "", "takeaways": revision.takeaways}
    for rating in revision.ratings.all():
        score = "none" if rating.no_evidence else str(rating.score or "")
        values[f"score_{rating.criterion_id}"] = score
        values[f"notes_{rating.criterion_id}"] = rating.notes
    return values


def lost_ratings(tabs, feedback_id):
    """Each submitted revision, against the saves acknowledged before it was submitted (a
    save acknowledged then had committed before the submission took the feedback's lock),
    then the feedback as it now stands against every acknowledged save."""
    revisions = FeedbackRevision.objects.filter(feedback_id=feedback_id)
    checks = [
        (f"revision {r.number}", revision_fields(r), r.submitted_at.timestamp())
        for r in revisions.exclude(submitted_at=None).order_by("number")
    ]
    now = scoring.current_draft(revisions) or scoring.latest_submitted(revisions)
    if now is not None:
        checks.append(("as it now stands", revision_fields(now), None))
    return [
        f"{what}: tab {tab.name}'s {name} is {values.get(name)!r}"
        for what, values, before in checks
        for tab in tabs
        for name in tab.missing(values, before)
    ]


def feedback_tabs(world, ports, seconds=12):
    tabs = [
        Tab(name, signed_in_client(ports, world.interviewer, world.password, f"10.0.1.{n}"), world)
        for n, name in enumerate(("A", "B"), 1)
    ]
    deadline = time.monotonic() + seconds
    at_once(*(lambda tab=tab: tab.run(deadline) for tab in tabs))
    lost = lost_ratings(tabs, world.feedback_id)
    counts = sum((tab.counts for tab in tabs), Counter())
    return Result(
        "",
        counts["requests"],
        {"lost": len(lost), "5xx or no answer": counts["failed"]},
        {key: n for key, n in counts.items() if key not in ("requests", "failed")},
        details=[detail for tab in tabs for detail in tab.details] + lost,
    )


# b. Same-instant bookings of two panels sharing an interviewer, where only one fits.


def conflicting_bookings(world, ports, seconds=60):
    deadline = time.monotonic() + seconds
    # One recruiter on each web node, so the two bookings of a pair run in two processes.
    clients = [
        signed_in_client([port], email, world.password, f"10.0.2.{n}")
        for n, (port, email) in enumerate(zip(ports, world.recruiters, strict=True), 1)
    ]
    outcomes, errors, details = Counter(), 0, []
    for index, pair in enumerate(world.pairs):
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {index} of {len(world.pairs)} pairs in {seconds} s")
        order = clients if index % 2 == 0 else clients[::-1]
        responses = at_once(
            *(
                lambda client=client, application=application, option=option: client.post(
                    f"/applications/{application}/panel/book/", {"option": option}
                )
                for client, (application, option) in zip(order, pair.bookings, strict=True)
            )
        )
        results = [booking_outcome(response) for response in responses]
        errors += results.count("error")
        details += [
            describe(response)
            for response, result in zip(responses, results, strict=True)
            if result == "error"
        ]
        booked = results.count("booked")
        outcomes[f"{pair.kind}: {('none', 'one', 'both')[booked]} booked"] += 1
    violations = calendar_violations(world.booked)
    return Result(
        "",
        2 * len(world.pairs),
        {"calendar violations": sum(violations.values()), "5xx or no answer": errors},
        {**outcomes, **violations},
        details=details,
    )


def booking_outcome(response):
    if response.status == 302 and response.location.endswith("/panel/"):
        return "booked"
    if response.status == 302 and "/panel/times/" in response.location:
        return "refused"
    return "error"


def calendar_violations(booked):
    """Per person: seats that overlap or sit closer than their buffer, and weeks over the cap."""
    found = Counter()
    for user_id, (buffer, cap) in booked.items():
        seats = list(
            SessionInterviewer.objects.filter(user_id=user_id, start__isnull=False)
            .order_by("start")
            .values_list("start", "end")
        )
        for (_, first_end), (second_start, _) in zip(seats, seats[1:], strict=False):
            if second_start < first_end:
                found["overlapping seats"] += 1
            elif second_start - first_end < timedelta(minutes=buffer):
                found["seats within buffer"] += 1
        if cap is not None:
            weeks = Counter(start.astimezone(UTC).isocalendar()[:2] for start, _ in seats)
            found["weeks over cap"] += sum(1 for n in weeks.values() if n > cap)
    return found


# c. A worker killed with SIGKILL while it sends invitations to a slow mail server.

INVITATION_TASK = "hiring.tasks.send_invitation"


def worker_crash(world, stack, sink, broker_url, queue, count=30, seconds=60):
    """Invitations (one per address, so one ledger key each) sent by both workers through
    the slow sink; the first worker killed as a whole (its pool too) mid-send, restarted."""
    sink.delay = 1.0
    emails = [f"invitee{n}@{DOMAIN}" for n in range(count)]
    with transaction.atomic():  # each task is enqueued once this commits
        invitations = [invite(email, world.admin, role=User.Role.RECRUITER) for email in emails]
    cut_before = sink.cut_off
    killed = kill_mid_send(stack, sink)
    settle(sink, set(emails), broker_url, queue, time.monotonic() + seconds)
    if sink.cut_off == cut_before:
        raise RuntimeError("the kill found the worker between sends: nothing was cut off")
    held = give_back_held_tasks(broker_url, queue, sink)
    settle(sink, set(emails), broker_url, queue, time.monotonic() + 30)
    result = tally(sink, emails)
    ledger = Notification.objects.filter(key__in=[f"invitation:{i.pk}" for i in invitations])
    result.other |= {
        "processes killed": killed,
        "sends cut off": sink.cut_off - cut_before,
        "tasks the dead worker held, given back": len(held),
        "still unacknowledged": len(held_tasks(broker_url, queue, INVITATION_TASK)),
        "ledger rows not sent": ledger.filter(sent_at=None).count(),
    }
    return result


def kill_mid_send(stack, sink):
    """SIGKILL the first worker once all four pool processes wait for their 250, so it dies
    mid-send; start it again a second later. Returns how many processes died."""
    wait_for(lambda: sink.in_flight >= 4, 20, every=0.05)
    killed = stack.kill_worker(0)
    time.sleep(1)
    stack.restart_worker(0)
    return killed


def give_back_held_tasks(broker_url, queue, sink):
    """The dead worker's tasks come back once the broker's visibility timeout has passed
    (minutes or an hour, as the settings say): too long to wait, so do now what kombu does
    then, for those tasks alone, and wait until each was acknowledged (run again, or retried
    later as a new message). Returns their delivery tags."""
    held = held_tasks(broker_url, queue, INVITATION_TASK)
    restore(broker_url, held)
    sink.touch()
    wait_for(
        lambda: not set(held) & set(held_tasks(broker_url, queue, INVITATION_TASK)), 30, every=0.05
    )
    return held


def tally(sink, emails):
    """Messages the sink accepted per invitation: none is lost; a second copy is allowed
    only with the first one's Message-ID (hiring/email/notifications.py)."""
    received = defaultdict(list)
    for message in list(sink.accepted):
        for recipient in message["to"]:
            received[recipient].append(message["message_id"])
    repeated = [ids for email in emails if len(ids := received[email]) > 1]
    same_id = sum(1 for ids in repeated if len(set(ids)) == 1)
    lost = [email for email in emails if not received[email]]
    return Result(
        "",
        len(emails),
        {"lost": len(lost), "duplicates with a new Message-ID": len(repeated) - same_id},
        {"duplicates": len(repeated), "duplicates with the same Message-ID": same_id},
        details=[f"lost: {email}" for email in lost],
    )


def settle(sink, wanted, broker_url, queue, deadline):
    """Until every invitation arrived and nothing more came for 3 s, or nothing at all came
    for 10 s with the queue empty (the rest is stuck), or the deadline."""
    while time.monotonic() < deadline:
        arrived = {to for message in list(sink.accepted) for to in message["to"]}
        idle = sink.in_flight == 0 and queue_length(broker_url, queue) == 0
        if idle and sink.quiet_for() > (3 if wanted <= arrived else 10):
            return
        time.sleep(0.5)


def queue_length(broker_url, queue):
    # kombu's Redis transport keeps a list per queue and priority (0 plain, then 3, 6, 9).
    keys = [queue] + [f"{queue}\x06\x16{priority}" for priority in (3, 6, 9)]
    with redis.Redis.from_url(broker_url, socket_timeout=2) as broker:
        return sum(broker.llen(key) for key in keys)


def held_tasks(broker_url, queue, task):
    """Delivery tags of `task` messages of our queue that a consumer took and has not
    acknowledged. Once the workers are idle, only a dead worker still holds any."""
    with redis.Redis.from_url(broker_url, socket_timeout=2) as broker:
        entries = broker.hgetall("unacked")  # kombu's: tag -> [message, exchange, routing key]
    tags = []
    for tag, entry in entries.items():
        message, _, routing_key = json.loads(entry)
        if routing_key == queue and message.get("headers", {}).get("task") == task:
            tags.append(tag.decode())
    return tags


def restore(broker_url, tags):
    """What kombu does for a message unacknowledged past the visibility timeout: back to the
    head of its queue, marked redelivered."""
    with kombu.Connection(broker_url) as broker:
        qos = broker.default_channel.qos
        for tag in tags:
            qos.restore_by_tag(tag, leftmost=True)


# d and e: signed-in readers and sign-ins under load while something breaks.


class Load:
    """Readers fetching their pages in turn from threads, and a sign-in every second."""

    def __init__(self, world, ports, subnet):
        self.world, self.ports, self.subnet = world, ports, subnet
        self.readers = [
            (signed_in_client(ports, email, world.password, f"10.0.{subnet}.{n}"), paths)
            for n, (email, paths) in enumerate(world.pages.items(), 1)
        ]
        self.responses, self.lock, self.stop = [], threading.Lock(), threading.Event()
        self.sign_ins = Counter()

    def keep(self, response):
        with self.lock:
            self.responses.append(response)

    def read(self, client, paths):
        n = 0
        while not self.stop.is_set():
            self.keep(client.get(paths[n % len(paths)]))
            n += 1
            time.sleep(0.02)

    def sign_in(self):
        n = 0
        while not self.stop.wait(1.0):
            n += 1
            client = Client(self.ports, client_ip=f"10.0.{self.subnet}.{100 + n}")
            page = client.get("/accounts/login/")
            self.keep(page)
            fields = {"login": self.world.member, "password": self.world.password}
            response = client.post(
                "/accounts/login/", {**fields, "csrfmiddlewaretoken": client.csrf_token}
            )
            self.keep(response)
            self.sign_ins["signed in" if signed_in(response) else f"HTTP {response.status}"] += 1

    def run(self, seconds, events):
        """Load for `seconds`, doing each (at, action) of `events` at `at` seconds in."""
        threads = [threading.Thread(target=self.read, args=reader) for reader in self.readers]
        threads.append(threading.Thread(target=self.sign_in))
        started = self.started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            for at, action in events:
                time.sleep(max(0.0, started + at - time.monotonic()))
                action()
            time.sleep(max(0.0, started + seconds - time.monotonic()))
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=30)
        return self.responses


def cache_outage(world, stack, ports, seconds=16):
    load = Load(world, ports, subnet=4)
    outage = {}

    def kill():
        outage["killed"] = stack.kill_cache()
        outage["from"] = time.monotonic()

    def restart():
        stack.start_cache()
        outage["to"] = time.monotonic()

    def probe():
        # Each node's readiness, as a load balancer asks it: still ready without the cache.
        outage["probes"] = [Client(ports).get("/health/ready/") for _ in ports]

    try:
        responses = load.run(seconds, [(4, kill), (7, probe), (10, restart)])
    finally:
        stack.ensure_cache()  # the next scenario needs it whatever happened here
    down, up = outage["from"], outage["to"]
    during = [r for r in responses if r.ended > down and r.started < up]
    probes = outage["probes"]
    return Result(
        "",
        len(responses),
        {
            "5xx or no answer": sum(r.failed for r in responses),
            "nodes not ready while Redis was down": sum(r.status != 200 for r in probes),
        },
        {
            "requests while Redis was down": len(during),
            "of them answered": sum(not r.failed for r in during),
            "Redis processes killed": outage["killed"],
            "HTTP 429": sum(r.status == 429 for r in responses),
            **load.sign_ins,
        },
        details=[describe(r, load.started) for r in responses if r.failed]
        + [f"readiness: {describe(r, load.started)}" for r in probes if r.status != 200]
        + [f"Redis down from +{down - load.started:.2f}s to +{up - load.started:.2f}s"],
    )


def database_drops(world, database, ports, seconds=14):
    load = Load(world, ports, subnet=5)
    cuts = []

    def cut():
        began = time.monotonic()
        terminated = database.terminate_backends()
        cuts.append((began, time.monotonic(), terminated))

    responses = load.run(seconds, [(at, cut) for at in (2, 5, 8, 11)])
    connection.close()  # the run's own connection was cut too
    if not any(n for _, _, n in cuts):
        raise RuntimeError("no connection to cut: the nodes held none")

    def in_flight(response):
        return any(response.started < end and response.ended > began for began, end, _ in cuts)

    failed = [r for r in responses if r.failed]
    excused = [r for r in failed if in_flight(r)]
    return Result(
        "",
        len(responses),
        {"5xx or no answer after a cut": len(failed) - len(excused)},
        {
            "cuts": len(cuts),
            "connections cut": sum(n for _, _, n in cuts),
            "requests in flight at a cut": sum(in_flight(r) for r in responses),
            "of them failed": len(excused),
            **load.sign_ins,
        },
        details=[
            describe(r, load.started) + (" (in flight at a cut)" if in_flight(r) else "")
            for r in failed
        ]
        + [f"cut at +{began - load.started:.2f}s: {n} connections" for began, _, n in cuts],
    )
