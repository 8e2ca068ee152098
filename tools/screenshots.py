"""Take the README's screenshots from a running demo ('make demo' first).

Drives headless Chromium through the DevTools protocol: logs in through
/web/session/authenticate, hands the session cookie to the browser, opens
each page, waits for the web client to settle and saves a PNG.

    .venv/bin/python tools/screenshots.py [--url http://127.0.0.1:8069] [--only NAME.png ...]
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# (file name, login, path in the web client, the CSS selector to wait for,
#  optionally a selector to click once the page is there)
SHOTS = [
    (
        "guest-archives-kanban-zh.png",
        "cs_staff",
        "/odoo/action-customer_service.cs_guest_archive_action?view_type=kanban",
        ".o_kanban_record",
    ),
    (
        "guest-archives-zh.png",
        "cs_manager",
        "/odoo/action-customer_service.cs_guest_archive_action",
        ".o_list_view .o_data_row",
    ),
    (
        "guest-archive-form-zh.png",
        "cs_leader",
        "/odoo/action-customer_service.cs_guest_archive_action/1",
        ".o_form_view .o_field_badge",
    ),
    (
        "service-card-zh.png",
        "cs_liaison_fnb",
        "/odoo/action-customer_service.cs_service_card_action/1",
        ".o_form_view .o_field_one2many .o_data_row",
    ),
    (
        "guest-archive-analysis-en.png",
        "admin",
        "/odoo/action-customer_service_reports.cs_guest_archive_analysis_action",
        ".o_pivot table",
    ),
    ("settings-en.png", "admin", "/odoo/settings#customer_service", "#cs_gift_cap"),
    (
        "callback-queue-zh.png",
        "cs_staff",
        "/odoo/action-customer_service.cs_visit_action",
        ".o_list_view .o_data_row",
    ),
    (
        "consumption-zh.png",
        "cs_staff",
        "/odoo/action-customer_service.cs_consumption_action",
        ".o_list_view .o_data_row",
    ),
    (
        "complaints-zh.png",
        "cs_manager",
        "/odoo/action-customer_service.cs_complaint_action",
        ".o_list_view .o_data_row",
    ),
    (
        "complaint-analysis-zh.png",
        "cs_manager",
        "/odoo/action-customer_service_reports.cs_complaint_analysis_action",
        ".o_pivot table",
    ),
    (
        "export-reports-zh.png",
        "cs_manager",
        "/odoo/action-customer_service_reports.cs_report_wizard_action",
        ".o_form_view .o_field_widget[name=report]",
    ),
    (
        "overview-zh.png",
        "cs_manager",
        "/odoo/action-customer_service_reports.cs_service_overview_action",
        ".o_cs_dashboard .o_cs_dashboard_chart canvas",
    ),
]


def session_cookie(url, db, login):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    payload = {"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": login}}
    if login == "admin":
        payload["params"]["password"] = "admin"
    request = urllib.request.Request(
        f"{url}/web/session/authenticate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with opener.open(request, timeout=30) as resp:
        answer = json.load(resp)
    if answer.get("error"):
        raise SystemExit(f"{login} cannot log in: {answer['error']['data']['message']}")
    return next(c.value for c in jar if c.name == "session_id")


class Browser:
    def __init__(self, width=1400, height=860):
        self.profile = tempfile.mkdtemp(prefix="cs-shots-")
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        self.proc = subprocess.Popen(
            [
                exe,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=10) as resp:
            target = next(t for t in json.load(resp) if t["type"] == "page")
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, selector, timeout=30):
        expression = f"!!document.querySelector({json.dumps(selector)})"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.send("Runtime.evaluate", expression=expression)
            if result.get("result", {}).get("value"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"timed out waiting for {selector}")

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="customer_service_demo")
    parser.add_argument("--only", nargs="*", help="file names to retake (default: all)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    browser = Browser()
    try:
        host = args.url.split("://", 1)[1].split(":")[0]
        for name, login, path, selector, *click in SHOTS:
            if args.only and name not in args.only:
                continue
            browser.send("Network.clearBrowserCookies")
            browser.send(
                "Network.setCookie",
                name="session_id",
                value=session_cookie(args.url, args.db, login),
                domain=host,
                path="/",
            )
            browser.send("Page.navigate", url=f"{args.url}{path}")
            try:
                browser.wait_for(selector)
            except RuntimeError:
                png = browser.send("Page.captureScreenshot", format="png")["data"]
                (OUT / f"timeout-{name}").write_bytes(base64.b64decode(png))
                raise
            if click:
                browser.send(
                    "Runtime.evaluate",
                    expression=f"document.querySelector({json.dumps(click[0])}).click()",
                )
            time.sleep(1.5)  # let fonts, avatars and animations settle
            png = browser.send("Page.captureScreenshot", format="png")["data"]
            (OUT / name).write_bytes(base64.b64decode(png))
            print(f"saved docs/screenshots/{name} ({login})")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
