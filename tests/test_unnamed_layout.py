"""Pages whose class names say nothing (hashed CSS-module names, utility classes, words in a language the
extractor has no list for): what the extractor must still tell by structure alone. ``python -m
tests.ablation`` measures the whole corpus that way; these tests pin the classes it found.

A widget listing an account's latest posts, each item its text and then its age ("1 hour ago"), is a stream
of posts however its column is named; an article's own list of posts is not."""

from __future__ import annotations

import json

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain

PROSE = (
    "<p>" + "The council voted on Tuesday to close the old harbour road to cars for the summer. " * 3 + "</p>"
)


def _tweet_item(status: str, text: str, age: str) -> str:
    return (
        f'<li>{text} <a href="http://twitter.com/harbourblog/statuses/{status}" class="c9f2a">{age}</a></li>'
    )


STREAM = (
    "<div class='x81c'><h2><a href='http://twitter.com/harbourblog'>we are on twitter</a></h2>"
    "<ul class='x2f0'>"
    + _tweet_item("233648901553545216", "Tweet us your letters, we will help", "1&nbsp;hour&nbsp;ago")
    + _tweet_item("233635831586373633", "The resemblance is uncanny!", "2&nbsp;hours&nbsp;ago")
    + _tweet_item("233578905448108033", "Gold for the rowing team at last", "about 5 hours ago")
    + "</ul></div>"
)


def _page(column: str, story: str = PROSE * 3) -> scrapers.ParsedDocument:
    html = (
        "<html><head><title>Harbour road closes to cars</title></head><body><div class='a1b2'>"
        f"<div class='c3d4'><h1>Harbour road closes to cars</h1>{story}</div>"
        f"<div class='e5f6'>{column}</div></div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")


def _posts(doc: scrapers.ParsedDocument) -> list[str]:
    return [embed.post_id for embed in scrapers.extract(doc).embeds]


def test_a_list_of_posts_closing_with_their_ages_is_a_stream_whatever_its_column_is_named() -> None:
    assert _posts(_page(STREAM)) == []


def test_a_box_of_quotes_closing_with_their_ages_is_a_stream() -> None:
    # A blog's "Right Now on the Ranch" box: each tweet a class-less <blockquote> of its text and its age.
    quotes = "".join(
        f'<blockquote>{text} <a href="http://twitter.com/harbourblog/status/{status}">{age}</a> <span></span>'
        "</blockquote>"
        for status, text, age in (
            ("265432935556083713", "Giving up cheese for a day.", "13 hours ago"),
            ("265103713138524160", "Accents make me happy.", "1 day ago"),
        )
    )
    assert _posts(_page(f"<div><h3>Right now on the harbour</h3><br/>{quotes}</div>")) == []


def test_explain_names_the_stream_for_each_of_its_posts() -> None:
    dropped = [c for c in explain(_page(STREAM)) if c.kind == "post"]
    assert len(dropped) == 3
    assert all(c.decision == "dropped" and "live stream" in c.reason for c in dropped)


def test_one_item_closing_with_an_age_is_no_stream() -> None:
    # A single post listed with its age is what the rule cannot tell from an editor's list: it stays.
    column = "<ul>" + _tweet_item("233648901553545216", "Tweet us your letters", "1 hour ago") + "</ul>"
    assert _posts(_page(column)) == ["twitter:233648901553545216"]


def test_a_list_of_posts_the_story_cites_by_their_dates_stays() -> None:
    # The article's own list: each item names the post's date or its words, not an age worked out when the
    # page was served.
    cited = (
        "<ul>"
        + _tweet_item("233648901553545216", "On the first day the mayor wrote", "on 1 August")
        + _tweet_item("233635831586373633", "and the next day she added", "a second message")
        + "</ul>"
    )
    assert _posts(_page("", story=PROSE + cited + PROSE)) == [
        "twitter:233648901553545216",
        "twitter:233635831586373633",
    ]


def test_an_age_inside_a_longer_item_is_a_citation() -> None:
    # "… as he tweeted <a>2 hours ago</a>, and …": the age does not close the item, so it is a sentence's.
    item = (
        "<li>The mayor answered critics, as she tweeted "
        '<a href="http://twitter.com/harbourblog/statuses/233648901553545216">2 hours ago</a>, '
        "and then left.</li>"
    )
    cited = "<ul>" + item + item.replace("233648901553545216", "233635831586373633") + "</ul>"
    assert len(_posts(_page("", story=PROSE + cited + PROSE))) == 2


def _word_paragraph(words: str) -> str:
    # A paragraph pasted from Word into Blogger: a div of styled spans, no <p>.
    return f'<div class="a9" style="line-height: normal"><span style="font-size: 12pt">{words}</span></div>'


def test_a_link_among_word_pasted_spans_is_in_running_text() -> None:
    sentence = "When I took to Twitter to ask the head of the library for guidance on the term he "
    cited = (
        f'<div class="a9"><span style="font-size: 12pt">{sentence}</span>'
        '<a href="https://twitter.com/BMittermaier/status/974718203678089217"><span>replied</span></a>'
        '<span style="font-size: 12pt">: "To the best of my knowledge, the term is used by one '
        'publisher."</span>'
        "</div>"
    )
    words = "The publishers and the libraries met again this spring to talk about the new deals. " * 2
    story = _word_paragraph(words) + cited + _word_paragraph(words)
    html = (
        "<html><head><title>Read and publish</title></head><body><div class='q1'>"
        f"<h3>Read and publish</h3><div class='q2'>{story}</div></div>"
        "<div class='q3'><span>Home</span> <a href='https://twitter.com/poynder/status/1'>"
        "<span>Latest</span></a></div></body></html>"
    )
    doc = scrapers.parse_html(html.encode(), "https://poynder.example/2018/03/read-and-publish.html")
    assert _posts(doc) == ["twitter:974718203678089217"]


def test_a_menu_of_short_spans_is_no_running_text() -> None:
    menu = (
        "<div>"
        + "".join(f"<span>{label}</span> " for label in ("Home", "About us", "Archive", "Contact")) * 8
    )
    menu += '<a href="https://twitter.com/poynder/status/974718203678089217">Latest</a></div>'
    assert _posts(_page(menu)) == []


def _comment(number: int, text: str) -> str:
    # WordPress's comment markup with the theme's class names hashed away: its permalink and reply links
    # remain, written by the comment system.
    return (
        f"<li><div class='k1'><b>Reader {number}</b> <a href='https://harbour.example/2012/08/road-closes/"
        f"#comment-{number}'>August {number}, 2012</a></div><p>{text}</p>"
        f"<a href='/2012/08/road-closes/?replytocom={number}#respond'>Reply</a></li>"
    )


THREAD = (
    "<div class='m2'><h3>3 responses</h3><ol class='m3'>"
    + _comment(1, "Great story. See what the mayor said: https://twitter.com/mayor/status/263826044845432832")
    + _comment(2, 'Agreed, <a href="https://twitter.com/mayor/status/263762072351936512">this</a> too.')
    + _comment(3, "Roads are for people.")
    + "</ol><form><textarea></textarea></form></div>"
)


def _story_page(
    after_story: str,
    story: str = PROSE * 3,
    title: str = "Harbour road closes to cars",
    heading: str = "h1",
) -> scrapers.ParsedDocument:
    html = (
        f"<html><head><title>{title}</title></head><body><div class='a1b2'>"
        f"<div class='c3d4'><{heading}>Harbour road closes to cars</{heading}>{story}</div>{after_story}"
        "</div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")


def test_readers_comments_are_told_by_their_links_whatever_their_names() -> None:
    doc = _story_page(THREAD)
    assert _posts(doc) == []
    reasons = {c.reason for c in explain(doc) if c.kind == "post"}
    assert reasons and all("page chrome" in reason for reason in reasons)


def test_a_headline_the_title_names_after_the_site_name_still_tells_the_thread() -> None:
    # Old WordPress themes title a post "Blog » Blog Archive » Title" and head it with an <h2>. The thread
    # is told only once the headline is known.
    title = "Harbour Blog » Blog Archive » Harbour road closes to cars"
    assert _posts(_story_page(THREAD, title=title, heading="h2")) == []


def test_a_headline_only_inside_the_title_is_no_headline() -> None:
    # The title names the story in its middle: the heading may be a section's, so nothing is set aside.
    doc = _story_page(THREAD, title="Harbour Blog: Harbour road closes to cars, and more", heading="h2")
    middle = _story_page(THREAD, title="Harbour Blog: Harbour road closes to cars, and more", heading="h3")
    assert _posts(middle) == _posts(doc)
    untitled = _story_page(THREAD, title="Harbour Blog", heading="h2")
    assert _posts(doc) == _posts(untitled) == ["twitter:263762072351936512"]


def test_a_blogger_h3_headline_the_title_ends_with_tells_the_thread() -> None:
    # Blogger titles a post "Blog name: Post title" and heads it with an <h3>.
    assert _posts(_story_page(THREAD, title="Harbour Blog: Harbour road closes to cars", heading="h3")) == []


def test_an_h3_over_one_of_a_diarys_entries_is_no_story_of_its_own() -> None:
    # A diary's day page: each entry under an <h3>, the title naming the first. The second entry's video and
    # link are the page's as much as the first entry's: no entry is the story's column.
    entry = (
        "<div class='s1'><h3>Ferry times change again</h3>"
        + PROSE
        + "<iframe src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe>"
        + "<p>See <a href='https://twitter.com/portnews/status/841701733168476161'>the port</a>.</p></div>"
    )
    html = (
        "<html><head><title>Harbour Diary - Harbour road closes to cars</title></head><body>"
        "<h1>Harbour Diary</h1><div class='d1'><h2>2019-02-11</h2>"
        f"<div class='s1'><h3>Harbour road closes to cars</h3>{PROSE * 4}</div>{entry}</div></body></html>"
    )
    doc = scrapers.parse_html(html.encode(), "https://harbour.example/diary/20190211.html")
    assert doc.story() is None
    assert sorted(_posts(doc)) == ["twitter:841701733168476161", "youtube:dQw4w9WgXcQ"]


def _bare_comment(number: int, text: str, replies: str = "") -> str:
    # A theme writing a comment's text straight into its list item, replies nested in a list of their own.
    return (
        f"<li><b>Reader {number}</b> <a href='#comment-{number}'>August {number}, 2012</a> {text} "
        f"<a href='?replytocom={number}#respond'>Reply</a>{replies}</li>"
    )


def test_comments_written_without_paragraphs_are_a_thread_with_their_replies() -> None:
    reply = "<ul>" + _bare_comment(3, "Thanks, fixed.") + "</ul>"
    thread = (
        "<div><h3>3 responses</h3><ol>"
        + _bare_comment(1, "The mayor: https://twitter.com/mayor/status/263826044845432832", reply)
        + _bare_comment(2, '<a href="https://twitter.com/mayor/status/263762072351936512">This</a>.', reply)
        + "</ol></div>"
    )
    assert _posts(_story_page(thread)) == []


def test_comments_linked_by_a_forums_alphanumeric_ids_are_a_thread() -> None:
    # ForumMagnum (LessWrong, the EA Forum) links each comment as "?commentId=DEdj9FexMb5wXhGbP".
    thread = "".join(
        f"<div><div><a href='/posts/bHozHr/road?commentId={key}'>2y</a></div><div><p>{text}</p></div></div>"
        for key, text in (
            ("DEdj9FexMb5wXhGbP", "See https://twitter.com/mayor/status/263826044845432832 for it."),
            ("Htf2v79w5QoQJbysS", '<a href="https://twitter.com/mayor/status/263762072351936512">So</a>.'),
        )
    )
    assert _posts(_story_page(f"<div><h2>Comments</h2>{thread}</div>")) == []


def test_a_story_citing_two_of_its_readers_comments_keeps_its_links() -> None:
    cited = (
        "<p>Two readers wrote in. <a href='#comment-5'>One</a> said the road should stay open; "
        "<a href='#comment-6'>another</a> linked the mayor's answer, "
        "<a href='https://twitter.com/mayor/status/263826044845432832'>here</a>, which settled it.</p>"
    )
    assert _posts(_story_page("", story=PROSE + cited + PROSE)) == ["twitter:263826044845432832"]


def test_comments_of_another_site_cited_in_a_list_stay() -> None:
    cited = (
        "<ul>"
        + "".join(
            f"<li><a href='https://other.example/post#comment-{n}'>A reader there</a> pointed to "
            f"<a href='https://twitter.com/mayor/status/26382604484543283{n}'>the mayor's tweet</a></li>"
            for n in (1, 2)
        )
        + "</ul>"
    )
    assert len(_posts(_story_page("", story=PROSE + cited + PROSE))) == 2


def _numbered_comment(number: int, text: str, reply: str = "<a href='#' onclick='r()'>reply</a>") -> str:
    # SB Nation's comments with their names gone: an anchor named by the comment's number, the comment's
    # text, and a byline line whose permalink is that number as a fragment, its text the comment's time.
    return (
        f"<a name='{111041000 + number}'></a><div><div><h5><a href='#'>Re: road</a></h5><div>{text}</div>"
        f"<p>by <a href='/users/reader{number}'>reader{number}</a> on <span>"
        f"<a href='#{111041000 + number}'>Aug {number}, 2012 1:1{number} PM EDT</a></span> {reply}</p>"
        "</div></div>"
    )


NUMBERED = _numbered_comment(
    1, "<p>The mayor: https://twitter.com/mayor/status/263826044845432832</p>"
) + _numbered_comment(2, '<p><a href="https://twitter.com/mayor/status/263762072351936512">This</a>.</p>')


def test_comments_linked_by_their_numbers_and_times_beside_a_reply_are_a_thread() -> None:
    doc = _story_page(f"<div><div>{NUMBERED}</div></div>")
    assert _posts(doc) == []
    arrows = _numbered_comment(
        1, "<p>https://twitter.com/mayor/status/263826044845432832</p>", "<a>↩ Reply</a>"
    )
    assert _posts(_story_page(f"<div>{arrows}{arrows.replace('1110410', '1110420')}</div>")) == []


def test_a_live_blogs_entries_linked_by_their_numbers_and_times_stay() -> None:
    # A live blog writes its entries' permalinks the same way, and offers no reply under them.
    entries = "".join(
        _numbered_comment(n, f"<p>{PROSE} https://twitter.com/mayor/status/26382604484543283{n}</p>", "")
        for n in (1, 2)
    )
    assert len(_posts(_story_page("", story=PROSE + entries))) == 2
    untimed = NUMBERED.replace("Aug 1, 2012 1:11 PM EDT", "One").replace("Aug 2, 2012 1:12 PM EDT", "Two")
    assert len(_posts(_story_page(f"<div>{untimed}</div>"))) == 2


def _columns_page(story_column: str, far_column: str) -> scrapers.ParsedDocument:
    # A page that marks no body, as a CSS-module build writes it: the story (headline and prose) in one
    # element, boxes after it in the story's column, and a column of the layout beside that column.
    html = (
        "<html><head><title>Harbour road closes to cars</title></head><body><div class='a1b2'>"
        f"<div class='c3d4'><div class='g7h8'><h1>Harbour road closes to cars</h1>{PROSE * 3}</div>"
        f"{story_column}</div><div class='e5f6'>{far_column}</div></div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")


FAR_LINKS = (
    "<h3>From our friends</h3><ul>"
    "<li><a href='https://twitter.com/portnews/status/841701733168476161'>Ferry times change</a></li>"
    "<li><a href='https://www.instagram.com/p/DaNCA6TyKhn/'>Sunset at the pier</a></li></ul>"
)


def test_links_to_posts_in_a_column_beside_the_story_column_are_the_sites() -> None:
    doc = _columns_page("", FAR_LINKS)
    assert _posts(doc) == []
    reasons = {c.reason for c in explain(doc) if c.kind == "post"}
    assert len(reasons) == 1 and "column of the layout beside" in reasons.pop()


def test_links_in_a_box_the_story_column_holds_after_the_story_stay() -> None:
    # Footnotes, a list of sources: boxes the story's own column holds after its text are the story's.
    doc = _columns_page("<div class='n1'><p>Sources:</p>" + FAR_LINKS + "</div>", "")
    assert sorted(_posts(doc)) == ["instagram:DaNCA6TyKhn", "twitter:841701733168476161"]


def test_a_post_embedded_in_the_far_column_still_counts() -> None:
    # A recognised embed counts wherever it sits outside strong chrome; only links are read by column.
    quote = (
        "<blockquote class='twitter-tweet'><p>Ferry times change</p>&mdash; Port News (@portnews) "
        "<a href='https://twitter.com/portnews/status/841701733168476161'>March 14, 2017</a></blockquote>"
    )
    assert _posts(_columns_page("", quote)) == ["twitter:841701733168476161"]


def _logo_page(title: str, site_name: str | None) -> scrapers.ParsedDocument:
    # Many themes print the site's name as an <h1> on every page, above the story's own heading.
    meta = f"<meta property='og:site_name' content='{site_name}'>" if site_name else ""
    html = (
        f"<html><head><title>{title}</title>{meta}</head><body><div class='top'>"
        "<h1>Harbour Herald Online</h1></div><div class='a1b2'><div class='c3d4'>"
        f"<h2>Harbour road closes to cars</h2>{PROSE * 3}</div>"
        "</div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")


def test_the_sites_name_is_never_the_headline_at_either_end_of_the_title() -> None:
    for title, site_name in (
        ("Harbour road closes to cars | Harbour Herald Online", None),
        ("Harbour road closes to cars | Harbour Herald Online", "Harbour Herald Online"),
        ("Harbour Herald Online » Harbour road closes to cars", "Harbour Herald Online"),
    ):
        story = _logo_page(title, site_name).story()
        assert story is not None and story[0].find("h2") is not None, title


def test_explain_names_the_column_rule_for_an_image_maps_link_too() -> None:
    # An image map's <area> is a link as an <a> is: extraction and explain read it alike.
    area = (
        "<img src='/banner.png' usemap='#m'><map name='m'>"
        "<area href='https://twitter.com/portnews/status/841701733168476161' coords='0,0,10,10'></map>"
    )
    doc = _columns_page("", area)
    assert _posts(doc) == []
    (reason,) = {c.reason for c in explain(doc) if c.kind == "post"}
    assert "column of the layout beside" in reason


# Instagram shortcodes of an account's latest posts, as a feed widget lists them.
SHORTCODES = ("CnUpfbnqXE6", "CnXJxuaolAI", "Cne3kzNI9vv", "Cnha6lTIwMc", "Cnj_hzBqSDb", "CnpPkOWI1XL")
SHORTCODES += ("Cnw7i90IGGX", "CnzdfkaP56N", "CoJMtRPp0Ev")


def _tiles(codes: tuple[str, ...] = SHORTCODES) -> str:
    return "".join(
        f'<div class="x4c1"><div class="x09a"><a href="https://www.instagram.com/p/{code}/" class="x7d2">'
        f'<img src="/feed/{code}.jpg" alt=""><span class="x3e8">Instagram post {index}</span></a></div></div>'
        for index, code in enumerate(codes)
    )


def _main_page(story: str, after: str) -> scrapers.ParsedDocument:
    # <main> holds the story and the column beside it (theguccha's theme): the content zone covers both, so
    # neither the column rule nor a sidebar's name can say where the story stops.
    html = (
        "<html><head><title>Harbour road closes to cars</title></head><body><main class='xfad5'>"
        f"<article class='x1a2'><h1>Harbour road closes to cars</h1>{story}</article>"
        f"<div class='xb7e'>{after}</div></main></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")


def test_a_grid_of_picture_tiles_linking_posts_is_an_accounts_feed() -> None:
    # Smash Balloon's grid at the foot of a sidebar, its follow button left out: nine tiles, each a picture
    # linking one post, no text of their own.
    grid = f"<h4>Find us elsewhere</h4><div class='x81c'>{_tiles()}</div>"
    assert _posts(_main_page(PROSE * 3, grid)) == []


def test_a_feed_grids_lightbox_copies_go_with_it() -> None:
    # WPZoom's widget: tiles that are bare links painted with a background picture, and after the grid the
    # lightbox a script opens over each, with the caption and a "View on Instagram" link to the same post.
    tiles = "".join(
        f"<li class='x11'><a href='https://www.instagram.com/reel/{code}/' class='x22' "
        f"style=\"background-image: url('/feed/{code}.jpg')\" title='Dinner tonight'></a></li>"
        for code in SHORTCODES
    )
    lightbox = "".join(
        f"<div class='x33'><div class='x44'><img src='/feed/{code}.jpg'></div><div class='x55'>"
        f"<p>Dinner tonight: steamed tofu with century eggs, and a sambal squid we loved.</p>"
        f"<a href='https://www.instagram.com/reel/{code}/'>View on Instagram</a></div></div>"
        for code in SHORTCODES
    )
    widget = f"<div class='x66'><ul class='x77'>{tiles}</ul><div class='x88'>{lightbox}</div></div>"
    assert _posts(_main_page(PROSE * 3, widget)) == []


def test_explain_names_the_tile_grid_for_each_of_its_posts() -> None:
    candidates = [c for c in explain(_main_page(PROSE * 3, f"<div>{_tiles()}</div>")) if c.kind == "post"]
    assert len(candidates) == len(SHORTCODES)
    assert all(c.decision == "dropped" and "grid of tiles" in c.reason for c in candidates)


def test_pictures_the_story_captions_stay() -> None:
    # An article showing the posts it cites writes about each: a caption under every picture.
    figures = "".join(
        f"<figure><a href='https://www.instagram.com/p/{code}/'><img src='/{code}.jpg'></a>"
        f"<figcaption>Residents posted the queue at the ferry on Tuesday morning.</figcaption></figure>"
        for code in SHORTCODES
    )
    story = PROSE + f"<div class='x81c'>{figures}</div>" + PROSE
    assert sorted(_posts(_main_page(story, ""))) == sorted(f"instagram:{code}" for code in SHORTCODES)


def test_fewer_tiles_than_a_feed_shows_stay() -> None:
    # Five pictures in a row, each linking a post: what an article's uncaptioned gallery looks like too.
    codes = SHORTCODES[:5]
    assert sorted(_posts(_main_page(PROSE * 3, f"<div>{_tiles(codes)}</div>"))) == sorted(
        f"instagram:{code}" for code in codes
    )


def test_a_post_the_story_cites_stays_though_the_feed_lists_it() -> None:
    story = (
        PROSE
        + f"<p>She showed the queue <a href='https://www.instagram.com/p/{SHORTCODES[2]}/'>in a post</a>.</p>"
    )
    assert _posts(_main_page(story + PROSE, f"<div>{_tiles()}</div>")) == [f"instagram:{SHORTCODES[2]}"]


def _headed(title: str, heading: str, level: str = "h2") -> scrapers.ParsedDocument:
    html = (
        f"<html><head><title>{title}</title></head><body><div class='a1b2'><div class='c3d4'>"
        f"<div class='g7h8'><{level}>{heading}</{level}>{PROSE * 3}</div></div>"
        f"<div class='e5f6'>{FAR_LINKS}</div></div>"
        "</body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")


def _headline_found(doc: scrapers.ParsedDocument, level: str) -> bool:
    story = doc.story()
    return story is not None and story[0].find(level) is not None


def test_a_blogs_h3_headline_the_title_starts_with_is_the_headline() -> None:
    # Blogger heads a post with an <h3 class="post-title">; with its name gone, only the title says so.
    doc = _headed("Harbour road closes to cars | Harbour Blog", "Harbour road closes to cars", "h3")
    assert _headline_found(doc, "h3")
    assert _posts(doc) == []  # the column rule runs once the story's column is known
    assert _posts(_story_page(THREAD, title="Harbour road closes to cars | Harbour Blog", heading="h3")) == []


def test_a_heading_that_is_the_title_and_a_tail_is_the_headline() -> None:
    # A theme appends a label or the comment count to the headline: "(NSFW) 1".
    title = "The five best harbour ads, and how they got noticed"
    doc = _headed(title, f"{title} (NSFW) 1", "h1")
    assert _headline_found(doc, "h1")
    assert _posts(doc) == []


def test_a_short_title_is_no_start_of_any_heading() -> None:
    # A title of a few words (a site's name) says nothing of which heading carries the story.
    assert not _headline_found(_headed("Harbour News", "Harbour News and Weather Today", "h1"), "h1")


def test_a_japanese_headline_is_as_telling_as_an_english_one_twice_its_length() -> None:
    # Nine wide characters say as much as eighteen Latin ones; four do not.
    doc = _headed("「苦しみ」への新解釈 - 伊勢ー白山 道", "「苦しみ」への新解釈", "h2")
    assert _headline_found(doc, "h2")
    assert not _headline_found(_headed("苦しみ解釈 - 伊勢ー白山 道", "苦しみ解釈", "h2"), "h2")


def _blogger_page(masthead_href: str) -> scrapers.ParsedDocument:
    # Blogger's layout with its names gone: the blog's name an <h1> linking the front page, the post's title
    # an <h3>, the page titled "Blog: Post", so that the title starts with the masthead's text.
    html = (
        "<html><head><title>Harbour Town Weekly: Harbour road closes to cars</title></head><body>"
        f"<div class='h1a'><div class='h2b'><h1><a href='{masthead_href}'>Harbour Town Weekly</a></h1></div>"
        "<p>News of the harbour since 2004</p></div>"
        "<div class='m3c'><div class='p4d'><h2>Wednesday, August 1, 2012</h2><div class='q5e'>"
        f"<h3>Harbour road closes to cars</h3><div class='r6f'>{PROSE * 2}"
        "<div><iframe src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe></div>"
        f"{PROSE}</div></div></div></div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbourtown.blogspot.com/2012/08/road-closes.html")


def test_a_masthead_linking_the_front_page_is_no_headline() -> None:
    # Taken for the headline, the masthead made its header the story, and the post's own video one beside it.
    doc = _blogger_page("https://harbourtown.blogspot.com/")
    assert _headline_found(doc, "h3")
    assert _posts(doc) == ["youtube:dQw4w9WgXcQ"]
    assert _headline_found(_blogger_page("/"), "h3")


def test_a_heading_linking_its_own_permalink_is_the_headline() -> None:
    # "/?p=15500" is a WordPress permalink at the site's root: the story's address, not the front page.
    title = "Harbour road closes to cars"
    for href in ("/?p=15500", "https://harbour.example/2012/08/road-closes/", "#top"):
        assert _headline_found(_headed(title, f"<a href='{href}'>{title}</a>", "h1"), "h1"), href
    assert not _headline_found(_headed(title, f"<a href='https://harbour.example/'>{title}</a>", "h1"), "h1")


def _screenshot(href: str, caption: str) -> str:
    # WordPress's captioned image (div.wp-caption) with its names gone: a picture linking the post, a line
    # under it crediting the post.
    return (
        f"<div class='w1x'><a href='{href}'><img src='/uploads/shot.jpg' width='585'></a>"
        f"<p class='w2x'>{caption}</p></div>"
    )


def test_a_picture_credited_to_the_post_it_links_is_cited() -> None:
    # "NFL players celebrate Halloween": each costume a screenshot of a player's tweet, credited to him.
    story = (
        "<p>Players got into the Halloween spirit last night. Here are a few of our favourites from the "
        "league, in costume and out of it:</p>"
        + _screenshot(
            "https://twitter.com/drewbrees/status/263826044845432832",
            "Iron Man and Cinderella, with their son. (@drewbrees/Twitter)",
        )
        + _screenshot(
            "https://www.instagram.com/p/DaNCA6TyKhn/", "The kicker as Bane, on his Instagram page."
        )
        + _screenshot("https://twitter.com/68INCOGNITO/status/263661626115383296", "Batman and Superman.")
    )
    doc = _story_page("", story=story)
    # The third picture's caption names neither its author nor its platform: nothing says it is the post's.
    assert sorted(_posts(doc)) == ["instagram:DaNCA6TyKhn", "twitter:263826044845432832"]


def test_a_credited_picture_in_a_column_of_boxes_is_the_sites() -> None:
    # The same picture and credit in the column beside the story: a box among boxes, no running text there.
    box = _screenshot(
        "https://twitter.com/portnews/status/841701733168476161", "Our ferry (@portnews/Twitter)"
    )
    column = f"<div class='b1'>{box}</div><div class='b2'><h3>Archive</h3></div>"
    assert _posts(_columns_page("", column)) == []


def _script_player(video: str) -> str:
    # polygraph.info's player box with its names gone: a close button, a placeholder, and the script that
    # renders the player into it.
    return (
        "<div><div><div><span title='close'><span></span></span><div></div>"
        f"<script>renderExternalContent('https://www.youtube.com/embed/{video}?fs=1')</script></div></div></div>"
    )


def test_a_script_rendering_a_player_in_its_box_among_the_paragraphs_is_the_storys() -> None:
    doc = _story_page("", story=PROSE + _script_player("DA2VCxy2Eek") + PROSE * 2)
    assert _posts(doc) == ["youtube:DA2VCxy2Eek"]


def test_a_script_naming_a_video_outside_the_text_is_the_pages() -> None:
    # The same box in the column beside the story, and deeper than an embed's wrappers below the story.
    beside = _columns_page("", _script_player("DA2VCxy2Eek"))
    deep = _story_page("", story=PROSE * 2 + f"<div><div>{_script_player('DA2VCxy2Eek')}</div></div>" + PROSE)
    assert _posts(beside) == _posts(deep) == []


def _declaring_page(buttons: list[str]) -> scrapers.ParsedDocument:
    # ERideHero's buyer's guide with its names gone: each item's video review a button a script turns into a
    # player, the videos' addresses only in the head's og:video tags, one per button.
    ids = ["CmUXmY6P2sE", "CqzZfOT5E-Q"]
    metas = "".join(f"<meta property='og:video' content='https://www.youtube.com/embed/{v}'>" for v in ids)
    items = "".join(f"<div class='i9'><h2>Scooter {n}</h2>{PROSE}{b}</div>" for n, b in enumerate(buttons))
    html = (
        f"<html><head><title>Best scooters for commuting</title>{metas}</head><body><div class='a1b2'>"
        f"<div class='c3d4'><h1>Best scooters for commuting</h1>{PROSE}{items}</div></div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://scooters.example/best-commuting/")


def test_buttons_labelled_as_videos_take_the_videos_the_page_declares() -> None:
    label = "<button class='k1' aria-label='Watch video review of {}'><img src='/t.png'></button>"
    face = (
        "<button class='k2'><img src='/t.png'><span>Watch review on <strong>YouTube</strong></span></button>"
    )
    doc = _declaring_page([label.format("NIU KQi 100F"), face])
    assert _posts(doc) == ["youtube:CmUXmY6P2sE", "youtube:CqzZfOT5E-Q"]


def test_buttons_that_label_no_video_take_nothing() -> None:
    # A newsletter's "Subscribe" and a gallery's "Next" play nothing; "videography" is no video either.
    doc = _declaring_page(
        ["<button>Subscribe</button>", "<button aria-label='Next videography tip'>›</button>"]
    )
    assert _posts(doc) == []


def test_an_embed_under_the_lead_inside_a_header_that_swallowed_the_page_is_the_storys() -> None:
    # panamaamerica.com.pa: the site's <header> holds the whole page (its markup never closes it), and the
    # story's <article> opens with the headline and the lead, the body's paragraphs in a block after them.
    menu = (
        "<nav><ul>" + "".join(f"<li><a href='/s{n}'>Section {n}</a></li>" for n in range(8)) + "</ul></nav>"
    )
    html = (
        "<html><head><title>Harbour road closes to cars</title></head><body><div class='p0'>"
        f"<header class='h7'>{menu}<div class='m1'><section class='s2'><article class='a3'>"
        "<h1>Harbour road closes to cars</h1><p class='l4'>The council closes the road for the summer, "
        "its leader said on Twitter, and the mayor posted a video of the vote.</p>"
        "<div><iframe src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe></div>"
        f"<div class='b5'>{PROSE * 10}</div></article></section></div>"
        "<footer class='f6'><p>Harbour Herald, 1 Quay Street</p></footer></div></body></html>"
    )
    doc = scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")
    assert _posts(doc) == ["youtube:dQw4w9WgXcQ"]


LINES = (
    "The council voted on Tuesday to close the old harbour road to cars for the summer months.<br><br>" * 3
)


def _lines_page(text: str) -> scrapers.ParsedDocument:
    # A story written as lines between <br>s (Blogger, older CMSs) in a page that marks no body.
    html = (
        "<html><head><title>Harbour road closes to cars</title></head><body><div class='a1b2'>"
        f"<div class='c3d4'><h1>Harbour road closes to cars</h1><div class='t5'>{text}</div></div>"
        "</div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://harbour.example/2012/08/road-closes/")


def test_a_link_alone_in_a_bare_div_among_lines_of_text_is_in_the_running_text() -> None:
    # An editor's bare <div> (or two) around a link between lines: a line of the text, as the link alone is.
    link = "<a href='https://bsky.app/profile/port.bsky.social/post/3kabcdefghi2x'>post</a>"
    for wrapped in (f"<div>{link}</div>", f"<div><div><span>{link}</span></div></div>"):
        assert _posts(_lines_page(LINES + wrapped + LINES)) == ["bluesky:port.bsky.social/3kabcdefghi2x"]


def test_a_link_beside_others_in_a_div_among_lines_is_not_alone() -> None:
    # A row of links (a menu's, a share bar's) in the text's column writes no line of the text itself.
    row = (
        "<div><a href='https://bsky.app/profile/port.bsky.social/post/3kabcdefghi2x'>post</a> "
        "<a href='/archive'>archive</a></div>"
    )
    boxes = "<div><a href='https://bsky.app/profile/port.bsky.social/post/3kabcdefghi2x'>post</a></div>"
    assert _posts(_lines_page(LINES + row + LINES)) == []
    assert _posts(_lines_page(f"<div>{boxes}<div><a href='/archive'>archive</a></div></div>")) == []


def _technique_page(thumbnails: str, titles: tuple[str, ...]) -> scrapers.ParsedDocument:
    # L'Atelier des Chefs' technique videos with their names gone: the head's JSON-LD lists one VideoObject
    # per video, and the body shows each as a picture titled like it (a script builds the player on click).
    ids = ("L8A_G04vb1Q", "xo4xNxU5VxQ")
    objects = json.dumps(
        [
            {
                "@type": "VideoObject",
                "name": title,
                "embedUrl": f"https://www.youtube.com/embed/{video}?rel=0",
            }
            for title, video in zip(titles, ids, strict=True)
        ],
        ensure_ascii=False,
    )
    html = (
        "<html><head><title>Mushroom risotto</title>"
        f"<script type='application/ld+json'>{objects}</script></head><body><div class='a1b2'>"
        f"<div class='c3d4'><h1>Mushroom risotto</h1>{PROSE}{thumbnails}</div></div></body></html>"
    )
    return scrapers.parse_html(html.encode(), "https://chefs.example/recettes/risotto")


def _thumbnail(alt: str) -> str:
    picture = f"<div class='v2'><img alt='{alt}' src='/technique.png'><svg></svg></div>"
    return f"<div class='v1'>{picture}<p>{alt}</p></div>"


TECHNIQUES = ("Comment cuire des champignons", "Comment préparer des champignons")


def test_pictures_titled_as_the_videos_the_page_lists_take_those_videos() -> None:
    doc = _technique_page("".join(_thumbnail(title) for title in TECHNIQUES), TECHNIQUES)
    assert _posts(doc) == ["youtube:L8A_G04vb1Q", "youtube:xo4xNxU5VxQ"]


def test_pictures_titled_otherwise_or_too_briefly_take_nothing() -> None:
    # A picture of the dish is no player; nor is a title of one word that many pictures carry.
    assert _posts(_technique_page(_thumbnail("Risotto aux champignons") * 2, TECHNIQUES)) == []
    assert _posts(_technique_page(_thumbnail("Video") * 2, ("Video", "video"))) == []
