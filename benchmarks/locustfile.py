"""The visitors of ``bench_serving.py``: each asks for one path (``FCATLAS_BENCH_PATH``) over and over as a browser
does (gzip accepted; with ``FCATLAS_BENCH_REVALIDATE=1`` it sends back the ETag it got), pausing between 1 and 3 s
as a person reading does, or not at all with ``FCATLAS_BENCH_PAUSE=0`` (to find the most the server answers)."""

import os

from locust import FastHttpUser, between, constant, task

PATH = os.environ.get("FCATLAS_BENCH_PATH", "/")
REVALIDATE = os.environ.get("FCATLAS_BENCH_REVALIDATE") == "1"
PAUSE = os.environ.get("FCATLAS_BENCH_PAUSE", "1") == "1"


class Visitor(FastHttpUser):
    wait_time = between(1, 3) if PAUSE else constant(0)

    def on_start(self):
        self.etag = None

    @task
    def ask(self):
        headers = {"Accept-Encoding": "gzip"}
        if REVALIDATE and self.etag:
            headers["If-None-Match"] = self.etag
        with self.client.get(PATH, headers=headers, name=PATH, catch_response=True) as response:
            if response.status_code in (200, 304):
                self.etag = response.headers.get("ETag") or self.etag
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")
