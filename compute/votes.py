"""A class's guesses: how many students chose each answer to a question, anonymous, bounded, and
gone a day after the class's first vote.

A class is a short code (CODE) a teacher puts in the link; a board is one question of one problem
within it (`problem`, a text the app makes: the net, the problem, the snapshot). Each voter (a
browser, as the app names it) has at most one vote per board: voting again moves it. What is kept
is a hash of (class, voter) and the choice, never who voted; what is read is the count per choice.
Bounds: MAX_VOTES votes per class over all its boards (a new voter past them is not counted),
MAX_CLASSES classes (a new class past them pushes out an old one: in this process the one least
recently used, in Redis the one whose first vote is oldest), and a class's votes are dropped
DAY_SECONDS after its first vote.

`Votes` keeps them in this process, in a compute.store.Store. `SharedVotes` keeps them in the
replicas' Redis (compute.shared's Link), each vote and each count one short script, so that
students on different replicas fill one board; Redis is never trusted (what a count returns is
checked against the choices and the bounds, anything else ignored) and never waited on beyond
the Link's socket timeouts. When Redis does not answer, or refuses, votes and counts go to this
process's own board (its votes are not seen by the other replicas until Redis answers again).
"""
import hashlib
import logging
import re
import threading
import time

import redis

from compute.shared import NAMESPACE, Unavailable
from compute.store import Store

CODE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?")  # a class code: 1 to 24 of a-z, 0-9
# and '-', not at either end (the app lower-cases what the link says)
MAX_CLASSES = 200  # classes kept at once
MAX_VOTES = 400  # votes kept per class, over all its boards
DAY_SECONDS = 24 * 3600  # a class's votes are dropped this long after its first vote
MAX_PROBLEM = 120  # characters of a board's name
LOG = logging.getLogger(__name__)


def voter_id(code, voter):
    """What is kept of a voter: a hash of the class and the app's name for the voter, so that it
    names no one and cannot be matched across classes."""
    return hashlib.sha256(f"{code}\n{voter}".encode()).hexdigest()[:16]


def check(code, problem, choice=0):
    if not CODE.fullmatch(code) or not 0 < len(problem) <= MAX_PROBLEM or " " in problem:
        raise ValueError(f"not a class code and board: {code!r}, {problem!r}")
    if not isinstance(choice, int) or choice < 0:
        raise ValueError(f"not a choice: {choice!r}")


class Board:
    """One class's votes in this process: {(problem, voter id): choice}, and when it began."""

    def __init__(self, began):
        self.began, self.votes = began, {}


class Votes:
    """The votes of the classes, kept in this process."""

    def __init__(self, max_classes=MAX_CLASSES, max_votes=MAX_VOTES, clock=time.time):
        self.max_votes, self.clock = max_votes, clock
        self.boards = Store(max_classes)
        self._lock = threading.Lock()

    def vote(self, code, problem, voter, choice):
        """Count `voter`'s `choice` on the board `problem` of class `code`, replacing the
        voter's earlier one there. False when the class is full and this is a new voter."""
        check(code, problem, choice)
        with self._lock:
            board = self._board(code, create=True)
            key = (problem, voter_id(code, voter))
            if key not in board.votes and len(board.votes) >= self.max_votes:
                return False
            board.votes[key] = choice
            return True

    def counts(self, code, problem, choices):
        """{choice: how many voters chose it} on the board, for choices 0 .. `choices` - 1."""
        check(code, problem)
        with self._lock:
            board = self._board(code, create=False)
            votes = list(board.votes.items()) if board else []
        found = {}
        for (board_problem, _), choice in votes:
            if board_problem == problem and choice < choices:
                found[choice] = found.get(choice, 0) + 1
        return found

    def _board(self, code, create):
        board = self.boards.get(code)
        if board is not None and self.clock() - board.began > DAY_SECONDS:
            board = None
        if board is None and create:
            board = Board(self.clock())
            self.boards.put(code, board)
        return board


# KEYS: the class's hash, the sorted set of classes (by first vote). ARGV: the class code, the
# field (board and voter), the choice, now, DAY_SECONDS, MAX_CLASSES, MAX_VOTES, the prefix of a
# class's hash. A new class (or one past its day) starts empty and pushes out the oldest classes
# past MAX_CLASSES; its hash expires a day after its first vote.
VOTE = """
local now, day = tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - day)
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('DEL', KEYS[1])
  while redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) do
    local oldest = redis.call('ZPOPMIN', KEYS[2])
    redis.call('DEL', ARGV[8] .. oldest[1])
  end
  redis.call('ZADD', KEYS[2], now, ARGV[1])
end
redis.call('EXPIRE', KEYS[2], day)
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0
    and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[7]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], day, 'NX')
return 1
"""

# KEYS: the class's hash. ARGV: the board's prefix ("problem "), MAX_VOTES. The count per choice
# as a flat list [choice, count, ...]; -1 when the hash holds more than MAX_VOTES fields.
COUNT = """
if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[2]) then return -1 end
local counts, prefix, flat = {}, ARGV[1], redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, #prefix) == prefix then
    local choice = tonumber(flat[i + 1])
    if choice then counts[choice] = (counts[choice] or 0) + 1 end
  end
end
local out = {}
for choice, count in pairs(counts) do out[#out + 1] = choice; out[#out + 1] = count end
return out
"""


class SharedVotes(Votes):
    """The votes of the classes in the replicas' Redis (`link`, a compute.shared.Link), this
    process's own when Redis does not answer or refuses (see the module's docstring)."""

    PREFIX = f"{NAMESPACE}:votes:"
    CLASSES = f"{NAMESPACE}:classes"

    def __init__(self, link, **bounds):
        super().__init__(**bounds)
        self.link = link
        self.max_classes = self.boards.max_entries
        self._vote = link.client.register_script(VOTE)
        self._count = link.client.register_script(COUNT)
        self._refused = set()  # classes whose refused answers were logged already

    def vote(self, code, problem, voter, choice):
        check(code, problem, choice)
        try:
            return bool(self.link.call(self._vote, keys=[self.PREFIX + code, self.CLASSES], args=[
                code, f"{problem} {voter_id(code, voter)}", choice, self.clock(), DAY_SECONDS,
                self.max_classes, self.max_votes, self.PREFIX]))
        except (Unavailable, redis.RedisError) as error:
            self._local(code, error)
            return super().vote(code, problem, voter, choice)

    def counts(self, code, problem, choices):
        check(code, problem)
        try:
            flat = self.link.call(self._count, keys=[self.PREFIX + code],
                                  args=[f"{problem} ", self.max_votes])
        except (Unavailable, redis.RedisError) as error:
            self._local(code, error)
            return super().counts(code, problem, choices)
        found = {}
        pairs = list(zip(flat[::2], flat[1::2])) if isinstance(flat, list) else []
        for choice, count in pairs:
            if (isinstance(choice, int) and isinstance(count, int) and 0 <= choice < choices
                    and 0 < count <= self.max_votes):
                found[choice] = count
        if flat != [] and (not pairs or sum(found.values()) > self.max_votes):
            self._local(code, "a count beyond the bounds")
            return {}
        return found

    def _local(self, code, why):
        """Log, once per class, an answer of Redis refused (an outage the link logs itself)."""
        if isinstance(why, Unavailable):
            return
        if code not in self._refused:
            self._refused.add(code)
            LOG.warning("class votes: Redis refused a command of class %s or answered beyond "
                        "the bounds (%.200s); ignored", code, why)


def votes(link):
    """SharedVotes on `link`, or Votes in this process when there is no link."""
    return Votes() if link is None else SharedVotes(link)
