"""What batch ad's first measurements showed, as classes (61 blind pages of 2025 company blogs and guides).

- A post laid out with Elementor, the most common WordPress page builder, splits its story over many
  sections of "widgets": every block's class says ``elementor-widget``, so the whole story read as a
  sidebar, and no element held most of its prose for the prose rule (Gather and Go Travel's video widgets
  and inline link, nOps's cited testimonial video). Elementor marks the post's own content as one
  document, ``data-elementor-type="wp-post"``: that is the article body.
- A "Latest" grid after the post mixes the site's stories with its own videos, each card a picture, a
  date, a heading and an arrow linking the video (avad3): a rail of the site's videos, measured per card,
  with the heading links deeper in each card than a rail is looked for."""

from __future__ import annotations

from tests.stories import PROSE, logged, story

VIDEO_SETTINGS = '{"youtube_url":"https:\\/\\/youtu.be\\/pcfcTW0uUM4","video_type":"youtube"}'


def _widget(kind: str, content: str, settings: str = "") -> str:
    return (
        f"<div class='elementor-element elementor-widget elementor-widget-{kind}' data-settings='{settings}'>"
        f"<div class='elementor-widget-container'>{content}</div></div>"
    )


def _section(*widgets: str) -> str:
    return (
        "<section class='elementor-section elementor-top-section'><div class='elementor-container'>"
        "<div class='elementor-column elementor-col-50'><div class='elementor-widget-wrap "
        f"elementor-element-populated'>{''.join(widgets)}</div></div></div></section>"
    )


def _document(kind: str, *sections: str) -> str:
    opening = f"<div data-elementor-type='{kind}' data-elementor-id='8572' class='elementor'>"
    return opening + "".join(sections) + "</div>"


# Each tip a section of its own: a heading widget and a text widget of two paragraphs.
TIPS = "".join(
    _section(_widget("heading", f"<h2>Tip {n}</h2>"), _widget("text-editor", PROSE * 2)) for n in (1, 2)
)
LINK = _widget("text-editor", "<p>Where to stay: <a href='https://youtu.be/vXg6p02GSV4'>this button</a>.</p>")
VIDEO = _widget("video", "<div class='elementor-wrapper'></div>", VIDEO_SETTINGS)


def _page(post: str, sidebar: str = "") -> str:
    return (
        "<html><head><title>Rental Cars: 15 Tips</title></head><body>"
        "<header class='site-header'><a href='/'>Home</a></header>"
        f"{_document('header', _section(_widget('nav-menu', '<a href=/about>About</a>')))}"
        f"{_section(_widget('heading', '<h1>Rental Cars: 15 Tips</h1>'))}{post}{sidebar}</body></html>"
    )


def test_an_elementor_posts_own_document_is_the_article_body() -> None:
    post = _document("wp-post", TIPS, _section(LINK, VIDEO), TIPS)
    assert logged(_page(post)) == {"youtube:vXg6p02GSV4": "link", "youtube:pcfcTW0uUM4": "embed"}


def test_the_same_widgets_without_the_posts_document_read_as_before() -> None:
    # No document marks the post (a template, or two posts' documents on one page): nothing is known, and
    # the builder's widget words say sidebar as they did.
    assert logged(_page(_document("section", TIPS, _section(LINK, VIDEO), TIPS))) == {}
    two = _document("wp-post", TIPS, _section(LINK, VIDEO)) + _document("wp-post", TIPS)
    assert logged(_page(two)) == {}


def test_a_posts_document_in_strong_chrome_stays_there() -> None:
    # An excerpt of another post, rendered in the site footer with its builder document, is not the article.
    footer = (
        "<footer class='site-footer'>" + _document("wp-post", TIPS, _section(LINK, VIDEO), TIPS) + "</footer>"
    )
    assert logged(_page("", footer)) == {}


def test_a_widget_beside_the_post_stays_the_sites() -> None:
    sidebar = _document("section", _section(VIDEO))
    assert logged(_page(_document("wp-post", TIPS, TIPS), sidebar)) == {}


def test_a_widget_whose_own_words_name_chrome_stays_chrome_inside_the_post() -> None:
    sidebar = (
        "<div class='elementor-element elementor-widget elementor-widget-sidebar'>"
        f"<div class='elementor-widget-container'>{VIDEO}</div></div>"
    )
    assert logged(_page(_document("wp-post", TIPS, _section(sidebar), TIPS))) == {}


def _card(n: int, href: str, kind: str) -> str:
    return (
        f"<article class='et_pb_post {kind}'><div class='post-meta'><a href='/resources?filter={kind}'>"
        f"{kind.title()}</a></div><div class='image-container'><a href='{href}'><img src='/t{n}.jpg'></a>"
        f"</div><span class='post-date'>12.0{n}.2025</span><div class='article-info-container'>"
        f"<div class='article-info'><div class='title-container'><h4 class='entry-title'><a href='{href}'>"
        f"Card title number {n}</a></h4>"
        f"</div></div><div class='right-arrow'><a href='{href}'>&rarr;</a></div></div></article>"
    )


VIDEOS = ("KaQbbOq-ndc", "4Twk0qQ-1kY", "tnO03UEXen0")


def _grid() -> str:
    cards = [_card(n, f"/story-{n}/", "post") for n in range(1, 7)]
    cards[1:1] = [
        _card(7 + i, f"https://www.youtube.com/watch?v={v}", "videos") for i, v in enumerate(VIDEOS)
    ]
    return (
        f"<div class='post-template-grid'><div class='custom-posts grid-layout'>{''.join(cards)}</div></div>"
    )


def test_a_grid_of_the_sites_stories_and_videos_after_the_post_is_a_rail() -> None:
    assert logged(story("", after=_grid())) == {}


def test_the_same_videos_linked_in_the_story_are_the_storys() -> None:
    links = "".join(
        f"<p>Watch <a href='https://www.youtube.com/watch?v={v}'>our talk</a> again.</p>" for v in VIDEOS
    )
    assert logged(story(links, after=_grid())) == {f"youtube:{v}": "link" for v in VIDEOS}
