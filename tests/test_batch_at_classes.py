"""What batch at's first measurements showed, as classes (a second set of blind pages web-science students
saved in 2016 to 2018: sports and news sites, product and community pages).

- An infinite scroll stacks the next stories in full after the page's own, each an ``<article>`` naming
  its page by a permalink, the ``rel="bookmark"`` link WordPress themes write in each byline (HTML's
  permalink of the nearest article). The stacked-stories rule read only attributes naming each story's
  page (``data-url``, ``itemid``); the permalink names it as well, and the next stories' tweets were logged
  as the page's.
- A page quoting a post in full and crediting it on the line after the quotation ("<blockquote>…
  </blockquote><span>— <a href=…/status/…>@user</a></span>", as a product page's wall of tweets writes
  it, and as a platform's embed code writes its fallback inside the quote) cites that post: on a page that
  marks no body the credit line was read as a link outside running text.
- A paywall's wrapper (``div#subscription-content``) around all but the first paragraphs of a story, when
  it is itself the element holding most of the prose, is the story, as it is when a wrapper inside the
  body holds them: its players were dropped as page chrome.
- Facebook's tab addresses of a page ("/<page>/timeline", "/<page>/about/") name the page, as the tab's
  query ("?sk=info") does: a caption's "via Facebook" credit linking a food bank's timeline was no account.
"""

from __future__ import annotations

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from tests.stories import PROSE, extracted, logged, story

PAGE = "https://sports.example/patriots/to-do-list-cyrus-jones"
NEXT = "https://sports.example/patriots/bennett-to-critics"
TWEET = "https://twitter.com/MartysaurusRex/status/834520421873639436"
OWN_TWEET = "https://twitter.com/tomecurran/status/422264215530139648"


def stream(permalink: bool = True, url: str = PAGE) -> str:
    """A story and the next one an infinite scroll appended, each an <article> with a byline permalink."""

    def article(number: int, address: str, inner: str) -> str:
        mark = ' rel="bookmark"' if permalink else ""
        return (
            f'<article id="post-{number}" class="article-module"><header><h1 class="entry-title">'
            f'Story {number}</h1><span class="posted-on"><a href="{address}"{mark} class="post-permalink">'
            f'February 22</a></span></header><div class="entry-content">{PROSE}{inner}{PROSE}{PROSE}'
            "</div></article>"
        )

    return (
        f'<html><head><link rel="canonical" href="{url}"></head><body><div id="stream">'
        + article(1, PAGE, f'<p>As <a href="{OWN_TWEET}">he wrote</a> then, it is a puzzle.</p>')
        + article(
            2,
            NEXT,
            f'<blockquote class="twitter-tweet"><p>Take a paycut</p><a href="{TWEET}">Feb 22'
            "</a></blockquote>",
        )
        + "</div></body></html>"
    )


def test_the_next_story_an_infinite_scroll_stacks_is_not_the_pages() -> None:
    assert logged(stream(), PAGE) == {"twitter:422264215530139648": "link"}


def test_explain_says_the_next_storys_tweet_is_that_storys() -> None:
    doc = scrapers.parse_html(stream().encode(), PAGE)
    tweet = "twitter:834520421873639436"
    sightings = [c for c in explain(doc) if c.post_id == tweet and c.zone == "boilerplate"]
    assert sightings and {c.decision for c in sightings} == {"dropped"}
    assert all("stacks after its own" in c.reason for c in sightings)


def test_stories_naming_no_page_all_count() -> None:
    # Guard: without permalinks nothing says which story is the page's.
    assert set(logged(stream(permalink=False), PAGE)) == {
        "twitter:422264215530139648",
        "twitter:834520421873639436",
    }


def test_a_home_pages_stories_all_count() -> None:
    # Guard: a blog's home page lists full posts, each with its permalink; none is the page, so all count.
    home = "https://sports.example/"
    assert set(logged(stream(url=home), home)) == {
        "twitter:422264215530139648",
        "twitter:834520421873639436",
    }


STATUS = "https://twitter.com/scokmen/statuses/475145281412288512"


def wall(credit: str) -> str:
    """A product page marking no body: a headline, a pitch, and a grid of quoted tweets."""
    cell = (
        '<div class="col-sm-4"><img src="https://pbs.twimg.com/profile_images/1/a_normal.jpeg">'
        '<blockquote>You saved my day <a href="https://twitter.com/formvalidation">@formvalidation</a>'
        f"</blockquote>{credit}</div>"
    )
    return (
        '<html><body><div class="jumbotron"><h1>FormValidation</h1><p>The best jQuery plugin to validate '
        "form fields, designed to use with Bootstrap, Foundation and other frameworks.</p></div>"
        f'<section id="testimonials"><h2>What people say</h2><div class="row">{cell}</div></section>'
        "</body></html>"
    )


def test_a_quotation_credited_to_its_post_cites_the_post() -> None:
    credit = f'<span>&mdash; <a href="{STATUS}">@scokmen</a></span>'
    assert logged(wall(credit)) == {"twitter:475145281412288512": "link"}


def test_a_link_to_a_post_beside_a_quotation_without_a_dash_is_no_credit() -> None:
    # Guard: the line after the quote must read as its attribution ("— @user"), not as any line of links.
    credit = f'<span><a href="{STATUS}">Read more reviews</a> and <a href="/pricing">see pricing</a></span>'
    assert logged(wall(credit)) == {}


VIDEO = "https://www.youtube.com/embed/jsCR05oKROA"


def paywalled(wrapper: str) -> str:
    """A story whose paragraphs after the third stand in a paywall's wrapper holding a player."""
    return (
        '<html><body><main><h1>Fan fury at ticket touts</h1><div class="article-body"><div>'
        + PROSE * 3
        + f'<div id="{wrapper}">'
        + PROSE * 3
        + f'<iframe src="{VIDEO}"></iframe>'
        + PROSE * 5
        + "</div></div></div></main>"
        + '<div class="comments"><p>'
        + "A reader writes at length about the story. " * 2
        + "</p></div>"
        + "</body></html>"
    )


def test_a_paywall_wrapper_holding_most_of_the_prose_is_the_story() -> None:
    assert logged(paywalled("subscription-content")) == {"youtube:jsCR05oKROA": "iframe"}


def test_another_chrome_wrapper_holding_the_prose_stays_chrome() -> None:
    # Guard: only paywall words are read as a feature of the story; a share bar's do not (here its player).
    assert logged(paywalled("related-videos")) == {}


def test_a_caption_crediting_a_facebook_pages_timeline_cites_the_page() -> None:
    # Facebook's tab addresses ("/<page>/timeline", "/<page>/about/") name the page, as its "?sk=" tabs do.
    caption = (
        '<div class="wp-caption"><img src="/food-bank.jpeg" alt="via"><p class="wp-caption-text">The food '
        'bank (via <a href="https://www.facebook.com/Five-Loaves-Two-Fishes-Food-Bank-Inc-197710816926253/'
        'timeline">Facebook</a>)</p></div>'
    )
    extraction = extracted(story(caption))
    assert [account.id for account in extraction.accounts] == [
        "facebook:five-loaves-two-fishes-food-bank-inc-197710816926253"
    ]
