"""Prometheus metrics (``/metrics``): requests, push and pull sizes and latencies, lock waits, login failures.

Only counters and histograms, so they add up across uvicorn worker processes: ``python -m server
--workers N`` points ``PROMETHEUS_MULTIPROC_DIR`` at an empty folder (its own, unless the operator
names one), every worker writes its samples there, and ``/metrics`` in any worker reports the sum.
With one process (and in the tests) the samples simply live in memory.

Labels never carry user input: a route is its template (``/api/v1/companies/{company_id}``), not the path.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
SIZE_BUCKETS = (0, 1, 5, 10, 50, 100, 500, 1000, 2000, 5000, 10000)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
WAIT_BUCKETS = (0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0)

REQUESTS = Counter("feltbog_http_requests", "HTTP requests answered, by method, route template and status",
                   ["method", "route", "status"])
REQUEST_SECONDS = Histogram("feltbog_http_request_duration_seconds", "Time to answer a request, by route template",
                            ["method", "route"], buckets=LATENCY_BUCKETS)
PUSH_MUTATIONS = Histogram("feltbog_push_mutations", "Mutations in one push", buckets=SIZE_BUCKETS)
PUSH_SECONDS = Histogram("feltbog_push_duration_seconds", "Time to apply one push (its transaction)",
                         buckets=LATENCY_BUCKETS)
PUSH_REFUSED = Counter("feltbog_push_refused_mutations", "Mutations a push refused, by reason code", ["code"])
PULL_RECORDS = Histogram("feltbog_pull_records", "Changes in one pull page", buckets=SIZE_BUCKETS)
PULL_BYTES = Histogram("feltbog_pull_bytes", "Size of one pull page before compression",
                       buckets=(1e3, 1e4, 1e5, 5e5, 1e6, 5e6, 2e7))
PULL_SECONDS = Histogram("feltbog_pull_duration_seconds", "Time to build one pull page", buckets=LATENCY_BUCKETS)
LOCK_WAIT = Histogram("feltbog_lock_wait_seconds",
                      "Time spent waiting for a write lock: 'sequence' (PostgreSQL's sequence row) or "
                      "'sqlite_write' (SQLite's BEGIN IMMEDIATE)", ["lock"], buckets=WAIT_BUCKETS)
LOGIN_FAILURES = Counter("feltbog_login_failures", "Refused logins, by reason", ["reason"])
PREPARED_ANSWERS = Counter("feltbog_prepared_answers", "Asks for a prepared first sync, by answer: sent, "
                           "preparing (202) or none (404)", ["answer"])
PREPARED_BUILDS = Counter("feltbog_prepared_builds", "Builds of a prepared first sync, by outcome", ["outcome"])


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type; the sum over all workers when running multiprocess."""
    if os.environ.get(MULTIPROCESS_VARIABLE):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
