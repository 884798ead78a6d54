"""What batch x's first measurements and the audit of unlabelled pages showed, as classes.

The audit ran the extractor over the 1,800 unlabelled pages of the WCXB benchmark (pages no helper took:
other pages of labelled sites, product, service and forum pages, home pages) and read every post it logged.
Ars Technica's home page gave a "tweet" whose id was a WordPress post's: a story card
``<article data-id="2143762" class="post-2143762 … tag-elon-musk-twitter tag-twitter">``. The card's
classes are WordPress's ``post_class()``: taxonomy entries name the story's topics, not a player, so a
platform's name among them does not make the card an embed."""

from __future__ import annotations

from embedtrail import scrapers

PROSE = (
    "<p>" + "The council met on Monday and the opposition walked out before the vote was taken. " * 2 + "</p>"
)


def _embeds(html: str) -> dict[str, str]:
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), "https://news.example/2024/story/"))
    return {embed.post_id: embed.method for embed in extraction.embeds}


def _page(inner: str) -> str:
    return f"<html><body><main><article><h1>Vote</h1>{PROSE}{inner}{PROSE}</article></main></body></html>"


def test_a_story_cards_topic_tags_do_not_name_a_player() -> None:
    card = (
        "<article id='card-2143762' data-id='2143762' class='relative card-grid-square post-2143762 post "
        "type-post status-publish format-standard hentry category-tech-policy tag-elon-musk-twitter "
        "tag-twitter'><h3><a href='/tech-policy/2024/story/'>Musk sued</a></h3></article>"
    )
    assert _embeds(_page(card)) == {}


def test_a_players_own_class_words_still_name_it() -> None:
    player = "<div class='twitter-embed' data-id='1807756970734113149'></div>"
    assert _embeds(_page(player)) == {"twitter:1807756970734113149": "placeholder"}
    # A post_class list that also names a player outside its taxonomy entries keeps it.
    card = "<div class='post hentry tag-news youtube-player' data-id='dQw4w9WgXcQ'></div>"
    assert _embeds(_page(card)) == {"youtube:dQw4w9WgXcQ": "placeholder"}
