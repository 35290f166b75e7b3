"""The advice's check (compute.jobs.check): candidates trained in turn until one learns, that one
stored as the model of its settings, the outcome kept."""
import pytest

from compute import jobs
from compute.scheduler import SERVER
from compute.service import Service
from rnn import TrainConfig, train
from rnn.evaluate import score_width


@pytest.fixture
def service():
    made = Service(workers=0)  # computed in this process: the same functions as a worker's
    yield made
    made.close()


def test_the_check_stops_at_the_first_run_that_learns_and_stores_it(service):
    """Short runs first, then longer: each checked run scores as rnn's own training and scoring
    say; the check stops at the first at 100 %, which is then the stored model of its settings,
    and the outcome is kept (asked again, nothing is trained)."""
    configs = [TrainConfig(iterations=n) for n in (1_000, 4_000, 10_000)]
    truth = [score_width(train(c).params, c.bits).accuracy for c in configs]
    assert truth[0] < 1 and truth[1] == 1  # the check must try one that fails, then stop
    checked = jobs.check(service, configs, SERVER)
    assert [run.config for run in checked] == configs[:2]
    assert [run.accuracy for run in checked] == truth[:2]
    assert service.models.get(configs[1]).curve.final.accuracy == 1.0
    assert service.models.get(configs[0]) is None  # a run that failed is not kept as a model
    service.models.clear()
    assert jobs.check(service, configs, SERVER) == checked
    assert service.models.get(configs[1]) is None  # kept: not trained again
