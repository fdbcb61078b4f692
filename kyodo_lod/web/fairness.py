"""Fair sharing of the public SPARQL endpoint: who the client is, and how much it may ask.

Each client (its address) may run ``client_max_queries`` queries at once and use
``client_query_seconds_per_minute`` of query time in any 60 s; past either it gets 429 with a
Retry-After that says when it may come back. A client that used more than
``client_heavy_seconds_per_minute`` is *heavy*: heavy clients together may hold all query
workers but one (``heavy_slots``), so a few abusive clients, each within its own limits, still
cannot take every worker from the others; a heavy client that finds its slots taken gets 503.
For heaviness a running query counts the time it has run so far, and the queries a client
runs count as heavy as soon as it is: a runaway client is heavy while its first queries still
run, not only once they end (which, for a runaway, is the time limit). The 429 budget counts
finished queries, so that its Retry-After can say when time frees.

The address is the connection's, unless the connection comes from a proxy named in
``trusted_proxies``: then X-Forwarded-For is read from the right, skipping trusted proxies, and
the first other address is the client (anything to its left was written by the client itself
and proves nothing).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress

from ..store import StoreBusy

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# clients tracked before the idle ones are forgotten (bounded memory under many addresses)
MAX_TRACKED_CLIENTS = 10_000


class OverLimit(Exception):
    """A client asked for more than its share (429); ``retry_after_s`` says when to return."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def parse_networks(entries: Sequence[str]) -> tuple[Network, ...]:
    """``KYODO_TRUSTED_PROXIES`` as networks (an address is a network of one)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"KYODO_TRUSTED_PROXIES: {entry!r} is not an address: {exc}") from exc
    return tuple(networks)


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], proxies: Sequence[Network]
) -> str:
    """Who is asking: ``peer`` (the connection's address), or, when ``peer`` is a trusted
    proxy, the last address in X-Forwarded-For (``forwarded_for``: each header's value) that
    is not itself a trusted proxy. An IPv6 client is its /64 (one subscriber's network: a
    client cannot get a fresh budget from each of its 2^64 addresses)."""
    client = peer or "unknown"
    if proxies and _trusted(client, proxies):
        hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
        for hop in reversed(hops):
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                break  # garbage where an address should be: the last hop we can vouch for
            client = hop
            if not _trusted(hop, proxies):
                break
    return _as_client(client)


@functools.lru_cache(maxsize=4096)
def _as_client(address: str) -> str:
    """An address as the client it stands for (remembered: parsing one costs more than the
    rest of the endpoint's checks, and the same clients come back)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class _Spent:
    """One client's query time in the window: (when a query ended, the seconds it took), oldest
    first, and their sum kept as they come and go (a busy client has thousands: summing them
    on every query made the gate cost grow with the client's rate)."""

    __slots__ = ("entries", "total")

    def __init__(self) -> None:
        self.entries: deque[tuple[float, float]] = deque()
        self.total = 0.0

    def add(self, ended: float, seconds: float) -> None:
        self.entries.append((ended, seconds))
        self.total += seconds

    def expire(self, before: float) -> float:
        """Drop the queries that ended at or before ``before``; the seconds left."""
        entries = self.entries
        while entries and entries[0][0] <= before:
            self.total -= entries.popleft()[1]
        if not entries:
            self.total = 0.0  # (no rounding left over from the subtractions)
        return max(0.0, self.total)


class QueryGate:
    """Per-client limits on the SPARQL endpoint; one per app (``AppState.gate``)."""

    def __init__(
        self,
        max_running: int,
        seconds_per_minute: float,
        heavy_seconds_per_minute: float = float("inf"),
        heavy_slots: int = 1,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_running = max(1, max_running)
        self.seconds_per_window = seconds_per_minute
        self.heavy_seconds = heavy_seconds_per_minute
        self.heavy_slots = max(1, heavy_slots)
        self.window_s = window_s
        self._clock = clock
        # per client: when each of its running queries started
        self._running: dict[str, list[float]] = {}
        # per client: the query time its finished queries used in the window
        self._spent: dict[str, _Spent] = {}
        self._lock = threading.Lock()

    @contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Run one query of ``client`` (raise ``OverLimit`` if it may not), charging its time."""
        with self._lock:
            now = self._clock()
            heavy = self._check(client, now)
            if heavy and self._heavy_running(now) >= self.heavy_slots:
                raise StoreBusy(
                    f"this client used over {self.heavy_seconds:g} s of query time in the "
                    f"last {self.window_s:g} s, and the {self.heavy_slots} query worker(s) "
                    "such clients may share are busy (KYODO_CLIENT_HEAVY_SECONDS_PER_MINUTE)"
                )
            self._running.setdefault(client, []).append(now)
        started = now
        ran = True
        try:
            yield
        except StoreBusy:
            ran = False  # no worker was free: the client waited but used nothing
            raise
        finally:
            ended = self._clock()
            with self._lock:
                starts = self._running.get(client, [])
                with suppress(ValueError):
                    starts.remove(started)
                if not starts:
                    self._running.pop(client, None)
                if ran:
                    spent = self._spent.get(client)
                    if spent is None:
                        spent = self._spent[client] = _Spent()
                    spent.add(ended, ended - started)

    def _heavy_running(self, now: float) -> int:
        """The queries running for clients that are heavy now (however they were admitted)."""
        return sum(
            len(starts)
            for client, starts in self._running.items()
            if self._used(client, now) > self.heavy_seconds
        )

    def _used(self, client: str, now: float) -> float:
        """``client``'s query time in the window: its finished queries', and its running
        queries' so far."""
        since = now - self.window_s
        spent = self._spent.get(client)
        finished = 0.0 if spent is None else spent.expire(since)
        return finished + sum(now - max(start, since) for start in self._running.get(client, ()))

    def _check(self, client: str, now: float) -> bool:
        """Raise ``OverLimit`` if ``client`` may not run a query now; whether it is heavy."""
        running = len(self._running.get(client, ()))
        if running >= self.max_running:
            raise OverLimit(
                f"this client already has {running} queries running; at most "
                f"{self.max_running} at once (KYODO_CLIENT_MAX_QUERIES)",
                1,
            )
        spent = self._spent.get(client)
        if spent is None:
            if len(self._spent) >= MAX_TRACKED_CLIENTS:
                self._forget_idle(now)
            return self._used(client, now) > self.heavy_seconds
        total = used = spent.expire(now - self.window_s)
        if used < self.seconds_per_window:
            return self._used(client, now) > self.heavy_seconds
        # back when enough of the spent time is older than the window
        wait = self.window_s
        for ended, seconds in spent.entries:
            used -= seconds
            if used < self.seconds_per_window:
                wait = ended + self.window_s - now
                break
        raise OverLimit(
            f"this client used {total:.1f} s of query time in the last "
            f"{self.window_s:g} s; the limit is {self.seconds_per_window:g} s "
            "(KYODO_CLIENT_QUERY_SECONDS_PER_MINUTE)",
            max(1, math.ceil(wait)),
        )

    def _forget_idle(self, now: float) -> None:
        for client in list(self._spent):
            entries = self._spent[client].entries
            if client not in self._running and (
                not entries or entries[-1][0] <= now - self.window_s
            ):
                del self._spent[client]

    def spent_s(self, client: str) -> float:
        """Query time ``client`` used in the current window."""
        with self._lock:
            spent = self._spent.get(client)
            return 0.0 if spent is None else spent.expire(self._clock() - self.window_s)
