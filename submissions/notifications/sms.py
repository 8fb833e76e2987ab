"""
SMS gateways behind one small interface.

A gateway sends one message to one phone and returns the provider's message id. The class is
chosen by dotted path in `settings.PORTAL_SMS["GATEWAY"]` and built with the other keys of
that setting, so a province plugs in its brandname provider by writing one subclass.

Every call carries a client request id (the outbox row's delivery key). A gateway must make
a repeated request id return the first message's id without sending again: this is what lets
a worker killed mid-request retry without a second SMS.
"""

import json
import logging
import socket
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsReceipt:
    message_id: str
    status: str


class SmsError(Exception):
    """The gateway did not accept the message; `temporary` errors are worth retrying."""

    def __init__(self, message, *, temporary):
        super().__init__(message)
        self.temporary = temporary


class SmsGateway:
    """The interface: `send(phone=…, message=…, request_id=…)` returns an SmsReceipt or raises SmsError."""

    def __init__(self, **options):
        self.options = options

    def send(self, *, phone, message, request_id):
        raise NotImplementedError


class HttpJsonSmsGateway(SmsGateway):
    """
    A brandname gateway with an HTTP JSON API.

    Request: `POST <URL>` with the JSON object {api_key, brandname, phone, message, request_id};
    the phone is sent as digits with the country code (84912345678). Response 200:
    {"status": "accepted", "message_id": "…"}; a request id seen before returns the same
    message id. 4xx answers other than 408 and 429 are permanent (a wrong number or key);
    5xx, 408, 429, timeouts and refused connections are temporary.
    """

    def __init__(self, *, url, api_key, brandname="", timeout=10.0, **options):
        super().__init__(**options)
        if not url:
            raise ValueError("PORTAL_SMS['URL'] is empty: set PORTAL_SMS_URL to the gateway's send endpoint.")
        self.url = url
        self.api_key = api_key
        self.brandname = brandname
        self.timeout = timeout

    def send(self, *, phone, message, request_id):
        payload = {
            "api_key": self.api_key,
            "brandname": self.brandname,
            "phone": phone.lstrip("+"),
            "message": message,
            "request_id": request_id,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = _error_detail(error)
            temporary = error.code >= 500 or error.code in (408, 429)
            raise SmsError(f"SMS gateway responded with HTTP {error.code}: {detail}", temporary=temporary) from error
        except (urllib.error.URLError, socket.timeout, ConnectionError) as error:
            raise SmsError(f"SMS gateway unreachable: {error}", temporary=True) from error
        except json.JSONDecodeError as error:
            raise SmsError("SMS gateway responded with invalid JSON", temporary=True) from error

        message_id = str(body.get("message_id") or "")
        if not message_id:
            raise SmsError(f"SMS gateway returned no message id (status {body.get('status')!r})", temporary=True)
        return SmsReceipt(message_id=message_id, status=str(body.get("status", "")))


def _error_detail(error):
    try:
        body = json.loads(error.read() or b"{}")
    except (json.JSONDecodeError, OSError):
        return error.reason
    return body.get("error") or error.reason


class ConsoleSmsGateway(SmsGateway):
    """Writes each message to standard output instead of sending it (development)."""

    def send(self, *, phone, message, request_id):
        sys.stdout.write(f"SMS to {phone} (request {request_id}):\n{message}\n\n")
        sys.stdout.flush()
        return SmsReceipt(message_id=f"console-{request_id}", status="accepted")


class LocmemSmsGateway(SmsGateway):
    """Keeps messages in `LocmemSmsGateway.outbox` (tests), deduplicated by request id."""

    outbox = []
    _lock = threading.Lock()

    def send(self, *, phone, message, request_id):
        with self._lock:
            for sent in self.outbox:
                if sent["request_id"] == request_id:
                    return SmsReceipt(message_id=sent["message_id"], status="accepted")
            message_id = f"locmem-{len(self.outbox) + 1}"
            self.outbox.append({"phone": phone, "message": message, "request_id": request_id, "message_id": message_id})
        return SmsReceipt(message_id=message_id, status="accepted")


def get_gateway():
    """Return the configured gateway, built from `settings.PORTAL_SMS`."""
    config = dict(settings.PORTAL_SMS)
    gateway_class = import_string(config.pop("GATEWAY"))
    options = {key.lower(): value for key, value in config.items()}
    return gateway_class(**options)
