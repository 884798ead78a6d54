"""Classes found by reading what ``explain`` decided on 9,000 unlabelled saved pages (the placement pools':
every embed-shaped candidate dropped, every post logged from an element named like chrome), with no labels,
so only decisions a reader can check on the page itself: each test fails on the code before its rule, except
those marked as guards."""

from __future__ import annotations

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from tests.stories import PROSE, URL, logged, story

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


def stream_item(handle: str, status: str, when: str) -> str:
    """One post of HuffPost's 2012 Twitter search module, as the server rendered it."""
    return (
        f'<div class="single_tweet"><td class="tweet_content"><a class="twitter-anywhere-user" '
        f'href="http://twitter.com/{handle}">{handle}</a> Usain Bolt wins 200m, first man to win '
        f'back-to-back sprint doubles <div class="twitt_status"><a href="http://twitter.com/{handle}/statuses/{status}">'
        f'{when}</a> from <span class="twitt_source"><a href="http://www.tweetdeck.com">TweetDeck</a></span>'
        "</div></td></div>"
    )


CITED = (
    '<p>He\'s also the <a href="https://twitter.com/cbcsports/status/233656103261573120">first man to twice '
    "sweep</a> the 100 and the 200, and he had been telling us all week that he would pull it off.</p>"
)


def huffpost(module: str) -> str:
    return (
        '<html><body><div id="news_content" class="grid two_thirds news_content_regular"><h1>Usain Bolt Wins '
        f'Gold</h1><div class="articleBody">{PROSE}{CITED}{PROSE}</div>'
        '<div id="twitter_module_wrapper"><form id="featured_twitter_form">'
        '<input type="text" value="usain bolt"/></form>'
        f'<div id="twitter_entries">{module}</div></div></div></body></html>'
    )


def test_a_live_search_module_of_posts_printing_their_age_is_not_cited() -> None:
    module = "".join(
        stream_item(handle, status, when)
        for handle, status, when in (
            ("nydailynews", "233659626497904640", "3 minutes ago"),
            ("BBCWorld", "233658041818550272", "about an hour ago"),
            ("globeandmail", "233658047359234048", "2 hours ago"),
        )
    )
    assert logged(huffpost(module)) == {"twitter:233656103261573120": "link"}


def test_a_stream_s_older_posts_printing_a_date_go_with_its_newer_ones() -> None:
    # The BBC's box of a correspondent's latest tweets: the newest print their age, the older their date, in
    # the same slot.
    module = "".join(
        f'<li class="sps-tweet"><p>{text}</p><div class="tweet_meta"><span class="tweet_time">'
        f'<a href="http://twitter.com/BBCDomC/status/{status}">{when}</a></span></div></li>'
        for text, status, when in (
            ("Why tomorrow's judgement is difficult", "267582263389212672", "6 Hours ago"),
            ("Shown to me by police", "266961835708776449", "Nov 9, 2012 5:53:56 PM"),
        )
    )
    assert logged(huffpost(f"<ul>{module}</ul>")) == {"twitter:233656103261573120": "link"}


def test_an_age_in_a_sentence_is_a_citation() -> None:
    # Guard: a sentence may cite a post by when it was written; the age is words of the sentence.
    for sentence in (
        'He tweeted <a href="https://twitter.com/cbcsports/status/233656103261573120">two days ago</a> that '
        "he would run the relay too.",
        '<a href="https://twitter.com/cbcsports/status/233656103261573120">3 days ago</a>, the federation '
        "wrote that the relay team would be named on Friday.",
    ):
        html = f"<html><body><article><h1>Bolt</h1>{PROSE}<p>{sentence}</p>{PROSE}</article></body></html>"
        assert logged(html) == {"twitter:233656103261573120": "link"}, sentence


def test_explain_says_a_stream_s_posts_are_its_timestamps() -> None:
    module = stream_item("nydailynews", "233659626497904640", "3 minutes ago")
    candidates = explain(scrapers.parse_html(huffpost(module).encode(), URL))
    stream = [c for c in candidates if c.post_id == "twitter:233659626497904640"]
    assert stream and all(c.decision == "dropped" and "live stream's timestamp" in c.reason for c in stream)


LISTED = (
    '<ul><li>The minister <a href="https://twitter.com/min/status/1714567890123456789">wrote on X</a> that '
    "the talks had failed and would not resume.</li></ul>"
)
CREDITED = (
    '<figure><img src="/a.jpg"><figcaption>The post before it was deleted (Twitter: <a href="https://twitter'
    '.com/carla/status/1914567890123456789">@carla</a>)</figcaption></figure>'
)


def marked(between: str, paragraph_class: str = "article-body__paragraph") -> str:
    """A page that marks its body paragraph by paragraph (IDG's 2008 ``p.storybody``), with ``between``
    standing between its second and third paragraphs."""
    paragraph = PROSE.replace("<p>", f'<p class="{paragraph_class}">')
    return (
        f'<html><body><div class="main-column"><h1>Vote</h1>{paragraph * 2}{between}{paragraph * 2}</div>'
        "</body></html>"
    )


def test_links_between_paragraphs_the_page_marks_one_by_one_are_the_body_s() -> None:
    # The paragraphs open the content zone by their own words; a list or a figure between them is not text
    # "outside the body the page marks".
    for paragraph_class in ("article-body__paragraph", "storybody"):
        assert logged(marked(LISTED + CREDITED, paragraph_class)) == {
            "twitter:1714567890123456789": "link",
            "twitter:1914567890123456789": "link",
        }, paragraph_class


def test_chrome_between_marked_paragraphs_stays_chrome() -> None:
    # Guard: a related-links box between the marked paragraphs keeps its own words.
    box = (
        '<div class="related-links"><h3>Related</h3><ul><li><a href="https://twitter.com/min/status/'
        '1714567890123456789">The minister on X</a></li></ul></div>'
    )
    assert logged(marked(box)) == {}


def endnotes(*notes: str) -> str:
    """The Institute for the Study of War's campaign assessment (December 2022): the text, then numbered
    endnotes, each linking the posts it cites."""
    listed = "".join(f'<p style="text-align: left;">[{n}] {note}</p>' for n, note in enumerate(notes, 1))
    return story(f"{PROSE}{PROSE}<p><strong>Endnotes</strong></p>{listed}")


def test_a_link_pasting_several_addresses_cites_each_of_them() -> None:
    pasted = (
        '<a href="https://t.me/grishkafilippov/11364; https://t.me/NeoficialniyBeZsonoV/20582 ; '
        'https://t.me/grey_zone/16231  ">https://t.me/grishkafilippov/11364; https://t.me/Neoficialniy</a>'
    )
    tweets = (
        '<a href="https://twitter.com/oryxspioenkop/status/1600151829555294208;https://twitter.com/'
        'Madmechanic911/status/1602427513992536065,">the two tweets</a>'
    )
    assert logged(endnotes(pasted, tweets)) == {
        "telegram:grishkafilippov/11364": "link",
        "telegram:neoficialniybezsonov/20582": "link",
        "telegram:grey_zone/16231": "link",
        "twitter:1600151829555294208": "link",
        "twitter:1602427513992536065": "link",
    }


def test_words_before_an_address_in_a_link_are_not_a_list_of_addresses() -> None:
    # Guard: a link whose query carries words and then an address (a translation or search link) is one
    # address, on a host no platform owns.
    link = '<a href="https://translate.example/?text=Read this; https://t.me/grey_zone/16231">Translate</a>'
    assert logged(endnotes(link)) == {}


def test_an_address_cut_short_for_display_is_not_a_post() -> None:
    # The link's text shows its address cut short; the id the cut text ends with ("/2", "pfbid029PGV2kn") is
    # a prefix of the real one, which the href holds.
    notes = (
        '<a href="https://t.me/NeoficialniyBeZsonoV/20582">https://t.me/NeoficialniyBeZsonoV/2...</a>',
        '<a href="https://www.facebook.com/GeneralStaff.ua/posts/pfbid029PGV2knRTJUyRyubs4xRQuaAKZDWh5NJNYFqB8'
        'qtNofCDjngbrWXt2EQTzuzFysAl">https://www.facebook.com/GeneralStaff.ua/posts/pfbid029PGV2knRTJUyRyu…</a>',
    )
    assert logged(endnotes(*notes)) == {
        "telegram:neoficialniybezsonov/20582": "link",
        "facebook:pfbid029PGV2knRTJUyRyubs4xRQuaAKZDWh5NJNYFqB8qtNofCDjngbrWXt2EQTzuzFysAl": "link",
    }


def test_a_written_out_address_ending_a_sentence_still_counts() -> None:
    # Guard: a full stop after an address written out in the text is punctuation, not a cut.
    assert logged(story(f"{PROSE}<p>The channel posted it at https://t.me/grey_zone/16231.</p>{PROSE}")) == {
        "telegram:grey_zone/16231": "link"
    }


def notes_page(marked: str) -> str:
    """An IndieWeb home page (Aaron Parecki's, 2022): a list of notes, each with its text and a meta line
    linking the note's own copy on Twitter."""
    note = (
        '<li class="h-entry post"><div class="post-text e-content"><p>Duolingo makes up sentences that make '
        "no sense, but even this one could not have come up without the pandemic.</p></div>"
        '<div class="metaline"><a class="u-url" href="/2022/02/02/1/">Feb 2, 2022</a> '
        f'<span class="syndications"><a href="https://twitter.com/aaronpk/status/1489111322558009347"{marked}>'
        "Twitter</a></span></div></li>"
    )
    return f'<html><body><div class="post-list"><ul>{note}</ul></div></body></html>'


def test_a_link_to_the_page_s_own_copy_on_a_platform_is_not_a_citation() -> None:
    for marked in (' class="u-syndication syndication"', ' rel="syndication"', ' rel="nofollow Syndication"'):
        assert logged(notes_page(marked), "https://aaronparecki.com/") == {}, marked


def test_the_same_link_unmarked_still_counts() -> None:
    # Guard: without the mark, a link under a note is read as any link is.
    assert logged(notes_page(""), "https://aaronparecki.com/") == {"twitter:1489111322558009347": "link"}


def test_explain_names_the_syndication_mark() -> None:
    doc = scrapers.parse_html(notes_page(' class="u-syndication"').encode(), "https://aaronparecki.com/")
    (candidate,) = [c for c in explain(doc) if c.kind != "account"]
    assert candidate.decision == "dropped"
    assert "u-syndication" in candidate.reason


def test_a_pasted_tweet_whose_page_was_encoded_twice_is_still_a_tweet() -> None:
    # FEMA's Hurricane Maria page (2017): a Drupal filter stripped the blockquotes' twitter-tweet class, and
    # the page was saved with its UTF-8 read as Latin-1, so the footer's dash reads "â\x80\x94". Decoded back,
    # the footer names the author as any pasted tweet's does.
    quote = (
        '<blockquote><p dir="ltr">Soldiers deliver food &amp; water to residents isolated by '
        '<a href="https://twitter.com/hashtag/HurricaneMaria">#HurricaneMaria</a> damage.</p>— U.S. Army '
        'North (@USArmyNorth) <a href="https://twitter.com/USArmyNorth/status/915574981676851200">'
        "October 4, 2017</a>"
        "</blockquote>"
    )
    page = f"<html><body><article>{PROSE}<p>Español</p>{quote}</article></body></html>"
    body = page.encode("utf-8").decode("latin-1").encode("utf-8")
    extraction = scrapers.extract(scrapers.parse_html(body, URL))
    (embed,) = extraction.embeds
    assert (embed.post_id, embed.method) == ("twitter:915574981676851200", "blockquote")
    (post,) = extraction.posts
    assert (post.author_name, post.author_handle) == ("U.S. Army North", "USArmyNorth")


def card(stamp: str = "05:55 PM - 07 Jun 2019", profile: str = "ssamcham", time: str = "time") -> str:
    """BuzzFeed News (2019): a tweet rendered as BuzzFeed's own card, with no footer line; the post's link is
    its timestamp."""
    return (
        '<div class="subbuzz subbuzz-tweet"><blockquote class="subbuzz-tweet__container">'
        '<div class="subbuzz-tweet__byline"><div class="subbuzz-tweet__author">'
        f'<a class="subbuzz-tweet__display-name" href="https://twitter.com/{profile}">'
        "Sasha Samberg-Champion</a>"
        f'<a class="subbuzz-tweet__username" href="https://twitter.com/{profile}">@{profile}</a></div></div>'
        '<p class="subbuzz-tweet__text">I look forward to the news reporting on this.</p>'
        f'<{time} class="subbuzz-tweet__timestamp"><a class="subbuzz-tweet__created-at" '
        f'href="https://twitter.com/ssamcham/status/1137055406268866560">{stamp}</a></{time}>'
        '<div class="subbuzz-tweet__meta"><a href="https://twitter.com/intent/tweet?in_reply_to=1137055406268866560">'
        "Reply</a></div></blockquote></div>"
    )


def test_a_tweet_a_publisher_rendered_as_its_own_card_is_the_post_shown() -> None:
    # The timestamp in a <time>, or a date in any element.
    for time in ("time", "span"):
        html = story(f"{PROSE}{card(time=time)}{PROSE}")
        extraction = scrapers.extract(scrapers.parse_html(html.encode(), URL))
        assert {e.post_id: e.method for e in extraction.embeds} == {
            "twitter:1137055406268866560": "blockquote"
        }
        (post,) = extraction.posts
        assert (post.author_name, post.author_handle) == ("Sasha Samberg-Champion", "ssamcham")
        assert post.text == "I look forward to the news reporting on this."


def test_a_quote_linking_a_post_on_words_or_without_its_author_stays_a_link() -> None:
    # Guards: the post's link on words ("she wrote", outside a <time>) is a citation in the quote; a date link
    # with no link to the same account is a quote that links a post, not a card showing it.
    for markup in (card(stamp="she wrote", time="span"), card(profile="someoneelse")):
        html = story(f"{PROSE}{markup}{PROSE}")
        assert logged(html) == {"twitter:1137055406268866560": "link"}, markup


def pie(status: str = "89637329731461121", title: str = "Sat Jul 09 10:09:39 +0000 2011") -> str:
    """Blackbird Pie's card (2010-2012): the text, the status linked on its age, the author."""
    return (
        "<style type='text/css'>.bbpBox89637329731461121 {background:#C0DEED;padding:20px;}</style>"
        "<div class='bbpBox89637329731461121'><p class='bbpTweet'>Gitalist - a modern git web viewer "
        "<a href='http://j.mp/pJEQtN' rel='nofollow'>http://j.mp/pJEQtN</a><span class='timestamp'>"
        f"<a title='{title}' href='https://twitter.com/joelmoss/status/{status}'>less than a minute ago</a> "
        "via <a href='http://reederapp.com'>Reeder</a> "
        f"<a href='http://twitter.com/intent/favorite?tweet_id={status}'>Favorite</a></span>"
        "<span class='metadata'><span class='author'><a href='http://twitter.com/joelmoss'>"
        "<img src='http://a0.twimg.com/p.jpg' /></a><strong>"
        "<a href='http://twitter.com/joelmoss'>Joel Moss</a></strong><br/>joelmoss</span></span></p></div>"
        "<!-- end of tweet -->"
    )


def test_a_blackbird_pie_card_is_the_tweet_it_shows() -> None:
    # legalnomads-s1 (the WordPress plugin's later card) and blogs of 2010-2012: logged as links before.
    html = story(f"{PROSE}{pie()}{PROSE}")
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), URL))
    assert {e.post_id: e.method for e in extraction.embeds} == {"twitter:89637329731461121": "blockquote"}
    (post,) = extraction.posts
    assert (post.author_name, post.author_handle) == ("Joel Moss", "joelmoss")
    assert post.text == "Gitalist - a modern git web viewer http://j.mp/pJEQtN"
    assert post.posted_at_source == "snowflake"


def test_a_blackbird_pie_card_older_than_snowflake_ids_is_dated_from_its_title() -> None:
    html = story(f"{PROSE}{pie(status='13385388968', title='Tue May 04 21:29:25 +0000 2010')}{PROSE}")
    (post,) = scrapers.extract(scrapers.parse_html(html.encode(), URL)).posts
    assert (post.id, post.posted_at, post.posted_at_source) == (
        "twitter:13385388968",
        "2010-05-04T21:29:25Z",
        "embed_footer",
    )


def test_the_wordpress_plugins_later_pie_card_is_the_tweet_too() -> None:
    card = (
        "<div id='bbpBox_238834269378711553' class='bbpBox'><div><span>@<a "
        "href='http://twitter.com/intent/user?screen_name=legalnomads'>legalnomads</a> Serendipity works in "
        "our favor :)</span><div class='bbp-actions'><img src='bird.png' /><a title='tweeted on August 23, "
        "2012 10:05 pm' href='http://twitter.com/#!/realscottmcleod/status/238834269378711553'>August 23, "
        "2012 10:05 pm</a> via web<a href='https://twitter.com/intent/tweet?in_reply_to=238834269378711553'>"
        "Reply</a></div><div><a href='http://twitter.com/intent/user?screen_name=realscottmcleod'>"
        "@realscottmcleod</a><div>Scott McLeod</div></div></div></div>"
    )
    extraction = scrapers.extract(scrapers.parse_html(story(f"{PROSE}{card}{PROSE}").encode(), URL))
    assert {e.post_id: e.method for e in extraction.embeds} == {"twitter:238834269378711553": "blockquote"}
    (post,) = extraction.posts
    assert (post.author_name, post.author_handle) == ("Scott McLeod", "realscottmcleod")
    assert post.text == "@legalnomads Serendipity works in our favor :)"


def test_a_pie_card_naming_two_posts_is_not_one_card() -> None:
    # Guard: a box of that name linking two different statuses is no card; each is a link.
    two = pie().replace("http://j.mp/pJEQtN'", "https://twitter.com/a/status/1714567890123456789'")
    assert logged(story(f"{PROSE}{two}{PROSE}")) == {
        "twitter:1714567890123456789": "link",
        "twitter:89637329731461121": "link",
    }
