"""The storyboard editor in headless Chromium: create a storyboard from the campaign page, add
shots, toggle continuity, reorder with the keyboard buttons, generate after the estimate,
make a cut and play it, share the cut and open its public page; also at phone width. Used by
dashboard_test.py."""
import os
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def add_shot(r, text, takes=1):
    r.js("document.querySelector('#shot-form').closest('details').open = true")
    form = r.one("#shot-form")
    form.find_element(By.NAME, "prompt").send_keys(text)
    Select(form.find_element(By.NAME, "model")).select_by_value("segmind/veo-3.1-fast")
    Select(form.find_element(By.NAME, "duration")).select_by_value("4")
    Select(form.find_element(By.NAME, "takes")).select_by_value(str(takes))
    continuity = form.find_element(By.NAME, "continuity")
    if continuity.is_enabled() and continuity.is_selected():
        continuity.click()  # continuity is switched on from the card below
    count = len(r.css("#shot-strip .shot-card"))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    r.wait(lambda d: len(r.css("#shot-strip .shot-card")) == count + 1, message="shot added")


def press(r, selector, index=0, keys=None):
    """Clicks (or types into) the index-th match, looking again when the page redrew it meanwhile."""
    def attempt(d):
        try:
            found = r.css(selector)
            if len(found) <= index or not found[index].is_enabled():
                return False
            if keys:
                found[index].send_keys(keys)
            else:
                found[index].click()
            return True
        except StaleElementReferenceException:
            return False
    r.wait(attempt, message=f"press {selector}")


def api_board(r, board):
    return r.fetch_json(f"/api/v1/storyboards/{board}")


def storyboard(r, state):
    r.go("#campaigns/" + state["campaign"])
    name = r.one("#storyboard-form input[name=name]")
    name.send_keys("Paper boat teaser")
    r.driver.find_element(By.CSS_SELECTOR, "#storyboard-form button").click()
    r.wait(lambda d: d.execute_script("return location.hash").startswith("#storyboards/"), message="editor opens")
    board = r.js("return location.hash.split('/')[1]")
    r.wait(lambda d: d.execute_script("return document.querySelector('#view').dataset.ready === 'true'"), message="editor ready")
    add_shot(r, "a paper boat is folded")
    add_shot(r, "the boat drifts down the gutter")
    first, second = [s["id"] for s in api_board(r, board)["shots"]]

    # Continuity: off on the first card, a switch on the second.
    first_toggle = r.wait(lambda d: r.js("const t = document.querySelectorAll('#shot-strip input.continuity'); return t.length === 2 && [t[0].disabled]"), message="toggles")
    r.check("the first shot cannot continue from anything", first_toggle == [True])
    press(r, "#shot-strip .shot-card input.continuity", 1)
    r.wait(lambda d: api_board(r, board)["shots"][1]["continuity"], message="continuity saved")
    r.check("the continuity switch is saved", True)
    r.wait(lambda d: r.js("const t = document.querySelectorAll('#shot-strip input.continuity'); return t.length === 2 && t[1].checked"), message="redrawn")
    press(r, "#shot-strip .shot-card input.continuity", 1)
    r.wait(lambda d: not api_board(r, board)["shots"][1]["continuity"], message="continuity off")

    # Reorder with the keyboard-reachable buttons (drag and drop uses the same route).
    r.wait(lambda d: r.js("const t = document.querySelectorAll('#shot-strip input.continuity'); return t.length === 2 && !t[1].checked"), message="redrawn")
    press(r, "#shot-strip .shot-card:first-child .shot-tools button", 1, keys="\n")
    r.wait(lambda d: [s["id"] for s in api_board(r, board)["shots"]] == [second, first], message="reordered")
    r.check("the → button moves a shot later", True)
    # The page redraws the strip and the generate box together; press only what the redraw made.
    r.wait(lambda d: r.js("return [...document.querySelectorAll('#shot-strip .shot-card')].map((c) => c.dataset.id)") == [second, first],
           message="strip redrawn in the new order")

    # Generate: the estimate comes first, then the confirm button spends.
    press(r, "#estimate-button")
    estimate = r.wait(lambda d: r.js("const e = document.querySelector('#estimate .estimate'); return e && e.textContent"), message="estimate")
    r.check("the dry-run estimate is shown before anything is queued", "2 shots" in estimate and "$" in estimate
            and api_board(r, board)["status"] == "draft", estimate)
    press(r, "#generate-confirm")
    finished = r.wait(lambda d: api_board(r, board)["status"] in ("finished", "paused") and api_board(r, board), seconds=120, message="storyboard runs")
    r.check("the storyboard runs both shots to the end", finished["status"] == "finished", str(finished.get("error")))
    r.wait(lambda d: len(r.css("#shot-strip img.shot-thumb")) == 2, seconds=60, message="thumbnails")
    r.check("each shot card shows its chosen take's poster", True)

    # The cut: made from the chosen takes, then played on the page.
    press(r, "#make-cut")
    r.wait(lambda d: r.css("#cut-player"), seconds=120, message="cut ready")
    duration = r.wait(lambda d: d.execute_script("const v = document.querySelector('#cut-player'); return v && v.readyState >= 1 && v.duration"), message="cut metadata")
    r.check("the cut plays and lasts the two takes together", abs(duration - 8) < 0.3, str(duration))
    r.js("document.querySelector('#cut-player').muted = true; document.querySelector('#cut-player').play()")
    r.wait(lambda d: d.execute_script("const v = document.querySelector('#cut-player'); return v.currentTime > 0 || v.ended"), message="cut plays")
    r.js("document.querySelector('#cut-player').pause()")
    share_cut(r, board)
    if os.environ.get("E2E_SCREENSHOTS"):
        # Tall enough to show the strip, the estimate and the cut player together.
        r.driver.set_window_size(1366, 1500)
        r.js("window.scrollTo(0, 0); document.querySelectorAll('.toast').forEach((t) => t.remove()); document.querySelector('#shot-form').closest('details').open = false")
        time.sleep(0.5)
        r.driver.save_screenshot(os.path.join(os.environ["E2E_SCREENSHOTS"], "storyboard-editor.png"))
        r.driver.set_window_size(1366, 768)

    r.driver.set_window_size(390, 844)
    time.sleep(0.3)
    sizes = r.js("return [document.documentElement.scrollWidth, window.innerWidth]")
    r.check("at 390 px the storyboard editor has no horizontal scroll", sizes[0] <= sizes[1], str(sizes))
    r.driver.set_window_size(1366, 768)
    state["storyboard"] = board


def share_cut(r, board):
    """The cut list's Share button makes a cut link; its public page plays the cut, lists its
    shots and jumps to the second one; the team's page opens again afterwards."""
    press(r, "#cut-list button[data-share-cut]")
    r.one("#share-dialog")
    r.check("the share dialog offers this cut", r.js("return document.querySelector('#share-kind').value") == "cut")
    r.driver.find_element(By.CSS_SELECTOR, "#share-dialog button[type=submit]").click()
    url = r.one("#share-url").text
    base = url.split("/s/")[0]
    links = r.fetch_json("/api/v1/share-links?limit=50")["data"]
    r.check("the cut link is listed with its storyboard and number",
            any(l["kind"] == "cut" and l["storyboard_id"] == board and l["cut_number"] == 1 for l in links), str(links)[:200])
    r.driver.get(url)
    video = r.one("#cut-player")
    duration = r.wait(lambda d: d.execute_script("return arguments[0].readyState >= 1 && arguments[0].duration", video), message="shared cut loads")
    r.check("the cut link's page plays the whole cut", abs(duration - 8) < 0.3, str(duration))
    shots = r.css("#cut-takes li button")
    r.check("the page lists the cut's two shots", len(shots) == 2 and "Shot 2" in shots[1].text, str([b.text for b in shots]))
    r.js("arguments[0].muted = true", video)
    shots[1].click()
    r.wait(lambda d: d.execute_script("return arguments[0].currentTime >= 3.9", video), message="jumps to shot 2")
    r.check("a shot in the list jumps the player to where it starts", True)
    r.check("the cut page offers no take to open", not r.css(".shared-take") and not r.css("[data-set-verdict]"))
    r.driver.set_window_size(390, 844)
    time.sleep(0.3)
    sizes = r.js("return [document.documentElement.scrollWidth, window.innerWidth]")
    r.check("at 390 px the cut link's page has no horizontal scroll", sizes[0] <= sizes[1], str(sizes))
    r.driver.set_window_size(1366, 768)
    r.driver.get(base + "/#storyboards/" + board)
    r.wait(lambda d: d.execute_script("return document.querySelector('#view') && document.querySelector('#view').dataset.ready === 'true'"),
           message="editor again")
