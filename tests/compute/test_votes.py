"""compute/votes.py: a class's guesses, counted per board, one vote per voter, bounded and
expiring; in this process and in a real redis-server shared by two replicas."""
import pytest
import redis

from compute import shared, votes
from compute.votes import DAY_SECONDS, SharedVotes, Votes

BOARD = "d1g3st-128-1-8-0.9"  # a board as the app names one: net, a, b, bits, alpha


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(params=["local", "redis"])
def make(request):
    """Makers of vote stores: in this process, or replicas of one redis-server (each with its
    own client, as each app server has). Each maker takes the bounds and a clock."""
    if request.param == "local":
        yield lambda **bounds: Votes(**bounds)
        return
    url = request.getfixturevalue("redis_url")
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield lambda **bounds: SharedVotes(shared.connect(url), **bounds)
    client.close()


def test_votes_are_counted_per_choice_and_board(make):
    """Three voters on one board and one on another: each board counts its own."""
    board = make()
    for voter, choice in (("ann", 3), ("bob", 3), ("cy", 5)):
        assert board.vote("class-1", BOARD, voter, choice)
    board.vote("class-1", "other-board", "ann", 0)
    assert board.counts("class-1", BOARD, 8) == {3: 2, 5: 1}
    assert board.counts("class-1", "other-board", 8) == {0: 1}
    assert board.counts("class-2", BOARD, 8) == {}


def test_a_changed_answer_moves_the_vote(make):
    board = make()
    board.vote("c", BOARD, "ann", 3)
    board.vote("c", BOARD, "ann", 6)
    assert board.counts("c", BOARD, 8) == {6: 1}


def test_a_full_class_counts_no_new_voter_but_lets_its_voters_move(make):
    """Past max_votes a new voter is refused; one already counted may still change its vote."""
    board = make(max_votes=2)
    assert board.vote("c", BOARD, "ann", 1) and board.vote("c", "other", "bob", 1)
    assert not board.vote("c", BOARD, "cy", 1)
    assert board.vote("c", BOARD, "ann", 2)
    assert board.counts("c", BOARD, 8) == {2: 1}


def test_past_max_classes_an_old_class_is_dropped(make):
    board = make(max_classes=2)
    for code in ("a", "b", "c"):
        board.vote(code, BOARD, "ann", 1)
    assert board.counts("a", BOARD, 8) == {}
    assert board.counts("c", BOARD, 8) == {1: 1}


def test_a_class_is_forgotten_a_day_after_its_first_vote(make):
    """Votes a day old are gone; the class then starts a new board with the next vote."""
    clock = Clock()
    board = make(clock=clock)
    board.vote("c", BOARD, "ann", 1)
    clock.now += DAY_SECONDS - 60
    board.vote("c", BOARD, "bob", 1)
    assert board.counts("c", BOARD, 8) == {1: 2}
    clock.now += 120
    board.vote("c", BOARD, "cy", 4)
    assert board.counts("c", BOARD, 8) == {4: 1}


def test_choices_outside_the_question_are_not_counted(make):
    board = make()
    board.vote("c", BOARD, "ann", 9)
    board.vote("c", BOARD, "bob", 2)
    assert board.counts("c", BOARD, 8) == {2: 1}


@pytest.mark.parametrize("code", ["", "-a", "a b", "A", "x" * 25, "a_b"],
                         ids=["empty", "dash first", "space", "upper", "long", "underscore"])
def test_a_bad_class_code_is_refused(code):
    with pytest.raises(ValueError):
        Votes().vote(code, BOARD, "ann", 1)


def test_what_is_kept_names_no_voter(redis_url):
    """Redis holds a hash of class and voter, not the voter's name."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    SharedVotes(shared.connect(redis_url)).vote("c", BOARD, "browser:ann", 1)
    fields = [field.decode() for key in client.keys("*votes*") for field in client.hkeys(key)]
    assert fields == [f"{BOARD} {votes.voter_id('c', 'browser:ann')}"]
    assert "ann" not in fields[0]
    assert 0 < client.ttl(client.keys("*votes*")[0]) <= DAY_SECONDS
    client.close()


def test_two_replicas_fill_one_board(redis_url):
    one, two = (SharedVotes(shared.connect(redis_url)) for _ in range(2))
    one.vote("shared-c", BOARD, "ann", 2)
    two.vote("shared-c", BOARD, "bob", 2)
    assert one.counts("shared-c", BOARD, 8) == two.counts("shared-c", BOARD, 8) == {2: 2}


@pytest.mark.parametrize("foreign", [
    lambda c, key: c.set(key, "not a hash"),
    lambda c, key: c.hset(key, mapping={f"{BOARD} {i}": "1" for i in range(500)}),
    lambda c, key: c.hset(key, mapping={f"{BOARD} x": "-3", f"{BOARD} y": "zz"}),
], ids=["wrong type", "too many votes", "bad choices"])
def test_a_foreign_board_in_redis_counts_nothing(redis_url, foreign):
    """What this app did not write (another type, more votes than its bound, choices that are
    not the question's) is not counted, and no error reaches the caller."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    foreign(client, SharedVotes.PREFIX + "c")
    assert SharedVotes(shared.connect(redis_url)).counts("c", BOARD, 8) == {}
    client.close()


def test_redis_down_counts_in_this_process():
    """With no Redis answering, votes and counts go to the process's own board."""
    board = SharedVotes(shared.connect("redis://127.0.0.1:1/0"))
    assert board.vote("c", BOARD, "ann", 3)
    assert board.counts("c", BOARD, 8) == {3: 1}
