"""Payloads that arrive the way real ones would, inside a stranger's page through ``embedtrail ingest``, are
stored verbatim and shown inert on every page Datasette and the plugin serve.

tests/test_datasette.py builds its hostile rows with ``save_extraction`` directly; this file closes the gap
from a page's bytes to the database: title, author, tweet text and byline, a verification sentence, and a
``javascript:`` / ``data:`` post URL the page links.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from test_datasette import _close, assert_inert, assert_local_only

from embedtrail.db.serving import make_datasette
from embedtrail.tracker.cli import cli

SCRIPT = '<script>alert("xss-script")</script>'
IMG = '<img src=x onerror=alert("xss-img")>'
HANDLER = "\" onmouseover=\"alert('xss-id')"
POST = "twitter:1653711338587779072"
PAGE = f"""<!doctype html><html><head>
<title>{SCRIPT.replace("<", "&lt;")} Drones {IMG.replace("<", "&lt;")}</title>
<meta name="author" content="{IMG.replace('"', "&quot;").replace("<", "&lt;")}">
<link rel="canonical" href="https://xss.example/story">
</head><body><article>
<h1>Drones</h1>
<p>The video, first posted on Twitter, was verified by {SCRIPT.replace("<", "&lt;")} analysts.</p>
<blockquote class="twitter-tweet"><p>{SCRIPT.replace("<", "&lt;")} {IMG.replace("<", "&lt;")} see
javascript:alert("xss-js-url")</p>&mdash; {IMG.replace("<", "&lt;")} (@xss_account)
<a href="https://twitter.com/xss_account/status/1653711338587779072">May 3, 2023</a></blockquote>
<p><a href="javascript:alert(&quot;xss-js-url&quot;)">click</a>
<a href="data:text/html,&lt;script&gt;alert('xss-data-url')&lt;/script&gt;">data</a>
<a href="https://twitter.com/x/status/1{HANDLER.replace('"', "&quot;")}">odd</a></p>
</article></body></html>"""


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xss")
    (folder / "story.html").write_text(PAGE, encoding="utf-8")
    db_path = folder / "embedtrail.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db_path), str(folder / "story.html")])
    assert result.exit_code == 0, result.output
    return db_path


@pytest.fixture
def ds(ingested: Path) -> Iterator[Datasette]:
    datasette = make_datasette(ingested)
    yield datasette
    _close(datasette)


def test_payloads_are_stored_verbatim(ingested: Path) -> None:
    with sqlite3.connect(ingested) as connection:
        (title,) = connection.execute("select title from articles").fetchone()
        (text,) = connection.execute("select text from posts where id = ?", [POST]).fetchone()
    assert SCRIPT in title and IMG in title  # not stripped, not escaped: the record is the evidence
    assert SCRIPT in text and IMG in text and 'javascript:alert("xss-js-url")' in text


PAGES = [
    "/",
    "/embedtrail",
    "/embedtrail/articles",
    "/embedtrail/posts",
    "/embedtrail/posts?_search=alert",
    "/embedtrail/posts?_facet=author_name",
    f"/embedtrail/posts/{POST.replace(':', '~3A')}",
    "/embedtrail/accounts",
    "/embedtrail/embeds",
    "/embedtrail/mentions",
    "/embedtrail/captures",
    "/embedtrail/most_cited_accounts",
    "/embedtrail/account_timeline?handle=xss_account",
    f"/embedtrail/articles_citing_post?post_id={POST}",
    "/embedtrail?sql=select+*+from+articles",
    f"/-/provenance/{POST}",
    "/-/embedtrail/charts",
]


@pytest.mark.asyncio
@pytest.mark.parametrize("path", PAGES)
async def test_ingested_payloads_render_inert(ds: Datasette, path: str) -> None:
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    assert_inert(response.text, path)
    assert_local_only(response.text, path)


@pytest.mark.asyncio
async def test_ingested_payloads_reach_the_page_as_text(ds: Datasette) -> None:
    html = (await ds.client.get(f"/-/provenance/{POST}")).text
    assert "&lt;script&gt;alert(&#34;xss-script&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(&#34;xss-img&#34;)&gt;" in html
