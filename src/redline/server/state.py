"""What one server process holds between requests: settings, the store, the screener,
and the API keys it verified recently.

The screener is built once (from the saved index when there is one) and swapped for a
new one when the active snapshots change — a list update or a rollback made by another
process. Requests keep being answered by the old screener while the new one is built,
so an update never stalls the service.
"""

from __future__ import annotations

import logging
import threading
import time

from fastapi import Request
from sqlalchemy import select

from redline.errors import StoreError
from redline.matching.screener import Screener
from redline.server.lookup import Lookup
from redline.settings import Settings
from redline.store import Store, open_store
from redline.store import tables as t
from redline.store.keys import ApiKey, digest_of, verify_key

log = logging.getLogger("redline.server")

#: How often, at most, a request checks whether the active snapshots changed.
ACTIVE_CHECK_SECONDS = 1.0
#: How long a verified key is trusted without asking the store again: a revoked key
#: keeps working for at most this long in a process that verified it just before.
KEY_CACHE_SECONDS = 5.0
_KEY_CACHE_MAX = 4096

ActiveKey = tuple[tuple[str, int], ...]


class ServerState:
    """Per-process server state; routers reach it through :func:`get_state`."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store if store is not None else open_store(settings)
        self._lock = threading.Lock()
        self._screener: Screener | None = None
        self._screener_key: ActiveKey | None = None
        self._building: ActiveKey | None = None
        self._active: ActiveKey = ()
        self._active_checked = float("-inf")
        self._keys: dict[str, tuple[ApiKey | None, float]] = {}
        self.build_error: str | None = None
        self.lookup = Lookup(self.store)

    # -- lists and screener ------------------------------------------------------------

    def active(self) -> ActiveKey:
        """``(source, snapshot id)`` of every active snapshot, re-read at most once a
        second so that a busy server does not ask the database on every request."""
        now = time.monotonic()
        if now - self._active_checked >= ACTIVE_CHECK_SECONDS:
            with self.store.engine.connect() as conn:
                rows = conn.execute(
                    select(t.active.c.source, t.active.c.snapshot_id).order_by(t.active.c.source)
                ).fetchall()
            self._active = tuple((str(r[0]), int(r[1])) for r in rows)
            self._active_checked = now
        return self._active

    def _build(self, key: ActiveKey) -> None:
        try:
            screener = Screener.from_store(self.store, cache_dir=self.settings.home / "index")
            screener.warm()  # before serving: no request pays for the first analysis
        except Exception as exc:  # logged and reported by readyz; the old one stays
            log.exception("building the screener failed")
            with self._lock:
                self.build_error = str(exc)
                self._building = None
            return
        with self._lock:
            self._screener, self._screener_key = screener, key
            self._building = None
            self.build_error = None
        log.info("screener ready: %d listed parties (%s)", screener.size, key)

    def _rebuild_in_background(self, key: ActiveKey) -> None:
        with self._lock:
            if self._building == key:
                return
            self._building = key
        threading.Thread(target=self._build, args=(key,), daemon=True, name="screener").start()

    def screener(self) -> Screener:
        """The screener over the active lists. The first call builds it (or loads the
        saved index); after a list activation the previous screener keeps serving until
        the new one is ready."""
        key = self.active()
        if not key:
            raise StoreError(
                "no lists are loaded; load one first, e.g. redline lists load us-ofac-sdn"
            )
        current = self._screener
        if current is not None:
            if self._screener_key != key:
                self._rebuild_in_background(key)
            return current
        with self._lock:
            building = self._building is not None
            if not building:
                self._building = key
        if not building:
            self._build(key)
        else:
            while self._building is not None and self._screener is None:
                time.sleep(0.05)
        if self._screener is None:
            raise StoreError(f"the screening index could not be built: {self.build_error}")
        return self._screener

    @property
    def has_screener(self) -> bool:
        """Whether a screener is loaded, so that :meth:`screener` returns at once."""
        return self._screener is not None

    def warm(self) -> None:
        """Start building the screener in the background, so that the first request does
        not wait for it and ``/readyz`` can tell when it is done."""
        key = self.active()
        if key and self._screener is None:
            self._rebuild_in_background(key)

    def ready(self) -> tuple[bool, str]:
        """Whether screening requests can be answered now, and why not."""
        key = self.active()
        if not key:
            return False, "no lists are loaded"
        if self._screener is None:
            if self.build_error:
                return False, f"the screening index could not be built: {self.build_error}"
            if self._building is None:
                self.warm()
            return False, "the screening index is being built"
        return True, "ready"

    # -- keys --------------------------------------------------------------------------

    def remembered(self, key: str) -> tuple[bool, ApiKey | None]:
        """``(True, record)`` when the key was verified within the cache window (the
        record is None for keys found unknown), ``(False, None)`` when the store must be
        asked; never touches the database, so it is safe on the event loop."""
        hit = self._keys.get(digest_of(key))
        if hit is not None and hit[1] > time.monotonic():
            return True, hit[0]
        return False, None

    def authenticate(self, key: str) -> ApiKey | None:
        """The stored record of a presented key (None when unknown), remembered for
        :data:`KEY_CACHE_SECONDS`; unknown keys are looked up each time, so a key just
        created works at once."""
        digest = digest_of(key)
        now = time.monotonic()
        hit = self._keys.get(digest)
        if hit is not None and hit[1] > now:
            return hit[0]
        found = verify_key(self.store, key)
        if found is not None:
            if len(self._keys) >= _KEY_CACHE_MAX:
                self._keys.clear()
            self._keys[digest] = (found, now + KEY_CACHE_SECONDS)
        return found

    def forget_keys(self) -> None:
        """Drop every remembered key (after a revocation made through this process)."""
        self._keys.clear()

    def close(self) -> None:
        self.store.close()


def get_state(request: Request) -> ServerState:
    """FastAPI dependency: the process's :class:`ServerState`."""
    state = request.app.state.redline
    assert isinstance(state, ServerState)
    return state


async def current_state(request: Request) -> ServerState:
    """:func:`get_state` as a coroutine: FastAPI runs a plain-function dependency in its
    thread pool, a hop that costs more than the lookup; hot routes use this one."""
    return get_state(request)
