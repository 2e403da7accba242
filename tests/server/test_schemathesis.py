"""schemathesis against the live server's own OpenAPI document: every operation, the
default checks (no server errors, documented status codes, content types, headers and
schemas, auth not ignored, bad data refused).

The server gets a private home: generated requests create and revoke keys and, through
the workflow routes, may change data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.server.conftest import LiveServer, copied_home, make_keys, serving


@pytest.fixture(scope="module")
def fuzzed_server(
    sample_home_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    conf = copied_home(sample_home_template, tmp_path_factory, "fuzz-home")
    with serving(conf, make_keys(conf)) as live:
        yield live


def test_api(fuzzed_server: LiveServer) -> None:
    """Each operation gets a few generated cases; every failure is collected and shown.

    (schemathesis' own pytest integration does not run under this pytest version, so
    the operations are driven here with a hypothesis strategy each.)"""
    schema = schemathesis.openapi.from_url(fuzzed_server.url + "/openapi.json")
    key = fuzzed_server.keys["admin"]

    @schema.auth()
    class AdminKey:
        def get(self, case: Any, context: Any) -> str:
            return key

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "X-API-Key": data}

    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        run = _fuzz(operation)
        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # one report names every operation
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 9
    names = [f.split(":", 1)[0] for f in failures]
    assert not failures, f"{len(failures)} operation(s) failed: {names}\n\n" + "\n\n".join(failures)


def _uploads_files(operation: Any) -> bool:
    body = operation.definition.raw.get("requestBody", {})
    return "multipart/form-data" in body.get("content", {})


def _fuzz(operation: Any) -> Any:
    """A hypothesis test of one operation with schemathesis' default checks."""
    # A file upload that fits the schema can still be an unreadable customer or list
    # file (the schema cannot say what a valid CSV is): a 400 is right there.
    excluded = [positive_data_acceptance] if _uploads_files(operation) else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded)

    return run
