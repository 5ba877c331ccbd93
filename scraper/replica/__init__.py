"""A local replica of justice.gov for tests, benchmarks and offline demos.

    from scraper.replica import Replica
    with Replica(speeches=300, seed=1) as replica:
        replica.base_url            # http://127.0.0.1:<port>
        replica.gold(speech_id)     # what a perfect extractor returns for that speech
        replica.mutate(change=3, remove=2, add=4)
        replica.requests()          # every request received

From another process: `python -m scraper.replica --speeches 300 --port 0` prints its base
URL on the first line of stdout; drive it with `ReplicaClient(base_url)` or
`ReplicaProcess(...)`. See docs/replica.md.
"""

from .client import ReplicaClient, ReplicaProcess
from .faults import Faults
from .server import Replica, Response

__all__ = ["Faults", "Replica", "ReplicaClient", "ReplicaProcess", "Response"]
