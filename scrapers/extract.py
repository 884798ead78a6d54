"""Runs every scraper over one parsed document and merges what they report into one ``Extraction``.

Order: article metadata; each platform module's embed scan; the URL walk (links, iframes, placeholders,
routed by host); flattened posts in prose; prose mentions; verification notes, each tied to the nearest
preceding mention or post unless its sentence names another. A post seen several times in one article is
one post and one embed (its strongest form: an embed beats a link, a link beats a line of text).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import chain, islice
from types import ModuleType
from typing import Any

from .article import scan_article
from .document import (
    CHROME,
    CONTENT,
    NEUTRAL,
    ParsedDocument,
    beside_story,
    collector_paused,
    parse_html,
)
from .links import (
    POST_EMBED_CLASSES,
    Router,
    own_promotions,
    scan_bare,
    scan_declared,
    scan_links,
    scan_raw,
    scan_reviewed,
    scan_state,
    scan_typed,
    video_rails,
)
from .notes import scan_notes
from .records import (
    TEXT_METHODS,
    Account,
    Caps,
    Embed,
    Extraction,
    Found,
    Mention,
    Post,
    PostRef,
    VerificationNote,
    account_id,
    better_posted_at,
)
from .registry import PLATFORMS
from .state import HANDLER_ATTRIBUTES, state_markup, written_frames
from .text import scan_mentions

__all__ = [
    "EMBED_MARKUP_CLASSES",
    "EMBED_MARKUP_TAGS",
    "METHOD_STRENGTH",
    "capped",
    "extract",
    "merge_posts",
    "recognised_markup",
]

# Lower is stronger: what an embed row reports when a post appears several ways in one article.
METHOD_STRENGTH = {
    "blockquote": 0,
    "iframe": 1,
    "amp": 2,
    "script": 3,
    "embed": 4,
    "placeholder": 5,
    "object": 6,
    "video": 7,
    "link": 8,
    "text": 9,
}
_ROUTERS: dict[tuple[ModuleType, ...], Router] = {}


def _router(platforms: tuple[ModuleType, ...]) -> Router:
    router = _ROUTERS.get(platforms)
    if router is None:
        router = _ROUTERS[platforms] = Router(platforms)
    return router


def merge_posts(current: Post, other: Post) -> Post:
    """Combine two sightings of one post: keep known fields, fill missing ones, take the better time."""
    posted_at, source = better_posted_at(
        (current.posted_at, current.posted_at_source), (other.posted_at, other.posted_at_source)
    )
    return replace(
        current,
        url=current.url or other.url,
        native_id=current.native_id or other.native_id,
        author_handle=current.author_handle or other.author_handle,
        author_name=current.author_name or other.author_name,
        text=current.text or other.text,
        posted_at=posted_at,
        posted_at_source=source,
        media=tuple(dict.fromkeys(current.media + other.media)),
    )


def _account(platform: str, handle: str, name: str | None = None, url: str | None = None) -> Account:
    handle = handle.lstrip("@")
    return Account(id=account_id(platform, handle), platform=platform, handle=handle, name=name, url=url)


def extract(
    doc: ParsedDocument, platforms: Sequence[ModuleType] | None = None, caps: Caps | None = None
) -> Extraction:
    """Everything ``doc`` cites, as records. Pure: the same document always gives the same extraction.
    With ``caps``, the first rows of each kind in document order are kept and the rest are named in
    ``warnings`` (scanners also stop reading once they found more than the cap)."""
    modules = tuple(platforms) if platforms is not None else PLATFORMS
    with collector_paused():  # nothing made here is garbage before it returns (see collector_paused)
        extraction = _extract(doc, modules, caps)
    return extraction if caps is None else capped(extraction, caps)


def capped(extraction: Extraction, caps: Caps) -> Extraction:
    """``extraction`` within ``caps``: the first rows of each table kept, posts and notes that would point at
    a dropped row let go or unlinked, and one warning per table that lost rows."""
    warnings = list(extraction.warnings)

    def keep(name: str, rows: tuple[Any, ...], cap: int) -> tuple[Any, ...]:
        if len(rows) > cap:
            warnings.append(
                f"{len(rows) - cap} {name} beyond [limits] max_{name}_per_article ({cap}) were not kept"
            )
        return rows[:cap]

    embeds = keep("embeds", extraction.embeds, caps.embeds)
    mentions = keep("mentions", extraction.mentions, caps.mentions)
    notes = keep("notes", extraction.notes, caps.notes)
    cited = {embed.post_id for embed in embeds} | {m.post_id for m in mentions if m.post_id}
    posts = tuple(post for post in extraction.posts if post.id in cited)
    notes = tuple(
        replace(
            note,
            post_id=note.post_id if note.post_id in cited else None,
            mention_index=note.mention_index
            if note.mention_index is not None and note.mention_index < len(mentions)
            else None,
        )
        for note in notes
    )
    accounts = keep("accounts", extraction.accounts, caps.accounts)
    if len(warnings) == len(extraction.warnings):
        return extraction
    return replace(
        extraction,
        posts=posts,
        embeds=embeds,
        mentions=mentions,
        notes=notes,
        accounts=accounts,
        warnings=tuple(warnings),
    )


# Markup a platform's own embed code writes: finding one and logging nothing deserves a word.
EMBED_MARKUP_CLASSES = tuple(POST_EMBED_CLASSES)
# What embed markup kept in a page's JSON state looks like: a widget's class, a player's iframe, or the
# Flash player an older article's body still holds (<object><param name="movie" …><embed type=
# "application/x-shockwave-flash" …>, as Le Figaro's Next.js state keeps a 2013 story's YouTube video).
STATE_MARKERS = (*EMBED_MARKUP_CLASSES, "<iframe", "x-shockwave-flash")
EMBED_MARKUP_TAGS = ("amp-twitter", "amp-instagram", "amp-youtube", "amp-facebook", "lite-youtube")


def recognised_markup(doc: ParsedDocument, modules: tuple[ModuleType, ...] = PLATFORMS) -> int:
    """How many elements carry a platform's embed markup (a widget class, an AMP or facade tag, an iframe
    whose source is a post), wherever they sit."""
    count = sum(1 for _ in doc.classed(*EMBED_MARKUP_CLASSES)) + sum(
        1 for _ in doc.tagged(*EMBED_MARKUP_TAGS)
    )
    router = _router(modules)
    for ref in doc.urls:
        if ref.node.tag.name == "iframe" and ref.attribute == "src" and router.claims(ref.url):
            found = router.ref(ref.url)
            count += found is not None and found.kind != "account"
    return count


def _extract(doc: ParsedDocument, modules: tuple[ModuleType, ...], caps: Caps | None = None) -> Extraction:
    meta = scan_article(doc)
    publisher = set(meta.publisher_handles)
    found: list[Found] = []
    account_refs: list[PostRef] = []
    # A scanner stops once it found more than any cap lets through: a page of 60,000 embeds is not read whole.
    most = None if caps is None else max(caps.embeds, caps.mentions) + 1
    if doc.kind == "html":
        for module in modules:
            found.extend(islice(module.scan(doc), most))
        router = _router(modules)
        rails = video_rails(doc, router)
        for sighting, ref in chain(scan_links(doc, router, rails), scan_bare(doc, router)):
            if sighting is None:
                if (ref.handle or "").lower() not in publisher:
                    account_refs.append(ref)
            else:
                found.append(sighting)
        found.extend(scan_raw(doc, router))
        found.extend(scan_state(doc, router))
        found.extend(scan_typed(doc, router, rails))
        found.extend(scan_declared(doc, router))
        found.extend(scan_reviewed(doc, router))
        for kept, node, ours in state_markup(doc, STATE_MARKERS):
            if ours:
                found.extend(state_embeds(doc, kept, node.position, modules))
        found.extend(scan_written(doc, modules))
        promoted = own_promotions(doc, router, found, publisher)
        if promoted:
            found = [s for s in found if (s.post.id, s.position) not in promoted]
    text_scanners = [m.scan_text for m in modules if hasattr(m, "scan_text")]
    in_blocks = _embeds_by_block(found)
    for index, block in enumerate(doc.blocks):
        if block.zone in CHROME or not block.text:
            continue
        for scan_text in text_scanners:
            found.extend(_fold_into_embed(sighting, in_blocks) for sighting in scan_text(block, index))

    posts: dict[str, Post] = {}
    best: dict[str, Found] = {}
    for sighting in found:
        post = sighting.post
        posts[post.id] = merge_posts(posts[post.id], post) if post.id in posts else post
        chosen = best.get(post.id)
        if chosen is None or (METHOD_STRENGTH.get(sighting.method, 5), sighting.position) < (
            METHOD_STRENGTH.get(chosen.method, 5),
            chosen.position,
        ):
            best[post.id] = sighting
    # A post's context is its strongest sighting's, else its first sighting's that has one: read in one pass,
    # as a hostile page may log tens of thousands of posts.
    first_context: dict[str, str] = {}
    for sighting in found:
        if sighting.context and sighting.post.id not in first_context:
            first_context[sighting.post.id] = sighting.context
    embeds = tuple(
        Embed(post_id, sighting.method, sighting.position, sighting.context or first_context.get(post_id))
        for post_id, sighting in sorted(best.items(), key=lambda item: item[1].position)
    )

    # Spans of posts written inside paragraphs, so that mentions and notes can be tied to them.
    spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for sighting in found:
        if sighting.block is None:
            continue
        if sighting.span is not None:
            spans[sighting.block].append((sighting.span[0], sighting.span[1], sighting.post.id))
        elif sighting.method == "blockquote":
            spans[sighting.block].append((0, len(doc.blocks[sighting.block].text), sighting.post.id))
    mention_hits = _resolve_mentions(scan_mentions(doc.blocks, modules, spans), posts, embeds)
    mentions = tuple(hit[0] for hit in mention_hits)
    notes = tuple(_notes(doc, found, mention_hits))

    accounts: dict[str, Account] = {}
    for post in posts.values():
        if post.author_handle and post.kind != "account":
            account = _account(post.platform, post.author_handle, post.author_name)
            accounts.setdefault(account.id, account)
    for ref in account_refs:
        account = _account(ref.platform, ref.handle or ref.native_id, url=ref.url)
        known = accounts.get(account.id)
        # An author the page also links to keeps the profile's address.
        accounts[account.id] = account if known is None else replace(known, url=known.url or account.url)
    ordered = tuple(_with_id_time(posts[e.post_id], modules) for e in embeds)
    notices: tuple[str, ...] = ()
    if doc.kind == "html" and not embeds:
        markup = recognised_markup(doc, modules)
        if markup:
            # A platform's embed code on the page and nothing logged: say so, so a volunteer can ask why.
            notices = (
                f"recognised embed markup found ({markup} element(s)) but no post logged: "
                "'embedtrail explain' shows why",
            )
    return Extraction(
        article=meta,
        posts=ordered,
        embeds=embeds,
        mentions=mentions,
        notes=notes,
        accounts=tuple(accounts.values()),
        text_chars=sum(len(block.text) for block in doc.blocks if block.zone not in CHROME),
        notices=notices,
    )


def state_embeds(
    doc: ParsedDocument, markup: str, position: int, modules: tuple[ModuleType, ...]
) -> Iterator[Found]:
    """The embeds in a piece of markup the page's JSON state holds for its article (``state.state_markup``),
    read by the platform modules as they read the page, placed where the state's script sits."""
    fragment = parse_html(markup, doc.url)
    sightings = chain.from_iterable(module.scan(fragment) for module in modules)
    # Players (iframes, placeholders) too; the state's links are the state body's business (``scan_state``).
    players = (
        found for found, _ref in scan_links(fragment, _router(modules)) if found and found.method != "link"
    )
    for sighting in chain(sightings, players):
        yield replace(sighting, position=position, block=None, span=None)


# Frames a page's scripts may write that are read; a real page writes a handful.
_MOST_WRITTEN_FRAMES = 1_000


def scan_written(doc: ParsedDocument, modules: tuple[ModuleType, ...]) -> Iterator[Found]:
    """The players inline scripts write into the article (``document.write("<iframe …>")``, a function
    setting a container's ``innerHTML``), or that a facade's ``onclick`` writes when clicked, read as the
    iframes they write, placed where the script or the facade sits.

    They count where the iframe itself would: in the article body, or anywhere but chrome on a page that
    marks no body, except after the headline outside the element holding the story (a column's player)."""
    left = _MOST_WRITTEN_FRAMES
    for node in chain(doc.tagged("script"), doc.with_attribute(*HANDLER_ATTRIBUTES)):
        if left <= 0:
            return
        if node.zone != CONTENT and (node.zone != NEUTRAL or doc.has_content_root):
            continue
        frames = written_frames(node)[:left]
        if not frames:
            continue
        if node.zone == NEUTRAL and beside_story(node.tag, node.position, doc.story()):
            continue
        left -= len(frames)
        # One parse for all of a script's frames: a page writing thousands of them costs one fragment each.
        yield from state_embeds(doc, "".join(frames), node.position, modules)


def _embeds_by_block(found: list[Found]) -> dict[int, list[Found]]:
    """Markup sightings (not prose) per text block, for recognising an embed's own text read as prose."""
    by_block: dict[int, list[Found]] = defaultdict(list)
    for sighting in found:
        if sighting.block is not None and sighting.method not in TEXT_METHODS:
            by_block[sighting.block].append(sighting)
    return by_block


def _fold_into_embed(sighting: Found, in_blocks: dict[int, list[Found]]) -> Found:
    """A flattened post read from the text of a block that holds an embed of the same platform is that embed's
    own text ("… — Name (@handle) May 3, 2023" inside a tweet blockquote), not a second post: give it the
    embed's post, keeping what the prose adds (name, text). Where a block holds several embeds, the author
    handle decides; an unmatched one stays as it is."""
    if sighting.block is None or sighting.span is None:
        return sighting
    post = sighting.post
    same = [f for f in in_blocks.get(sighting.block, ()) if f.post.platform == post.platform]
    if len(same) > 1:
        handle = (post.author_handle or "").lower()
        same = [f for f in same if (f.post.author_handle or "").lower() == handle]
    if len(same) != 1:
        return sighting
    embed = same[0].post
    merged = replace(
        merge_posts(embed, replace(post, id=embed.id, url=None, native_id=None)),
        author_handle=embed.author_handle or post.author_handle,
    )
    return replace(sighting, post=merged)


def _with_id_time(post: Post, modules: tuple[ModuleType, ...]) -> Post:
    """Fill a post's time from its id where the platform encodes one (Twitter snowflakes), whichever
    scraper found it: a plain link carries no time of its own, but its id does."""
    if post.native_id is None or post.posted_at_source in {"api", "snowflake"}:
        return post
    for module in modules:
        if post.platform == module.NAME:
            time_from_id = getattr(module, "time_from_id", None)
            posted = time_from_id(post.native_id) if time_from_id is not None else None
            if posted:
                return replace(post, posted_at=posted, posted_at_source="snowflake")
            break
    return post


def _key(name: str) -> str:
    """A name or handle reduced to its letters and digits, case-folded: "Baza", "@baza", "BAZA" alike."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _is_source(post: Post, name: str) -> bool:
    """True when ``post``'s author is the credited source ``name``: the same name or handle, or a handle
    that begins with the name (Telegram's "Baza" is @bazabazon) when the name is long enough to mean it."""
    wanted = _key(name)
    if len(wanted) < 3:
        return False
    keys = [_key(value) for value in (post.author_name, post.author_handle) if value]
    handle = _key(post.author_handle or "")
    return wanted in keys or (len(wanted) >= 4 and handle.startswith(wanted))


def _resolve_mentions(
    mention_hits: list[tuple[Mention, int, int]], posts: dict[str, Post], embeds: tuple[Embed, ...]
) -> list[tuple[Mention, int, int]]:
    """Tie a prose credit written outside any post ("Baza, a Telegram channel, posted a video") to the post
    of that source on that platform the article also embeds or links, so that what the article says about
    the credit (its verification note) reaches the post. The nearest such post in the document wins; a
    credit with no platform, or no post of its source, stays unresolved."""
    where = {embed.post_id: embed.position for embed in embeds}
    resolved: list[tuple[Mention, int, int]] = []
    for mention, block, offset in mention_hits:
        if mention.post_id is None and mention.platform and mention.source_name:
            candidates = [
                post
                for post in posts.values()
                if post.platform == mention.platform
                and post.kind != "account"
                and post.id in where
                and _is_source(post, mention.source_name)
            ]
            if candidates:
                nearest = min(candidates, key=lambda post: (abs(where[post.id] - mention.position), post.id))
                mention = replace(mention, post_id=nearest.id)
        resolved.append((mention, block, offset))
    return resolved


def _notes(
    doc: ParsedDocument, found: list[Found], mention_hits: list[tuple[Mention, int, int]]
) -> list[VerificationNote]:
    """Tie each verification sentence to what it is about: the nearest mention or post before (or inside)
    it that the sentence names, else the nearest before it, else the first named after it.

    A sentence about "the claims" or "it" rather than about material (``NoteHit.about == "context"``) is a
    note only when a mention or post sits in its paragraph or the one before: far from any cited material,
    "could not verify the reports" is about the story, not about a post.
    """
    # Candidates keyed by document order: (block or element position, offset within the block).
    candidates: list[tuple[tuple[int, int], int | None, str | None, tuple[str, ...]]] = []
    for index, (mention, block, offset) in enumerate(mention_hits):
        names = tuple(n for n in (mention.source_name,) if n)
        candidates.append(((doc.blocks[block].position, offset), index, mention.post_id, names))
    for sighting in found:
        if sighting.block is not None:
            key = (doc.blocks[sighting.block].position, sighting.span[0] if sighting.span else 0)
        else:
            key = (sighting.position, 0)
        post = sighting.post
        names = tuple(n for n in (post.author_handle, post.author_name) if n)
        candidates.append((key, None, post.id, names))
    candidates.sort(key=lambda c: (c[0], c[1] is None))
    # Looked up per sentence instead of scanned: a dump with thousands of notes and mentions stays linear.
    keys = [c[0] for c in candidates]
    by_first_word: dict[str, list[tuple[str, int]]] = {}
    for index, candidate in enumerate(candidates):
        for name in candidate[3]:
            words = _WORD.findall(_plain(name).lower())
            if len(name) > 2 and words:
                by_first_word.setdefault(words[0].lstrip("@"), []).append((name, index))
    notes: list[VerificationNote] = []
    seen: set[tuple[str, str | None]] = set()
    for hit, block in scan_notes(doc.blocks):
        if (hit.sentence, hit.verifier) in seen:
            continue
        position = doc.blocks[block].position
        cut = bisect_right(keys, (position, hit.start + len(hit.sentence)))  # candidates[:cut] come before
        if hit.about != "material":
            floor = (_previous_block_position(doc, block), 0)
            if not cut or keys[cut - 1] < floor:
                continue
        seen.add((hit.sentence, hit.verifier))
        named = sorted(
            {
                index
                for word in {w.lstrip("@") for w in _WORD.findall(_plain(hit.sentence).lower())}
                for name, index in by_first_word.get(word, ())
                if _names_in(name, hit.sentence)
            }
        )
        named_before = bisect_right(named, cut - 1)
        if named_before:
            chosen: tuple[tuple[int, int], int | None, str | None, tuple[str, ...]] | None = candidates[
                named[named_before - 1]
            ]
        elif cut:
            chosen = candidates[cut - 1]
        elif named:
            chosen = candidates[named[0]]
        else:
            chosen = None
        notes.append(
            VerificationNote(
                verifier=hit.verifier,
                verdict=hit.verdict,
                sentence=hit.sentence,
                position=position,
                post_id=chosen[2] if chosen else None,
                mention_index=chosen[1] if chosen else None,
            )
        )
    return notes


def _previous_block_position(doc: ParsedDocument, block: int) -> int:
    """Position of the paragraph before ``block`` that has text outside page chrome (or of ``block``)."""
    for index in range(block - 1, -1, -1):
        previous = doc.blocks[index]
        if previous.text and previous.zone not in CHROME:
            return previous.position
    return doc.blocks[block].position


_WORD = re.compile(r"[@\w][\w']*")


def _plain(text: str) -> str:
    return text.replace("’", "'")


def _names_in(name: str, sentence: str) -> bool:
    name = _plain(name)
    sentence = _plain(sentence)
    return len(name) > 2 and (name in sentence or ("@" + name) in sentence)
