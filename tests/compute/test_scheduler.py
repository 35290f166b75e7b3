"""compute/scheduler.py: who computes next, and the bounds. Pure: requests are put in line and
taken here, as the pool's threads take them."""
import time

import pytest

from compute.scheduler import Refused, Scheduler, Visitor

ANN, BOB, CAT = (Visitor(f"browser:{name}", "10.0.0.1") for name in ("ann", "bob", "cat"))


def taken(scheduler, count):
    """The tasks of the next `count` requests taken."""
    return [scheduler.take(timeout=1).task for _ in range(count)]


def test_the_visitor_with_the_least_work_goes_first():
    """Ann's 5 s job and Bob's 0.1 s job wait: Bob's step is taken first."""
    scheduler = Scheduler()
    scheduler.submit(scheduler.open(ANN, 5.0), "ann", ())
    scheduler.submit(scheduler.open(BOB, 0.1), "bob", ())
    assert taken(scheduler, 2) == ["bob", "ann"]


def test_a_visitors_jobs_add_up():
    """Ann has three 0.5 s jobs (1.5 s in all), Bob one 1 s job: Bob goes first, though each of
    Ann's jobs is shorter; more tabs do not get a visitor ahead."""
    scheduler = Scheduler()
    for index in range(3):
        scheduler.submit(scheduler.open(ANN, 0.5), f"ann {index}", ())
    scheduler.submit(scheduler.open(BOB, 1.0), "bob", ())
    assert taken(scheduler, 4) == ["bob", "ann 0", "ann 1", "ann 2"]


def test_within_a_visitor_the_shorter_job_first():
    """Ann's 2 s job came before her 0.2 s job: the short one's step is taken first."""
    scheduler = Scheduler()
    scheduler.submit(scheduler.open(ANN, 2.0), "long", ())
    scheduler.submit(scheduler.open(ANN, 0.2), "short", ())
    assert taken(scheduler, 2) == ["short", "long"]


def test_work_given_lowers_a_claim():
    """Ann's 3 s job has had 2.5 s of computing: its 0.5 s left go before Bob's 1 s."""
    scheduler = Scheduler()
    ann = scheduler.open(ANN, 3.0)
    scheduler.given(ann, 2.5)
    scheduler.submit(scheduler.open(BOB, 1.0), "bob", ())
    scheduler.submit(ann, "ann", ())
    assert taken(scheduler, 2) == ["ann", "bob"]


def test_nobody_starves():
    """Ann's long job among a stream of Bob's and Cat's short ones: once it has waited
    STARVE_SECONDS (0.2 s here) since its last step was taken, its step goes first."""
    scheduler = Scheduler(starve_seconds=0.2)
    ann = scheduler.open(ANN, 60.0)
    scheduler.submit(ann, "ann", ())
    shorts = [scheduler.open(BOB, 0.01), scheduler.open(CAT, 0.01)]
    order, started = [], time.monotonic()
    while "ann" not in order:
        for job in shorts:
            scheduler.submit(job, job.visitor.id, ())
        order.append(scheduler.take(timeout=1).task)
        time.sleep(0.01)
    assert 0.2 <= time.monotonic() - started < 2 and len(order) > 5


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
    assert refused.value.reason == reason
    scheduler.end(jobs[0])
    assert scheduler.open(ANN, 1.0) is not None


def test_a_withdrawn_request_leaves_the_line_cancelled():
    """A request whose caller stopped waiting is not taken, and its Future is cancelled."""
    scheduler = Scheduler()
    gone = scheduler.submit(scheduler.open(ANN, 0.1), "gone", ())
    scheduler.submit(scheduler.open(BOB, 1.0), "stays", ())
    scheduler.withdraw(gone)
    assert gone.future.cancelled() and taken(scheduler, 1) == ["stays"]
    assert scheduler.waiting == 0


def test_an_ended_job_takes_its_waiting_requests_along():
    """A job that ends (its visitor moved on) leaves no request in line."""
    scheduler = Scheduler()
    job = scheduler.open(ANN, 1.0)
    request = scheduler.submit(job, "orphan", ())
    scheduler.end(job)
    assert scheduler.waiting == 0 and request.future.cancelled() and scheduler.jobs == 0


def test_a_request_whose_worker_was_lost_goes_first():
    """Requeued after its worker froze, a request goes before everything else in line."""
    scheduler = Scheduler()
    scheduler.submit(scheduler.open(BOB, 0.01), "short", ())
    lost = scheduler.submit(scheduler.open(ANN, 9.0), "lost", ())
    request = scheduler.take(timeout=1)
    assert request.task == "short"
    scheduler.requeue(request)
    request.attempts = 1
    assert scheduler.take(timeout=1) is request and lost.task == "lost"


def test_places_count_from_one():
    """place(): 1 for the request taken next, 2 after it, 0 once taken."""
    scheduler = Scheduler()
    first = scheduler.submit(scheduler.open(BOB, 0.1), "first", ())
    second = scheduler.submit(scheduler.open(ANN, 5.0), "second", ())
    assert (scheduler.place(first), scheduler.place(second)) == (1, 2)
    scheduler.take(timeout=1)
    assert (scheduler.place(first), scheduler.place(second)) == (0, 1)


def test_take_waits_for_a_request_and_ends_when_shut():
    """With nothing in line take() returns None after its timeout; shut() ends every take."""
    scheduler = Scheduler()
    assert scheduler.take(timeout=0.05) is None
    scheduler.shut()
    assert scheduler.take() is None
