"""Who computes next: the jobs of every visitor, their steps waiting for a worker, and the rules
that order them and bound them.

A job is one visitor's computation (a training, a sweep, an analysis ...), made of steps; each step
waits here as a Request until a worker takes it (`take`). The order:

- Least work first, counted per visitor. A visitor's claim is the work (seconds, as estimated
  when the job opened, minus what it has been given since) of all their open jobs together; the
  request of the visitor who claims least goes first, and within a visitor the shortest job
  first. So a class's many small runs finish one after another instead of all at the end (as
  taking turns would have them do), a calculator answer or a walk goes before any training, and a
  visitor gains nothing by opening more tabs: their jobs add up.
- Small jobs always first: a job expected to need at most SMALL_SECONDS more (a calculator answer,
  a walk, a short run) goes before any other, so no crowd of long jobs holds it up.
- No one starves: past the small ones, a job open for more than STARVE_SECONDS goes first, the
  oldest first, so a long job is finished however many shorter ones keep coming, and nobody's
  wait grows without bound. (Modelled for a class of 60 on two cores: least work first alone
  gave the median training the shortest wait but the last ones three times the longest; first
  come first served the reverse; this mix lies between.)

The pool's quick slot takes only requests of quick jobs (`is_quick`: at most QUICK_SECONDS in
all), in the same order, so a calculator's answer never waits behind the steps of trainings.

A worker that takes a step of a training also takes the waiting steps of other trainings that
can be computed with it in one call (`take_alike`: the same hidden size and width, see
compute.tasks.together_key), whoever they belong to: side by side they cost little more than one.

Bounds, each refused with `Refused(reason)` when a job opens: at most PER_VISITOR open jobs per
visitor, PER_ADDRESS per client address (a browser cookie is easy to make up; an address is not),
TOTAL in all. A visitor is the browser where there is one (the caller gives its id), otherwise the
client address; the caller names both (`Visitor`).

Nothing here computes or draws: the pool (compute.pool) takes requests, the service
(compute.service) opens jobs and waits for their requests' futures.
"""
import itertools
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

PER_VISITOR = 4  # open jobs of one visitor (a browser's tabs together)
PER_ADDRESS = 60  # open jobs of one client address (a school behind one address: a class)
TOTAL = 120  # open jobs of the whole server
SMALL_SECONDS = 0.5  # a job expected to need at most this much more computing goes first
STARVE_SECONDS = 3.0  # then a job open for longer than this, the oldest first
QUICK_SECONDS = 0.05  # a job expected to take at most this long in all is quick (see `take`)
REASONS = ("visitor", "address", "total")  # why a job is refused


class Refused(Exception):
    """A job over a bound; `reason` is one of REASONS."""

    def __init__(self, reason):
        super().__init__(f"too many jobs at once ({reason})")
        self.reason = reason


@dataclass(frozen=True)
class Visitor:
    id: str  # "browser:<hash>" or "address:<address>"
    address: str  # the client address ("local" for loopback)


SERVER = Visitor("server", "server")  # the visitor of the server's own jobs (its warm-up)


@dataclass(eq=False)
class Job:
    visitor: Visitor
    estimate: float  # seconds of computing the whole job should take (rnn.cost)
    given: float = 0.0  # seconds of computing it has had
    opened: float = field(default_factory=time.monotonic)
    number: int = 0  # order of opening, the last tie-break

    @property
    def remaining(self):
        return max(0.0, self.estimate - self.given)


@dataclass(eq=False)
class Request:
    """One step of a job waiting for a worker, and the Future its value comes in."""
    job: Job
    task: str  # the name of a function in compute.tasks
    args: tuple
    future: Future = field(default_factory=Future)
    number: int = 0  # order of arrival
    attempts: int = 0  # workers lost while computing it
    started: bool = False  # a worker has taken it once (its future is running)


class Scheduler:
    def __init__(self, per_visitor=PER_VISITOR, per_address=PER_ADDRESS, total=TOTAL,
                 starve_seconds=STARVE_SECONDS, small_seconds=SMALL_SECONDS,
                 quick_seconds=QUICK_SECONDS):
        self.per_visitor, self.per_address, self.total = per_visitor, per_address, total
        self.starve_seconds, self.small_seconds = starve_seconds, small_seconds
        self.quick_seconds = quick_seconds
        self._changed = threading.Condition()
        self._jobs = []  # open jobs
        self._waiting = []  # Requests not taken yet
        self._numbers = itertools.count()
        self._closed = False

    # ---- jobs

    def open(self, visitor, estimate):
        """A new Job of `visitor`; Refused when it is over a bound."""
        with self._changed:
            mine = sum(job.visitor.id == visitor.id for job in self._jobs)
            here = sum(job.visitor.address == visitor.address for job in self._jobs)
            for reason, count, bound in (("visitor", mine, self.per_visitor),
                                         ("address", here, self.per_address),
                                         ("total", len(self._jobs), self.total)):
                if count >= bound:
                    raise Refused(reason)
            job = Job(visitor, max(0.0, float(estimate)), number=next(self._numbers))
            self._jobs.append(job)
            return job

    def end(self, job):
        """The job has ended (or was abandoned): its waiting requests are cancelled."""
        with self._changed:
            if job in self._jobs:
                self._jobs.remove(job)
            for request in [r for r in self._waiting if r.job is job]:
                self._waiting.remove(request)
                request.future.cancel()
            self._changed.notify_all()

    def given(self, job, seconds):
        """`seconds` of computing went to `job` (the worker's own measure)."""
        with self._changed:
            job.given += max(0.0, seconds)

    def revise(self, job, remaining):
        """The job now expects `remaining` more seconds (it knows better as it goes)."""
        with self._changed:
            job.estimate = job.given + max(0.0, remaining)

    @property
    def jobs(self):
        with self._changed:
            return len(self._jobs)

    # ---- requests

    def submit(self, job, task, args):
        """A Request for one step of `job`, put in line."""
        request = Request(job, task, args, number=next(self._numbers))
        with self._changed:
            if self._closed:
                raise RuntimeError("the scheduler is closed")
            self._waiting.append(request)
            self._changed.notify_all()
        return request

    def withdraw(self, request):
        """Take a request out of line (its caller stopped waiting); a request being computed
        finishes, its value unread."""
        with self._changed:
            if request in self._waiting:
                self._waiting.remove(request)
                request.future.cancel()
                self._changed.notify_all()

    def requeue(self, request):
        """Put a request whose worker was lost back in line, first; False (and nothing done) when
        its job has ended meanwhile: nobody waits for it any more."""
        with self._changed:
            if request.job not in self._jobs:
                return False
            self._waiting.insert(0, request)
            self._changed.notify_all()
            return True

    def take(self, timeout=None, quick=False):
        """The next request to compute (see the module's docstring), waiting up to `timeout`
        seconds for one (None: as long as it takes); None on a timeout or once closed. `quick`:
        only a request of a quick job (`is_quick`), for the pool's quick slot."""
        fits = self.is_quick if quick else (lambda request: True)
        with self._changed:
            if not self._changed.wait_for(
                    lambda: self._closed or any(fits(r) for r in self._waiting), timeout):
                return None
            if self._closed:
                return None
            request = next(r for r in self._order() if fits(r))
            self._waiting.remove(request)
            return request

    def is_quick(self, request):
        """Whether `request` belongs to a quick job: one expected to take at most QUICK_SECONDS
        in all (a calculator's answer, a walk, one analysis of a net)."""
        return request.job.estimate <= self.quick_seconds

    def take_alike(self, key_of, wanted, limit):
        """Up to `limit` more waiting requests whose `key_of(request)` equals `wanted` (not None),
        in the order `take` would serve them, taken out of line: a worker computes them in one
        call with the request of that key it has just taken (compute.tasks.together_key)."""
        if wanted is None or limit < 1:
            return []
        with self._changed:
            alike = [r for r in self._order() if key_of(r) == wanted][:limit]
            for request in alike:
                self._waiting.remove(request)
            return alike

    def place(self, request):
        """Where `request` stands in line (1: next), 0 once taken."""
        with self._changed:
            if request not in self._waiting:
                return 0
            return self._order().index(request) + 1

    @property
    def waiting(self):
        with self._changed:
            return len(self._waiting)

    def shut(self):
        """No more requests: every `take` returns None, waiting requests are cancelled."""
        with self._changed:
            self._closed = True
            for request in self._waiting:
                request.future.cancel()
            self._waiting.clear()
            self._changed.notify_all()

    def _priority(self):
        claims = {}
        for job in self._jobs:
            claims[job.visitor.id] = claims.get(job.visitor.id, 0.0) + job.remaining
        return lambda r: (claims.get(r.job.visitor.id, 0.0), r.job.remaining, r.job.number,
                          r.number)

    def _next(self):
        return self._order()[0]

    def _order(self):
        """The waiting requests in the order `take` serves them (see the module's docstring):
        retried ones, small jobs', starving jobs' (oldest first), then least work first."""
        priority, now = self._priority(), time.monotonic()

        def rank(r):
            if r.attempts:  # a request whose worker was lost goes on at once
                return (0, r.number)
            if r.job.remaining <= self.small_seconds:
                return (1, *priority(r))
            if now - r.job.opened > self.starve_seconds:
                return (2, r.job.opened, r.number)
            return (3, *priority(r))
        return sorted(self._waiting, key=rank)
