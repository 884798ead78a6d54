"""Pulls Instagram posts out of a parsed page: ``instagram-media`` blockquotes (``data-instgrm-permalink``),
their rendered iframes (``/p/<code>/embed``), ``amp-instagram[data-shortcode]`` and ``/p/``, ``/reel/``,
``/tv/`` links. See docs/platforms.md §4.

Profile links are recorded as accounts; stories expire within a day and are not posts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import Node, ParsedDocument
from .records import Found, PostRef
from .sightings import anchor_ref, attribute, containers, in_play, linked_ref, sighting
from .urls import owned_host, split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "post_url", "scan"]

NAME = "instagram"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Instagram",)
HOSTS = frozenset({"instagram.com", "m.instagram.com", "instagr.am", "ddinstagram.com"})
# A shortcode is the post's media id written in base 64 (letters, digits, "-" and "_"); the media id itself,
# a number of 15 or more digits that feed widgets keep (data-media-id="17861412372033762"), is not one, and
# instagram.com/p/<number>/ leads nowhere.
_POST = re.compile(
    r"^/(?:(?!share/|p/|reels?/|tv/|stories/)[A-Za-z0-9_.]+/)?(?:p|tv|reels?)/(?P<code>(?![0-9]{15,}(?:[/?#]|$))"
    r"[A-Za-z0-9_-]{5,})"
)
_SHORTCODE = re.compile(r"^(?![0-9]{15,}$)[A-Za-z0-9_-]{5,}$")
# A profile's path; credits often write the handle with its "@" ("Instagram.com/@name"), which Instagram
# redirects to the profile too.
_PROFILE = re.compile(r"^/@?(?P<handle>[A-Za-z0-9_.]{1,30})/?$")
_RESERVED = frozenset(
    {
        "p",
        "tv",
        "reel",
        "reels",
        "stories",
        "explore",
        "accounts",
        "about",
        "developer",
        "legal",
        "direct",
        "share",
        "web",
        "embed.js",
        "static",
        "emails",
        "privacy",
        "terms",
        "press",
        "api",
        "oauth",
        "session",
        "challenge",
        "directory",
        "topics",
        "locations",
        "tags",
        "instagram",
    }
)
# "A post shared by Lady Gaga (@ladygaga)": the author line of the pasted embed.
_SHARED_BY = re.compile(r"\(@(?P<handle>[A-Za-z0-9_.]{1,30})\)")


def post_url(code: str) -> str:
    """Canonical URL of a post."""
    return f"https://www.instagram.com/p/{code}/"


def post_ref(url: str) -> PostRef | None:
    """Map an Instagram URL to a post shortcode (kind ``post``) or a profile (kind ``account``)."""
    parts = split(url)
    if parts is None or not owned_host(parts.host, HOSTS):
        return None
    match = _POST.match(parts.path)
    if match:
        code = match.group("code")
        return PostRef(NAME, code, "post", post_url(code))
    profile = _PROFILE.match(parts.path)
    if profile and profile.group("handle").lower() not in _RESERVED:
        handle = profile.group("handle")
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://www.instagram.com/{handle}/", handle)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Pasted embeds (with the author line "A post shared by Name (@handle)") and AMP elements."""
    nested = containers(list(doc.tagged("blockquote")))
    for node in in_play(doc.classed("instagram-media")):
        if node.tag.name != "blockquote":
            continue  # rendered iframes carry the post in their src, which the URL walk reads
        if node.position in nested:
            continue  # only the innermost of nested blockquotes can be a pasted embed
        permalink = attribute(node, "data-instgrm-permalink")
        ref = linked_ref(doc, permalink, post_ref) if permalink else None
        if ref is None or ref.kind == "account":
            ref = anchor_ref(doc, node, post_ref)
        if ref is None:
            continue
        yield sighting(doc, node, ref, "blockquote", author_handle=_author(node))
    classed = {node.position for node in doc.classed("instagram-media")}
    for node in in_play(doc.tagged("blockquote")):
        # Instagram's embed code marks each link in its blockquote "?utm_source=ig_embed": a pasted embed
        # whose class a Markdown or sanitising step dropped is still that embed (sabahlatan.com's blog).
        if node.position in nested or node.position in classed:
            continue
        ref = _embed_code_link(doc, node)
        if ref is not None:
            yield sighting(doc, node, ref, "blockquote", author_handle=_author(node))
    for node in in_play(doc.tagged("amp-instagram")):
        code = attribute(node, "data-shortcode")
        if code and _SHORTCODE.match(code):
            yield sighting(doc, node, PostRef(NAME, code, "post", post_url(code)), "amp")


def _author(node: Node) -> str | None:
    """The handle of a pasted embed's "A post shared by Name (@handle)" line. It comes last, after a caption
    that may itself mention people as "(@someone)"."""
    bylines = _SHARED_BY.findall(node.tag.get_text(" ", strip=True))
    return bylines[-1] if bylines else None


def _embed_code_link(doc: ParsedDocument, node: Node) -> PostRef | None:
    """The post a blockquote's link from Instagram's embed code names (its query says ``ig_embed``)."""
    for anchor in node.tag.find_all("a", href=True):
        href = anchor["href"]
        if isinstance(href, str) and "utm_source=ig_embed" in href:
            ref = linked_ref(doc, href, post_ref)
            if ref is not None and ref.kind != "account":
                return ref
    return None
