"""A local stand-in for GOV.UK Notify, for tests and development.

It speaks the part of Notify's v2 API the site uses, to Notify's own Python
client: ``POST /v2/notifications/sms``, ``POST /v2/notifications/email`` and
``GET /v2/notifications/{id}``. Like Notify it checks each request's JWT
(HS256, signed with the key's secret, ``iss`` the service id, ``iat`` within
30 seconds), fills in the template's placeholders, refuses what Notify
refuses (a number that is not a UK mobile, a missing placeholder) with
Notify's error shape, and keeps every message it accepted. It can then call
the site back with a delivery receipt, as Notify does.

Run it beside ``make dev``:

    python -m radiology_guide.enquiries.notify_stub --port 6011 \\
        --callback-url http://127.0.0.1:8000/notify/callback/ --callback-token dev-callback-token

and start the site with the settings it prints. Messages it accepts are
printed, and marked delivered a few seconds later. Nothing here reaches a
real phone. No Django: it runs on its own.
"""

import argparse
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

DEV_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
# Made up for development: it signs requests to this server only.
DEV_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"  # noqa: S105
DEV_KEY = f"local_dev-{DEV_SERVICE_ID}-{DEV_SECRET}"
DEV_SMS_TEMPLATE = "7e3a8c6b-3f2c-4d2a-9c55-1b0d6f1f7a10"
DEV_EMAIL_TEMPLATE = "b1f1c9d2-5e7a-4c3b-8a6d-2f4e9d0c8b21"
IAT_LEEWAY = 30
UK_MOBILE = re.compile(r"(?:\+44|0044|0)7\d{9}")
PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")


class NotifyStub:
    """One service with one API key and a text message and an email template,
    each of which is a single placeholder, as docs/configuration.md says to
    make them in Notify."""

    def __init__(self, service_id=DEV_SERVICE_ID, secret=DEV_SECRET, callback_url="", callback_token=""):
        self.service_id, self.secret = service_id, secret
        self.callback_url, self.callback_token = callback_url, callback_token
        self.templates = {
            DEV_SMS_TEMPLATE: {"type": "sms", "body": "((message))"},
            DEV_EMAIL_TEMPLATE: {"type": "email", "subject": "((subject))", "body": "((body))"},
        }
        self.messages = {}  # id -> what was sent, in order
        self.claims = []  # each accepted request's JWT claims
        self.refusals = []  # (status, error) for each refused request
        self.fail_next = []  # status codes to answer the next requests with (503: Notify is down)
        self.lock = threading.Lock()
        self.server = None

    @property
    def api_key(self):
        return f"radiology_guide_test-{self.service_id}-{self.secret}"

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self, port=0):
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def sent(self, kind=None):
        return [message for message in self.messages.values() if kind in (None, message["type"])]

    # What Notify would do

    def check_token(self, header):
        """None when the request's JWT is good, or Notify's error message."""
        scheme, _, token = (header or "").partition(" ")
        if scheme != "Bearer" or not token:
            return "Unauthorized: authentication token must be provided"
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        if claims.get("iss") != self.service_id:
            return "Invalid token: service not found"
        if not isinstance(claims.get("iat"), int) or abs(time.time() - claims["iat"]) > IAT_LEEWAY:
            return "Error: Your system clock must be accurate to within 30 seconds"
        with self.lock:
            self.claims.append(claims)
        return None

    def accept(self, kind, data):
        """(status, reply) for a request to send a notification."""
        template = self.templates.get(str(data.get("template_id", "")))
        if template is None or template["type"] != kind:
            return 400, _error("BadRequestError", "Template not found")
        personalisation = data.get("personalisation") or {}
        wanted = {name for part in template.values() for name in PLACEHOLDER.findall(part)}
        missing = sorted(wanted - set(personalisation))
        if missing:
            return 400, _error("BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        to = data.get("phone_number" if kind == "sms" else "email_address", "")
        if kind == "sms" and not UK_MOBILE.fullmatch(str(to).replace(" ", "")):
            return 400, _error("ValidationError", "phone_number Not a UK mobile number")
        if kind == "email" and "@" not in str(to):
            return 400, _error("ValidationError", "email_address Not a valid email address")
        filled = {part: PLACEHOLDER.sub(lambda m: str(personalisation[m[1]]), text) for part, text in template.items()}
        notification_id = str(uuid.uuid4())
        message = {
            "id": notification_id,
            "type": kind,
            "to": to,
            "body": filled["body"],
            "subject": filled.get("subject", ""),
            "reference": data.get("reference"),
            "template_id": data["template_id"],
            "status": "sending",
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
        }
        with self.lock:
            self.messages[notification_id] = message
        content = {"body": message["body"]}
        if kind == "sms":
            content["from_number"] = "Notify"
        else:
            content.update(subject=message["subject"], from_email="clinic@notifications.example")
        return 201, {
            "id": notification_id,
            "reference": message["reference"],
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {
                "id": message["template_id"],
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{message['template_id']}",
            },
            "scheduled_for": None,
        }

    def notification(self, notification_id):
        message = self.messages.get(notification_id)
        if message is None:
            return 404, _error("NoResultFound", "No result found")
        return 200, {
            "id": message["id"],
            "reference": message["reference"],
            "type": message["type"],
            "status": message["status"],
            "body": message["body"],
            "subject": message["subject"] or None,
            "phone_number": message["to"] if message["type"] == "sms" else None,
            "email_address": message["to"] if message["type"] == "email" else None,
            "created_at": message["created_at"],
            "template": {"id": message["template_id"], "version": 1},
        }

    def receipt(self, notification_id, status="delivered"):
        """The JSON Notify posts to the callback URL when a message's status is final."""
        message = self.messages[notification_id]
        message["status"] = status
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        return {
            "id": message["id"],
            "reference": message["reference"],
            "to": message["to"],
            "status": status,
            "created_at": message["created_at"],
            "completed_at": now,
            "sent_at": now,
            "notification_type": message["type"],
            "template_id": message["template_id"],
            "template_version": 1,
        }

    def call_back(self, notification_id, status="delivered", url=None, token=None):
        """Post a receipt to the site, as Notify does: the HTTP status of its answer."""
        body = json.dumps(self.receipt(notification_id, status)).encode()
        request = urllib.request.Request(  # noqa: S310 - our own site's address
            url or self.callback_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token or self.callback_token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own site's address
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _error(kind, message, status=400):
    return {"status_code": status, "errors": [{"error": kind, "message": message}]}


def _handler(stub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - http.server's name
            pass  # quiet: a test's output, or a developer's terminal, shows what matters

        def _reply(self, status, data):
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _checked(self):
            with stub.lock:
                failure = stub.fail_next.pop(0) if stub.fail_next else None
            if failure:
                stub.refusals.append((failure, "made to fail"))
                self._reply(failure, _error("Exception", "Internal server error", failure))
                return False
            problem = stub.check_token(self.headers.get("Authorization"))
            if problem:
                stub.refusals.append((403, problem))
                self._reply(403, _error("AuthError", problem, 403))
                return False
            return True

        def do_POST(self):  # noqa: N802 - http.server's name
            kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(self.path)
            if kind is None:
                return self._reply(404, _error("NotFound", "Not found", 404))
            if not self._checked():
                return None
            try:
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            except ValueError:
                return self._reply(400, _error("BadRequestError", "Invalid JSON supplied in POST data"))
            status, reply = stub.accept(kind, data)
            if status >= 400:
                stub.refusals.append((status, reply["errors"][0]["message"]))
            return self._reply(status, reply)

        def do_GET(self):  # noqa: N802
            match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", self.path)
            if match is None:
                return self._reply(404, _error("NotFound", "Not found", 404))
            if self._checked():
                self._reply(*stub.notification(match[1]))
            return None

    return Handler


def main():
    parser = argparse.ArgumentParser(description="A local stand-in for GOV.UK Notify (v2 API).")
    parser.add_argument("--port", type=int, default=6011)
    parser.add_argument("--callback-url", default="http://127.0.0.1:8000/notify/callback/")
    parser.add_argument("--callback-token", default="dev-callback-token")
    parser.add_argument("--deliver-after", type=float, default=3, help="seconds before a receipt; 0 sends none")
    args = parser.parse_args()
    stub = NotifyStub(callback_url=args.callback_url, callback_token=args.callback_token).start(args.port)
    print("Local Notify server on", stub.base_url, "- start the site with:")
    print(f"  NOTIFY_API_KEY={DEV_KEY} NOTIFY_BASE_URL={stub.base_url} NOTIFY_CALLBACK_TOKEN={args.callback_token} \\")
    print(f"  NOTIFY_SMS_TEMPLATE_ID={DEV_SMS_TEMPLATE} NOTIFY_EMAIL_TEMPLATE_ID={DEV_EMAIL_TEMPLATE}")
    seen = set()
    try:
        while True:
            time.sleep(0.5)
            for message in stub.sent():
                if message["id"] in seen:
                    continue
                seen.add(message["id"])
                print(f"\n--- {message['type']} to {message['to']} ({message['id']})\n{message['body']}\n---")
                if args.deliver_after:
                    threading.Timer(args.deliver_after, _deliver, (stub, message["id"])).start()
    except KeyboardInterrupt:
        stub.stop()


def _deliver(stub, notification_id):
    print(f"receipt for {notification_id}: the site answered {stub.call_back(notification_id)}")


if __name__ == "__main__":
    main()
