"""The SMS gateway stand-in (tools/sms-standin/server.py) as a pytest fixture, on 127.0.0.1."""

import json
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "tools" / "sms-standin" / "server.py"
API_KEY = "standin-test-key"


@dataclass
class StandIn:
    url: str
    api_key: str

    @property
    def send_url(self):
        return f"{self.url}/v1/sms"

    def _call(self, path, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            headers={"X-Api-Key": self.api_key, "Content-Type": "application/json"},
            method="POST" if data is not None else "GET",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def messages(self):
        return self._call("/v1/messages")["messages"]

    def send_requests(self):
        return self._call("/v1/messages")["send_requests"]

    def control(self, **settings):
        return self._call("/v1/control", settings)

    def gateway_settings(self, base):
        return {
            **base,
            "GATEWAY": "submissions.notifications.sms.HttpJsonSmsGateway",
            "URL": self.send_url,
            "API_KEY": self.api_key,
            "TIMEOUT": 10,
        }


@pytest.fixture
def sms_standin(tmp_path):
    """Start the stand-in on a free port of 127.0.0.1 and stop it after the test."""
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0", "--api-key", API_KEY, "--journal", str(tmp_path / "sms.jsonl")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), f"stand-in did not start: {line!r}"
        yield StandIn(url=line.removeprefix("listening on "), api_key=API_KEY)
    finally:
        process.terminate()
        process.wait(timeout=10)
