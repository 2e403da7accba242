"""Killing a loading process at random moments never breaks the store.

A load runs in a subprocess and is killed with SIGKILL at a random point of its run,
many times over. After every kill the database must pass its integrity check, the
active snapshot must be either the one active before or the complete new one, and
every visible snapshot must hold exactly the entities its record says.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from redline.settings import Settings
from redline.store import open_store
from redline.store.snapshots import count_rows
from tests.conftest import person, write_ftm

KILLS = 12


def _load(home: Path, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REDLINE_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "redline", "lists", "load", "ftm", str(path), "--force"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_kill_during_load_leaves_store_consistent(tmp_path: Path) -> None:
    home = tmp_path / "home"
    base = write_ftm(tmp_path / "base.jsonl", [person(i) for i in range(1000)])
    big = write_ftm(
        tmp_path / "big.jsonl",
        [person(i, extra={"alias": [f"Alias {i} A", f"Alias {i} B"]}) for i in range(20_000)],
    )
    first = _load(home, base)
    assert first.wait(120) == 0, first.stderr.read() if first.stderr else ""
    if first.stderr:
        first.stderr.close()

    started = time.monotonic()
    timing = _load(home, big)
    assert timing.wait(300) == 0
    if timing.stderr:
        timing.stderr.close()
    duration = time.monotonic() - started
    # Put the base list back as the active one for the kill rounds.
    settings = Settings(home=home)
    db = open_store(settings)
    base_id = min(s.id for s in db.snapshots("ftm"))
    db.activate(base_id, force=True)
    db.close()

    rng = random.Random(20261122)
    outcomes = {"old": 0, "new": 0}
    for _ in range(KILLS):
        proc = _load(home, big)
        time.sleep(rng.uniform(0.05, duration * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
        if proc.stderr:
            proc.stderr.close()
        db = open_store(settings)
        try:
            assert db.check()["integrity"] == "ok"
            active = db.active_snapshot("ftm")
            assert active is not None
            assert active.entity_count in (1000, 20_000)
            with db.engine.connect() as conn:
                for snap in db.snapshots("ftm"):
                    assert count_rows(conn, snap.id) == snap.entity_count + snap.relation_count
            if active.entity_count == 20_000:
                outcomes["new"] += 1
                db.activate(base_id, force=True)
            else:
                outcomes["old"] += 1
                assert active.id == base_id
        finally:
            db.close()
    # The random points must have hit the middle of loads, not only the ends.
    assert outcomes["old"] >= 3, outcomes
