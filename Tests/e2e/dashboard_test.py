#!/usr/bin/env python3
"""Drives the Reelbase dashboard in headless Chromium, the way a person would.

Run through Tests/e2e/run.sh, which starts the server (demo mode) and passes
E2E_BASE_URL, E2E_EMAIL, E2E_PASSWORD and E2E_OUT. Prints `N passed, N failed`.
"""
import os
import re
import shutil
import subprocess
import sys
import time


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
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

BASE = os.environ["E2E_BASE_URL"]
EMAIL = os.environ["E2E_EMAIL"]
PASSWORD = os.environ["E2E_PASSWORD"]
OUT = os.environ.get("E2E_OUT", ".build/e2e")
results = []
csp_console = []  # console lines about the Content Security Policy, kept even where other logs are dropped

# Runs before any page script on every document (CDP scripts are not subject to the page's
# CSP) and keeps every violation in sessionStorage, so reloads do not lose them.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const seen = JSON.parse(sessionStorage.getItem("__csp_violations") || "[]");
  seen.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || location.pathname}:${e.lineNumber}`);
  sessionStorage.setItem("__csp_violations", JSON.stringify(seen));
});
"""


def check(name, ok, detail=""):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""), flush=True)
    return ok


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    return driver


def browser_log(driver):
    """The console since the last call, keeping CSP lines for the final check."""
    entries = driver.get_log("browser")
    csp_console.extend(e["message"] for e in entries if "Content Security Policy" in e["message"])
    return entries


def wait(driver, condition, seconds=15, message=""):
    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(lambda d: condition(d), message)


def visible(driver, css):
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0] if found and found[0].is_displayed() else None


def go(driver, view):
    driver.execute_script("location.hash = arguments[0]", view)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"nav a.active[data-view='{view}']"), message=f"open {view}")


def sign_in(driver):
    driver.get(BASE + "/")
    wait(driver, lambda d: visible(d, "#signin-form"), message="sign-in form")
    driver.find_element(By.NAME, "email").send_keys(EMAIL)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
    wait(driver, lambda d: visible(d, "#nav"), message="signed in")
    browser_log(driver)  # drop the expected 401 from before signing in
    return check("sign in through the page", EMAIL in driver.find_element(By.ID, "who").text)


def api_key_shown_once(driver):
    go(driver, "keys")
    driver.find_element(By.CSS_SELECTOR, "#key-form input[name=name]").send_keys("e2e key")
    driver.find_element(By.CSS_SELECTOR, "#key-form button").click()
    key = wait(driver, lambda d: visible(d, "#new-key-value"), message="new key").text
    check("a new API key is shown", re.match(r"^rb_\w+", key), key)
    check("it says the key is shown once", "not shown again" in driver.find_element(By.ID, "new-key").text)
    go(driver, "overview")
    go(driver, "keys")
    wait(driver, lambda d: "e2e key" in d.find_element(By.CSS_SELECTOR, "#view table").text, message="key listed")
    check("the key is not shown again", key not in driver.page_source)


def queue_generation(driver):
    go(driver, "generations")
    model = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#gen-form select[name=model] option"), message="models")
    check("the model list comes from /models", len(model) >= 2, f"{len(model)} models")
    Select(driver.find_element(By.CSS_SELECTOR, "#gen-form select[name=model]")).select_by_value("segmind/veo-3.1-fast")
    durations = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#gen-form select[name=duration] option")]
    check("durations follow the chosen model", durations == ["4", "6", "8"], str(durations))
    Select(driver.find_element(By.CSS_SELECTOR, "#gen-form select[name=duration]")).select_by_value("4")
    driver.find_element(By.CSS_SELECTOR, "#gen-form textarea[name=prompt]").send_keys("A paper boat drifting down a rainy street, macro lens")
    estimate = wait(driver, lambda d: "Estimated cost: $" in d.find_element(By.ID, "gen-estimate").text and d.find_element(By.ID, "gen-estimate").text,
                    message="estimate")
    check("the estimate is shown before submitting", re.search(r"\$\d+\.\d\d", estimate), estimate)
    driver.find_element(By.ID, "gen-submit").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#gen-table tr[data-id]"), message="queued row")
    check("the generation is listed", True)
    driver.save_screenshot(os.path.join(OUT, "generations-running.png"))

    started = time.time()
    try:
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#gen-table tr[data-status=succeeded] video"), seconds=60,
             message="succeeded within 60 s")
        check("it succeeds within 60 s", True)
    except Exception:
        statuses = [r.get_attribute("data-status") for r in driver.find_elements(By.CSS_SELECTOR, "#gen-table tr[data-id]")]
        check("it succeeds within 60 s", False, f"statuses {statuses} after {time.time() - started:.0f} s")
        return
    try:
        state = wait(driver, lambda d: d.execute_script(
            "const v = document.querySelector('#gen-table tr[data-status=succeeded] video'); return v && v.readyState >= 1 ? v.readyState : 0"),
            seconds=20, message="video metadata")
        check("the browser loads the video's metadata", state >= 1, f"readyState {state}")
    except Exception:
        error = driver.execute_script("const v = document.querySelector('#gen-table video'); return v && v.error ? v.error.message || v.error.code : 'none'")
        check("the browser loads the video's metadata", False, f"media error {error}")
    driver.save_screenshot(os.path.join(OUT, "generations.png"))


def spend_is_booked(driver):
    go(driver, "spend")
    total = wait(driver, lambda d: (t := d.find_element(By.ID, "spend-total").text) != "…" and t, message="spend total")
    check("the Spend view shows a non-zero total", re.match(r"^\$\d", total) and float(total[1:]) > 0, total)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#credit-chart svg polyline, #credit-chart .empty"), message="chart")
    check("the credit balance is charted", driver.find_elements(By.CSS_SELECTOR, "#credit-chart svg polyline"))
    check("the CSV link points at the report", "format=csv" in driver.find_element(By.ID, "spend-csv").get_attribute("href"))
    check("no alert banner without alerts", not visible(driver, "#alert-banner"))
    driver.save_screenshot(os.path.join(OUT, "dashboard.png"))


def sql(statement):
    return subprocess.run([os.environ["E2E_PSQL"], os.environ["E2E_DATABASE_URL"], "-tAqc", statement],
                          check=True, capture_output=True, text=True).stdout.strip()


def alert_banner_and_resolve(driver):
    """Raises an alert as the worker would (account paused until a person acts), then resolves it."""
    if not os.environ.get("E2E_PSQL"):
        print("SKIP alerts: psql not found")
        return
    import json
    team = json.load(open(os.environ["E2E_TEAM_JSON"]))["team_id"]
    sql("INSERT INTO provider_pauses (account_key, paused_until, reason) VALUES ('default:segmind', 'infinity', 'insufficient_credits') "
        "ON CONFLICT (account_key) DO UPDATE SET paused_until = 'infinity'")
    sql(f"INSERT INTO alerts (team_id, account_key, kind, message) VALUES ('{team}', 'default:segmind', 'insufficient_credits', "
        "'The segmind account has too few credits (e2e). Generations are paused until credits are added and this alert is resolved.')")
    go(driver, "overview")
    banner = wait(driver, lambda d: visible(d, "#alert-banner"), message="alert banner")
    check("an open alert shows a banner on every page", "1 open alert" in banner.text, banner.text)
    go(driver, "alerts")
    button = wait(driver, lambda d: d.find_elements(By.XPATH, "//button[text()='Resolve']"), message="resolve button")[0]
    driver.save_screenshot(os.path.join(OUT, "alerts.png"))
    button.click()
    wait(driver, lambda d: not visible(d, "#alert-banner"), message="banner gone")
    check("resolving hides the banner", True)
    check("resolving lifts the account's pause", sql("SELECT count(*) FROM provider_pauses WHERE account_key = 'default:segmind'") == "0")


def provider_accounts(driver):
    go(driver, "accounts")
    key = wait(driver, lambda d: visible(d, "#account-form input[name=api_key]"), message="account form")
    check("the provider key field is write-only (a password field)", key.get_attribute("type") == "password")
    driver.find_element(By.CSS_SELECTOR, "#account-form input[name=name]").send_keys("e2e segmind")
    key.send_keys("e2e-provider-key-0042")
    driver.find_element(By.CSS_SELECTOR, "#account-form button").click()
    wait(driver, lambda d: "e2e segmind" in d.find_element(By.CSS_SELECTOR, "#view table").text, message="account listed")
    check("an added account shows only the key's last 4", "…0042" in driver.find_element(By.CSS_SELECTOR, "#view table").text
          and "e2e-provider-key-0042" not in driver.page_source)
    driver.save_screenshot(os.path.join(OUT, "accounts.png"))


def every_view_under_the_csp(driver):
    """Opens every view, then asks whether the browser refused anything under the policy."""
    import urllib.request
    policy = urllib.request.urlopen(BASE + "/").headers.get("Content-Security-Policy", "")
    check("the dashboard is served with a strict CSP", "script-src 'self'" in policy and "unsafe-inline" not in policy
          and "frame-ancestors 'none'" in policy, policy)
    for view in [a.get_attribute("data-view") for a in driver.find_elements(By.CSS_SELECTOR, "nav a[data-view]")]:
        go(driver, view)
        time.sleep(0.3)  # let the view's requests and rendering finish
    driver.get(BASE + "/")  # a full load again, after sign-in
    wait(driver, lambda d: visible(d, "#nav"), message="reloaded")
    time.sleep(0.5)
    violations = driver.execute_script("return JSON.parse(sessionStorage.getItem('__csp_violations') || '[]')")
    browser_log(driver)
    check("zero CSP violations on the dashboard's pages", not violations and not csp_console,
          "; ".join((violations + csp_console)[:3]))


def main():
    os.makedirs(OUT, exist_ok=True)
    driver = browser()
    try:
        for step in (sign_in, api_key_shown_once, queue_generation, spend_is_booked, alert_banner_and_resolve, provider_accounts,
                     every_view_under_the_csp):
            try:
                if step(driver) is False:
                    break
            except Exception as error:  # one broken step fails, the rest still report
                check(step.__name__, False, f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
                driver.save_screenshot(os.path.join(OUT, f"failed-{step.__name__}.png"))
        logs = [entry["message"] for entry in browser_log(driver) if entry["level"] == "SEVERE"]
        check("no errors in the browser console", not logs, "; ".join(logs[:3]))
    finally:
        driver.quit()
    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
