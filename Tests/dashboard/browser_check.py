"""The dashboard in a real headless chromium (Debian's, driven by selenium), while a farm runs.

Run by DashboardBrowserTests with: URL FARMRUN DB GATE SCREENSHOTS. The farm's tasks past the first
rows wait for the GATE file, so the page is checked against `farmrun status --format json` at a point
where nothing moves; then the gate opens and the counts must change without a reload. Every wait is on
the page's own state; the timeouts only bound a hang.
"""
import json
import os
import subprocess
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, farmrun, db, gate, shots = sys.argv[1:6]
HANG = 180


def status():
    out = subprocess.run([farmrun, "status", "--db", db, "--format", "json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["sweeps"][0]


def counts(driver):
    # Read in one step: the page redraws its cards at every poll, so an element found first may be gone after.
    return driver.execute_script("""
        const out = {};
        for (const n of ["done", "failed", "pruned", "running", "pending"]) {
            const b = document.querySelector(`#count-${n} b`);
            if (!b) return null;
            out[n] = parseInt(b.textContent, 10);
        }
        return out;
        """)


def wait(driver, what, condition):
    try:
        return WebDriverWait(driver, HANG, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition(d))
    except Exception as error:
        probe = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const timer = setTimeout(() => done("fetch of /api/status did not answer in 10 s"), 10000);
            fetch('/api/status', {cache: 'no-cache'}).then(r => r.text()).then(t => { clearTimeout(timer); done(t.slice(0, 300)); }, e => done(String(e)));
            """)
        sys.exit(f"gave up waiting for {what} ({type(error).__name__}: {error}); page counts {counts(driver)}; banner {driver.find_element(By.ID, 'banner').text!r}; "
                 f"updated {driver.find_element(By.ID, 'updated').text!r}; farmrun status {status()['counts']}; a fetch now: {probe}")


options = webdriver.ChromeOptions()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--hide-scrollbars"):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_script_timeout(30)
try:
    driver.get(url)
    assert "?token=" not in driver.current_url, "the token stays in the address bar"
    wait(driver, "the overview's counts", lambda d: d.find_elements(By.ID, "count-done"))

    # Held at the gate: the page shows what farmrun status prints.
    # (At the gate: the 105 tasks with a <= 7 have ended and two wait; while they ran, "running: 2" held too.)
    at_gate = lambda c: c.get("running") == 2 and c.get("done", 0) + c.get("failed", 0) == 105
    wait(driver, "the farm to reach the gate", lambda d: at_gate(counts(d) or {}) and at_gate(status()["counts"]) and counts(d) == status()["counts"])
    held = status()["counts"]
    assert counts(driver) == held, (counts(driver), held)
    driver.save_screenshot(os.path.join(shots, "dashboard-overview.png"))

    # The gate opens: the counts move on the same page, no reload.
    driver.execute_script("window.__samePage = 42")
    open(gate, "w").close()
    wait(driver, "the done count to grow without a reload", lambda d: (counts(d) or held)["done"] > held["done"])
    assert driver.execute_script("return window.__samePage") == 42, "the page was reloaded"

    # Failures: hostile stderr is text, and nothing of it ran.
    driver.get(url.split("?")[0] + "#failures")
    wait(driver, "the failures page", lambda d: d.find_elements(By.CSS_SELECTOR, "#causes details.cause"))
    cause = driver.find_element(By.CSS_SELECTOR, "#causes details.cause")
    driver.execute_script("arguments[0].open = true; for (const t of arguments[0].querySelectorAll('details')) t.open = true", cause)
    stderr = driver.find_element(By.CSS_SELECTOR, "#causes pre.stderr").text
    assert "<script>window.__xss=1</script><img src=x onerror=window.__xss=2>" in stderr, stderr
    assert driver.execute_script("return window.__xss") is None, "job output ran as script"
    assert not driver.find_elements(By.CSS_SELECTOR, "main script, main img[src='x']"), "job output became markup"
    driver.save_screenshot(os.path.join(shots, "dashboard-failures.png"))

    # Coverage: the done/total grid over two parameters.
    driver.find_element(By.CSS_SELECTOR, "button[data-tab=coverage]").click()
    wait(driver, "the coverage grid", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid td")) >= 20)
    driver.save_screenshot(os.path.join(shots, "dashboard-coverage.png"))

    # Results: the summary table sorts; choosing another metric redraws the chart.
    driver.find_element(By.CSS_SELECTOR, "button[data-tab=results]").click()
    wait(driver, "the summary table", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#summary tr")) > 3)
    wait(driver, "the chart", lambda d: d.execute_script("const i = document.getElementById('chart'); return i.complete && i.naturalWidth > 0"))
    before = driver.find_element(By.ID, "chart").get_attribute("src")
    Select(driver.find_element(By.ID, "chart-y")).select_by_visible_text("acc")
    wait(driver, "the chart of acc", lambda d: d.find_element(By.ID, "chart").get_attribute("src") != before
         and d.execute_script("const i = document.getElementById('chart'); return i.complete && i.naturalWidth > 0"))
    svg = driver.execute_script("return fetch(document.getElementById('chart').src).then(r => r.text())")
    assert "acc" in svg and "<svg" in svg, svg[:300]
    # Sorted by mean, descending (two clicks on its header); read in one step, as the poll may redraw the table.
    for _ in range(2):
        driver.execute_script("[...document.querySelectorAll('#summary th')].find(t => t.textContent.startsWith('mean')).click()")
    table = driver.execute_script("""
        const heads = [...document.querySelectorAll('#summary th')].map(t => t.textContent);
        const i = heads.findIndex(h => h.startsWith('mean'));
        return {head: heads[i], values: [...document.querySelectorAll('#summary tr')].slice(1).map(r => parseFloat(r.children[i].textContent))};
        """)
    assert table["head"].endswith("▼") and table["values"] == sorted(table["values"], reverse=True), table
    driver.save_screenshot(os.path.join(shots, "dashboard-results.png"))

    driver.find_element(By.CSS_SELECTOR, "button[data-tab=attempts]").click()
    wait(driver, "the attempts table", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#usage tr")) > 1)

    # The farm ends: the overview shows its final counts, equal to farmrun status.
    driver.find_element(By.CSS_SELECTOR, "button[data-tab=overview]").click()
    wait(driver, "the farm to finish", lambda d: status()["counts"]["pending"] == 0 and status()["counts"]["running"] == 0 and counts(d) == status()["counts"])
    print("browser check passed:", json.dumps(counts(driver)))
finally:
    driver.quit()
