"""The docs: the MkDocs site builds strictly and lists every page; the README is short and its links work."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

REPOSITORY = Path(__file__).resolve().parents[1]
README = REPOSITORY / "README.md"
DOCS = REPOSITORY / "docs"
README_MAX_LINES = 200

# [text](target) and [text](target "title"); images too. Code spans and fenced blocks are removed first.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """Strict mode: a broken link or anchor between pages, or a page left out of the nav, fails it."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # Material's banner about MkDocs 2.0
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "index.html").is_file()


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load((REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    listed = set(_pages(config["nav"]))
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    assert pages, "no pages in docs/"
    assert pages - listed == set(), "pages missing from mkdocs.yml's nav"
    assert listed - pages == set(), "nav entries without a page"


def test_the_readme_links_lead_somewhere() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [target for target in _links(text) if not urlsplit(target).scheme]
    assert targets, "the README links to no page"
    for target in targets:
        parts = urlsplit(target)
        path = README if not parts.path else (README.parent / unquote(parts.path)).resolve()
        assert path.exists(), f"README.md links to {target}, which does not exist"
        assert REPOSITORY in path.parents or path == REPOSITORY, f"README.md links outside: {target}"
        if parts.fragment and path.suffix == ".md":
            anchors = {_slug(heading) for heading in HEADING.findall(FENCE.sub("", path.read_text("utf-8")))}
            assert parts.fragment in anchors, f"README.md links to {target}: no such heading"


def test_the_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < README_MAX_LINES, f"README.md has {len(lines)} lines: move the detail into docs/"


def test_readme_link_check_sees_links_and_ignores_code() -> None:
    text = '[a](docs/x.md) `[b](nowhere.md)` ![c](img.png "t")\n```\n[d](also-not.md)\n```\n'
    assert _links(text) == ["docs/x.md", "img.png"]
    assert _slug("Users' answers as training data") == "users-answers-as-training-data"
    assert _slug("On the web: the page, the JSON API") == "on-the-web-the-page-the-json-api"
    assert _slug("The `bot/web/` door") == "the-botweb-door"


def _pages(nav: object) -> list[str]:
    """Every page a nav names, however deep its sections nest; external links are not pages."""
    if isinstance(nav, str):
        return [] if urlsplit(nav).scheme else [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _pages(value)]
    return []


def _prose(markdown: str) -> str:
    return CODE_SPAN.sub("", FENCE.sub("", markdown))


def _links(markdown: str) -> list[str]:
    return LINK.findall(_prose(markdown))


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
