#!/usr/bin/env python3
"""
A local stand-in for an SMS brandname gateway, for tests and development.

It speaks the HTTP JSON protocol of `submissions.notifications.sms.HttpJsonSmsGateway`, like
the send APIs of Vietnamese brandname providers: an API key, a phone number, a message and
a client request id per call. It never sends anything; it records each accepted message.

    POST /v1/sms        {"api_key", "brandname", "phone", "message", "request_id"}
        200 {"status": "accepted", "message_id", "request_id", "duplicate": false}
        A request id seen before returns the first message's id with "duplicate": true and
        records nothing new. 401 for a wrong API key, 400 for a missing field or a phone that
        is not 84 followed by 9 digits.
    GET  /v1/messages   (header X-Api-Key) every accepted message, and the request count
    POST /v1/control    (header X-Api-Key) {"delay_seconds": s, "fail_next": n}: answer each
                        later send only after s seconds (the message is recorded first, as a
                        real gateway hands it to the carrier before responding), and answer the
                        next n sends with HTTP 503 without recording them.

Run: python tools/sms-standin/server.py --port 0 --api-key KEY [--journal FILE]
It listens on 127.0.0.1 only and prints "listening on http://127.0.0.1:PORT" once ready.
With --journal, accepted messages are appended as JSON lines and reloaded at start, so the
record of sent messages survives a restart.
"""

import argparse
import hmac
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PHONE = re.compile(r"^84\d{9}$")
REQUIRED_FIELDS = ("api_key", "phone", "message", "request_id")


class GatewayState:
    """Accepted messages by request id, and the behaviour set through /v1/control."""

    def __init__(self, api_key, journal_path=None):
        self.api_key = api_key
        self.journal_path = journal_path
        self.lock = threading.Lock()
        self.messages = []
        self.by_request_id = {}
        self.send_requests = 0
        self.delay_seconds = 0.0
        self.fail_next = 0
        if journal_path:
            self._load_journal()

    def _load_journal(self):
        try:
            with open(self.journal_path, encoding="utf-8") as journal:
                for line in journal:
                    if line.strip():
                        record = json.loads(line)
                        self.messages.append(record)
                        self.by_request_id[record["request_id"]] = record
        except FileNotFoundError:
            pass

    def accept(self, payload):
        """Record the message unless its request id is known; return (record, duplicate)."""
        with self.lock:
            known = self.by_request_id.get(payload["request_id"])
            if known is not None:
                return known, True
            record = {
                "message_id": uuid.uuid4().hex,
                "request_id": payload["request_id"],
                "phone": payload["phone"],
                "brandname": payload.get("brandname", ""),
                "message": payload["message"],
                "received_at": time.time(),
            }
            self.messages.append(record)
            self.by_request_id[record["request_id"]] = record
            if self.journal_path:
                with open(self.journal_path, "a", encoding="utf-8") as journal:
                    journal.write(json.dumps(record, ensure_ascii=False) + "\n")
            return record, False


class Handler(BaseHTTPRequestHandler):
    server_version = "SmsStandIn/1.0"
    protocol_version = "HTTP/1.1"

    @property
    def state(self):
        return self.server.state

    def log_message(self, format, *args):
        # Requests carry phone numbers and texts: log only the method, path and status.
        sys.stderr.write(f"sms-standin: {self.command} {self.path.split('?')[0]} {args[1] if len(args) > 1 else ''}\n")

    def _reply(self, status, body):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            return None
        return body if isinstance(body, dict) else None

    def _key_matches(self, key):
        return isinstance(key, str) and hmac.compare_digest(key.encode(), self.state.api_key.encode())

    def do_GET(self):
        if self.path.split("?")[0] != "/v1/messages":
            return self._reply(404, {"error": "not found"})
        if not self._key_matches(self.headers.get("X-Api-Key", "")):
            return self._reply(401, {"error": "invalid api key"})
        with self.state.lock:
            body = {"messages": list(self.state.messages), "send_requests": self.state.send_requests}
        return self._reply(200, body)

    def do_POST(self):
        path = self.path.split("?")[0]
        payload = self._read_json()
        if payload is None:
            return self._reply(400, {"error": "the body is not a JSON object"})
        if path == "/v1/sms":
            return self._send(payload)
        if path == "/v1/control":
            return self._control(payload)
        return self._reply(404, {"error": "not found"})

    def _send(self, payload):
        with self.state.lock:
            self.state.send_requests += 1
            if self.state.fail_next > 0:
                self.state.fail_next -= 1
                failing = True
            else:
                failing = False
            delay = self.state.delay_seconds

        if not self._key_matches(payload.get("api_key")):
            return self._reply(401, {"error": "invalid api key"})
        missing = [name for name in REQUIRED_FIELDS if not payload.get(name)]
        if missing:
            return self._reply(400, {"error": f"missing field: {', '.join(missing)}"})
        if not PHONE.match(str(payload["phone"])):
            return self._reply(400, {"error": "invalid phone: expected 84 followed by 9 digits"})
        if failing:
            return self._reply(503, {"error": "temporarily unavailable"})

        record, duplicate = self.state.accept(payload)
        if delay:
            time.sleep(delay)
        return self._reply(
            200,
            {
                "status": "accepted",
                "message_id": record["message_id"],
                "request_id": record["request_id"],
                "duplicate": duplicate,
            },
        )

    def _control(self, payload):
        if not self._key_matches(self.headers.get("X-Api-Key", "")):
            return self._reply(401, {"error": "invalid api key"})
        with self.state.lock:
            if "delay_seconds" in payload:
                self.state.delay_seconds = max(float(payload["delay_seconds"]), 0.0)
            if "fail_next" in payload:
                self.state.fail_next = max(int(payload["fail_next"]), 0)
            body = {"delay_seconds": self.state.delay_seconds, "fail_next": self.state.fail_next}
        return self._reply(200, body)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local stand-in for an SMS brandname gateway (127.0.0.1 only).")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one.")
    parser.add_argument("--api-key", required=True, help="The API key clients must send.")
    parser.add_argument("--journal", help="File to append accepted messages to (JSON lines), reloaded at start.")
    parser.add_argument("--delay", type=float, default=0.0, help="Seconds to wait before responding to each send request.")
    args = parser.parse_args(argv)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = GatewayState(args.api_key, args.journal)
    server.state.delay_seconds = args.delay
    host, port = server.server_address
    print(f"listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
