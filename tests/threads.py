"""Running a task on several threads at once, for tests of concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(workers: int, task: Callable[[int], None]) -> list[BaseException]:
    """Run ``task(0)`` … ``task(workers - 1)`` on as many threads, released together so
    that they race; the exceptions they raised (an assertion reports them all)."""
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def run(k: int) -> None:
        start.wait()
        try:
            task(k)
        except BaseException as exc:  # collected for the caller's assertion
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
