"""gunicorn settings for a school server: `gunicorn -c gunicorn.conf.py wsgi:app`."""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: the app does short database work per request; (2 x cores) + 1 is the usual rule.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Load the app (and the checked course content) once in the master; workers fork from it, so a
# worker starts in milliseconds and content errors stop the server before any worker runs.
preload_app = True
# Recycle workers now and then so slow leaks in any library cannot grow without bound; rarely,
# since a restart costs more than thousands of requests.
max_requests = 20000
max_requests_jitter = 2000


def when_ready(server):
    """Everything loaded so far (the app, the course content) lives as long as the server: move it
    out of the garbage collector's sight, so collections during a request only look at that
    request's objects, and forked workers share those pages instead of copying them."""
    gc.freeze()


def post_fork(server, worker):
    """Database connections must never be shared across processes: each worker starts its own."""
    from course.core.extensions import db

    with worker.app.wsgi().app_context():
        db.engine.dispose(close=False)
# No access log unless asked for (ACCESS_LOG=- or a path): it would hold every visitor's address
# and URLs, and the privacy statement says there is none by default.
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the reverse proxy on the same machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
