"""The `kg serve` page in headless Chromium (Debian's chromium + chromium-driver, through
Selenium): a named query's tab runs and its table shows the figure the store holds; the
row cap and the timeout are shown to the user; nothing is fetched from another host."""

from __future__ import annotations

import os
import shutil

import pytest
from pyoxigraph import Literal

from kg.loading import Loader
from kg.named_queries import list_queries, run_named
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store
from servers import KgServe

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 20  # seconds, at most, for anything to appear
MAX_ROWS = 5
TIMEOUT = 1.0


def _skip_reason() -> str | None:
    if not CHROMIUM or not CHROMEDRIVER:
        return "no headless browser: apt-get install chromium chromium-driver (.ci/run does)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


if _skip_reason():
    print(f"\nbrowser tests skipped: {_skip_reason()}")
    pytest.skip(_skip_reason(), allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    location = tmp_path_factory.mktemp("browser") / "kg-store"
    with open_store(location) as s:
        loader = Loader(s)
        loader.ensure_reference_graphs()
        list(loader.load_paths([SAMPLE_FILINGS_DIR]))
    return location


@pytest.fixture(scope="module")
def served(store_dir):
    with KgServe(store_dir, "--max-rows", str(MAX_ROWS), "--timeout", str(TIMEOUT)) as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, what: str):
    return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(condition, message=f"waited {WAIT} s for {what}")


def expected_figure(store_dir) -> tuple[str, str]:
    """A named query (budget-overview when there is one) and a figure its answer holds,
    computed through the library, not the page."""
    queries = sorted(list_queries(), key=lambda q: q.name != "budget-overview")
    with open_store(store_dir, read_only=True) as store:
        for q in queries:
            for row in run_named(store, q.name).rows:
                for term in row:
                    if (isinstance(term, Literal) and term.datatype is not None
                            and term.datatype.value.endswith(("#decimal", "#integer")) and len(term.value) >= 5):
                        return q.title, term.value
    pytest.fail("no named query answers with a figure on the sample filings")


def run_active_tab(driver) -> None:
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()


def test_named_query_tab_shows_the_figure(served, browser, store_dir):
    title, figure = expected_figure(store_dir)
    browser.get(served.url + "/")
    tabs = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".tabsList .tab a"), "the query tabs")
    names = [t.text.replace("✖", "").strip() for t in tabs]
    assert title in names, names
    tabs[names.index(title)].click()
    run_active_tab(browser)
    tables = ".tabPanel.active .yasr table"
    table = wait_for(browser, lambda d: next((t for t in d.find_elements(By.CSS_SELECTOR, tables) if figure in t.text),
                                             None), f"{figure} in the results table")
    assert figure in table.text
    # everything the page loaded came from kg serve itself: no CDN, no outside look-ups
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(served.url + "/") for url in loaded), loaded


def set_query(driver, text: str) -> None:
    driver.execute_script("window.kgYasgui.getTab().getYasqe().setValue(arguments[0])", text)


def notice(driver) -> str:
    return driver.find_element(By.ID, "notice").text


def test_row_cap_and_timeout_are_shown(served, browser):
    browser.get(served.url + "/")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".tabsList .tab a"), "the query tabs")
    set_query(browser, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    run_active_tab(browser)
    wait_for(browser, lambda d: f"first {MAX_ROWS} rows" in notice(d), "the row-cap notice")
    set_query(browser, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    run_active_tab(browser)
    message = f"longer than the {TIMEOUT:g} s limit"
    wait_for(browser, lambda d: message in d.find_element(By.TAG_NAME, "body").text, "the timeout message")
