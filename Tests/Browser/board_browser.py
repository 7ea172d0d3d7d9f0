#!/usr/bin/env python3
"""Drives the real status board in Debian's chromium through WebDriver (selenium) and checks
what a person sees. Started by BoardBrowserTests (Swift) against a real `backstop serve` that
verified one healthy asset and one corrupted one whose service log holds a <script> line.

usage: board_browser.py URL FAILING_ASSET HEALTHY_ASSET SCREENSHOT_DIR
Exits 1 listing every failed expectation; screenshots are saved whatever happens."""
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

url, failing, healthy, shots = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], Path(sys.argv[4])
shots.mkdir(parents=True, exist_ok=True)
problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def no_horizontal_overflow(page):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    viewport = driver.execute_script("return document.documentElement.clientWidth")
    expect(width <= viewport, f"{page} at 400 px: content is {width} px wide, the viewport {viewport} px")


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    # The board: the failing asset first, with its cause, its history strip and charts.
    driver.get(url + "/")
    rows = driver.find_elements(By.CSS_SELECTOR, "#assets tbody tr.asset-row")
    names = [row.find_element(By.CSS_SELECTOR, "th a").text for row in rows]
    expect(names[:1] == [failing], f"the failing asset comes first: {names}")
    expect(healthy in names, f"{healthy} is listed: {names}")
    first = rows[0] if rows else None
    if first is not None:
        expect("failed" in first.find_element(By.CSS_SELECTOR, "td.state").text, "the first row says failed")
        expect(first.find_element(By.CSS_SELECTOR, "td.cause").text == "corrupted_artifact",
               "the first row shows its cause corrupted_artifact")
        cells = first.find_elements(By.CSS_SELECTOR, ".strip a.cell")
        expect(len(cells) >= 1, "the failing asset has a history strip")
        expect(all(cell.text.strip() for cell in cells), "every history cell shows a glyph, not only a colour")
    bars = driver.find_elements(By.CSS_SELECTOR, "figure.chart svg rect.bar")
    expect(len(bars) >= 1, "the failures-per-day chart has a bar")
    driver.save_screenshot(str(shots / "board.png"))

    # Follow a history cell to its run page.
    if first is not None and first.find_elements(By.CSS_SELECTOR, ".strip a.cell"):
        first.find_element(By.CSS_SELECTOR, ".strip a.cell").click()
        expect("/runs/" in driver.current_url, f"a history cell opens a run page: {driver.current_url}")
        expect(driver.find_element(By.TAG_NAME, "h1").text.startswith("Run "), "the run page has its heading")
        outcome_assets = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#outcomes tbody th a")]
        expect(failing in outcome_assets, f"the run page lists {failing}: {outcome_assets}")
        driver.save_screenshot(str(shots / "run.png"))

    # The asset page of the healthy asset: a restore-duration chart with points.
    driver.get(url + "/")
    driver.find_element(By.LINK_TEXT, healthy).click()
    expect(driver.find_element(By.TAG_NAME, "h1").text == healthy, "the asset link opens its page")
    points = driver.find_elements(By.CSS_SELECTOR, "figure.chart svg circle.point")
    expect(len(points) >= 1, "the restore-duration chart has a point")
    driver.save_screenshot(str(shots / "asset.png"))

    # The incident page: the report rendered, with the correlated log lines, escaped.
    driver.get(url + "/")
    links = driver.find_elements(By.CSS_SELECTOR, "a[href^='/incidents/']")
    expect(len(links) >= 1, "the board links to the open incident")
    if links:
        links[0].click()
        report = driver.find_element(By.ID, "report")
        expect("Logs" in report.text, "the report shows its correlated logs")
        expect("<script>window.__xss=1</script>" in report.text, "the log line's <script> is shown as text")
        expect(driver.execute_script("return window.__xss === undefined"), "the log line's <script> did not run")
        expect(not report.find_elements(By.TAG_NAME, "script"), "no script element inside the report")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "#timeline tbody tr")) >= 1, "the incident page shows its timeline")
        driver.save_screenshot(str(shots / "incident.png"))

    # Filters narrow the table.
    driver.get(url + "/")
    search = driver.find_element(By.NAME, "q")
    search.send_keys(healthy)
    # submit() does not wait for the new page: read the rows only once the old table is gone,
    # or a row of the old page can go stale under the read.
    old_table = driver.find_element(By.ID, "assets")
    search.submit()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(old_table))
    names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#assets tbody tr.asset-row th a")]
    expect(names == [healthy], f"searching {healthy!r} leaves only it: {names}")
    driver.get(url + "/?state=failing")
    names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#assets tbody tr.asset-row th a")]
    expect(names == [failing], f"state=failing leaves only {failing}: {names}")

    # 400 px wide: nothing scrolls sideways.
    driver.set_window_size(400, 900)
    for page in ("/", f"/assets/{healthy}"):
        driver.get(url + page)
        no_horizontal_overflow(page)
    driver.get(url + "/")
    # Reflowed, not squeezed: the table's caption and the first asset row use the width.
    for selector in ("#assets caption", "#assets tbody tr.asset-row"):
        width = driver.find_element(By.CSS_SELECTOR, selector).size["width"]
        expect(width >= 300, f"at 400 px, {selector} is only {width} px wide")
    driver.save_screenshot(str(shots / "board-400px.png"))
    if links:
        driver.get(url + "/")
        driver.find_elements(By.CSS_SELECTOR, "a[href^='/incidents/']")[0].click()
        no_horizontal_overflow("the incident page")

    # The dark scheme follows the system's.
    driver.set_window_size(1280, 1000)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    driver.get(url + "/")
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    expect(background == "rgb(18, 18, 18)", f"dark scheme background, got {background}")
    driver.save_screenshot(str(shots / "board-dark.png"))
finally:
    driver.quit()

for problem in problems:
    print("FAILED:", problem)
print(f"{len(problems)} problems; screenshots in {shots}")
sys.exit(1 if problems else 0)
