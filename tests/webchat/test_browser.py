"""The chat page in headless Chromium, as a person uses it: the welcome card, a booking typed
on the keyboard, and the Yes button."""

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from app import create_app
from config import DefaultConfig
from tests.conftest import served

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without the networking flags Chromium calls Google's services, which are out of reach here.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=900,1150",
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    """Debian's Chromium, driven by its chromedriver (`make test` installs both)."""
    chromium = shutil.which("chromium")
    chromedriver = shutil.which("chromedriver")
    assert chromium, "Chromium is missing: `make test` installs it"
    assert chromedriver, "chromedriver is missing: `make test` installs it"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def chat_text(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.ID, "webchat").text


def wait_for_text(driver: webdriver.Chrome, text: str) -> None:
    WebDriverWait(driver, 20).until(lambda d: text in chat_text(d), f"never showed {text!r}")


def suggested_actions(driver: webdriver.Chrome, *titles: str) -> list[WebElement]:
    """The buttons of the latest suggested actions, once all of them show."""

    def shown(d: webdriver.Chrome) -> list[WebElement] | Literal[False]:
        buttons = d.find_elements(By.CSS_SELECTOR, ".webchat__suggested-actions__button")
        if [b.text for b in buttons] == list(titles) and all(b.is_displayed() for b in buttons):
            return buttons
        return False

    return WebDriverWait(driver, 20).until(shown, f"never showed the buttons {titles}")


def book_a_flight(driver: webdriver.Chrome, url: str, tomorrow: str) -> None:
    driver.get(url)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Core Bot"

    wait_for_text(driver, "What can I help you with today?")
    card = driver.find_element(By.CSS_SELECTOR, "#webchat .ac-adaptiveCard")
    assert "Flight booking bot" in card.text
    assert "book a flight from Paris to Berlin tomorrow" in card.text

    # The page starts with the keyboard in the send box: typing and Enter send the message.
    focused = driver.switch_to.active_element
    assert focused.get_attribute("data-id") == "webchat-sendbox-input"
    ActionChains(driver).send_keys(
        "book a flight from paris to berlin tomorrow", Keys.ENTER
    ).perform()
    wait_for_text(
        driver, f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    )

    yes, _no = suggested_actions(driver, "Yes", "No")
    yes.click()
    wait_for_text(driver, f"I have you booked to Berlin from Paris on {tomorrow}")
    wait_for_text(driver, "What else can I do for you?")

    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "webchat.png"))

    # Everything came from this service: no CDN, and no request refused by the page's policy.
    origin = url.rstrip("/")
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(entry => entry.name)"
    )
    assert loaded
    assert [name for name in loaded if not name.startswith(origin + "/")] == []
    problems = [
        entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
    ]
    assert problems == []


def say_no_with_the_keyboard(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    wait_for_text(driver, "What can I help you with today?")
    keys = ActionChains(driver)
    keys.send_keys("book a flight from paris to berlin tomorrow", Keys.ENTER).perform()
    suggested_actions(driver, "Yes", "No")

    # From the send box, Shift+Tab reaches the suggested actions and the arrows move along.
    keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert driver.switch_to.active_element.text == "Yes"
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert driver.switch_to.active_element.text == "No"
    keys.send_keys(Keys.ENTER).perform()

    wait_for_text(driver, "What else can I do for you?")
    assert "I have you booked" not in chat_text(driver)
    focused = driver.switch_to.active_element
    assert focused.get_attribute("data-id") == "webchat-sendbox-input"


async def test_a_booking_in_the_browser(
    dev_config: DefaultConfig, browser: webdriver.Chrome, tomorrow: str
) -> None:
    async with served(create_app(dev_config)) as server:
        # Selenium blocks; the app keeps serving on this event loop meanwhile.
        await asyncio.to_thread(book_a_flight, browser, str(server.make_url("/")), tomorrow)


async def test_the_page_works_with_the_keyboard_alone(
    dev_config: DefaultConfig, browser: webdriver.Chrome
) -> None:
    async with served(create_app(dev_config)) as server:
        await asyncio.to_thread(say_no_with_the_keyboard, browser, str(server.make_url("/")))
