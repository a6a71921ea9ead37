"""The client review through a share link, in headless Chromium (a step of dashboard_test.py):
the team shares a take, a client without an account opens the link, approves the take and
comments at 00:03, and the team's take page shows both."""
import os
import subprocess
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser import sql


def four_second_clip(take):
    """Archives a 4 s clip (made with ffmpeg) as the take's video. The simulator answers a 1 s
    sample whatever was asked until it makes clips of the requested length (issue #11)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "take.mp4")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=24:duration=4",
                        "-pix_fmt", "yuv420p", "-movflags", "+faststart", path], check=True)
        data = open(path, "rb").read().hex()
    sql(f"""WITH v AS (SELECT decode('{data}', 'hex') AS bytes),
        b AS (INSERT INTO blobs (team_id, sha256, size, content_type, chunk_size)
              SELECT g.team_id, sha256(v.bytes), length(v.bytes), 'video/mp4', 262144 FROM generations g, v WHERE g.id = '{take}' RETURNING id, team_id),
        c AS (INSERT INTO blob_chunks (team_id, blob_id, index, bytes) SELECT b.team_id, b.id, 0, v.bytes FROM b, v)
        UPDATE generations SET video_blob_id = b.id, video_size = (SELECT length(bytes) FROM v) FROM b WHERE generations.id = '{take}'""")


def client_review(r, state, base, sign_in, shots):
    takes = r.fetch_json(f"/api/v1/generations?campaign_id={state['campaign']}&status=succeeded&limit=50")["data"]
    take = takes[-1]["id"]  # the oldest: no page has played its video yet (browsers cache videos for good)
    if os.environ.get("E2E_PSQL"):
        four_second_clip(take)

    # The team shares it: the dialog shows the link once.
    r.go("#takes/" + take)
    r.one("#share-take").click()
    days = r.one("#share-days")
    days.clear()
    days.send_keys("3")
    r.one("#share-title").send_keys("Autumn launch, hero shot")
    r.driver.find_element(By.CSS_SELECTOR, "#share-dialog button[type=submit]").click()
    url = r.one("#share-url").text
    r.check("the share dialog shows the link once, on this instance", url.startswith(base + "/s/") and len(url) > len(base) + 80, url)
    listed = r.fetch_json(f"/api/v1/share-links?generation_id={take}")["data"]
    r.check("the team's list has the link, without its token", len(listed) == 1 and url.split("/s/")[1] not in str(listed), str(listed)[:200])
    if shots:
        r.driver.save_screenshot(os.path.join(shots, "share-dialog.png"))
    r.collect()

    # The client: no account, no cookies.
    r.driver.delete_all_cookies()
    r.driver.get(url)
    video = r.one(".shared-take video")
    r.wait(lambda d: d.execute_script("return arguments[0].readyState >= 1 && arguments[0].duration > 3.5", video), message="the shared video loads")
    r.check("the client's page shows the title and the take", "Autumn launch, hero shot" in r.driver.find_element(By.TAG_NAME, "h1").text)
    name = r.one("#reviewer-name")
    name.send_keys("Dana (Acme)")
    approve = r.one("button[data-set-verdict=approved]")
    approve.send_keys(Keys.ENTER)  # by keyboard
    line = r.wait(lambda d: (t := d.find_element(By.CSS_SELECTOR, "[data-verdict-line]").text) and "Approved" in t and t, message="verdict shown")
    r.check("the review shows nothing the client cannot use (no stars, no stray text)", not r.css(".shared-take .stars") and "null" not in r.one(".shared-take .review").text)
    r.check("the client approves the take by keyboard", "Dana (Acme) (client)" in line, line)
    r.js("arguments[0].pause(); arguments[0].currentTime = 3", video)
    r.wait(lambda d: d.execute_script("return !arguments[0].seeking && Math.abs(arguments[0].currentTime - 3) < 0.05", video), message="seeked to 3 s")
    r.wait(lambda d: "at 00:03" in d.find_element(By.CSS_SELECTOR, "[data-comment-at]").text, message="comment time follows the player")
    r.one(".comment-form textarea").send_keys("The logo is too small here")
    r.driver.find_element(By.CSS_SELECTOR, ".comment-form button[type=submit]").click()
    item = r.wait(lambda d: (li := r.css(".comments li[data-at='3']")) and li[0], message="comment listed")
    r.check("the client comments at 00:03", "00:03" in item.text and "The logo is too small here" in item.text, item.text)
    if shots:
        r.driver.set_window_size(1366, 768)
        r.js("window.scrollTo(0, 0)")
        time.sleep(0.4)
        r.driver.save_screenshot(os.path.join(shots, "public-review.png"))
    r.driver.set_window_size(390, 844)
    time.sleep(0.3)
    sizes = r.js("return [document.documentElement.scrollWidth, window.innerWidth]")
    r.check("at 390 px the review page has no horizontal scroll", sizes[0] <= sizes[1], str(sizes))
    r.driver.set_window_size(1366, 768)
    r.collect()
    r.check("the client's browser reaches no API route", r.fetch_json("/api/v1/generations/" + take).get("error", {}).get("code") == "unauthenticated")
    r.collect(ignore_401=True)  # that refusal is logged by the browser

    # The team sees both on the take page, and the gallery filters by verdict.
    sign_in(r)
    r.go("#takes/" + take)
    review = r.wait(lambda d: (t := d.find_element(By.ID, "take-review").text) and "Approved" in t and "00:03" in t and t, message="review on the take page")
    r.check("the team's take page shows the client's approval and comment at 00:03",
            "Dana (Acme) (client)" in review and "The logo is too small here" in review, review)
    r.one(".review .timecode").click()
    r.wait(lambda d: d.execute_script("return Math.abs(document.querySelector('#player').currentTime - 3) < 0.05"), message="timecode seeks")
    r.check("a comment's timecode seeks the team's player", True)
    if shots:
        r.js("document.querySelector('#take-review').scrollIntoView({block: 'center'})")
        time.sleep(0.4)
        r.driver.save_screenshot(os.path.join(shots, "take-review.png"))
    r.go("#campaigns/" + state["campaign"])
    Select(r.one("form.filters select[name=verdict]")).select_by_value("approved")
    r.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    shown = r.wait(lambda d: (cards := r.css("#gallery figure.take")) and [c.get_attribute("data-id") for c in cards], message="filtered gallery")
    r.check("the gallery filters by verdict", shown == [take], str(shown))
