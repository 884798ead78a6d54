"""Why a page yields what it yields: every candidate the extractor's scanners can see in a parsed page, in
document order, with the zone it sits in, the element that decided that zone, and what became of it.

``explain`` runs the extractor itself (``extract``) and reads its result for the decision: a post the
extraction logged is ``embed``, ``link`` or ``text`` as logged, and every other sighting of it is merged into
that one. A candidate not logged gets the reason the extractor's zone rules give it (``document.zone_of``
replays the walk's verdict along the candidate's ancestors): page chrome, an aside, outside the body the page
marks, a share button, the publisher's own account, a profile rather than a post. Pure: no I/O, no database.
``recognised_markup`` counts the platform embed markup a page holds, so a run can say when there was some
and nothing was logged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from types import ModuleType

from bs4 import Tag

from .document import (
    ASIDE,
    BOILERPLATE,
    CONTENT,
    NEUTRAL,
    ParsedDocument,
    after_story_list,
    beside_story,
    beyond_story_column,
    stacked_stories,
    zone_of,
)
from .extract import STATE_MARKERS, _router, extract, state_embeds
from .links import (
    METHOD_BY_TAG,
    VIDEO_PLATFORMS,
    Streams,
    _bare_refs,
    _is_share,
    _state_body,
    _typed_refs,
    chrome_modals,
    declared_videos,
    discussion_pointer,
    feed_grids,
    in_stream,
    own_accounts,
    raw_carriers,
    raw_urls,
    reviewed_refs,
    state_links,
    stream_slots,
    syndicated_copy,
    syndicated_ids,
    tile_grids,
    video_rails,
)
from .records import TEXT_METHODS, PostRef
from .registry import PLATFORMS
from .state import state_markup

__all__ = ["Candidate", "as_json", "explain"]


@dataclass(frozen=True)
class Candidate:
    """One thing on the page that names a post or a profile, and what the extractor made of it."""

    position: int
    url: str
    platform: str
    post_id: str
    kind: str
    zone: str
    decided_by: str | None
    decision: str
    reason: str
    found_in: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _sightings(
    doc: ParsedDocument, modules: tuple[ModuleType, ...]
) -> Iterator[tuple[PostRef, str, int, Tag | None, str, str | None]]:
    """(ref, url, position, element, where, paragraph text) for every post or profile URL the scanners can
    read."""
    router = _router(modules)
    for as_written in doc.urls:
        ref_url = router.claimed(as_written)
        if ref_url is None:
            continue
        ref = router.ref(ref_url.url)
        if ref is not None:
            where = f"{ref_url.node.tag.name}[{ref_url.attribute}]"
            yield (
                ref,
                ref_url.url,
                ref_url.node.position,
                ref_url.node.tag,
                where,
                doc.block_text(ref_url.node),
            )
    for node, ref in _typed_refs(doc, router):
        where = f"<{node.tag.name}> naming the post by its id"
        yield ref, ref.url, node.position, node.tag, where, doc.block_text(node)
    for block in doc.blocks:
        for ref in _bare_refs(block.text, router):
            tag = block.node.tag if block.node is not None else None
            yield ref, ref.url, block.position, tag, "text of a paragraph", block.text
    for markup, node, ours in state_markup(doc, STATE_MARKERS):
        where = _STATE_OURS if ours else _STATE_OTHER
        for sighting in state_embeds(doc, markup, node.position, modules):
            post = sighting.post
            native = post.native_id or post.id.partition(":")[2]
            ref = PostRef(post.platform, native, post.kind, post.url or "", post.author_handle)
            yield ref, ref.url, node.position, None, where, None
    # Before the scripts' raw addresses: the same address in the same script, read for what it says.
    for node, address, claim, ref in reviewed_refs(doc, router):
        yield ref, address, node.position, node.tag, _REVIEWED, claim
    for node in raw_carriers(doc):
        for written in raw_urls(node):
            ref = router.recognise(written, doc.absolute)
            if ref is not None:
                yield ref, written, node.position, node.tag, f"inside a <{node.tag.name}>", None
    for declaring, address, ref in declared_videos(doc, router):
        if declaring is not None:
            yield ref, address, declaring.position, declaring.tag, _DECLARED, None
    state = _state_body(doc)
    if state is not None:
        for url in state_links(state[0]):
            ref = router.recognise(url)
            if ref is not None:
                yield ref, url, state[1].position, None, "the article body in the page's JSON state", None


# The post a fact-check reviews, as its structured data names it (``links.reviewed_refs``).
_REVIEWED = "a fact-check's ClaimReview data, naming the post it reviews (itemReviewed)"
# A video the page's metadata declares (og:video, twitter:player).
_DECLARED = "a video the page's meta tags declare it plays"
# Where embed markup kept in the page's JSON state sits: under this article's record, or another article's.
_STATE_OURS = "embed markup in the page's JSON state, under this article's record"
_STATE_OTHER = "embed markup in the page's JSON state, under no record naming this article"


@dataclass
class _Page:
    """What the reasons read about the page as a whole, worked out once per ``explain`` call."""

    doc: ParsedDocument
    publisher: set[str]
    own: frozenset[str]  # the handles of the accounts the page's chrome links, with the publisher's
    rails: frozenset[int]
    modals: set[int]
    feeds: set[int]
    tiles: set[int]
    streams: Streams
    copies: frozenset[str]  # posts the page marks as its own copies on platforms (``syndicated_ids``)
    stacked: frozenset[int]  # ``id()`` of the stories the page stacks after its own (``stacked_stories``)


def _reason(
    page: _Page,
    ref: PostRef,
    url: str,
    where: tuple[str, str | None, Tag | None, str | None],
    position: int,
    found_in: str,
) -> str:
    """Why a candidate was not logged; ``where`` is its zone, the element that decided it, its element and
    the text of its paragraph."""
    zone, decided_by, tag, line = where
    doc = page.doc
    if found_in == _STATE_OTHER:
        return (
            "embed markup the page's JSON state keeps for another article (the next story, a rail) or for "
            "no article it names: only the record naming this page (its headline or URL) counts"
        )
    if found_in == _DECLARED:
        return (
            "a video the page's metadata declares (og:video, twitter:player, its JSON-LD's video): counted "
            "only when the article's text holds at least as many video buttons or players that keep no "
            "address of their own, which a script fills in from that metadata"
        )
    if _is_share(url):
        return "a share button's URL, not a citation"
    if tag is not None and tag.name == "a" and syndicated_copy(tag):
        return (
            "the page's own copy on the platform (a link marked u-syndication or rel=syndication): the page "
            "posted again there, not a post it cites"
        )
    if ref.id in page.copies and tag is not None and METHOD_BY_TAG.get(tag.name) == "link":
        return (
            "a link to the page's own copy on the platform (another link on the page, marked u-syndication "
            "or rel=syndication, names that post): responses to the copy (likes, reposts) link it, not a "
            "citation"
        )
    if (ref.handle or "").lower() in page.publisher:
        return "the publisher's own account"
    if position in page.modals:
        return (
            "inside a pop-up dialog (a modal) that only page chrome opens (a banner, a menu, the footer): "
            "what it plays stands where its openers stand, not where the template writes it"
        )
    if position in page.feeds:
        return (
            "one of an account's posts listed with that account's profile link (its follow button) and "
            "hardly any text besides: the account's feed widget, not a citation"
        )
    if position in page.tiles:
        return (
            "one of an account's posts in a grid of tiles (six or more, each a picture linking one post, "
            "with no text of their own and no prose among them), or its copy in the widget around that grid: "
            "the account's feed widget, not a citation"
        )
    if position in page.rails:
        return (
            "one of several videos (players, or links with thumbnails) in a block with hardly any text of "
            "its own and not among the body's paragraphs: the site's video rail"
        )
    if tag is not None and discussion_pointer(line, tag):
        return "the page's pointer to where it is discussed (like its comments), not a citation"
    if (
        zone == BOILERPLATE
        and page.stacked
        and tag is not None
        and any(id(parent) in page.stacked for parent in tag.parents)
    ):
        return (
            "inside another story the page stacks after its own (an infinite scroll's next story, a series "
            "page's other parts: an <article> that names a page of its own, by an attribute or its "
            f"permalink, not this one) ({decided_by}): its posts are that story's"
        )
    if zone == BOILERPLATE:
        return f"inside page chrome ({decided_by or 'page default'}): only the article's own parts count"
    if zone == ASIDE and ref.kind != "account" and (ref.handle or "").lower() in page.own:
        return (
            "the publisher's own post (its author's account is linked from the page's header, footer or "
            f"menus) shown in an aside beside the article ({decided_by}): the site's promotion, not a "
            "citation"
        )
    if zone == ASIDE:
        return (
            f"inside an aside or widget ({decided_by}) beside the text, not beside one of its paragraphs: "
            "links, video players and placeholders there are chrome; only a post's own embed markup, a post "
            "platform's iframe, a link in a box of prose among the body's paragraphs, or a link in the "
            "running text of a widget within the body counts"
        )
    if zone == NEUTRAL and doc.has_content_root:
        return "outside the article body the page marks: links there are not the article's"
    if (
        zone == NEUTRAL
        and ref.platform in VIDEO_PLATFORMS
        and tag is not None
        and beside_story(tag, position, doc.story())
    ):
        return (
            "a video (a player, a script writing one, or a link to one) after the page's headline, outside "
            "the element holding it and the story's prose (a column beside the story): the site's, not the "
            "article's"
        )
    if (
        zone == NEUTRAL
        and tag is not None
        and METHOD_BY_TAG.get(tag.name) == "link"
        and beyond_story_column(tag, position, doc.story())
    ):
        return (
            "a link after the page's headline in a column of the layout beside the story's own (outside the "
            "element holding the headline and the story's prose, and outside the column holding that): the "
            "site's, not the article's"
        )
    if zone in (CONTENT, NEUTRAL) and tag is not None and after_story_list(tag):
        return (
            "a video player below a list of other stories (a related-posts list), with none of the article's "
            "prose after it: what the theme prints under every post, not the story's"
        )
    # The extractor sets a stream's posts aside last, once the zones and rails have kept them.
    if tag is not None and tag.name == "a" and in_stream(tag, page.streams):
        return (
            "a live stream's timestamp: the link prints the post's age (\"53 minutes ago\"), worked out when "
            "the page was served, or sits where the same stream's other posts print theirs (a search module "
            "of posts, a box of someone's latest posts), not a citation an editor wrote"
        )
    return (
        "not in running text of the body, nor in embed markup (a quoted post's own link, a caption's image)"
    )


def explain(doc: ParsedDocument, modules: tuple[ModuleType, ...] = PLATFORMS) -> list[Candidate]:
    """Every candidate of ``doc`` in document order, with the extractor's decision about it."""
    extraction = extract(doc, modules)
    logged = {embed.post_id: embed for embed in extraction.embeds}
    accounts = {account.id for account in extraction.accounts}
    sightings = list(_sightings(doc, modules))
    anchors = [sighting[3] for sighting in sightings if sighting[3] is not None and sighting[3].name == "a"]
    publisher = {handle.lower() for handle in extraction.article.publisher_handles}
    page = _Page(
        doc,
        publisher,
        own_accounts(doc, _router(modules), publisher),
        video_rails(doc, _router(modules)),
        chrome_modals(doc, _router(modules)),
        feed_grids(doc, _router(modules)),
        tile_grids(doc, _router(modules)),
        stream_slots(anchors),
        syndicated_ids(doc, _router(modules)),
        frozenset(stacked_stories(doc)),
    )
    candidates: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    for ref, url, position, tag, where, line in sightings:
        if (ref.id, position) in seen:
            continue
        seen.add((ref.id, position))
        zone, decided_by = zone_of(tag, doc.forced) if tag is not None else ("page state", None)
        if ref.kind == "account":
            account = f"{ref.platform}:{(ref.handle or ref.native_id).lower()}"
            decision = "account" if account in accounts else "dropped"
            reason = (
                "a profile: kept in the accounts table"
                if decision == "account"
                else _reason(page, ref, url, (zone, decided_by, tag, line), position, where)
            )
        elif ref.id in logged:
            embed = logged[ref.id]
            decision = "embed" if embed.method not in TEXT_METHODS else embed.method
            reason = f"logged as {embed.method}" + (
                ""
                if embed.position == position
                else f" (its strongest sighting, at position {embed.position})"
            )
        else:
            decision = "dropped"
            reason = _reason(page, ref, url, (zone, decided_by, tag, line), position, where)
        candidates.append(
            Candidate(
                position, url, ref.platform, ref.id, ref.kind, zone, decided_by, decision, reason, where
            )
        )
    # Posts read from prose (a flattened tweet's "— Name (@handle) date" line) have no URL to find above, nor
    # do placeholders that keep only a post's bare id (data-embed-id, a proxy frame's element id).
    covered = {candidate.post_id for candidate in candidates}
    zones = {block.position: block.zone for block in doc.blocks}
    posts = {post.id: post for post in extraction.posts}
    for post_id, embed in logged.items():
        if post_id in covered:
            continue
        post = posts[post_id]
        decision = "embed" if embed.method not in TEXT_METHODS else embed.method
        node = doc.node_at(embed.position) if embed.method not in TEXT_METHODS else None
        if node is not None:
            zone, decided_by = zone_of(node.tag, doc.forced)
            reason = f"logged as {embed.method}: the element names the post by its id"
            where = f"<{node.tag.name}> naming the post by its id"
        else:
            zone, decided_by = zones.get(embed.position, NEUTRAL), None
            reason = f"logged as {embed.method}: read from the text of the article"
            where = "text of a paragraph"
        candidates.append(
            Candidate(
                embed.position,
                post.url or "",
                post.platform,
                post_id,
                post.kind,
                zone,
                decided_by,
                decision,
                reason,
                where,
            )
        )
    candidates.sort(key=lambda candidate: candidate.position)
    return candidates


def as_json(candidates: list[Candidate]) -> str:
    """The candidates as one JSON list (the keys ``explain --json`` documents)."""
    return json.dumps([candidate.as_dict() for candidate in candidates], indent=2, ensure_ascii=False)
