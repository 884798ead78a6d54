"""What batch al's first measurements showed, as classes (blind pages from static copies of news, civic,
culture and regional sites).

- A podcast's show notes list their sources one paragraph each, a link per line: four YouTube videos among
  them read as the site's video rail ("several videos in a block with hardly any text of its own"), because
  a list of video links that does not sit among paragraphs of prose is a rail. A rail's items are list
  items and cards; paragraphs are the article's own writing, however short.
- A source copied from Google's results links through Google's redirect, ``google.com/url?…&url=<the video>``
  with ``q`` left empty, or through a country site's (``google.co.in/url?q=…``): the redirect names the post.
- A template joining its base and the id writes ``youtube.com/embed//ID``; the player still plays it."""

from __future__ import annotations

from tests.stories import logged

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
