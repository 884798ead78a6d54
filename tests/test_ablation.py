"""The class-name ablation (``tests/ablation.py``): what it rewrites and what it leaves alone."""

from __future__ import annotations

import re

from tests.ablation import strip_names


def _names(html: bytes) -> list[bytes]:
    return re.findall(rb'(?:class|id)="([^"]*)"', html)


def test_site_names_become_opaque_and_equal_names_stay_equal() -> None:
    html = b'<div class="sidebar widget" id="secondary"><p class="sidebar">x</p></div>'
    first, ident, second = _names(strip_names(html))
    assert b"sidebar" not in first and b"widget" not in first and ident != b"secondary"
    assert re.fullmatch(rb"x[0-9a-f]{7} x[0-9a-f]{7}", first)
    assert second == first.split()[0]


def test_platform_embed_classes_stay() -> None:
    html = b'<blockquote class="twitter-tweet tw-align-center" data-lang="en"><p>t</p></blockquote>'
    (names,) = _names(strip_names(html))
    assert names.startswith(b"twitter-tweet ") and b"tw-align-center" not in names
    assert b'data-lang="en"' in strip_names(html)


def test_single_quoted_and_unquoted_names_are_rewritten() -> None:
    stripped = strip_names(b"<div class='entry-content'><span id=byline>x</span></div>")
    assert b"entry-content" not in stripped and b"byline" not in stripped


def test_scripts_and_style_sheets_are_left_as_they_are() -> None:
    script = b'<script>var s = "<div class=\\"entry-content\\">"; x = \'<p class="lead">\';</script>'
    style = b"<style>.sidebar { float: right }</style>"
    assert strip_names(script + style) == script + style
