"""What batch x's first measurements and the audit of unlabelled pages showed, as classes.

The audit ran the extractor over the 1,800 unlabelled pages of the WCXB benchmark (pages no helper took:
other pages of labelled sites, product, service and forum pages, home pages) and read every post it logged.
Ars Technica's home page gave a "tweet" whose id was a WordPress post's: a story card
``<article data-id="2143762" class="post-2143762 … tag-elon-musk-twitter tag-twitter">``. The card's
classes are WordPress's ``post_class()``: taxonomy entries name the story's topics, not a player, so a
platform's name among them does not make the card an embed."""

from __future__ import annotations

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from tests.stories import PROSE, logged, story


def test_a_story_cards_topic_tags_do_not_name_a_player() -> None:
    card = (
        "<article id='card-2143762' data-id='2143762' class='relative card-grid-square post-2143762 post "
        "type-post status-publish format-standard hentry category-tech-policy tag-elon-musk-twitter "
        "tag-twitter'><h3><a href='/tech-policy/2024/story/'>Musk sued</a></h3></article>"
    )
    assert logged(story(card)) == {}


def test_a_players_own_class_words_still_name_it() -> None:
    player = "<div class='twitter-embed' data-id='1807756970734113149'></div>"
    assert logged(story(player)) == {"twitter:1807756970734113149": "placeholder"}
    # A post_class list that also names a player outside its taxonomy entries keeps it.
    card = "<div class='post hentry tag-news youtube-player' data-id='dQw4w9WgXcQ'></div>"
    assert logged(story(card)) == {"youtube:dQw4w9WgXcQ": "placeholder"}


def _elementor_column(*widgets: tuple[str, str, str]) -> str:
    inner = "".join(
        f"<div class='elementor-element elementor-widget elementor-widget-{kind}' data-settings='{settings}'>"
        f"<div class='elementor-widget-container'>{content}</div></div>"
        for kind, content, settings in widgets
    )
    return (
        "<div class='elementor-column elementor-col-50 elementor-element'><div class='elementor-widget-wrap "
        f"elementor-element-populated'>{inner}</div></div>"
    )


VIDEO_WIDGET = (
    "video",
    "<div class='elementor-video'></div>",
    '{"youtube_url":"https:\\/\\/www.youtube.com\\/watch?v=tcei_3khiiw","video_type":"youtube"}',
)


def test_a_page_builders_video_widget_is_the_posts_when_the_post_marks_its_element() -> None:
    # Vegan Pratique's recipe (Elementor): the post's own element carries WordPress's post_class list. The
    # prose rule finds the densest widget (the instructions) as the body; the video widget above it in the
    # same column, outside that widget, is the recipe's too.
    column = _elementor_column(VIDEO_WIDGET, ("ucaddon_recipe_instructions", PROSE * 4, ""))
    post = (
        "<div class='elementor elementor-location-single post-10716 recette type-recette status-publish "
        f"hentry'><section class='elementor-section'><h1>Banana bread</h1>{column}</section></div>"
    )
    html = f"<html><body><header class='site-header'><a href='/'>Home</a></header>{post}</body></html>"
    assert logged(html) == {"youtube:tcei_3khiiw": "embed"}


def test_without_the_posts_element_a_builders_other_video_widget_stays_the_sites() -> None:
    # Lemonlight's promo videos: Elementor widgets on a page that marks no post element. (MyConsultingOffer's
    # sits inside its post's own Elementor document, which is the body: test_batch_ad_classes.)
    column = _elementor_column(VIDEO_WIDGET, ("text-editor", PROSE * 4, ""))
    page = (
        f"<div class='elementor elementor-location-single'><section><h1>Pricing</h1>{column}</section></div>"
    )
    assert logged(f"<html><body>{page}</body></html>") == {}


def _story(inner: str) -> str:
    return f"<main><article><h1>Boeuf</h1>{inner}</article></main>"


def _video_object(video_id: str, name: str) -> str:
    return (
        '<script type=\'application/ld+json\'>{"@context":"https://schema.org","@type":"VideoObject",'
        f'"name":"{name}","embedUrl":"https://www.youtube.com/embed/{video_id}?iv_load_policy=3"}}</script>'
    )


def _technique(title: str) -> str:
    return (
        "<div class='Video_main_container'><div class='VideoThumbnail_container'><img src='/chef.png' alt=''>"
        f"<p>{title}</p></div></div>"
    )


def test_a_pages_listed_video_objects_are_its_bare_video_controls() -> None:
    # L'atelier des Chefs: each technique video of the recipe is a click-to-play box with no address; the
    # ids are only in one JSON-LD VideoObject per video, in the same order.
    head = _video_object("-M66tV_lF3I", "Ciseler des oignons") + _video_object("1GyYascUpDQ", "Saisir")
    body = f"<h2>Les techniques</h2>{_technique('Ciseler')}{_technique('Saisir')}"
    html = f"<html><head>{head}</head><body>{_story(PROSE + body + PROSE)}</body></html>"
    assert logged(html) == {"youtube:-M66tV_lF3I": "placeholder", "youtube:1GyYascUpDQ": "placeholder"}


def test_a_single_video_object_of_its_own_is_a_site_wide_players() -> None:
    # National World declares its filler programme on every story, beside one generic player slot.
    head = _video_object("x8pfa0lxxxx", "The Full English, episode 93").replace(
        "https://www.youtube.com/embed/x8pfa0lxxxx", "https://www.dailymotion.com/embed/video/x8pfa0l"
    )
    body = "<div class='video-player'></div>"
    html = f"<html><head>{head}</head><body>{_story(body + PROSE)}</body></html>"
    assert logged(html) == {}


def test_a_play_buttons_video_attribute_holding_a_url_is_read_as_one() -> None:
    # Continente's recipe header: <button class="btn-play openModalButton" data-video="https://www.youtube.com/
    # embed/…"> over the hero picture opens a modal that a script fills with the player.
    button = (
        "<button class='btn-play--red openModalButton' data-video='https://www.youtube.com/embed/IrcBsAS8a4o'"
        " data-modal='videoModal148483'>Play</button>"
    )
    assert logged(story(button)) == {"youtube:IrcBsAS8a4o": "placeholder"}


def _modal(ident: str) -> str:
    return (
        f"<div id='{ident}' class='iziModal mdl-modal mdl-modal-video'><div class='iziModal-content'>"
        "<iframe id='donate-video' src='https://www.youtube.com/embed/Dg6STNnsGDI?enablejsapi=1'></iframe>"
        "</div></div>"
    )


def test_a_modal_only_a_banner_opens_is_not_the_articles() -> None:
    # The Media Line: the donation call-to-action's video, written inside the content column after the story.
    banner = (
        "<div class='donate-banner'><p>Invest in trusted news.</p>"
        "<a href='#mdl-donate-modal'>Donate. Click video to see</a></div>"
    )
    html = (
        "<html><body><div id='primary' class='main-content'><article><h1>Vote</h1>"
        f"{PROSE}{PROSE}</article>{banner}{_modal('mdl-donate-modal')}</div></body></html>"
    )
    assert logged(html) == {}
    doc = scrapers.parse_html(html.encode(), "https://news.example/2024/story/")
    (video,) = [c for c in explain(doc) if c.post_id == "youtube:Dg6STNnsGDI"]
    assert video.decision == "dropped" and "pop-up dialog" in video.reason


def test_a_modal_the_story_opens_is_the_storys() -> None:
    opener = "<p><a href='#clip-modal'>Watch the clip</a> of the walkout.</p>"
    html = (
        "<html><body><div id='primary' class='main-content'><article><h1>Vote</h1>"
        f"{PROSE}{opener}{PROSE}</article>{_modal('clip-modal')}</div></body></html>"
    )
    assert logged(html) == {"youtube:Dg6STNnsGDI": "iframe"}


def test_a_platform_named_account_widget_is_beside_the_text() -> None:
    # The audit of unlabelled Dragnet pages: SB Nation's "SB Nation on YouTube" pane in its right column,
    # div.pane.youtube_channel holding the channel's latest video as a player.
    pane = (
        "<div id='right_column' class='col-side right-col'><div class='pane youtube_channel'>"
        "<h3>On YouTube</h3><iframe class='yt-player' src='http://www.youtube.com/embed/MSTSh5HUK7w'></iframe></div></div>"
    )
    html = (
        "<html><body><div id='left_column'><div class='entry-body'><h1>Vote</h1>"
        f"{PROSE}{PROSE}</div></div>{pane}</body></html>"
    )
    assert logged(html) == {}


def test_a_player_set_up_in_a_paragraph_with_escaped_slashes_is_the_storys() -> None:
    # The audit of unlabelled Dragnet pages: Gawker's player, written only as JSON in a script's code inside
    # a paragraph of the post, every slash of its URL escaped.
    player = (
        '<p><!-- videoId: E4Qls1rAfYs --><script type=\'text/javascript\'>newVideoPlayer({"type":"video",'
        '"player":"http:\\/\\/www.youtube.com\\/v\\/E4Qls1rAfYs&hl=en&fs=1","source":"youtube"});</script></p>'
    )
    assert logged(story(player)) == {"youtube:E4Qls1rAfYs": "script"}


def test_a_json_blob_in_the_body_with_escaped_slashes_is_still_data() -> None:
    # Pressure Luck Cooking's recipe card data (ld+json) and BuzzFeed's config: page data, not a player.
    blob = (
        "<div class='recipe-card'><script type='application/ld+json'>{\"description\":\"See the video here: "
        'https:\\/\\/youtu.be\\/HtHQGKgCETg"}</script></div>'
    )
    assert logged(story(blob)) == {}


def test_an_accounts_last_posts_beside_its_follow_link_are_its_feed() -> None:
    # queness.com's footer box (div.qfooter, one word): the blog's last two tweets above "Follow me".
    box = (
        "<div class='qfooter'><div class='twitter'><h3>Twitter</h3><ul id='twitter'>"
        "<li><a href='http://twitter.com/quenesswebblog/statuses/16217813958'>10 Awesome HTML5 demos</a>... "
        "<span>9 hours ago</span></li><li><a href='http://twitter.com/quenesswebblog/statuses/16137127653'>"
        "Best Resources for CSS3</a>... <span>1 day ago</span></li>"
        "<li><a href='http://www.twitter.com/quenesswebblog'>Follow me</a></li></ul></div></div>"
    )
    html = f"<html><body><div id='wrap'><h2>Demos</h2>{PROSE}{PROSE}{PROSE}</div>{box}</body></html>"
    assert logged(html) == {}
    doc = scrapers.parse_html(html.encode(), "https://news.example/2024/story/")
    reasons = {c.post_id: c.reason for c in explain(doc) if c.decision == "dropped"}
    assert "feed widget" in reasons["twitter:16217813958"]


def test_an_accounts_posts_the_text_cites_beside_its_profile_stay_cited() -> None:
    cited = (
        "<p>The mayor, <a href='https://twitter.com/mayor'>@mayor</a>, wrote first that the vote was off "
        "(<a href='https://twitter.com/mayor/status/1807756970734113149'>here</a>) and an hour later that it "
        "was on again (<a href='https://twitter.com/mayor/status/1807756048868024522'>here</a>).</p>"
    )
    assert set(logged(story(cited))) == {"twitter:1807756970734113149", "twitter:1807756048868024522"}


def _asset(classes: str) -> str:
    return (
        f"<div class='article-asset-video'><div class='{classes}'><script type='application/json'>"
        '{"videoId":"x8rlmx8","autoplay":false,"title":"Top 14 coches"}</script></div></div>'
    )


def test_a_placeholders_own_json_block_names_its_post() -> None:
    # Xataka (Webedia): the player's settings in a small JSON block in div.js-dailymotion, no URL anywhere.
    assert logged(story(_asset("js-dailymotion"))) == {"dailymotion:x8rlmx8": "placeholder"}


def test_a_json_block_under_no_platforms_name_names_nothing() -> None:
    assert logged(story(_asset("js-player"))) == {}


def test_an_elementor_entrance_animations_start_state_is_not_hidden() -> None:
    # theppk.com: the whole post column starts "elementor-invisible" until its fade-in runs as it scrolls in.
    column = (
        "<div class='elementor-column elementor-col-50 elementor-invisible'>"
        "<div class='elementor-widget-wrap'>"
        "<div class='elementor-widget elementor-widget-theme-post-content post-content'>"
        f"{PROSE}<p>Her post: <a href='https://www.instagram.com/p/C1abcDEFghi/'>on Instagram</a>.</p>{PROSE}"
        "</div></div></div>"
    )
    assert logged(f"<html><body><h1>Cupcakes</h1>{column}</body></html>") == {"instagram:C1abcDEFghi": "link"}
    # Webflow's conditional visibility still hides.
    hidden = column.replace("elementor-invisible", "w-condition-invisible")
    assert logged(f"<html><body><h1>Cupcakes</h1>{hidden}</body></html>") == {}


def test_readers_comments_do_not_outweigh_the_recipe_in_the_prose_share() -> None:
    # rutgerbakt.nl: the recipe's section is named "content-desktop-sidebar" (weak chrome) and its readers'
    # comments hold more prose than the recipe: the recipe's section is still the page's body.
    comment = (
        "<div class='cd-com-comments__item'><div class='cd-com-comments__message'><p>"
        + "Heerlijk recept, ik heb hem gisteren gemaakt en iedereen was er dol op, dank je wel! " * 3
        + "</p></div></div>"
    )
    recipe = (
        f"<section class='rack-lay-grid__content content-desktop-sidebar'><h1>Arretjescake</h1>{PROSE}"
        "<p>Watch <a href='https://www.youtube.com/watch?v=dQw4w9WgXcQ'>the video</a> first.</p>"
        f"{PROSE * 3}</section>"
    )
    html = f"<html><body>{recipe}<div class='cd-com-comments'>{comment * 12}</div></body></html>"
    assert logged(html) == {"youtube:dQw4w9WgXcQ": "link"}


def test_a_bare_wrapper_around_one_paragraph_in_a_text_widget_stands_where_the_paragraph_would() -> None:
    # IEEE Spectrum's in-story box (div.rebellt-item.ieee-sidebar-left, weak chrome by its words, within the
    # body's text): a bare URL in a paragraph an editor wrapped in a <div> of its own.
    box = (
        f"<div class='rebellt-item ieee-sidebar-left col1'>{PROSE}"
        "<div><p>Posted on Instagram: https://www.instagram.com/p/C1abcDEFghi/</p></div>"
        f"{PROSE}{PROSE}</div>"
    )
    assert logged(story(box)) == {"instagram:C1abcDEFghi": "link"}
