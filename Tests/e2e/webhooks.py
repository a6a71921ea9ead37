"""Settings › Webhooks in the browser, with a receiver on loopback that checks every request's
Standard Webhooks signature using Python's own hmac (an implementation independent of the
server's). run.sh lets the server reach loopback (REELBASE_ALLOW_PRIVATE_WEBHOOK_HOSTS)."""
import base64
import hashlib
import hmac
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.common.by import By


class Receiver:
    """Records each request and whether its signature verified under `secret` (set later)."""

    def __init__(self):
        self.secret = None
        self.requests = []  # (webhook-id, verified, event type)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.requests.append((self.headers.get("webhook-id"), receiver.verify(self.headers, body), body))
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, headers, body):
        msg_id, stamp, signatures = headers.get("webhook-id"), headers.get("webhook-timestamp"), headers.get("webhook-signature", "")
        if not (self.secret and msg_id and stamp) or abs(time.time() - int(stamp)) > 300:
            return False
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        expected = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
        return any(part.startswith("v1,") and hmac.compare_digest(part[3:], expected) for part in signatures.split(" "))


receiver = Receiver()


def add_endpoint(r):
    """Adds the receiver as an endpoint; the secret is shown once. Later takes are delivered to it."""
    r.go("#settings/webhooks")
    names = r.wait(lambda d: d.execute_script("return [...document.querySelectorAll('#webhook-form input[name=events]')].map(i => i.value)"), message="event choices")
    r.check("the endpoint form lists the storyboard and cut events", {"storyboard.paused", "storyboard.finished", "cut.ready", "cut.failed"} <= set(names), str(names))
    r.one("#webhook-form input[name=url]").send_keys(receiver.url)
    r.driver.find_element(By.CSS_SELECTOR, "#webhook-form button[type=submit]").click()
    secret = r.one("#new-webhook-secret").text
    r.check("a new webhook endpoint shows its whsec_ secret once", secret.startswith("whsec_"), secret)
    receiver.secret = secret
    r.wait(lambda d: r.css("#webhook-table tbody tr"), message="endpoint listed")
    r.go("#settings/keys")
    r.go("#settings/webhooks")
    r.wait(lambda d: r.css("#webhook-table tbody tr"), message="endpoint listed again")
    r.check("the secret is not shown again", secret not in r.driver.page_source)


def delivery_log(r):
    """After the takes: every request verified, the log shows them, and redeliver resends one."""
    r.wait(lambda d: len(receiver.requests) >= 1, seconds=60, message="a delivery")
    r.check("the receiver verified every signature with its own hmac check", all(ok for _, ok, _ in receiver.requests),
            str([(i, ok) for i, ok, _ in receiver.requests]))
    r.go("#settings/webhooks")
    r.wait(lambda d: r.css("#webhook-table button[data-log]"), message="deliveries button")[0].click()
    rows = r.wait(lambda d: (rows := r.css("#delivery-table tbody tr[data-status=succeeded]")) and rows, message="delivery log")
    r.check("the delivery log lists succeeded deliveries with HTTP 200", "HTTP 200" in rows[0].text and "generation.succeeded" in rows[0].text, rows[0].text)
    before = len(receiver.requests)
    last_id = receiver.requests[-1][0]
    ids = {i for i, _, _ in receiver.requests}
    rows[0].find_element(By.CSS_SELECTOR, "button[data-redeliver]").click()
    r.wait(lambda d: len(receiver.requests) > before, seconds=30, message="redelivery")
    again = receiver.requests[-1]
    r.check("redeliver sends the same event again, same webhook-id, signed", again[0] in ids and again[1], f"{again[0]} vs {last_id}")
