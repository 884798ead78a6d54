"""Telling a dead network from a dead host from a changed platform, while a run is under way.

A machine whose network is down or blocked sees every platform fail the same way: no DNS answer,
connections refused or unreachable, TLS that never completes. Checking post after post then only burns time
in retries and records nothing worth keeping. ``NetworkWatch`` follows the connection-level failures of a run
per host: a host that failed that way ``host_failures`` times in a row, with no answer in between, is skipped
for the rest of the run (its circuit is open); when ``outage_hosts`` distinct hosts failed that way and no
host answered at all, the network is declared unreachable and the run stops, marking nothing. Any HTTP
answer, whatever its status, proves the network works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CONNECTION_FAILURES", "HostUnreachable", "NetworkWatch", "connection_level"]

# Error kinds of tracker.fetch that mean no connection was made at all.
CONNECTION_FAILURES = frozenset({"dns", "connection", "tls"})


def connection_level(kind: str | None, detail: str = "") -> bool:
    """Whether a fetch failure of ``kind`` means the host could not be reached (a connect timeout counts;
    a read timeout, an answer that was too large or a guard refusal do not)."""
    if kind in CONNECTION_FAILURES:
        return True
    return kind == "timeout" and detail.startswith("timed out connecting")


class HostUnreachable(Exception):
    """The host's circuit is open: this run makes no more requests to it."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} unreachable: {reason}")
        self.host = host
        self.reason = reason


@dataclass
class NetworkWatch:
    """Connection-level failures and answers of one run, per host."""

    host_failures: int = 3
    outage_hosts: int = 3
    # How many distinct hosts the run will talk to, when known: a run that only has two hosts to ask counts
    # the network as unreachable once both failed.
    hosts: int | None = None
    answered: bool = False
    streak: dict[str, int] = field(default_factory=dict)
    last_failure: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def answer(self, host: str) -> None:
        """``host`` answered (any HTTP status): the network works, and so does the host."""
        self.answered = True
        self.streak.pop(host, None)

    def failure(self, host: str, reason: str) -> None:
        """A connection-level failure reaching ``host``."""
        self.streak[host] = self.streak.get(host, 0) + 1
        self.last_failure[host] = reason

    def check(self, host: str) -> None:
        """Raise ``HostUnreachable`` when ``host``'s circuit is open (counting the request not made)."""
        if self.streak.get(host, 0) >= self.host_failures:
            self.skipped[host] = self.skipped.get(host, 0) + 1
            raise HostUnreachable(host, self.last_failure.get(host, "no connection"))

    @property
    def unreachable(self) -> str | None:
        """Why the network counts as unreachable, or None while it may work."""
        needed = self.outage_hosts if self.hosts is None else max(2, min(self.outage_hosts, self.hosts))
        if self.answered or len(self.streak) < needed:
            return None
        hosts = sorted(self.streak)
        shown = "; ".join(f"{host}: {self.last_failure[host]}" for host in hosts[:3])
        more = f" and {len(hosts) - 3} more hosts" if len(hosts) > 3 else ""
        return f"network unreachable: no connection to {len(hosts)} hosts ({shown}{more}); nothing answered"
