#!/usr/bin/env python3
"""Drives the Reelbase workspace in headless Chromium the way a producer would, against the
demo simulator. Run through Tests/e2e/run.sh (E2E_BASE_URL, E2E_EMAIL, E2E_PASSWORD, E2E_OUT).
E2E_SCREENSHOTS=DIR also saves each main page at 1366x768 into DIR. Prints `N passed, N failed`.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Run, OUT, png, click, sql  # noqa: E402
import storyboard_steps  # noqa: E402
from review_steps import client_review  # noqa: E402
from webhooks import add_endpoint, delivery_log  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

BASE = os.environ["E2E_BASE_URL"]
EMAIL, PASSWORD = os.environ["E2E_EMAIL"], os.environ["E2E_PASSWORD"]
SHOTS = os.environ.get("E2E_SCREENSHOTS")
state = {}


def shot(r, name):
    if SHOTS:
        r.driver.set_window_size(1366, 768)
        r.js("window.scrollTo(0, 0)")
        time.sleep(0.4)
        r.driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def sign_in(r, email=EMAIL, password=PASSWORD):
    r.driver.delete_all_cookies()
    r.driver.get(f"{BASE}/?signin={time.time()}")  # a real load, not a hash change
    r.one("#signin-form")
    r.collect(ignore_401=True)
    r.driver.find_element(By.NAME, "email").send_keys(email)
    r.driver.find_element(By.NAME, "password").send_keys(password)
    r.driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
    r.one("#nav")
    r.wait(lambda d: d.execute_script("return document.querySelector('#view').dataset.ready === 'true'"))
    return r.check(f"sign in as {email}", email in r.driver.find_element(By.ID, "who").text)


def campaign(r):
    r.go("#campaigns")
    r.js("document.querySelector('#campaign-form').closest('details').open = true")
    r.one("#campaign-form input[name=name]").send_keys("Autumn launch")
    r.driver.find_element(By.CSS_SELECTOR, "#campaign-form input[name=budget_usd]").send_keys("40")
    r.driver.find_element(By.CSS_SELECTOR, "#campaign-form button").click()
    card = r.wait(lambda d: [c for c in r.css(".campaign-card") if "Autumn launch" in c.text], message="campaign card")[0]
    r.check("the board shows the campaign with a budget bar", r.css(".budget-bar", card) and "left $40.00 of $40.00" in card.text, card.text)
    state["campaign"] = card.get_attribute("data-id")


def assets(r):
    r.go("#assets")
    files = [png(os.path.join(OUT, "frame-red.png"), (200, 40, 40)), png(os.path.join(OUT, "ref-blue.png"), (40, 60, 200))]

    def drop(paths):
        r.js("let i = document.querySelector('#e2e-files'); if (!i) { i = document.createElement('input'); i.type = 'file'; i.multiple = true; i.id = 'e2e-files'; document.body.append(i); } i.value = '';")
        r.driver.find_element(By.ID, "e2e-files").send_keys("\n".join(paths))
        r.js("const dt = new DataTransfer(); for (const f of document.querySelector('#e2e-files').files) dt.items.add(f);"
             "document.querySelector('#drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));"
             "document.querySelector('#e2e-files').remove();")

    drop(files)
    items = r.wait(lambda d: (li := r.css("#uploads li[data-result]")) and len(li) >= 2 and li, message="two uploads")
    r.check("two dropped images upload, each with its own progress bar at 100%",
            all(li.get_attribute("data-result") == "added" and li.find_element(By.TAG_NAME, "progress").get_attribute("value") == "100" for li in items),
            str([li.text for li in items]))
    r.wait(lambda d: len(r.css("#asset-grid figure.thumb")) >= 2, message="grid")
    r.check("both appear in the library", len(r.css("#asset-grid figure.thumb")) == 2)
    drop(files[:1])
    again = r.wait(lambda d: (li := r.css("#uploads li[data-result]")) and len(li) >= 3 and li[2], message="third upload")
    r.check("dropping the same image again says it is already in the library", "already in the library" in again.text, again.text)
    shot(r, "assets")


def prompts(r):
    r.go("#prompts")
    r.js("document.querySelector('#prompt-form').closest('details').open = true")
    r.one("#prompt-form input[name=name]").send_keys("Bridge at dawn")
    r.driver.find_element(By.CSS_SELECTOR, "#prompt-form textarea[name=text]").send_keys("A {{animal}} crossing a foggy bridge at dawn")
    r.driver.find_element(By.CSS_SELECTOR, "#prompt-form button").click()
    r.wait(lambda d: d.execute_script("return /^#prompts\\/[0-9a-f-]{36}$/i.test(location.hash)"), message="prompt page")
    state["prompt"] = r.js("return location.hash.split('/')[1]")
    r.one("#version-form textarea").send_keys("A {{animal}} crossing a foggy bridge at dusk, slow dolly")
    r.driver.find_element(By.CSS_SELECTOR, "#version-form button").click()
    added = r.wait(lambda d: (a := r.css("#diff-box pre.diff .add")) and a, message="diff")
    removed = r.css("#diff-box pre.diff .del")
    r.check("a second version shows its diff to the first", any("dusk" in a.text for a in added) and any("dawn" in d.text for d in removed),
            r.driver.find_element(By.ID, "diff-box").text)
    shot(r, "prompt")


def compose_with_images(r):
    r.go("#campaigns/" + state["campaign"])
    form = r.one("#composer")
    Select(form.find_element(By.NAME, "model")).select_by_value("segmind/veo-3.1")
    Select(form.find_element(By.NAME, "source")).select_by_value("stored")
    Select(form.find_element(By.NAME, "prompt_id")).select_by_value(state["prompt"])
    r.wait(lambda d: r.css("#prompt-variables input[name='var:animal']"), message="variable field")
    r.css("#prompt-variables input[name='var:animal']")[0].send_keys("red fox")
    Select(form.find_element(By.NAME, "duration")).select_by_value("4")
    r.css("fieldset[data-name=first_frame] .pick-thumb")[1].click()
    r.css("fieldset[data-name=reference] .pick-thumb")[0].click()
    Select(form.find_element(By.NAME, "seed_mode")).select_by_value("fixed")
    form.find_element(By.NAME, "seed").send_keys("7")
    estimate = r.wait(lambda d: (t := d.find_element(By.ID, "estimate").text) and "1 take · estimated $" in t and t, message="estimate")
    r.check("the estimate and the budget left are shown before queueing", "campaign budget left after" in estimate, estimate)
    r.driver.find_element(By.ID, "queue").click()
    r.wait(lambda d: len(r.css("#gallery figure.take")) >= 1, message="first take in the gallery")
    r.check("the take with a first frame and a reference image is queued", True)


def sweep(r):
    r.js("window.__noReload = 'still here'")
    form = r.one("#composer")
    Select(form.find_element(By.NAME, "source")).select_by_value("free")
    prompt = form.find_element(By.NAME, "prompt")
    prompt.clear()
    prompt.send_keys("A paper boat drifting down a rainy street, macro lens")
    for thumb in r.css("#composer .pick-thumb.on"):
        thumb.click()  # text only this time
    Select(form.find_element(By.NAME, "model")).select_by_value("segmind/veo-3.1-fast")
    Select(form.find_element(By.NAME, "duration")).select_by_value("4")
    Select(form.find_element(By.NAME, "seed_mode")).select_by_value("sweep")
    seed = form.find_element(By.NAME, "seed")
    seed.clear()
    seed.send_keys("100")
    count = form.find_element(By.NAME, "sweep")
    count.clear()
    count.send_keys("3")
    estimate = r.wait(lambda d: (t := d.find_element(By.ID, "estimate").text) and t.startswith("3 takes · estimated $") and t, message="sweep estimate")
    r.check("a sweep of three seeds is estimated before anything is queued", len(r.css("#gallery figure.take")) == 1, estimate)
    r.check("the queue button says how many takes", r.driver.find_element(By.ID, "queue").text == "Queue 3 takes")
    r.driver.find_element(By.ID, "queue").click()
    r.wait(lambda d: len(r.css("#gallery figure.take")) >= 4, message="four takes")
    try:
        r.wait(lambda d: len(r.css("#gallery figure.take[data-status=succeeded]")) >= 4, seconds=120, message="all succeeded")
        r.check("the takes reach succeeded on the page without a reload", r.js("return window.__noReload") == "still here")
    except Exception:
        r.check("the takes reach succeeded on the page without a reload", False, str([f.get_attribute("data-status") for f in r.css("#gallery figure.take")]))
        return False
    r.check("the updates came over the open event stream", r.js("return document.body.dataset.live") == "live" and int(r.js("return document.body.dataset.liveEvents || '0'")) >= 8,
            f"{r.js('return document.body.dataset.live')} {r.js('return document.body.dataset.liveEvents')}")
    r.wait(lambda d: len(r.css("#gallery img.poster")) >= 4, seconds=30, message="posters")
    r.check("every take shows its poster frame", True)
    seeds = sorted(int(t["seed"]) for t in r.fetch_json(f"/api/v1/generations?campaign_id={state['campaign']}&limit=10")["data"] if t.get("seed") in (100, 101, 102))
    r.check("the sweep used seeds 100, 101, 102", seeds == [100, 101, 102], str(seeds))
    r.js("document.querySelector('#composer').closest('details').open = false")
    shot(r, "campaign")


def take_page(r):
    card = [c for c in r.css("#gallery figure.take[data-status=succeeded]")][0]
    state["take"] = card.get_attribute("data-id")
    card.find_element(By.CSS_SELECTOR, "a.take-link").click()
    video = r.one("#player")
    duration = r.wait(lambda d: d.execute_script("const v = document.querySelector('#player'); return v.readyState >= 1 && v.duration > 0 && v.duration"), message="metadata")
    r.check("the take's video reports a duration", duration > 0, str(duration))
    r.js("arguments[0].muted = true; arguments[0].play()", video)
    r.wait(lambda d: d.execute_script("return arguments[0].currentTime > 0 || arguments[0].ended", video), message="plays")
    r.js("arguments[0].pause(); arguments[0].currentTime = arguments[1] / 2", video, duration)
    t = r.wait(lambda d: d.execute_script("const v = arguments[0]; return !v.seeking && Math.abs(v.currentTime - arguments[1] / 2) < 0.05 && v.currentTime", video, duration), message="seeked")
    r.check("it plays and seeks to the new time", abs(t - duration / 2) < 0.05, str(t))
    page = r.driver.find_element(By.ID, "view").text.lower()
    r.check("the take page shows cost, prompt, parameters and timeline",
            all(s in page for s in ["reported by the provider", "timeline", "parameters", "segmind/veo-3.1-fast", "paper boat"]), page[:600])
    shot(r, "take")


def compare(r):
    r.go("#campaigns/" + state["campaign"])
    picks = r.wait(lambda d: (p := r.css("#gallery figure.take[data-status=succeeded] input.pick")) and len(p) >= 2 and p, message="picks")
    picks[0].click()
    picks[1].click()
    r.driver.find_element(By.ID, "compare-selected").click()
    videos = r.wait(lambda d: (v := r.css("#compare-grid video")) and len(v) == 2 and v, message="two videos")
    r.wait(lambda d: d.execute_script("return [...document.querySelectorAll('#compare-grid video')].every(v => v.readyState >= 1)"), message="both loaded")
    r.js("arguments[0].currentTime = 0.5", videos[0])
    r.wait(lambda d: d.execute_script("return Math.abs(arguments[0].currentTime - 0.5) < 0.05", videos[1]), message="synced seek")
    r.check("two takes play side by side and seek in sync", True)
    r.check("their differences are highlighted", r.css(".compare-table td.diff-cell"), r.driver.find_element(By.CSS_SELECTOR, ".compare-table").text[:200])
    shot(r, "compare")


def rerun(r):
    r.go("#takes/" + state["take"])
    original = r.fetch_json("/api/v1/generations/" + state["take"])
    r.one("#rerun").click()
    r.wait(lambda d: d.execute_script("return location.hash") not in ("#takes/" + state["take"], "") and d.execute_script("return location.hash").startswith("#takes/"), message="new take")
    new_id = r.js("return location.hash.split('/')[1]")
    fresh = r.fetch_json("/api/v1/generations/" + new_id)
    want = original.get("provider_seed", original.get("seed"))
    r.check("a rerun is a new take with the same seed", new_id != state["take"] and fresh.get("seed") == want, f"{fresh.get('seed')} vs {want}")
    r.wait(lambda d: r.css("#view .chip[data-status=succeeded]"), seconds=90, message="rerun succeeded")
    r.check("the rerun's page follows it to succeeded without a reload", True)


def spend(r):
    if os.environ.get("E2E_PSQL"):
        # A finished reconciliation as the daily job would store it: one request billed outside Reelbase.
        team = json.load(open(os.environ["E2E_TEAM_JSON"]))["team_id"]
        run = sql("INSERT INTO reconciliation_runs (team_id, account_key, window_start, window_end, state, trigger, matched, not_booked, "
                  f"ledger_usd, provider_usd, finished_at) VALUES ('{team}', 'e2e-account', now() - interval '1 day', now(), 'succeeded', "
                  "'schedule', 2, 1, 0.8, 1.05, now()) RETURNING id").split()[0]
        sql("INSERT INTO reconciliation_lines (run_id, team_id, kind, request_id, provider_usd, provider_status, requested_at) "
            f"VALUES ('{run}', '{team}', 'not_booked', 'e2e-outside-request', 0.25, 'COMPLETED', now())")
    r.go("#spend")
    total = r.wait(lambda d: (t := d.find_element(By.ID, "spend-total").text) != "…" and t, message="total")
    r.check("the spend page shows the cost", re.search(r"Total \$(\d+\.\d\d)", total) and float(re.search(r"Total \$(\d+\.\d\d)", total).group(1)) > 0, total)
    r.wait(lambda d: r.css("#chart-day svg rect.bar"), message="chart")
    r.check("it draws spend per day stacked by model", len(r.css("#chart-day svg rect.bar")) >= 1)
    r.check("the CSV link points at the report", "format=csv" in r.driver.find_element(By.ID, "spend-csv").get_attribute("href"))
    if os.environ.get("E2E_PSQL"):
        books = r.wait(lambda d: (t := d.find_element(By.ID, "reconciliation").text) and "e2e-outside-request" in t and t, message="reconciliation")
        r.check("the spend page shows the last reconciliation and its mismatch", "billed by the provider, not booked" in books
                and "2 matched" in books and "$0.25" in books, books)
    shot(r, "spend")


def settings_and_viewer(r):
    r.go("#settings/keys")
    # The previous step's toasts (redeliver) sit over the key table's buttons for 4 s.
    r.js("document.querySelectorAll('.toast').forEach((t) => t.remove())")
    r.one("#key-form input[name=name]").send_keys("e2e key")
    r.one("#key-form input[name=budget_usd]").send_keys("5")
    Select(r.driver.find_element(By.CSS_SELECTOR, "#key-form select[name=budget_period]")).select_by_value("month")
    r.driver.find_element(By.CSS_SELECTOR, "#key-form button").click()
    key = r.one("#new-key-value").text
    r.check("a new API key is shown once", re.match(r"^rb_\w+", key), key)
    row = "#key-table tr[data-key='e2e key']"
    r.wait(lambda d: "$5.00 per UTC month" in d.find_element(By.CSS_SELECTOR, row + " .key-budget").text, message="key budget")
    r.check("a key is created with its own monthly budget", True)
    r.wait(lambda d: click(r, row + " button.edit-scope"), message="scope button")
    r.one(row + " + tr.key-scope input[name=rate_limit_per_minute]").send_keys("30")
    r.driver.find_element(By.CSS_SELECTOR, row + " + tr.key-scope button").click()
    r.wait(lambda d: "30/min" in d.find_element(By.CSS_SELECTOR, row).text, message="rate limit saved")
    r.check("an owner changes a key's scope from Settings", True)
    r.wait(lambda d: click(r, "#key-table tr[data-key='e2e key'] button.danger"), message="revoke button")
    r.one("dialog.ask button[data-confirm]").click()
    r.wait(lambda d: "revoked" in d.find_element(By.CSS_SELECTOR, "#key-table tr[data-key='e2e key']").text, message="revoked")
    r.check("an API key is revoked from Settings", True)
    shot(r, "settings")
    r.go("#settings/members")
    r.one("#member-form input[name=email]").send_keys("viewer@example.com")
    Select(r.driver.find_element(By.CSS_SELECTOR, "#member-form select[name=role]")).select_by_value("viewer")
    r.driver.find_element(By.CSS_SELECTOR, "#member-form button").click()
    password = r.one("#new-member-password").text
    r.collect()
    sign_in(r, "viewer@example.com", password)
    spending = "#composer, #queue, #campaign-form, #drop, #import-form, #rerun, #take-actions button, #key-form, #budget-form, #seed-form, #prompt-form, button.danger"
    for page in ["#campaigns", "#campaigns/" + state["campaign"], "#takes", "#takes/" + state["take"], "#assets", "#prompts", "#seeds", "#spend", "#settings/keys"]:
        r.go(page)
        found = [e.get_attribute("id") or e.text for e in r.css(spending)]
        r.check(f"a viewer finds no spending control on {page}", not found, str(found))
    r.collect()
    sign_in(r)


def alerts_and_accounts(r):
    """Raises an alert as the worker would, resolves it in Settings, then adds a provider account."""
    if os.environ.get("E2E_PSQL"):
        team = json.load(open(os.environ["E2E_TEAM_JSON"]))["team_id"]
        sql("INSERT INTO provider_pauses (account_key, paused_until, reason) VALUES ('default:segmind', 'infinity', 'insufficient_credits') "
            "ON CONFLICT (account_key) DO UPDATE SET paused_until = 'infinity'")
        sql(f"INSERT INTO alerts (team_id, account_key, kind, message) VALUES ('{team}', 'default:segmind', 'insufficient_credits', "
            "'The segmind account has too few credits (e2e). Generations are paused until credits are added and this alert is resolved.')")
        r.go("#settings/alerts")
        banner = r.one("#alert-banner")
        r.check("an open alert shows a banner on every page", "1 open alert" in banner.text, banner.text)
        r.wait(lambda d: d.find_elements(By.XPATH, "//button[text()='Resolve']"), message="resolve button")[0].click()
        r.wait(lambda d: not d.find_element(By.ID, "alert-banner").is_displayed(), message="banner gone")
        r.check("resolving lifts the account's pause", sql("SELECT count(*) FROM provider_pauses WHERE account_key = 'default:segmind'") == "0")
    r.go("#settings/accounts")
    key = r.one("#account-form input[name=api_key]")
    r.check("the provider key field is write-only (a password field)", key.get_attribute("type") == "password")
    r.driver.find_element(By.CSS_SELECTOR, "#account-form input[name=name]").send_keys("e2e segmind")
    key.send_keys("e2e-provider-key-0042")
    r.driver.find_element(By.CSS_SELECTOR, "#account-form button").click()
    r.wait(lambda d: r.css("#account-table") and "e2e segmind" in d.find_element(By.ID, "account-table").text, message="account listed")
    r.check("an added account shows only the key's last 4", "…0042" in r.driver.find_element(By.ID, "account-table").text
            and "e2e-provider-key-0042" not in r.driver.page_source)


def review(r):
    client_review(r, state, BASE, sign_in, SHOTS)


def phone(r):
    r.driver.set_window_size(390, 844)
    for page in ["#campaigns", "#campaigns/" + state["campaign"], "#takes/" + state["take"], "#assets", "#spend", "#settings/keys", "#settings/webhooks", "#compare?ids=" + state["take"] + "," + state["take"]]:
        r.go(page)
        time.sleep(0.3)
        sizes = r.js("return [document.documentElement.scrollWidth, window.innerWidth]")
        r.check(f"at 390 px {page} has no horizontal scroll", sizes[0] <= sizes[1], str(sizes))
    r.driver.save_screenshot(os.path.join(OUT, "phone-settings.png"))
    r.driver.set_window_size(1366, 768)


def storyboard(r):
    storyboard_steps.storyboard(r, state)


def main():
    os.makedirs(OUT, exist_ok=True)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
    r = Run()
    try:
        if sign_in(r):
            for step in (campaign, add_endpoint, assets, prompts, compose_with_images, sweep, take_page, compare, rerun, review, storyboard,
                         spend, delivery_log, settings_and_viewer, alerts_and_accounts, phone):
                try:
                    if step(r) is False:
                        break
                except Exception as error:  # one broken step fails, the rest still report
                    r.check(step.__name__, False, f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
                r.collect()
            r.go("#campaigns")
            shot(r, "board")
        r.collect()
        r.check("no errors in the browser console", not r.console, "; ".join(r.console[:3]))
        r.check("no Content-Security-Policy violations", not r.csp, "; ".join(r.csp[:3]))
    finally:
        r.driver.quit()
    passed = sum(1 for _, ok in r.results if ok)
    print(f"{passed} passed, {len(r.results) - passed} failed")
    return 1 if passed != len(r.results) else 0


if __name__ == "__main__":
    sys.exit(main())
