"""Posting times come from the best source available, whichever scraper found the post."""

from __future__ import annotations

from embedtrail.scrapers import extract, parse_html


def test_a_plain_link_to_a_status_gets_its_snowflake_time() -> None:
    html = b"""<html><body><article><p>As <a href="https://twitter.com/jack/status/1653711338587779072">he
    wrote</a>, the drones were shot down.</p></article></body></html>"""
    (post,) = extract(parse_html(html, "https://news.example/a")).posts
    assert post.id == "twitter:1653711338587779072"
    assert (post.posted_at, post.posted_at_source) == ("2023-05-03T10:41:22.247Z", "snowflake")


def test_pre_snowflake_ids_have_no_time() -> None:
    html = b"""<html><body><article><p>The <a href="https://twitter.com/jack/status/20">first
    tweet</a> is still up.</p></article></body></html>"""
    (post,) = extract(parse_html(html, "https://news.example/b")).posts
    assert post.id == "twitter:20" and post.posted_at is None
