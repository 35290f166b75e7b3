"""compute/scheduler.py: who computes next, and the bounds. Pure: requests are put in line and
taken here (and from threads), as the pool's threads take them.

Estimates are kept above the scheduler's small-job bound (`small_seconds`) wherever a test is
about the order among bigger jobs, so that each rule is seen on its own."""
import threading
import time

import pytest

from compute.scheduler import REASONS, Refused, Scheduler, Visitor
from tests.compute.conftest import WAIT, in_thread

ANN, BOB, CAT = (Visitor(f"browser:{name}", "10.0.0.1") for name in ("ann", "bob", "cat"))


def taken(scheduler, count):
    """The tasks of the next `count` requests taken."""
    return [scheduler.take(timeout=1).task for _ in range(count)]


def big(scheduler, seconds):
    """`seconds` past the scheduler's small-job bound: a job that is not small."""
    return scheduler.small_seconds + seconds


# ---- the order

def test_the_visitor_with_the_least_work_goes_first():
    """Ann's job of 5 s and Bob's of 1 s wait (both over the small bound): Bob's step first."""
    scheduler = Scheduler()
    scheduler.submit(scheduler.open(ANN, big(scheduler, 5)), "ann", ())
    scheduler.submit(scheduler.open(BOB, big(scheduler, 1)), "bob", ())
    assert taken(scheduler, 2) == ["bob", "ann"]


def test_steps_taken_alike_come_in_the_order_of_the_line_and_leave_it():
    """take_alike takes, after one request, up to `limit` waiting requests of the same key, in
    the order the line serves them; the others stay in line; a key of None takes none."""
    scheduler = Scheduler()
    key_of = lambda request: request.args[0] if request.args else None  # noqa: E731
    first = scheduler.submit(scheduler.open(ANN, big(scheduler, 1)), "ann", ("6 units",))
    for who, seconds, args in ((BOB, 4, ("6 units",)), (CAT, 2, ("6 units",)),
                               (BOB, 3, ("8 units",)), (CAT, 5, ("6 units",)), (ANN, 1, ())):
        scheduler.submit(scheduler.open(who, big(scheduler, seconds)), who.id, args)
    assert scheduler.take(timeout=1) is first
    assert scheduler.take_alike(key_of, None, 5) == []
    alike = scheduler.take_alike(key_of, "6 units", 2)
    assert [(r.task, r.job.estimate) for r in alike] == [
        ("browser:cat", big(scheduler, 2)), ("browser:bob", big(scheduler, 4))]
    assert scheduler.waiting == 3
    assert [r.args for r in scheduler.take_alike(key_of, "6 units", 5)] == [("6 units",)]
    assert scheduler.waiting == 2


def test_the_quick_slot_takes_only_quick_jobs_in_the_order_of_the_line():
    """take(quick=True) passes over the waiting requests of jobs expected to take longer than
    quick_seconds in all, and among quick ones keeps the line's order; with none, it times out."""
    scheduler = Scheduler()
    scheduler.submit(scheduler.open(ANN, scheduler.quick_seconds * 2), "long", ())
    assert scheduler.take(timeout=0.05, quick=True) is None
    scheduler.submit(scheduler.open(BOB, scheduler.quick_seconds), "quick", ())
    scheduler.submit(scheduler.open(CAT, scheduler.quick_seconds / 10), "quicker", ())
    assert scheduler.take(timeout=1, quick=True).task == "quicker"
    assert scheduler.take(timeout=1, quick=True).task == "quick"
    assert scheduler.take(timeout=0.05, quick=True) is None
    assert taken(scheduler, 1) == ["long"]


def test_a_visitors_jobs_add_up():
    """Ann has three 1 s jobs (3 s in all), Bob one 2 s job: Bob goes first, though each of Ann's
    jobs is shorter than his; more tabs do not get a visitor ahead."""
    scheduler = Scheduler()
    one, two = big(scheduler, 1), 2 * big(scheduler, 1) - 0.1  # 3 x one > two > one
    for index in range(3):
        scheduler.submit(scheduler.open(ANN, one), f"ann {index}", ())
    scheduler.submit(scheduler.open(BOB, two), "bob", ())
    assert taken(scheduler, 4) == ["bob", "ann 0", "ann 1", "ann 2"]


def test_within_a_visitor_the_shorter_job_first():
    """Ann's 4 s job came before her 1 s job: the shorter one's step is taken first."""
    scheduler = Scheduler()
    scheduler.submit(scheduler.open(ANN, big(scheduler, 4)), "long", ())
    scheduler.submit(scheduler.open(ANN, big(scheduler, 1)), "short", ())
    assert taken(scheduler, 2) == ["short", "long"]


def test_work_given_lowers_a_claim():
    """Ann's job of 6 s has had 4 s of computing: what it has left goes before Bob's 3 s."""
    scheduler = Scheduler()
    ann = scheduler.open(ANN, big(scheduler, 6))
    scheduler.given(ann, 4.0)
    scheduler.submit(scheduler.open(BOB, big(scheduler, 3)), "bob", ())
    scheduler.submit(ann, "ann", ())
    assert ann.remaining == pytest.approx(big(scheduler, 2))
    assert taken(scheduler, 2) == ["ann", "bob"]


def test_a_revised_estimate_moves_a_job():
    """Ann's job opened as 2 s but revised to 10 s more: Bob's 3 s job now goes first."""
    scheduler = Scheduler()
    ann = scheduler.open(ANN, big(scheduler, 2))
    scheduler.given(ann, 1.0)
    scheduler.revise(ann, big(scheduler, 10))
    assert ann.remaining == pytest.approx(big(scheduler, 10))
    scheduler.submit(ann, "ann", ())
    scheduler.submit(scheduler.open(BOB, big(scheduler, 3)), "bob", ())
    assert taken(scheduler, 2) == ["bob", "ann"]


def test_a_small_job_goes_before_any_other():
    """Ann has a long job open, so she claims the most; her small job (a calculator answer) still
    goes before Bob's and Cat's bigger ones."""
    scheduler = Scheduler()
    scheduler.open(ANN, big(scheduler, 30))
    scheduler.submit(scheduler.open(BOB, big(scheduler, 2)), "bob", ())
    scheduler.submit(scheduler.open(CAT, big(scheduler, 1)), "cat", ())
    scheduler.submit(scheduler.open(ANN, scheduler.small_seconds / 2), "ann small", ())
    assert taken(scheduler, 3) == ["ann small", "cat", "bob"]


def test_nobody_starves():
    """Ann's long job among a stream of Bob's and Cat's shorter ones (each opened fresh, as a
    class's runs are): once it has been open STARVE_SECONDS (0.2 s here), its step goes first."""
    scheduler = Scheduler(starve_seconds=0.2)
    ann = scheduler.open(ANN, big(scheduler, 60))
    scheduler.submit(ann, "ann", ())
    order, started, deadline = [], time.monotonic(), time.monotonic() + 5
    shorts = []
    while "ann" not in order:
        assert time.monotonic() < deadline, "Ann's job starved"
        for job in shorts:
            scheduler.end(job)
        shorts = [scheduler.open(BOB, big(scheduler, 1)), scheduler.open(CAT, big(scheduler, 1))]
        for job in shorts:
            scheduler.submit(job, job.visitor.id, ())
        order.append(scheduler.take(timeout=1).task)
        time.sleep(0.01)
    assert time.monotonic() - started >= 0.2 and len(order) > 5


def test_the_oldest_starving_job_goes_first():
    """Two jobs open past STARVE_SECONDS: the older one (Ann's, the bigger) goes first."""
    scheduler = Scheduler(starve_seconds=0.1)
    scheduler.submit(scheduler.open(ANN, big(scheduler, 50)), "ann", ())
    time.sleep(0.02)
    scheduler.submit(scheduler.open(BOB, big(scheduler, 5)), "bob", ())
    time.sleep(0.15)
    assert taken(scheduler, 2) == ["ann", "bob"]


def test_a_request_whose_worker_was_lost_goes_first():
    """Requeued after its worker froze (its attempts counted, as the pool does), a request goes
    before everything else in line, a small job too."""
    scheduler = Scheduler()
    scheduler.submit(scheduler.open(BOB, scheduler.small_seconds / 2), "small", ())
    lost = scheduler.submit(scheduler.open(ANN, big(scheduler, 9)), "lost", ())
    scheduler.submit(scheduler.open(CAT, scheduler.small_seconds / 2), "small too", ())
    assert scheduler.take(timeout=1).task == "small"
    assert scheduler.take(timeout=1).task == "small too"
    assert scheduler.take(timeout=1) is lost
    scheduler.submit(scheduler.open(BOB, scheduler.small_seconds / 2), "new", ())
    lost.attempts += 1
    assert scheduler.requeue(lost) is True
    assert scheduler.take(timeout=1) is lost and taken(scheduler, 1) == ["new"]


def test_a_lost_request_of_an_ended_job_is_not_requeued():
    """The job ended while its step was on a worker that was then lost: requeue refuses it
    (False) and nothing is put in line, for nobody."""
    scheduler = Scheduler()
    job = scheduler.open(ANN, big(scheduler, 1))
    request = scheduler.submit(job, "orphan", ())
    assert scheduler.take(timeout=1) is request
    scheduler.end(job)
    request.attempts += 1
    assert scheduler.requeue(request) is False and scheduler.waiting == 0


# ---- leaving the line

def test_a_withdrawn_request_leaves_the_line_cancelled():
    """A request whose caller stopped waiting is not taken, and its Future is cancelled."""
    scheduler = Scheduler()
    gone = scheduler.submit(scheduler.open(ANN, 0.1), "gone", ())
    scheduler.submit(scheduler.open(BOB, big(scheduler, 1)), "stays", ())
    scheduler.withdraw(gone)
    assert gone.future.cancelled() and taken(scheduler, 1) == ["stays"]
    assert scheduler.waiting == 0


def test_an_ended_job_takes_its_waiting_requests_along():
    """A job that ends (its visitor moved on) leaves no request in line, and no job open."""
    scheduler = Scheduler()
    job = scheduler.open(ANN, 1.0)
    requests = [scheduler.submit(job, f"orphan {i}", ()) for i in range(3)]
    scheduler.end(job)
    assert scheduler.waiting == 0 and scheduler.jobs == 0
    assert all(request.future.cancelled() for request in requests)
    assert scheduler.take(timeout=0.05) is None


# ---- bounds

@pytest.mark.parametrize("bound, visitors, reason", [
    ({"per_visitor": 2}, [ANN, ANN], "visitor"),
    ({"per_address": 2}, [ANN, BOB], "address"),
    ({"total": 2}, [ANN, Visitor("address:10.0.0.2", "10.0.0.2")], "total")],
    ids=["visitor", "address", "total"])
def test_bounds_refuse_a_job_and_an_ended_job_frees_its_place(bound, visitors, reason):
    """Past a bound a job is refused with the bound's reason; once one ends, it is taken."""
    scheduler = Scheduler(**bound)
    jobs = [scheduler.open(visitor, 1.0) for visitor in visitors]
    with pytest.raises(Refused) as refused:
        scheduler.open(ANN, 1.0)
    assert refused.value.reason == reason and reason in REASONS
    assert scheduler.jobs == 2  # the refused one is not counted
    scheduler.end(jobs[0])
    assert scheduler.open(ANN, 1.0) is not None


def test_the_default_bounds_hold():
    """PER_VISITOR jobs for one browser, then "visitor"; other browsers of the same address up
    to PER_ADDRESS, then "address"."""
    scheduler = Scheduler()
    for _ in range(scheduler.per_visitor):
        scheduler.open(ANN, 1.0)
    with pytest.raises(Refused, match="visitor"):
        scheduler.open(ANN, 1.0)
    for index in range(scheduler.per_address - scheduler.per_visitor):
        scheduler.open(Visitor(f"browser:{index}", ANN.address), 1.0)
    with pytest.raises(Refused) as refused:
        scheduler.open(Visitor("browser:late", ANN.address), 1.0)
    assert refused.value.reason == "address"
    assert scheduler.open(Visitor("address:10.9.9.9", "10.9.9.9"), 1.0) is not None


# ---- places, waiting

def test_places_count_from_one():
    """place(): 1 for the request taken next, 2 after it, 0 once taken."""
    scheduler = Scheduler()
    first = scheduler.submit(scheduler.open(BOB, big(scheduler, 0.1)), "first", ())
    second = scheduler.submit(scheduler.open(ANN, big(scheduler, 5)), "second", ())
    assert (scheduler.place(first), scheduler.place(second)) == (1, 2)
    assert scheduler.take(timeout=1) is first
    assert (scheduler.place(first), scheduler.place(second)) == (0, 1)


def test_places_are_the_order_requests_are_taken_in():
    """With a small job of a visitor who claims much, a job open past STARVE_SECONDS and a lost
    request in line, place() says what take() then does: 1, 2, 3 ... in the order taken."""
    scheduler = Scheduler(starve_seconds=0.1)
    old = scheduler.submit(scheduler.open(CAT, big(scheduler, 40)), "old", ())
    time.sleep(0.15)  # Cat's job is now past STARVE_SECONDS
    scheduler.open(ANN, big(scheduler, 30))
    small = scheduler.submit(scheduler.open(ANN, scheduler.small_seconds / 2), "small", ())
    plain = scheduler.submit(scheduler.open(BOB, big(scheduler, 1)), "plain", ())
    lost = scheduler.submit(scheduler.open(BOB, big(scheduler, 2)), "lost", ())
    lost.attempts = 1  # its worker was lost once: it goes first
    said = {request.task: scheduler.place(request) for request in (old, small, plain, lost)}
    order = taken(scheduler, 4)
    assert [said[task] for task in order] == [1, 2, 3, 4], (said, order)


def test_take_waits_for_a_request_from_another_thread():
    """take() blocks until a request is submitted (from another thread), then returns it at
    once; with nothing in line it returns None after its timeout."""
    scheduler = Scheduler()
    started = time.monotonic()
    assert scheduler.take(timeout=0.1) is None
    assert 0.1 <= time.monotonic() - started < 1
    thread, got = in_thread(scheduler.take, WAIT)
    time.sleep(0.1)
    assert thread.is_alive()
    submitted = time.monotonic()
    request = scheduler.submit(scheduler.open(ANN, 1.0), "late", ())
    thread.join(WAIT)
    assert got["value"] is request and time.monotonic() - submitted < 1


def test_shut_ends_every_take_and_cancels_the_line():
    """shut(): takes waiting in threads return None, requests in line are cancelled, and no new
    request is accepted."""
    scheduler = Scheduler()
    takers = [in_thread(scheduler.take, WAIT) for _ in range(3)]
    time.sleep(0.05)
    for thread, _ in takers:
        assert thread.is_alive()
    scheduler.shut()
    for thread, got in takers:
        thread.join(WAIT)
        assert not thread.is_alive()
    assert [got.get("value", "raised") for _, got in takers] == [None, None, None]
    with pytest.raises(RuntimeError):
        scheduler.submit(scheduler.open(ANN, 1.0), "after", ())
    assert scheduler.take() is None


def test_shut_cancels_waiting_requests():
    """A request in line when the scheduler shuts is cancelled, never left pending."""
    scheduler = Scheduler()
    request = scheduler.submit(scheduler.open(ANN, 1.0), "pending", ())
    scheduler.shut()
    assert request.future.cancelled() and scheduler.waiting == 0


def test_many_threads_take_each_request_once():
    """Four threads taking while another submits 200 requests: each is taken exactly once."""
    scheduler = Scheduler()
    got, lock = [], threading.Lock()

    def take_all():
        while True:
            request = scheduler.take(timeout=WAIT)
            if request is None:
                return
            with lock:
                got.append(request.task)
    threads = [threading.Thread(target=take_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    job = scheduler.open(ANN, 1.0)
    for index in range(200):
        scheduler.submit(job, index, ())
    deadline = time.monotonic() + WAIT
    while scheduler.waiting:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    scheduler.shut()
    for thread in threads:
        thread.join(WAIT)
    assert sorted(got) == list(range(200))
