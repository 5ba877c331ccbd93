"""Drive a replica running in another process (the CLI, a benchmark) over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlencode


class ReplicaClient:
    """The Replica methods that make sense remotely, through /__replica/ endpoints."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, name: str, data=None, method: str | None = None, **query):
        url = f"{self.base_url}/__replica/{name}"
        query = {k: v for k, v in query.items() if v is not None}
        if query:
            url += "?" + urlencode(query)
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(url, data=body, method=method or ("POST" if body is not None else "GET"),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read())

    def health(self) -> dict:
        return self._call("health")

    def speeches(self, status: str = "all") -> list[dict]:
        return self._call("speeches", status=status)

    def ids(self, status: str = "live") -> list[str]:
        return [s["id"] for s in self.speeches(status)]

    def gold(self, ident: str) -> dict:
        return self._call("gold", id=ident)

    def gold_records(self, status: str = "live", batch: int = 1000):
        offset = 0
        while True:
            chunk = self._call("gold", status=status, offset=offset, limit=batch)
            yield from chunk
            if len(chunk) < batch:
                return
            offset += batch

    def mutate(self, **kwargs) -> dict:
        return self._call("mutate", kwargs)

    def set_faults(self, faults: dict | None = None, **settings) -> dict:
        return self._call("faults", {**(faults or {}), **settings})

    def faults(self) -> dict:
        return self._call("faults")

    def fail(self, path: str, kind: str = "500", times: int = 1):
        return self._call("fail", {"path": path, "kind": kind, "times": times})

    def configure(self, **settings) -> dict:
        return self._call("config", settings)

    def requests(self, since: int = 0) -> list[dict]:
        return self._call("log", since=since)

    def clear_log(self):
        return self._call("log", method="DELETE")

    def shutdown(self):
        return self._call("shutdown", {})


class ReplicaProcess:
    """Run `python -m scraper.replica` in a subprocess; its address is read from stdout.

        with ReplicaProcess(speeches=300, seed=1) as replica:   # a ReplicaClient
            crawl(replica.base_url)
    """

    def __init__(self, speeches: int = 300, seed: int = 1, *args: str, timeout: float = 60):
        self.argv = [sys.executable, "-m", "scraper.replica", "--port", "0",
                     "--speeches", str(speeches), "--seed", str(seed), *args]
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.client: ReplicaClient | None = None

    def start(self) -> ReplicaClient:
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # so an uninstalled checkout works too
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE, text=True, env=env)
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"replica did not start: {line!r}")
        self.client = ReplicaClient(line, timeout=self.timeout)
        return self.client

    def stop(self):
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                if self.client is not None:
                    self.client.shutdown()
                process.wait(timeout=5)
            except Exception:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if process.stdout:
            process.stdout.close()

    def __enter__(self) -> ReplicaClient:
        return self.start()

    def __exit__(self, *exc):
        self.stop()
