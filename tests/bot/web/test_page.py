"""The page at `/`, driven in headless Chromium: upload a photo, paste a link, read the result, answer it."""

import asyncio
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from feedback import open_engine
from tests.bot.web.conftest import ApiClientFactory
from tests.fakes.image_host import image_app, serving
from tests.tiny_model import draw_photo, photo_bytes

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless Chromium (Debian: chromium, chromium-driver) missing",
)
SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"


def start_browser(profile: Path, accept_language: str = "en-US,en") -> object:
    """Headless Chromium whose requests carry `accept_language`, as a browser set to it would send."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.add_experimental_option("prefs", {"intl.accept_languages": accept_language})
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=412,1100", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def read_result(driver) -> dict[str, object]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    result = WebDriverWait(driver, 30).until(
        expected_conditions.visibility_of_element_located((By.ID, "result"))
    )
    return {
        "class": result.get_attribute("class"),
        "verdict": driver.find_element(By.ID, "verdict").text,
        "bar": driver.find_element(By.ID, "confidence-bar").get_attribute("style"),
        "caveat": driver.find_element(By.ID, "caveat").text,
        "rows": [
            row.get_attribute("data-label")
            for row in driver.find_elements(By.CSS_SELECTOR, "#probabilities tr")
        ],
        "error": driver.find_element(By.ID, "error").text,
    }


def upload_photo(driver, base: str, photo: Path, screenshot: str) -> dict[str, object]:
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    driver.find_element(By.ID, "file").send_keys(str(photo))
    result = read_result(driver)
    result["lang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    result["names"] = [
        cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#probabilities td:first-child")
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / screenshot))
    return result


def switch_language(driver, code: str) -> str:
    """Click the page's language switch; the lead paragraph in the new language."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, f'nav.languages a[hreflang="{code}"]').click()
    WebDriverWait(driver, 30).until(
        expected_conditions.text_to_be_present_in_element_attribute((By.TAG_NAME, "html"), "lang", code)
    )
    return driver.find_element(By.CSS_SELECTOR, "p.lead").text


def paste_link(driver, base: str, link: str) -> dict[str, object]:
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    driver.find_element(By.ID, "url").send_keys(link)
    driver.find_element(By.ID, "check-url").click()
    return read_result(driver)


async def upload_a_coral_snake(
    make_client: ApiClientFactory, driver: object, folder: Path, screenshot: str, seed: int = 40
) -> dict[str, object]:
    """Serve the page, upload a drawn coral snake in `driver` and read the result."""
    client = await make_client()
    photo = folder / "coral.jpg"
    draw_photo("coral_snake", seed=seed).save(photo)
    base = str(client.make_url("")).rstrip("/")
    return await asyncio.to_thread(upload_photo, driver, base, photo, screenshot)


async def test_upload_a_photo_and_see_the_verdict(
    make_client: ApiClientFactory, browser: object, tmp_path: Path
) -> None:
    result = await upload_a_coral_snake(make_client, browser, tmp_path, "page-upload.png")
    assert result["class"] == "coral_snake"
    assert result["verdict"] == "Likely a venomous coral snake"
    assert "width:" in str(result["bar"]).replace(" ", "") and "%" in str(result["bar"])
    assert "never handle" in str(result["caveat"])
    assert sorted(result["rows"]) == sorted(["coral_snake", "kingsnake", "other_snake", "no_snake"])
    assert (SCREENSHOTS / "page-upload.png").stat().st_size > 10_000


async def test_paste_a_link_and_see_the_verdict(make_client: ApiClientFactory, browser: object) -> None:
    client = await make_client()
    base = str(client.make_url("")).rstrip("/")
    async with serving(image_app({"/sky.jpg": photo_bytes("no_snake", seed=41)})) as host:
        result = await asyncio.to_thread(paste_link, browser, base, f"{host}/sky.jpg")
    assert result["verdict"] == "No snake found in this photo"
    assert result["error"] == ""


async def test_the_page_in_spanish_follows_the_browser_and_switches(
    make_client: ApiClientFactory, spanish_browser: object, tmp_path: Path
) -> None:
    result = await upload_a_coral_snake(make_client, spanish_browser, tmp_path, "page-upload-es.png")
    assert (result["lang"], result["verdict"]) == ("es", "Probablemente un coralillo venenoso")
    caveat = str(result["caveat"])
    assert "nunca toques ni manipules" in caveat and "911 en México" in caveat
    assert {"Coralillo", "Falsa coralillo (inofensiva)"} <= set(result["names"])
    assert (SCREENSHOTS / "page-upload-es.png").stat().st_size > 10_000
    thanks = await asyncio.to_thread(answer_wrong_then, spanish_browser, "Falsa coralillo (inofensiva)", "es")
    assert thanks == "¡Gracias! Tu respuesta ayuda al bot a aprender."
    lead = await asyncio.to_thread(switch_language, spanish_browser, "en")
    assert lead.startswith("Is the banded snake in your photo")
    lead = await asyncio.to_thread(switch_language, spanish_browser, "es")
    assert lead.startswith("¿La serpiente con anillos de tu foto")


def answer_wrong_then(driver, choice: str, language: str = "en") -> str:
    """Under the verdict on the page: press Wrong, then `choice`; returns the thanks (or error) shown."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, "feedback-wrong").click()
    driver.find_element(By.XPATH, f"//div[@id='feedback-second']//button[text()='{choice}']").click()
    status = driver.find_element(By.ID, "feedback-status")
    WebDriverWait(driver, 30).until(lambda _: status.text != "" and not status.text.endswith("…"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"page-feedback-{language}.png"))
    return status.text


async def test_say_the_verdict_was_wrong_and_what_it_was(
    make_client: ApiClientFactory, browser: object, tmp_path: Path
) -> None:
    await upload_a_coral_snake(make_client, browser, tmp_path, "page-before-feedback.png", seed=42)
    thanks = await asyncio.to_thread(answer_wrong_then, browser, "Harmless mimic")
    assert thanks == "Thank you! Your answer helps the bot learn."
    engine = open_engine(f"sqlite:///{tmp_path / 'data' / 'feedback.sqlite3'}")
    with engine.connect() as connection:
        answers = connection.execute(text("SELECT source, answer FROM classifications")).all()
    engine.dispose()
    assert [tuple(answer) for answer in answers] == [("web", "kingsnake")]
