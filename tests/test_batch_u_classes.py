"""What batch u's first measurements showed, as classes. Batch u2 (36 pages from the Dragnet set's 2012 blogs,
33 posts: precision 1.000, recall 0.970) had two: a WordPress plugin's player set up by a script among the
post's paragraphs, on a page whose article body no class or landmark names (the script's code is the only
trace of the video), and Vimeo's Flash player (``moogaloop.swf?clip_id=``), read only through the
"vimeo link" under it, so as a link. Batch u1 (42 more Dragnet pages, 39 posts: 0.974 / 0.949) showed a
wrapper named "header" around the whole page (HackNMod), and a "more content" list of teaser cards under a
review, one of them leading to the site's YouTube video (Pitchfork). Batch u3 (recipe sites, guides and two
newsletter e-mails; 48 posts: 1.000 / 0.646) showed a mega menu's unclosed items swallowing the page, URLs
listed with commas in a shortcode left as text, Substack's static tweet cards in an e-mail (each status URL
only on the likes counter in the card's "tweet-footer"), and WP YouTube Lyte's placeholder (``WYL_<id>``)."""

from __future__ import annotations

from embedtrail import scrapers
from embedtrail.scrapers import vimeo
from embedtrail.scrapers.explain import explain

PROSE = (
    "<p>" + "The council met on Monday and the opposition walked out before the vote was taken. " * 2 + "</p>"
)
JW_PLAYER = (
    "<div id='jwplayer-1'></div><script type='text/javascript'>jwplayer('jwplayer-1').setup({"
    '"flashplayer":"http://blog.example/player.swf","image":"http://i.ytimg.com/vi/s76uMzaQ120/0.jpg",'
    '"file":"http://www.youtube.com/watch?v=s76uMzaQ120"});</script>'
)


def _embeds(html: str) -> dict[str, str]:
    extraction = scrapers.extract(
        scrapers.parse_html(html.encode(), "https://blog.example/2012/08/09/story/")
    )
    return {embed.post_id: embed.method for embed in extraction.embeds}


def test_a_player_script_among_the_posts_paragraphs_is_the_posts() -> None:
    # No <article>, <main> or content class: the page's body is found by nothing but its paragraphs.
    post = f"<div class='entry'><div class='emba'><p>{JW_PLAYER}</p>{PROSE}{PROSE}{PROSE}</div></div>"
    html = f"<html><body><div id='wrap'><h2>Weapons revealed</h2>{post}</div></body></html>"
    assert _embeds(html) == {"youtube:s76uMzaQ120": "script"}


def test_page_level_code_on_such_a_page_is_still_not_the_posts() -> None:
    script = "<script>var promo = {'file': 'http://www.youtube.com/watch?v=s76uMzaQ120'};</script>"
    post = f"<div class='entry'>{PROSE}{PROSE}{PROSE}</div>"
    html = f"<html><head>{script}</head><body>{script}<div id='wrap'>{post}</div></body></html>"
    assert _embeds(html) == {}


def test_vimeos_flash_player_is_an_embed() -> None:
    flash = (
        "<object width='400' height='225'><param name='movie' value='http://vimeo.com/moogaloop.swf?"
        "clip_id=47149346&amp;server=vimeo.com&amp;show_title=1'/><embed src='http://vimeo.com/moogaloop.swf?"
        "clip_id=47149346&amp;server=vimeo.com' type='application/x-shockwave-flash'></embed></object>"
        "<p><a href='http://vimeo.com/47149346'>vimeo link</a></p>"
    )
    html = f"<html><body><article><h1>Ball</h1>{PROSE}<p>{flash}</p>{PROSE}</article></body></html>"
    assert _embeds(html) == {"vimeo:47149346": "object"}
    assert vimeo.post_ref("http://vimeo.com/moogaloop.swf?clip_id=47149346") is not None
    assert vimeo.post_ref("http://vimeo.com/moogaloop.swf?clip_id=nope") is None


# Enough text for a page whose wrapper holds nearly all of it to count as swallowed (2,000 characters).
LONG_PROSE = PROSE * 12
SIDEBAR = "<div id='sidebar'><h3>Subscribe</h3><a href='https://twitter.com/site'>Follow us</a></div>"


def test_a_wrapper_named_header_around_the_whole_page_is_no_header() -> None:
    # Two paragraphs only (too few for the body to be found by its prose) and a long list of the site's
    # projects: the wrapper holds all of the page's text.
    projects = "".join(
        f"<li><a href='/hack/{n}/'>DIY project number {n} with a long title</a></li>" for n in range(60)
    )
    entry = (
        f"<div id='entry'>{PROSE}<p><iframe src='http://www.youtube.com/embed/hEoASC7qC28'></iframe></p>"
        "<p>Check out <a href='http://www.youtube.com/watch?v=_2sSfGgBgIs'>more details</a> on the project, "
        "built by two friends over a summer.</p>"
        f"<h3>Top Projects this Week:</h3><ul>{projects}</ul></div>"
    )
    page = (
        f"<div id='header'><div id='logo'>HackNMod</div><div id='content'><h2>Pond</h2>{entry}</div>"
        f"{SIDEBAR}</div>"
    )
    assert _embeds(f"<html><body>{page}</body></html>") == {
        "youtube:hEoASC7qC28": "iframe",
        "youtube:_2sSfGgBgIs": "link",
    }
    # a header that is the page's header, beside the text, is still chrome
    header = "<div id='header'><a href='http://www.youtube.com/watch?v=_2sSfGgBgIs'>Our channel</a></div>"
    body = f"<div id='content'><h2>Pond</h2>{PROSE}<ul>{projects}</ul></div>"
    assert _embeds(f"<html><body>{header}{body}</body></html>") == {}


def test_a_mega_menu_left_open_around_the_page_is_set_aside() -> None:
    menu = (
        "<header class='site-header'><div id='primary-navigation'><nav class='main-navigation'>"
        "<ul class='main-navigation'><li class='menu-item'><a>Build</a><div class='menu-dropdown'>"
    )
    facade = (
        "<div class='taco-embedded-video youtube'><img class='poster' "
        "src='https://img.youtube.com/vi/AaLn7TVQwb4/hqdefault.jpg'><button class='play-btn'></button></div>"
    )
    # The story in sections of a page builder, no one of them holding half its prose, under a headline that
    # is not the page's title: nothing finds the body by its prose.
    sections = "".join(
        f"<section class='taco-content-section'><div class='row'><div class='col'>{PROSE * 3}"
        f"{facade if n == 1 else ''}</div></div></section>"
        for n in range(4)
    )
    story = f"<div id='content'><article><h1>Our top 5 picks</h1>{sections}</article></div>"
    html = f"<html><head><title>Best builders for 2026</title></head><body>{menu}{story}</body></html>"
    assert _embeds(html) == {"youtube:AaLn7TVQwb4": "placeholder"}


def test_comments_holding_most_of_a_page_beside_a_short_story_stay_comments() -> None:
    story = f"<div id='story'><h1>A short story</h1>{PROSE}</div>"
    comment = (
        f"<p>I saw it too: <a href='https://www.youtube.com/watch?v=hEoASC7qC28'>here</a></p>{LONG_PROSE}"
    )
    html = f"<html><body><div class='wrap'>{story}<div id='comments'>{comment}</div></div></body></html>"
    assert _embeds(html) == {}


def test_a_list_of_teaser_cards_is_a_rail_on_a_bodiless_page() -> None:
    def card(href: str, title: str) -> str:
        return f"<li><h1>News</h1><a href='{href}'><div class='info'><h1>{title}</h1></div></a></li>"

    cards = "".join(card(f"/news/{n}/", f"Story number {n}") for n in range(3))
    cards += card("http://www.youtube.com/watch?v=typzgN0p9bo&feature=plcp", "Drift Dive")
    amen = "<a href='http://www.youtube.com/watch?v=5SaFTm2bcac'>Amen break</a>"
    review = f"<div class='editorial'>{PROSE}<p>The {amen}.</p></div>"
    html = f"<html><body><div id='main'>{review}</div><div id='more'><ul>{cards}</ul></div></body></html>"
    assert _embeds(html) == {"youtube:5SaFTm2bcac": "link"}


def test_urls_listed_with_commas_are_each_a_url() -> None:
    shortcode = (
        "<p>[vc_gallery custom_links=”https://youtu.be/Kjl2LLtn1Mc,https://youtu.be/NypfBB0sEho,"
        "https://youtu.be/fTiYXWMUCJc” img_size=”full”]</p>"
    )
    html = f"<html><body><article><h1>Start here</h1>{PROSE}{shortcode}{PROSE}</article></body></html>"
    assert sorted(_embeds(html)) == ["youtube:Kjl2LLtn1Mc", "youtube:NypfBB0sEho", "youtube:fTiYXWMUCJc"]


def test_a_static_tweet_cards_footer_is_the_cards() -> None:
    card = (
        "<div class='tweet'><a class='tweet-link-top' href='https://substack.com/redirect/0b3d5359'>"
        "<span class='tweet-author-handle'>@blader</span><div class='tweet-text'>prompt engineering</div></a>"
        "<div class='tweet-footer'><span class='tweet-date'>Mar 15, 2023</span><div class='tweet-ufi'>"
        "<span href='https://twitter.com/blader/status/1635925043736907777/likes' class='likes'>99</span>"
        "</div></div></div>"
    )
    html = f"<html><body><article><h1>ChatGPT in PM work</h1>{PROSE}{card}{PROSE}</article></body></html>"
    assert list(_embeds(html)) == ["twitter:1635925043736907777"]
    # a site footer named after a platform is still the site's
    footer = (
        "<div class='instagram-footer'><a href='https://www.instagram.com/p/B8ra9H0BmtF/'>Our feed</a></div>"
    )
    html = f"<html><body><article><h1>ChatGPT in PM work</h1>{PROSE}{PROSE}</article>{footer}</body></html>"
    assert _embeds(html) == {}


def test_wp_youtube_lytes_placeholder_keeps_the_id_in_its_element_id() -> None:
    lyte = (
        "<div class='lyte-wrapper'><div class='lyMe' id='WYL_K6nLTiwynk8'><div class='lyte'></div></div>"
        "<noscript><a href='https://youtu.be/K6nLTiwynk8'>video</a></noscript></div>"
    )
    html = f"<html><body><article><h1>Carrot cake</h1>{PROSE}{lyte}{PROSE}</article></body></html>"
    assert _embeds(html) == {"youtube:K6nLTiwynk8": "embed"}


# The placement check (tests/transplant.py) on batch u's pages showed two more classes.


def test_a_comment_thread_longer_than_a_short_story_is_not_its_body() -> None:
    # TrekMovie 2012: a short post, then 40 readers' comments in a <dl> under div#comments. The prose rule
    # took the thread (most of the page's prose) for the article body, and so the story's own link, outside
    # it, for chrome.
    story = (
        "<div class='post'><h2>Star Trek Night</h2><p>Over the weekend the Dodgers held a Star Trek Night. "
        "<a href='https://twitter.com/spokes/status/1644567890123456789'>The team posted</a> it.</p></div>"
    )
    entries = "".join(f"<dt>{n}. Reader {n} - August 8, 2012</dt><dd>{PROSE}</dd>" for n in range(1, 12))
    thread = f"<div id='comments'><dl>{entries}</dl></div>"
    html = f"<html><body><div id='content'>{story}{thread}</div></body></html>"
    assert _embeds(html) == {"twitter:1644567890123456789": "link"}


def test_an_aside_among_lines_written_in_bold_between_brs_is_in_the_text() -> None:
    # Blogger 2012: the post's lines are written straight into div.post-body between <br>s, most in <b>.
    lines = (
        "<b>Video trailer for the documentary that takes every living veteran to the Memorial.</b><br/>"
        "<b><br/></b>Every day, a thousand veterans die.<br/>"
    )
    aside = (
        "<aside class='sidebar widget'><div><iframe src='https://player.vimeo.com/video/123456782'>"
        "</iframe></div></aside>"
    )
    body = f"<div class='post-body entry-content'>{lines}{aside}<br/>H/T a reader</div>"
    html = f"<html><body><div class='post hentry'><h3>Honor Flight</h3>{body}</div></body></html>"
    assert _embeds(html) == {"vimeo:123456782": "iframe"}


# The survey of embed forms placed into batch u's pages showed three more, and batch v2's first measurement
# (22 more Dragnet pages, 21 posts: 0.875 / 1.000) two.


def test_a_box_of_prose_a_wrapper_or_two_inside_the_text_is_the_texts() -> None:
    updates = (
        "<section class='updates-block'><div class='updates-block__inner'><h2>Latest updates</h2>"
        "<div class='updates-block__body' id='latest-updates'><p>-07 Sep 2023: pricing updates<br/>"
        "-30 Aug 2023: hosting updates<br/>-16 Dec 2022: added a video of the new editor.</p>"
        "<p>The ministry <a href='https://mobile.twitter.com/ministry/status/1754567890123456788'>said</a> "
        "that the ferry would run again on Monday morning.</p></div></div></section>"
    )
    story = f"<article><h1>Alternatives</h1>{PROSE}{updates}{PROSE}</article>"
    html = f"<html><body><main>{story}</main></body></html>"
    assert _embeds(html) == {"twitter:1754567890123456788": "link"}


def test_a_consent_gates_fallback_link_counts_on_a_page_that_marks_no_body() -> None:
    gate = (
        "<div class='embed-privacy-container is-disabled embed-youtube'><div class='embed-privacy-overlay'>"
        "<p>Click here to display content from YouTube.</p></div><div class='embed-privacy-footer'>"
        "<span class='embed-privacy-url'><a href='https://www.youtube.com/watch?v=kQw4w9WgXcQ'>Open it "
        "directly</a></span></div></div>"
    )
    html = f"<html><body><div id='wrap'><h2>Story</h2>{PROSE}<div>{gate}</div>{PROSE}</div></body></html>"
    assert list(_embeds(html)) == ["youtube:kQw4w9WgXcQ"]


def test_a_teaser_box_alone_in_an_editors_wrapper_stands_in_the_text() -> None:
    player = "<iframe src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe>"
    teaser = f"<div><div class='teaser'>{player}</div></div>"
    html = f"<html><body><div id='wrap'><h2>Story</h2>{PROSE}{teaser}{PROSE}</div></body></html>"
    assert list(_embeds(html)) == ["youtube:dQw4w9WgXcQ"]


def _item(href: str, title: str) -> str:
    return f"<li><a href='{href}'>{title}</a></li>"


def test_a_list_of_links_in_a_column_module_is_the_columns() -> None:
    books = "".join(_item(f"/books/{n}/", f"Book number {n}") for n in range(3))
    module = (
        "<div class='module-typelist module'><h2>Hard Facts</h2><div class='module-content'><ul>"
        f"{books}{_item('http://www.youtube.com/watch?v=hxH8hBUBBnE', 'A talk')}</ul></div></div>"
    )
    post = f"<div class='entry'><h3>What a university ought to stand for</h3>{PROSE}{PROSE}</div>"
    html = f"<html><body><div id='alpha'>{module}{post}</div></body></html>"
    assert _embeds(html) == {}
    # a links roundup the post writes, a line of prose under it, is the post's
    roundup = f"<ul>{books}{_item('http://www.youtube.com/watch?v=7s8S7QxpjeY', 'Code Monkey')}</ul>"
    line = "<p>Plus, Ray at the Excess Return blog makes his debut.</p>"
    post = f"<div class='entry'><h3>Links</h3>{roundup}{line}</div>"
    html = f"<html><body><div id='content'>{post}</div></body></html>"
    assert _embeds(html) == {"youtube:7s8S7QxpjeY": "link"}


def test_commenters_signature_lines_are_not_the_posts() -> None:
    def comment(n: int, href: str | None) -> str:
        name = f"<a href='{href}' rel='nofollow'>reader {n}</a>" if href else f"reader {n}"
        signature = f"<p class='posted'>Posted by: {name} at October 2{n}, 2012</p>"
        return f"<div id='c17011{n}'><p>Great post, thanks!</p></div>{signature}"

    thread = "".join(comment(n, f"http://reader{n}.example/" if n % 2 else None) for n in range(6))
    thread += comment(7, "http://www.youtube.com/watch?v=KoO7vKnHCs8")
    post = f"<h2>It's hot, but that doesn't stop the knitting</h2>{PROSE}{PROSE}"
    html = f"<html><body><div id='center'><div class='content'>{post}{thread}</div></div></body></html>"
    assert _embeds(html) == {}


def test_videos_the_page_declares_name_its_bare_video_buttons() -> None:
    # ERideHero: eight "Watch video review" buttons keeping no id, eight og:video tags in the head.
    ids = ["CmUXmY6P2sE", "CqzZfOT5E-Q", "JJKTB8KY5w0"]
    metas = "".join(f"<meta property='og:video' content='https://www.youtube.com/embed/{v}'>" for v in ids)
    button = (
        "<button class='listicle-item-video-card' aria-label='Watch video review'>"
        "<div class='listicle-item-video-thumb'><img src='data:image/svg+xml;base64,PHN2Zz4='></div>"
        "<span class='listicle-item-video-yt'>Watch review on <strong>YouTube</strong></span></button>"
    )
    items = "".join(f"<h2>Scooter {n}</h2>{PROSE}{button}" for n in range(3))
    head = f"<head><title>Best scooters</title>{metas}</head>"
    html = f"<html>{head}<body><article><h1>Best scooters</h1>{items}</article></body></html>"
    assert _embeds(html) == {f"youtube:{v}": "placeholder" for v in ids}
    # Fewer buttons than declared videos: which plays which is unknown, and nothing is claimed.
    html = f"<html>{head}<body><article><h1>Best scooters</h1>{PROSE}{button}{PROSE}</article></body></html>"
    assert _embeds(html) == {}
    # No button at all: the page's declaration alone cites nothing.
    html = f"<html>{head}<body><article><h1>Best scooters</h1>{PROSE}{PROSE}</article></body></html>"
    assert _embeds(html) == {}


def test_explain_lists_a_declared_video_and_why_it_was_left_out() -> None:
    meta = "<meta property='og:video' content='https://www.youtube.com/embed/CmUXmY6P2sE'>"
    story = f"<article><h1>Best scooters</h1>{PROSE}{PROSE}</article>"
    html = f"<html><head>{meta}</head><body>{story}</body></html>"
    doc = scrapers.parse_html(html.encode(), "https://blog.example/2012/08/09/story/")
    [candidate] = [c for c in explain(doc) if c.post_id == "youtube:CmUXmY6P2sE"]
    assert candidate.decision == "dropped"
    assert "metadata declares" in candidate.reason and "keep no address" in candidate.reason


# Batch w's first measurement (42 pages: recipe sites, metascraper's and WCXB's pages; 24 posts: 0.700 /
# 0.875) showed four more.


def test_an_accounts_feed_grid_beside_a_follow_button_is_not_cited() -> None:
    def thumbnail(code: str) -> str:
        return (
            f"<div class='sbi_item'><div class='sbi_photo_wrap'><a class='sbi_photo' "
            f"href='https://www.instagram.com/p/{code}/'><span class='sbi-screenreader'>Have you ever made "
            "fresh chicken burgers</span><img src='/placeholder.png' alt=''></a></div></div>"
        )

    codes = ["C4Iv0Vgu8eg", "C4MOP5ws42C", "C4TvSOPOnR5", "C4_K7V5P6da"]
    feed = (
        f"<div id='sb_instagram' class='sbi'><div id='sbi_images'>{''.join(map(thumbnail, codes))}</div>"
        "<span class='sbi_follow_btn'><a href='https://www.instagram.com/homeandplate/'>Follow</a></span>"
        "</div>"
    )
    post = f"<div class='entry-content'><div class='single-content'>{PROSE}{PROSE}{feed}</div></div>"
    assert _embeds(f"<html><body><article><h1>Casserole</h1>{post}</article></body></html>") == {}
    # the same thumbnails in the text without the account's follow link are cited posts
    gallery = f"<div class='gallery'>{''.join(map(thumbnail, codes))}</div>"
    post = f"<div class='entry-content'>{PROSE}{gallery}{PROSE}</div>"
    html = f"<html><body><article><h1>Casserole</h1>{post}</article></body></html>"
    assert sorted(_embeds(html)) == sorted(f"instagram:{code}" for code in codes)


def test_a_video_block_in_a_server_components_payload_is_the_articles() -> None:
    rows = (
        '3a:{"__typename":"BlogArticleRecord","title":"Cloud computing trends",'
        '"slug":"cloud-computing-trends","content":[{"__typename":"VideoBlockRecord","id":"OgJu","videoUrl":"https://www.youtube.com/watch?v='
        'RTwzxIVhthI"}]}\n'
    )
    escaped = rows.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    script = f'<script>self.__next_f.push([1,"{escaped}"])</script>'
    head = "<head><title>Cloud computing trends</title></head>"
    story = f"<article><h1>Cloud computing trends</h1>{PROSE}{PROSE}</article>"
    html = f"<html>{head}<body>{story}{script}</body></html>"
    doc = scrapers.parse_html(html.encode(), "https://www.ironhack.com/us/en/blog/cloud-computing-trends")
    assert [embed.post_id for embed in scrapers.extract(doc).embeds] == ["youtube:RTwzxIVhthI"]
    # a video block under a record naming another article is that article's
    other = rows.replace("Cloud computing trends", "What is blockchain").replace(
        "cloud-computing-trends", "blockchain"
    )
    escaped = other.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    html = html.replace(script, f'<script>self.__next_f.push([1,"{escaped}"])</script>')
    doc = scrapers.parse_html(html.encode(), "https://www.ironhack.com/us/en/blog/cloud-computing-trends")
    assert scrapers.extract(doc).embeds == ()


def test_component_props_with_escaped_slashes_name_their_video() -> None:
    props = (
        '{"loadVideoAfterClick":"loadAfter","embedURL":"https:\\/\\/www.youtube-nocookie.com\\/embed\\/'
        'v3Gae_dFho4","title":""}'
    )
    player = f"<div class='acris-product-video' data-acris-product-video-options='{props}'></div>"
    html = f"<html><body><article><h1>Cake</h1>{PROSE}{player}{PROSE}</article></body></html>"
    assert list(_embeds(html)) == ["youtube:v3Gae_dFho4"]
