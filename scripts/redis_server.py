"""A throwaway Redis server on a loopback port, for the replica tests and the load test.

Debian's `redis-server` (apt-get install redis-server), bound to 127.0.0.1 on a free port, with
nothing written to disk (--save "" --appendonly no); `start_redis` waits until it answers PING,
`stop_redis` stops it and removes its working directory.
"""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from scripts.serving import free_port, log_tail, stop_app

REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT = 30  # s for the server to answer PING


def redis_missing():
    """Why a Redis server cannot be started here, or None."""
    if not os.access(REDIS_SERVER, os.X_OK):
        return f"redis-server not found at {REDIS_SERVER} (Debian: apt-get install redis-server)"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis package is not installed (pip install -r requirements.txt)"
    return None


def start_redis(port=None, timeout=START_TIMEOUT):
    """Start redis-server on 127.0.0.1:`port` (a free one by default); wait until it answers.
    Returns (process, URL)."""
    import redis
    port = port or free_port()
    workdir = tempfile.mkdtemp(prefix="redis-")
    log = Path(workdir) / "redis.log"
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", workdir, "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    process.workdir = workdir  # removed by stop_redis
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    deadline = time.monotonic() + timeout
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited ({process.returncode}):\n"
                                   f"{log_tail(log) if log.exists() else ''}")
            try:
                if client.ping():
                    return process, url
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                stop_redis(process)
                raise RuntimeError(f"redis-server does not answer after {timeout} s")
            time.sleep(0.05)
    finally:
        client.close()


def stop_redis(process):
    """Stop the server (if it still runs) and remove its working directory."""
    stop_app(process)
    shutil.rmtree(process.workdir, ignore_errors=True)
