"""What batch t1's first measurement showed (30 pages from the Dragnet set's 2012 blogs, 59 posts: precision
0.959, recall 0.797), as classes: TypePad's list of the post's own properties, each name written after
"entry-" ("entry-author-garr entry-type-post"), read as an author box around the whole post; a sidebar
widget of a platform's channel ("youtube_channel") read as one post's embed, which cancelled the widget's
weak chrome; and WordPress's text widget, whose class is one word ("textwidget")."""

from __future__ import annotations

from embedtrail import scrapers

PROSE = (
    "<p>" + "The council met on Monday and the opposition walked out before the vote was taken. " * 2 + "</p>"
)
PLAYER = "<iframe src='http://www.youtube.com/embed/wS11TBUwRO8?rel=0'></iframe>"


def _embeds(html: str) -> list[str]:
    extraction = scrapers.extract(
        scrapers.parse_html(html.encode(), "https://blog.example/2012/07/story.html")
    )
    return sorted(embed.post_id for embed in extraction.embeds)


def test_typepads_entry_properties_name_no_zone() -> None:
    entry = (
        "<div class='entry-category-game_design entry-author-michael_abbott entry-type-post entry' "
        f"id='entry-6a00e3982444028833017d3c3163f9970c'><h3>Story</h3><div class='entry-body'>{PROSE}"
        f"<p>{PLAYER}</p>{PROSE}</div></div>"
    )
    assert _embeds(f"<html><body><div id='alpha'>{entry}</div></body></html>") == ["youtube:wS11TBUwRO8"]
    # an author box is still one
    box = f"<div class='author-box'><p>{PLAYER}</p></div>"
    html = f"<html><body><article><h1>Story</h1>{PROSE}{PROSE}</article>{box}</body></html>"
    assert _embeds(html) == []


def test_a_platforms_channel_widget_beside_the_story_is_the_sites() -> None:
    widget = (
        f"<div class='pane widget youtube_channel'><h3>On YouTube</h3>{PLAYER}"
        "<a class='yt-video' href='http://www.youtube.com/watch?v=SDRVaoE65sg'>Another video</a>"
        "</div>"
    )
    story = f"<div id='main'><h1>Story</h1>{PROSE}{PROSE}</div>"
    html = f"<html><body>{story}<div id='side'>{widget}</div></body></html>"
    assert _embeds(html) == []
    # one post's embed named after its platform is the article's wherever it sits
    embed = f"<div class='widget youtube-embed'>{PLAYER}</div>"
    html = f"<html><body>{story}<div id='side'>{embed}</div></body></html>"
    assert _embeds(html) == ["youtube:wS11TBUwRO8"]


def test_wordpress_text_widget_is_a_widget() -> None:
    widget = (
        "<div id='content-right'><div class='right-module'><div class='textwidget'><h2>"
        "<a href='http://www.youtube.com/watch?v=_GsDC-uy_is&feature=youtu.be'>Watch the 4-minute video</a>"
        "</h2></div></div></div>"
    )
    html = f"<html><body><div class='blog-entry'><h1>Story</h1>{PROSE}{PROSE}</div>{widget}</body></html>"
    assert _embeds(html) == []


def test_an_instagram_media_id_is_not_a_shortcode() -> None:
    # batch t2: a feed widget's items keep Instagram's numeric media id (data-media-id="17861412372033762");
    # instagram.com/p/<that number>/ names no post, and the widget's items are the site's feed.
    from embedtrail.scrapers import instagram

    assert instagram.post_ref("https://www.instagram.com/p/17861412372033762/") is None
    ref = instagram.post_ref("https://www.instagram.com/p/B8ra9H0BmtF/")
    assert ref is not None and ref.native_id == "B8ra9H0BmtF"
    items = "".join(
        f"<li class='zoom-instagram-widget__item' data-media-id='1786141237203376{i}'>"
        f"<a href='https://www.instagram.com/p/Cy3JOlzyjp{i}/'><img src='/i{i}.jpg'></a></li>"
        for i in range(3)
    )
    html = f"<html><body><article><h1>Story</h1>{PROSE}{PROSE}</article><ul class='instagram'>{items}</ul>"
    assert _embeds(html + "</body></html>") == []


def _next_state(recipe: dict[str, object]) -> str:
    import json

    state = {"props": {"pageProps": {"ssRecipe": {"data": recipe}}}}
    return f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(state)}</script>"


def test_the_articles_own_record_in_the_page_state_names_its_video() -> None:
    # batch t2: a JS-rendered recipe page keeps its video only as the recipe record's "video_url"; the record
    # is this page's (its slug ends the page's path), so the video is the article's.
    ours = {
        "id": 6867,
        "slug": "eukolos-mpaklavas",
        "title": "Baklava",
        "video_url": "https://youtu.be/LpWOQdkZm_c",
    }
    page = (
        "<html><head><link rel='canonical' href='https://akis.example/recipe/6867/eukolos-mpaklavas'></head>"
    )
    html = f"{page}<body><main><h1>Baklava</h1>{PROSE}</main>{_next_state(ours)}</body></html>"
    extraction = scrapers.extract(
        scrapers.parse_html(html.encode(), "https://akis.example/recipe/6867/eukolos-mpaklavas")
    )
    assert [embed.post_id for embed in extraction.embeds] == ["youtube:LpWOQdkZm_c"]
    # another recipe's record (a rail's) names another page
    other = dict(ours, slug="kourabiedes-classic")
    html = f"{page}<body><main><h1>Baklava</h1>{PROSE}</main>{_next_state(other)}</body></html>"
    extraction = scrapers.extract(
        scrapers.parse_html(html.encode(), "https://akis.example/recipe/6867/eukolos-mpaklavas")
    )
    assert list(extraction.embeds) == []


def test_a_grid_of_teaser_articles_is_no_article_body() -> None:
    # Found by the placement check on batch t2's sobors page: a "more news" grid of <article> teasers (a
    # headline and a line each) made the page read as marking a body, and the recipe's own text, which no
    # element marks, as outside it.
    teasers = "".join(
        f"<article class='news-blokk'><h3><a href='/news/{i}'>Another story {i}</a></h3>"
        "<p>A line on what the other story says, in a few words.</p></article>"
        for i in range(4)
    )
    text = (
        "<p>Earlier that day the spokesman <a href='https://twitter.com/spokes/status/1644567890123456789'>"
    )
    text += "wrote that the plan had been dropped</a>, an hour before the council met again in the hall.</p>"
    html = f"<html><body><div class='recipe'><h1>Recipe</h1>{PROSE}{text}{PROSE}</div>{teasers}</body></html>"
    assert _embeds(html) == ["twitter:1644567890123456789"]


def test_a_blockquote_indenting_the_whole_text_is_running_text() -> None:
    # Found by the placement check on batch t1's Ebert review (TypePad): the whole review sits in three nested
    # <blockquote>s, used as indentation; a bare post URL in its text is the text's, while a post's own
    # blockquote inside it stays the post's.
    bare = (
        "<p>The ministry posted it on its page: https://www.facebook.com/ministry/posts/223456789012344</p>"
    )
    tweet = (
        '<blockquote class="twitter-tweet"><p>See https://www.facebook.com/o/posts/999456789012344</p>'
        '&mdash; A (@a) <a href="https://twitter.com/a/status/1744567890123456789">May 1</a></blockquote>'
    )
    review = f"<blockquote><blockquote><blockquote>{PROSE}{PROSE}{bare}{tweet}{PROSE}"
    review += "</blockquote></blockquote></blockquote>"
    html = f"<html><body><div class='entry-content'><h1>Review</h1>{review}</div></body></html>"
    assert _embeds(html) == ["facebook:223456789012344", "twitter:1744567890123456789"]


def test_a_video_the_pages_structured_data_gives_the_article_counts_in_its_aside() -> None:
    # batch t2's Betty Bossi recipe: its two videos are teaser links in an <aside> column of the recipe, and
    # the Recipe's JSON-LD names them as its videos; without that statement, links in an aside are chrome.
    import json

    teaser = (
        "<aside class='cols-4 bb-recipe-leftcol'><section class='bb-recipe-teaser video'>"
        "<a rel='external' href='https://youtu.be/UqDpggvAM9A'><img src='/t.jpg'><p>The recipe</p></a>"
        "</section></aside>"
    )
    body = (
        f"<article class='bb-recipe-detail'><h1>Recipe</h1>{teaser}<div class='rightcol'>{PROSE}{PROSE}</div>"
    )
    body += "</article>"
    recipe = {"@context": "https://schema.org", "@type": "Recipe", "name": "Recipe"}
    video = {"@type": "VideoObject", "contentUrl": "https://youtu.be/UqDpggvAM9A"}
    for data, expected in ((dict(recipe, video=[video]), ["youtube:UqDpggvAM9A"]), (recipe, [])):
        script = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
        assert _embeds(f"<html><head>{script}</head><body>{body}</body></html>") == expected
