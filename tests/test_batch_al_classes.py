"""What batch al's first measurements showed, as classes (blind pages from static copies of news, civic,
culture and regional sites).

- A podcast's show notes list their sources one paragraph each, a link per line: four YouTube videos among
  them read as the site's video rail ("several videos in a block with hardly any text of its own"), because
  a list of video links that does not sit among paragraphs of prose is a rail. A rail's items are list
  items and cards; paragraphs are the article's own writing, however short.
- A source copied from Google's results links through Google's redirect, ``google.com/url?…&url=<the video>``
  with ``q`` left empty, or through a country site's (``google.co.in/url?q=…``): the redirect names the post.
- A template joining its base and the id writes ``youtube.com/embed//ID``; the player still plays it.

The placement check (``tests/transplant.py``) on the batch's pages showed two more:

- WordPress themes name the site's copyright line ``<footer id="colophon" class="footer-credits">``: a
  footer named after credits was read as a story's footer of sources wherever it stood, so posts in the
  site's footer counted. Inside the article it is the story's; outside it, a footer like any other.
- An Elementor post whose header template a plugin also renders as a ``wp-post`` document had two such
  documents, so neither was taken for the body, and its text widgets keep one-paragraph texts as bare text,
  so its prose went uncounted: an embed among the post's widgets read as a sidebar's. The document holding
  prose is the post; a widget's bare paragraph is prose too."""

from __future__ import annotations

from tests.stories import logged, story

VIDEOS = ("TbvszkKfLgA", "SigIfZsPU0A", "vsYBtfQ3QDo", "jiQCgVUNHP8")


def _show_notes(lines: str) -> str:
    return (
        "<html><body><header class='site-header'><a href='/'>Andy Overthinks</a></header>"
        "<div id='content' class='site-content'><main><article><h1>Why can't we soak it all in?</h1>"
        "<div class='entry-content'><p>Part two of the finale: time and childhood are fleeting.</p>"
        f"{lines}</div></article></main></div></body></html>"
    )


def test_video_links_each_in_a_paragraph_of_their_own_are_the_articles_list() -> None:
    lines = "".join(
        f"<p><a href='https://www.youtube.com/watch?v={video}'>Clip {video[:3]}</a></p>" for video in VIDEOS
    )
    assert logged(_show_notes(lines)) == {f"youtube:{video}": "link" for video in VIDEOS}


def test_the_same_links_as_list_items_in_a_block_of_their_own_stay_a_rail() -> None:
    items = "".join(
        f"<li><a href='https://www.youtube.com/watch?v={video}'>Clip</a></li>" for video in VIDEOS
    )
    page = _show_notes("<p>" + "The council met on Monday and walked out before the vote. " * 3 + "</p>")
    rail = page.replace("</article>", f"</article><div class='more'><h3>Videos</h3><ul>{items}</ul></div>")
    assert logged(rail) == {}


def test_a_link_through_googles_redirect_cites_the_post_it_names() -> None:
    redirect = (
        "https://www.google.com/url?sa=t&amp;rct=j&amp;q=&amp;esrc=s&amp;source=web&amp;cd=&amp;"
        "url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DjiQCgVUNHP8&amp;usg=AOvVaw0bCyIgrgahpOViVIii"
    )
    country = (
        "https://www.google.co.in/url?q=https://twitter.com/WhatsApp/status/1610000000000000000&amp;sa=D"
    )
    page = _show_notes(
        f"<p><a href='{redirect}'>Australian radio clip</a></p><p><a href='{country}'>A tweet</a></p>"
    )
    assert logged(page) == {"youtube:jiQCgVUNHP8": "link", "twitter:1610000000000000000": "link"}


def test_a_player_address_with_a_doubled_slash_is_the_video() -> None:
    frame = "<div class='embed-container'><iframe src='https://www.youtube.com/embed//pQdJq_ohLXQ'></iframe></div>"
    assert logged(_show_notes(f"<p>This video does a good job of exposing his bias.</p>{frame}")) == {
        "youtube:pQdJq_ohLXQ": "iframe"
    }


def _with_site_footer(footer_class: str, story_footer: str = "") -> str:
    tweet = (
        "<blockquote class='twitter-tweet'><p>Harbour day</p>&mdash; Anna (@anna) "
        "<a href='https://x.com/anna/status/1734567890123456789'>May 3, 2024</a></blockquote>"
    )
    return story("", story_footer).replace(
        "</main>", f"</main><footer id='colophon' class='{footer_class}'><div>{tweet}</div></footer>"
    )


def test_a_sites_footer_named_after_its_credits_is_chrome() -> None:
    assert logged(_with_site_footer("footer-credits container-fluid")) == {}


def test_a_footer_of_credits_inside_the_article_cites_its_sources() -> None:
    sources = "<a href='https://x.com/council/status/1834567890123456789'>the council's statement</a>"
    page = _with_site_footer("site-footer").replace(
        "</article>", f"<footer class='m-entry__attribution'>{sources}</footer></article>"
    )
    assert logged(page) == {"twitter:1834567890123456789": "link"}


def _widget(content: str) -> str:
    return (
        "<div class='elementor-element elementor-widget elementor-widget-text-editor'>"
        f"<div class='elementor-widget-container'>{content}</div></div>"
    )


def _elementor_post(*widgets: str) -> str:
    def document(ident: str, inner: str) -> str:
        return (
            f"<div data-elementor-type='wp-post' data-elementor-id='{ident}' class='elementor'>{inner}</div>"
        )

    columns = (
        "<section class='elementor-section'><div class='elementor-container'><div class='elementor-column'>"
        f"<div class='elementor-widget-wrap elementor-element-populated'>{''.join(widgets)}</div></div></div>"
        "</section>"
    )
    header = document("2908", _widget("<a href='/'>RESET</a>"))
    body = document("2884", columns)
    article = f"<article class='post'><h1>Joint statement</h1><div class='entry-content'>{body}"
    return (
        f"<html><body><div id='page' class='hfeed site'>{header}<div id='content' class='site-content'>"
        f"<main id='main'>{article}</div></article></main></div></div></body></html>"
    )


BARE = "The partner universities commit to equality, diversity and excellence in research and teaching. " * 2
VIDEO = "<iframe src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe>"


def test_an_elementor_post_beside_a_header_template_of_the_same_type_is_the_body() -> None:
    page = _elementor_post(_widget(BARE), _widget(BARE), _widget(f"<p>{BARE}</p>"), _widget(VIDEO))
    assert logged(page) == {"youtube:dQw4w9WgXcQ": "iframe"}
