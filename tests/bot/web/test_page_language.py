"""The page at `/` is served in the browser's language, or in the one its switch asks for."""

from tests.bot.web.conftest import ApiClientFactory


async def test_the_page_is_served_in_the_asked_language(make_client: ApiClientFactory) -> None:
    client = await make_client()
    spanish = await client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    page = await spanish.text()
    assert spanish.headers["Content-Language"] == "es" and "Accept-Language" in spanish.headers["Vary"]
    assert '<html lang="es">' in page and "Elige una foto" in page and "{{" not in page
    assert '<a href="?lang=es" hreflang="es" lang="es" title="Español" aria-current="true">ES</a>' in page
    feedback = ("¿Fue correcto?", ">Correcto<", ">Incorrecto<", "¿Qué era?", ">Falsa coralillo (inofensiva)<")
    assert all(words in page for words in feedback) and "copia pequeña de la foto" in page
    assert '"saving": "Guardando…"' in page and "Was this right?" not in page
    english = await client.get("/?lang=en", headers={"Accept-Language": "es"})
    assert english.headers["Content-Language"] == "en" and "Choose a photo" in await english.text()
