"""Shared plumbing for the dashboard tests: Chromium, waiting, checks that save evidence on failure."""
import os
import shutil
import subprocess
import sys
import zlib
import struct


def ensure_browser_tools():
    """Installs Debian's chromium, chromium-driver and python3-selenium when missing (as root)."""
    try:
        import selenium  # noqa: F401
        if shutil.which("chromedriver") and (shutil.which("chromium") or shutil.which("chromium-browser")):
            return
    except ImportError:
        pass
    if os.geteuid() != 0:
        sys.exit("chromium, chromium-driver and python3-selenium are missing; install them with apt (as root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver", "python3-selenium"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    if sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)  # where apt put selenium


ensure_browser_tools()

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

OUT = os.environ.get("E2E_OUT", ".build/e2e")
# Runs before any page script, whatever the page's CSP, and records every violation.
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


class Run:
    def __init__(self):
        self.results = []
        self.console = []
        self.csp = []
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                    "--autoplay-policy=no-user-gesture-required", "--mute-audio"]:
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_WATCH})

    def check(self, name, ok, detail=""):
        self.results.append((name, bool(ok)))
        print(("PASS " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""), flush=True)
        if not ok:
            self.evidence("failed-" + "".join(c if c.isalnum() else "-" for c in name)[:60])
        return ok

    def evidence(self, stem):
        """A screenshot and the console so far, next to each other in OUT."""
        try:
            self.driver.save_screenshot(os.path.join(OUT, stem + ".png"))
            self.collect()
            with open(os.path.join(OUT, stem + ".console.log"), "w") as f:
                f.write("\n".join(self.console + ["CSP: " + c for c in self.csp]))
        except Exception as error:  # evidence is best-effort
            print(f"  (could not save evidence: {error})")

    def collect(self, ignore_401=False):
        """Moves browser console errors and CSP violations into the run's lists."""
        for entry in self.driver.get_log("browser"):
            if entry["level"] != "SEVERE":
                continue
            if ignore_401 and "401" in entry["message"]:
                continue  # the page asks /me before anyone signed in: expected
            self.console.append(entry["message"])
        try:
            self.csp += self.driver.execute_script("const v = window.__csp || []; window.__csp = []; return v;")
        except Exception:
            pass

    def wait(self, condition, seconds=20, message=""):
        # Views re-render on live updates, so an element found a moment ago may be gone: look again.
        return WebDriverWait(self.driver, seconds, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException]) \
            .until(lambda d: condition(d), message)

    def css(self, selector, root=None):
        return (root or self.driver).find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector, seconds=20):
        return self.wait(lambda d: (found := [e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]) and found[0],
                         seconds, f"visible {selector}")

    def go(self, hash_):
        self.driver.execute_script("location.hash = arguments[0]", hash_)
        self.wait(lambda d: d.execute_script("return location.hash") == hash_ and
                  d.execute_script("return document.querySelector('#view').dataset.ready === 'true'"), message=f"open {hash_}")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def fetch_json(self, path):
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.json()).then(done, e => done({error: String(e)}));", path)


def click(r, selector):
    """Clicks the first match, looking again if the list was redrawn under us."""
    try:
        found = r.css(selector)
        if found:
            found[0].click()
            return True
    except StaleElementReferenceException:
        return False
    return False


def sql(statement):
    """Runs SQL on the test database (to raise an alert the way the worker would)."""
    return subprocess.run([os.environ["E2E_PSQL"], os.environ["E2E_DATABASE_URL"], "-tAqc", statement],
                          check=True, capture_output=True, text=True).stdout.strip()


def png(path, rgb, size=(96, 54)):
    """Writes a small solid-colour PNG (no imaging library needed)."""
    w, h = size
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path
