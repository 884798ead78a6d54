"""Small helpers platform modules share for turning an element they recognised into a ``Found`` sighting.

They read only the element and its own subtree (never the whole page), so a platform's ``scan`` stays a
lookup in the walk's indexes plus a little local reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

from bs4 import Tag

from .document import BOILERPLATE, Node, ParsedDocument
from .records import Found, Post, PostRef
from .urls import unwrap

__all__ = ["anchor_ref", "attribute", "containers", "in_play", "linked_ref", "post_of", "sighting"]


# How far up from one element to look for the one before it: a pasted embed nested deeper than this inside
# another candidate is not a real page, and the bound keeps a hostile pile of nesting linear.
_CONTAINER_REACH = 64


def containers(nodes: list[Node]) -> set[int]:
    """Positions of the nodes that hold the next node of ``nodes`` (in document order) inside them.

    A pasted embed never nests another of its kind, so only the innermost of nested candidates is read;
    reading every level of a nested pile would be quadratic in its depth (BeautifulSoup's find() and
    get_text() walk a whole subtree). Preorder positions make the next candidate the only one to check.
    """
    found: set[int] = set()
    for node, following in pairwise(nodes):
        parent = following.tag.parent
        for _ in range(_CONTAINER_REACH):
            if parent is None:
                break
            if parent is node.tag:
                found.add(node.position)
                break
            parent = parent.parent
    return found


def post_of(ref: PostRef, **fields: object) -> Post:
    """The ``Post`` a reference names, with extra known fields (author name, text, ...)."""
    values: dict[str, object] = {
        "id": ref.id,
        "platform": ref.platform,
        "kind": ref.kind,
        "url": ref.url,
        "native_id": ref.native_id,
        "author_handle": ref.handle,
    }
    values.update({key: value for key, value in fields.items() if value is not None})
    return Post(**values)  # type: ignore[arg-type]


def sighting(doc: ParsedDocument, node: Node, ref: PostRef, method: str, **fields: object) -> Found:
    """A sighting of ``ref`` carried by ``node`` in the way ``method`` names."""
    return Found(post_of(ref, **fields), method, node.position, doc.block_text(node), block=node.block)


def attribute(node: Node, *names: str) -> str | None:
    """The first of ``names`` the element carries as a non-empty string, stripped."""
    for name in names:
        value = node.tag.attrs.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def in_play(nodes: Iterator[Node], tags: frozenset[str] | None = None) -> Iterator[Node]:
    """The nodes outside page chrome (and, if given, with one of ``tags``)."""
    for node in nodes:
        if node.zone != BOILERPLATE and (tags is None or node.tag.name in tags):
            yield node


def linked_ref(doc: ParsedDocument, url: str, post_ref: Callable[[str], PostRef | None]) -> PostRef | None:
    """What ``url``, as the page writes it, names for ``post_ref``: resolved against the page and with link
    shims followed (a Wayback copy links a tweet's status through the archive)."""
    return post_ref(unwrap(doc.absolute(url)))


def anchor_ref(
    doc: ParsedDocument, node: Node, post_ref: Callable[[str], PostRef | None], last: bool = False
) -> PostRef | None:
    """The first (or last) link inside the element that names a post, as ``post_ref`` reads it
    (``linked_ref``)."""
    anchors = node.tag.find_all("a", href=True)
    for anchor in reversed(anchors) if last else anchors:
        if not isinstance(anchor, Tag):
            continue
        href = anchor.get("href")
        ref = linked_ref(doc, href, post_ref) if isinstance(href, str) else None
        if ref is not None and ref.kind != "account":
            return ref
    return None
