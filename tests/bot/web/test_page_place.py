"""Where the snake was seen, on the page at `/`: chosen in a list, or the browser's own location."""

import asyncio
from pathlib import Path

import pytest

from tests.bot.web.conftest import ApiClientFactory
from tests.bot.web.test_page import CHROMEDRIVER, CHROMIUM, SCREENSHOTS, read_result
from tests.tiny_model import draw_photo

browser_tests = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless Chromium (Debian: chromium, chromium-driver) missing",
)
AUSTIN = {"latitude": 30.2672, "longitude": -97.7431, "accuracy": 50}


async def test_the_page_offers_the_places_of_the_range_table(make_client: ApiClientFactory) -> None:
    client = await make_client()
    page = await (await client.get("/?lang=en")).text()
    assert (
        '<select id="region"><option value="">Not said</option><option value="US">United States</option>'
        in page
    )
    assert '<option value="MX">Mexico</option><optgroup label="Mexican states">' in page
    states = page.split('<optgroup label="Mexican states">')[1].split("</optgroup>")[0]
    assert states.count("<option") == 7 and '<option value="MX-SON">Sonora</option>' in states
    assert '<option value="QS">Central or South America</option><option value="ZZ">Elsewhere</option>' in page
    assert 'id="use-location"' in page and "{{" not in page
    spanish = await (await client.get("/?lang=es")).text()
    assert '<option value="US">Estados Unidos</option><option value="MX">México</option>' in spanish
    assert '<option value="QS">Centroamérica o Sudamérica</option>' in spanish


async def test_the_page_in_spanish_asks_where_it_was_seen(make_client: ApiClientFactory) -> None:
    """Needs the Spanish words of /tmp/web_po_snippet.po merged into the catalog."""
    client = await make_client()
    page = await (await client.get("/", headers={"Accept-Language": "es-MX"})).text()
    assert "¿Dónde la viste?" in page and ">Usar mi ubicación<" in page and ">Sin especificar<" in page
    assert '<optgroup label="Estados de México">' in page
    assert '"seen_in": "Para una serpiente vista en:"' in page


def upload_seen_at(driver, base: str, photo: Path, choose, screenshot: str) -> dict[str, object]:
    """Open the page, say where the snake was seen (`choose(driver)`), upload the photo, read the result."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    choose(driver)
    driver.find_element(By.ID, "file").send_keys(str(photo))
    result = read_result(driver)
    result["place"] = driver.find_element(By.ID, "place").text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / screenshot))
    return result


def choose_region(name: str):
    def choose(driver) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.select import Select

        Select(driver.find_element(By.ID, "region")).select_by_visible_text(name)

    return choose


def use_my_location(driver) -> None:
    """Press "Use my location" in a browser that grants it and is somewhere in Austin, Texas."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    origin = driver.current_url.split("/?")[0].rstrip("/")
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride", AUSTIN)
    driver.find_element(By.ID, "use-location").click()
    region = driver.find_element(By.ID, "region")
    WebDriverWait(driver, 30).until(lambda _: region.get_attribute("value") == "here")


async def seen_at(
    make_client: ApiClientFactory, driver: object, folder: Path, choose, screenshot: str
) -> dict[str, object]:
    client = await make_client()
    photo = folder / "coral.jpg"
    draw_photo("coral_snake", seed=40).save(photo)
    base = str(client.make_url("")).rstrip("/")
    return await asyncio.to_thread(upload_seen_at, driver, base, photo, choose, screenshot)


@browser_tests
async def test_a_place_chosen_on_the_page_is_shown_with_the_verdict(
    make_client: ApiClientFactory, browser: object, tmp_path: Path
) -> None:
    result = await seen_at(make_client, browser, tmp_path, choose_region("Sonora"), "page-place.png")
    assert result["verdict"] == "Likely a venomous coral snake" and result["error"] == ""
    assert result["place"] == "For a snake seen in: Sonora"


@browser_tests
async def test_no_place_chosen_shows_none(
    make_client: ApiClientFactory, browser: object, tmp_path: Path
) -> None:
    result = await seen_at(make_client, browser, tmp_path, lambda driver: None, "page-no-place.png")
    assert result["verdict"] == "Likely a venomous coral snake" and result["place"] == ""


@browser_tests
async def test_the_browsers_location_becomes_the_place(
    make_client: ApiClientFactory, browser: object, tmp_path: Path
) -> None:
    result = await seen_at(make_client, browser, tmp_path, use_my_location, "page-location.png")
    assert result["place"] == "For a snake seen in: United States"


@browser_tests
async def test_the_place_in_spanish(
    make_client: ApiClientFactory, spanish_browser: object, tmp_path: Path
) -> None:
    """Needs the Spanish words of /tmp/web_po_snippet.po merged into the catalog."""
    choose = choose_region("Estados Unidos")
    result = await seen_at(make_client, spanish_browser, tmp_path, choose, "page-place-es.png")
    assert result["place"] == "Para una serpiente vista en: Estados Unidos"
