"""``redline serve`` as a user runs it: a subprocess, two workers, a warning without keys."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server.conftest import make_keys, settings_for

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ghassem Damavandian"]}}}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_with_two_workers(sample_home_template: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_home_template, home)
    port = _free_port()
    env = {**os.environ, "REDLINE_HOME": str(home)}
    command = [sys.executable, "-m", "redline", "serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.communicate()[1]
            try:
                if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        # no key existed at start: everything but health is refused
        assert httpx.post(url + "/match/default", json=QUERY).status_code == 401
        key = make_keys(settings_for(home))["viewer"]
        response = httpx.post(url + "/match/default", json=QUERY, headers={"X-API-Key": key})
        assert response.status_code == 200
        assert response.json()["responses"]["q"]["results"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    assert "no API keys exist" in err


def test_serve_refuses_bad_options(tmp_path: Path) -> None:
    env = {**os.environ, "REDLINE_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "redline", "serve", "--workers", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1 and "--workers must be at least 1" in out.stderr
