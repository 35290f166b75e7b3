"""Who a visitor is, on a real server over Streamlit's websocket protocol: sessions without a
browser cookie count as one visitor (their client address), so opening more of them gets no more
of the server; a browser's sessions are that browser's; a visitor past the bound is told so."""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from compute.scheduler import PER_VISITOR
from scripts.protocol import Session, browser_cookie, connect, line_texts, timed_run
from scripts.serving import start_app, stop_app

WAIT = 180  # s for anything a test waits for
LONG = "seed={seed}&hidden=32&iterations=20000"  # about a second of computing each: still
# going when the other sessions, asking at the same moment, open theirs
REFUSED = "computations going"  # the catalogue's refused_visitor, in English


def run(coroutine):
    """Run `coroutine` in a thread of its own (the browser tests' Playwright holds this thread's
    event loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def server():
    process, url, log = start_app()
    yield url
    stop_app(process)
    Path(log).unlink(missing_ok=True)


async def visit(url, query, cookie, texts):
    async with connect(url, cookie) as socket:
        session = Session(socket)
        session.line_texts = texts
        return await timed_run(session, time.perf_counter() + WAIT, query=query)


async def at_once(url, queries, cookies):
    texts = line_texts()
    return await asyncio.gather(*(visit(url, q, c, texts) for q, c in zip(queries, cookies)))


def refused(visit):
    return any(REFUSED in text for text in visit.alerts)


def test_sessions_without_a_cookie_are_one_visitor(server):
    """PER_VISITOR + 2 cookieless sessions each ask for a long run at once: PER_VISITOR of them
    train, the others are told that this visitor already has that many computations going."""
    count = PER_VISITOR + 2
    visits = run(at_once(server, [LONG.format(seed=500 + i) for i in range(count)],
                         [None] * count))
    assert sum(refused(v) for v in visits) == 2
    assert sum("Final accuracy" in v.drawn for v in visits) == PER_VISITOR


def test_browsers_with_their_own_cookie_are_visitors_of_their_own(server):
    """The same number of sessions, each a browser with its own cookie: none is refused."""
    count = PER_VISITOR + 2
    cookies = [browser_cookie(server) for _ in range(count)]
    assert all(cookies) and len(set(cookies)) == count
    visits = run(at_once(server, [LONG.format(seed=600 + i) for i in range(count)], cookies))
    assert not any(refused(v) for v in visits)
    assert all("Final accuracy" in v.drawn for v in visits)


def test_a_browsers_tabs_are_one_visitor(server):
    """PER_VISITOR + 1 tabs of one browser (one cookie) ask at once: one of them is refused."""
    cookie = browser_cookie(server)
    count = PER_VISITOR + 1
    visits = run(at_once(server, [LONG.format(seed=700 + i) for i in range(count)],
                         [cookie] * count))
    assert sum(refused(v) for v in visits) == 1
