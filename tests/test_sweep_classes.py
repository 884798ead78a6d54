"""Classes found by reading what ``explain`` decided on 9,000 unlabelled saved pages (the placement pools':
every embed-shaped candidate dropped, every post logged from an element named like chrome), with no labels,
so only decisions a reader can check on the page itself: each test fails on the code before its rule, except
those marked as guards."""

from __future__ import annotations

from tests.stories import PROSE, logged

TWEET = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Filming starts today</p>&mdash; Anna (@anna) '
    '<a href="https://twitter.com/anna/status/1714567890123456789">May 1, 2024</a></blockquote>'
)
PLACEHOLDER = '<div class="youtube-player" data-id="kbO1loS1o44"></div>'


def grid(text: str, side: str, side_name: str = "large-3 medium-3 small-12 sidebar sidebar-interno") -> str:
    """O Tempo's story page (2019): the article holds a grid of two columns, the text's ("conteudo-texto")
    and a sidebar whose boxes include the site's own TV channel, a YouTube placeholder a script fills in."""
    return (
        '<html><body><div class="conteudo artigo"><article><h1>Benjamin Moser fala sobre a autora</h1>'
        f'<div class="grid-x grid-padding-x conteudo-artigo"><div class="large-9 conteudo-texto">{text}</div>'
        f'<div class="{side_name}"><div class="slot-item"><div class="elemento-video box">'
        f'<h3><a href="/tempo-tv/">Tempo TV</a></h3><div class="cell video">{side}</div>'
        '<span class="titulo-video"><a href="/tempo-tv/1.2265405">Conheça a rua Bacuraus de BH</a></span>'
        "</div></div></div></div></article></div></body></html>"
    )


def test_a_placeholder_in_a_sidebar_column_beside_the_text_column_is_the_sites() -> None:
    assert logged(grid(f"{PROSE}{PROSE}", PLACEHOLDER)) == {}


def test_a_placeholder_in_the_text_column_is_the_articles() -> None:
    # Guard: the same placeholder between the text's paragraphs.
    assert logged(grid(f"{PROSE}{PLACEHOLDER}{PROSE}", "")) == {"youtube:kbO1loS1o44": "placeholder"}


def test_a_post_s_own_embed_in_the_sidebar_column_still_counts() -> None:
    # Guard: a recognised embed counts wherever it sits outside strong chrome; only players and links go.
    assert logged(grid(f"{PROSE}{PROSE}", TWEET)) == {"twitter:1714567890123456789": "blockquote"}


def test_a_column_named_rail_that_holds_the_text_is_not_beside_it() -> None:
    # Guard: Us Weekly's "content-rail" holds the lead video and the text's column; what stands beside it is
    # the site's right rail, not the text.
    html = (
        '<html><body><article><h1>SNL mocks the ad</h1><div class="grid content">'
        f'<section class="content-rail"><div class="lead">{PLACEHOLDER}</div>'
        f'<div class="content-column">{PROSE}{PROSE}</div></section>'
        '<section class="right-rail"><p>Most read</p></section></div></article></body></html>'
    )
    assert logged(html) == {"youtube:kbO1loS1o44": "placeholder"}


def test_a_box_named_sidebar_in_the_text_column_is_the_articles() -> None:
    # Guard: a box the story calls a sidebar, standing between its paragraphs, is the text's own.
    box = f'<div class="story-sidebar">{PLACEHOLDER}</div>'
    assert logged(grid(f"{PROSE}{box}{PROSE}", "")) == {"youtube:kbO1loS1o44": "placeholder"}
