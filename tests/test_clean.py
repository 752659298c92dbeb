"""Furniture stripping: the article sentences that must stay, the widget strings that must go.

Fixtures in tests/fixtures/clean/ are hand-written from the field guide's markup (§4) and the
seed pages' wording; each widget is embedded in ``.entry-content`` after the article, as
WordPress's ``the_content`` filters put it.
"""

from __future__ import annotations

import asyncio

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from scrapy import Spider
from scrapy.utils.test import get_crawler

from pipelines.clean import CleanPipeline, CleanResult, clean_comment_html, clean_html, html_to_text
from reading.furniture import DEFAULT_STRIP_SELECTORS, DEFAULT_STRIP_TEXT_BLOCKS
from reading.records import CommentItem, FailureItem, PostItem
from reading.sites import DDN, PROFILES

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
MIRRORS = Path(__file__).parent / "sites"
UPLOADS = "https://www.collectivevoice.org.uk/wp-content/uploads"
CAPTION = "With Cranstoun staff — and Caroline Lucas MP — at Pavillions in Brighton"
LINK = "https://lankellychase.org.uk/resources/place-based-approaches/"
DDN_NOTICE = (
    "We value your input. Please leave a comment, you do not need an account to do this but "
    "comments will be moderated before they are displayed..."
)

ARTICLE_TEXT = "\n\n".join(
    [
        "Since August last year I’ve visited many charities around the country hard at work "
        "supporting local people struggling with their drug or alcohol use.",
        CAPTION,
        "Four observations",
        "We are driven by values and want to change the world.",
        "Charities arise from the communities they serve.",
        "It’s all in a day’s work.",
        "A key worker in Leeds",
        "With Michael and Rosie at Clouds House",
        "The Lankelly Chase Foundation has published a historical review of place based "
        "approaches. Do leave a comment below if you’d like to make suggestions.",
    ]
)
ARTICLE_IMAGES = [
    {"src": f"{UPLOADS}/2019/06/brighton.jpg", "alt": "Cranstoun staff in Brighton", "caption": CAPTION},
    {
        "src": f"{UPLOADS}/2019/06/clouds.jpg",
        "alt": "Clouds House",
        "caption": "With Michael and Rosie at Clouds House",
    },
]
MUST_STAY_HTML = [
    "<li>We are driven by values and want to change the world.</li>",
    "<li>Charities arise from the communities they serve.</li>",
    "<blockquote><p>It’s all in a day’s work.</p><footer>A key worker in Leeds</footer></blockquote>",
    f'<a href="{LINK}" rel="noopener">a historical review of place based approaches</a>',
    f'<p id="caption-attachment-4512" class="wp-caption-text">{CAPTION}</p>',
    '<figcaption>With Michael and Rosie at Clouds House</figcaption>',
]

# Widget fixture -> strings that must be in neither the cleaned HTML nor its text.
MUST_GO: dict[str, list[str]] = {
    "sharedaddy": ["Share this:", "Twitter", "Facebook", "?share=twitter", "sharedaddy"],
    "jetpack_likes": ["Like this:", "Loading...", "like-post-wrapper", "widgets.wp.com"],
    "jp_relatedposts": ["jp-relatedposts", "Related", "<em>"],
    "addtoany": ["addtoany", "a2a_kit", "Share via AddToAny"],
    "shareaholic": ["shareaholic", "Shareaholic recommendations"],
    "sharethis": ["sharethis", "ShareThis buttons load here"],
    "share_this_theme": ["Share this", "Tweet on Twitter", "Post to LinkedIn", "Email a friend"],
    "related_content": ["Related Content", "Sentencing Bill", "Read More", "teaser"],
    "custom_logo": ["Collective Voice Logo", "cv-logo", "custom-logo"],
    "comment_form": [
        "Leave a Reply", "Cancel reply", "We value your input", "Post Comment",
        "wp-comments-post.php", "<form", "<textarea", "<input",
    ],
    "comment_list": ["Long overdue commenter words.", "thoughts on", "comment-list"],
    "newsletter": [
        "Sign up to our newsletter", "Subscribe for updates", "Subscribe to Blog via Email",
        "Enter your email address", "mc4wp",
    ],
    "scripts": [
        "SCRIPT-PAYLOAD", "hidden-style-rule", "facebook.com/tr", "googletagmanager", "GTM iframe",
        "pixel.wp.com", "HTML-COMMENT-PAYLOAD", "svg icon title", "Print this page", "<script",
        "<style", "<noscript", "<iframe", "<svg", "<button", "<!--",
    ],
}


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def page(*widgets: str, before: tuple[str, ...] = ()) -> str:
    """An entry-content body: widgets before the article (logos), then after it (share blocks)."""
    head = "".join(fixture(name) for name in before)
    tail = "".join(fixture(name) for name in widgets)
    return f'<div class="entry-content">{head}{fixture("article")}{tail}</div>'


def assert_article_intact(result: CleanResult) -> None:
    assert result.text == ARTICLE_TEXT
    for snippet in MUST_STAY_HTML:
        assert snippet in result.html
    assert result.images == ARTICLE_IMAGES


def test_article_alone_is_kept_whole() -> None:
    result = clean_html(page())
    assert_article_intact(result)
    assert result.html.startswith('<div class="entry-content"><p>Since August last year')


@pytest.mark.parametrize("widget", sorted(MUST_GO))
def test_widget_goes_and_article_stays(widget: str) -> None:
    body = page(widget) if widget != "custom_logo" else page(before=("custom_logo",))
    assert [s for s in MUST_GO[widget] if s not in body] == []  # the test can fail
    result = clean_html(body)
    assert_article_intact(result)
    for gone in MUST_GO[widget]:
        assert gone not in result.html, gone
        assert gone not in result.text, gone


def test_all_widgets_at_once() -> None:
    widgets = [w for w in MUST_GO if w != "custom_logo"]
    result = clean_html(page(*widgets, before=("custom_logo",)))
    assert_article_intact(result)
    for gone in (s for strings in MUST_GO.values() for s in strings):
        assert gone not in result.html and gone not in result.text, gone


def test_share_this_heading_inside_a_plain_wrapper_takes_the_wrapper() -> None:
    body = (
        "<p>Article words stay here and are long enough to be the article.</p>"
        '<div class="theme-share"><h3>Share this</h3><a href="https://twitter.com/share">X</a>'
        "<p>Pick a network</p></div>"
    )
    assert clean_html(body).html == "<p>Article words stay here and are long enough to be the article.</p>"


def test_furniture_heading_at_top_of_article_keeps_the_article() -> None:
    """Seed pages show "Share this" right under the title: never take the article with it."""
    body = (
        '<div class="cv-body"><h4>Share this</h4><p><a href="https://t.co/x">Twitter</a></p>'
        "<p>Collective Voice launched in August last year.</p></div>"
    )
    result = clean_html(body)
    assert result.html == '<div class="cv-body"><p>Collective Voice launched in August last year.</p></div>'


def test_furniture_words_inside_running_text_stay() -> None:
    body = "<p>We <strong>Share</strong> values.</p><p><b>Related</b> work: the <a href='/r'>report</a>.</p>"
    assert clean_html(body).text == "We Share values.\n\nRelated work: the report."


def test_default_rules_are_data_and_generic() -> None:
    assert ".sharedaddy" in DEFAULT_STRIP_SELECTORS and "#jp-relatedposts" in DEFAULT_STRIP_SELECTORS
    assert {"Share this", "Share this:", "Like this:", "Related Content", "Leave a Reply"} <= set(
        DEFAULT_STRIP_TEXT_BLOCKS
    )
    assert not [s for s in DEFAULT_STRIP_SELECTORS if "ddn" in s or "cv-" in s]


# ---------------------------------------------------------------------------- mirror pages


def mirror_posts() -> list[tuple[str, dict]]:
    """Every post of the test mirrors with its expectations (tests/sites/<site>/expected.json)."""
    found = []
    for expected in sorted(MIRRORS.glob("*/expected.json")):
        data = json.loads(expected.read_text(encoding="utf-8"))
        if expected.parent.name != data.get("site"):
            continue  # a theme mirror crawled as one of the sites (e.g. builders/): its own tests
        found += [(data["site"], post) for post in data["posts"]]
    return found


@pytest.mark.parametrize(("site", "post"), mirror_posts(), ids=lambda v: v if isinstance(v, str) else v["path"])
def test_mirror_post_bodies_keep_article_and_lose_furniture(site: str, post: dict) -> None:
    profile = PROFILES[site]
    page_file = MIRRORS / site / post["path"].strip("/") / "index.html"
    root = lxml_html.fromstring(page_file.read_bytes())
    body = next(hit[0] for s in profile.body_selectors if (hit := root.cssselect(s)))
    result = clean_html(lxml_html.tostring(body, encoding="unicode"), profile.strip_selectors, post["url"])
    assert [s for s in post["must_contain"] if s not in result.text] == []
    assert [s for s in post["must_not_contain"] if s in result.text] == []
    assert [s for s in post["html_must_not_contain"] if s in result.html] == []
    captions = [image["caption"] for image in result.images]
    assert [c for c in post.get("captions", []) if c not in captions] == []


def test_mirrors_are_there() -> None:
    assert {site for site, _ in mirror_posts()} == {"collectivevoice", "ddn"}


# ---------------------------------------------------------------------------- extra selectors


def test_extra_selectors_strip_site_furniture() -> None:
    body = page() + f'<p class="ddn-moderation-notice">{DDN_NOTICE}</p>'
    assert DDN_NOTICE in clean_html(body).text
    result = clean_html(body, extra_selectors=DDN.strip_selectors)
    assert DDN_NOTICE not in result.text and "ddn-moderation-notice" not in result.html
    assert_article_intact(result)


def test_invalid_extra_selector_is_reported_by_name() -> None:
    with pytest.raises(ValueError, match=r"\['div\[\['\]"):
        clean_html("<p>x</p>", extra_selectors=("div[[",))


# ---------------------------------------------------------------------------- images


def test_images_resolve_lazy_sources_and_base_url() -> None:
    body = (
        '<figure><img src="/wp-content/uploads/a.jpg" alt="A"><figcaption>Cap <b>A</b></figcaption></figure>'
        '<p><img src="data:image/gif;base64,R0lGOD" data-src="/wp-content/uploads/b.jpg" alt=""></p>'
        '<img class="lazyload" src="" alt="C"><noscript><img src="/wp-content/uploads/c.jpg"></noscript>'
        '<img src="https://stats.wp.com/pixel.gif" alt="">'
    )
    result = clean_html(body, base_url="https://www.drinkanddrugsnews.com/the-big-conversation/")
    site = "https://www.drinkanddrugsnews.com/wp-content/uploads"
    assert result.images == [
        {"src": f"{site}/a.jpg", "alt": "A", "caption": "Cap A"},
        {"src": f"{site}/b.jpg", "alt": "", "caption": None},
        {"src": f"{site}/c.jpg", "alt": "C", "caption": None},
    ]
    assert "data-src" not in result.html and "stats.wp.com" not in result.html


# ---------------------------------------------------------------------------- hostile and broken


def test_hostile_content_is_removed_and_words_kept() -> None:
    result = clean_html(fixture("hostile"))
    for gone in ("onerror", "onmouseover", "onclick", "javascript:", "data:text", "payload", "<script"):
        assert gone not in result.html, gone
    assert '<a>A javascript link</a>' in result.html
    assert '<a href="https://www.gov.uk/government/publications/review-of-drugs-phase-two-report">' in result.html
    assert result.text == (
        "Hostile paragraph with an image.\n\n"
        "A javascript link and the Dame Carol Black review.\n\n"
        "Clickable paragraph text.\n\n"
        "A data link"
    )


@pytest.mark.parametrize(
    "broken",
    [None, "", "   ", b"", "</div></div>", "<div></div>", "\x00\x01", "\ud800",
     '<?xml version="1.0" encoding="utf-8"?>', "<!-- only a comment -->", "<script>x</script>"],
)
def test_nothing_to_clean_gives_empty_results(broken: object) -> None:
    assert clean_html(broken) == CleanResult(html="", text="", images=[])  # type: ignore[arg-type]
    assert html_to_text(broken) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("broken", "html", "text"),
    [
        ("<p>a</p></div></div><p>b", "<p>a</p><p>b</p>", "a\n\nb"),
        ("<div><p>unclosed <b>bold", "<div><p>unclosed <b>bold</b></p></div>", "unclosed bold"),
        ("<html><head><title>T</title></head><body><p>x</p></body></html>", "<p>x</p>", "x"),
        (b"<p>caf\xc3\xa9</p>", "<p>café</p>", "café"),
        ("loose text <p>then a para", "loose text <p>then a para</p>", "loose text\n\nthen a para"),
    ],
)
def test_broken_html_is_repaired_not_raised(broken: str, html: str, text: str) -> None:
    result = clean_html(broken)
    assert (result.html, result.text) == (html, text)


# ---------------------------------------------------------------------------- text


def test_html_to_text_separates_paragraphs_and_collapses_whitespace() -> None:
    body = (
        "<h2>Title</h2><p>One  two\n three&nbsp;four</p><ul><li>A</li><li>B <em>b</em></li></ul>"
        "Loose tail<br>next line<table><tr><td>c1</td><td>c2</td></tr></table><p>  </p><p>end</p>"
    )
    assert html_to_text(body) == "Title\n\nOne two three four\n\nA\n\nB b\n\nLoose tail\nnext line\n\nc1\n\nc2\n\nend"


def test_html_to_text_skips_script_text_in_raw_comment_bodies() -> None:
    assert html_to_text("<p>Hi<script>var x = 1;</script> there</p><style>p{}</style>") == "Hi there"


# ---------------------------------------------------------------------------- idempotence

FRAGMENTS = ["article", *MUST_GO, "hostile"]
fragment_lists = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6)
markup_bits = st.lists(
    st.sampled_from(
        ["<div>", "</div>", "<p>", "</p>", "<ul><li>", "</li>", "<h3>Share this</h3>", "<span>",
         "</span>", "<br>", "<a href='/x'>", "</a>", "<table><td>", "&amp;", "<!--", "-->", "text ",
         "<h2>Related Content</h2>", "<b>", "<figure><img src='/i.jpg'>", "<figcaption>cap"]
    )
    | st.text(max_size=12),
    max_size=25,
)


def assert_idempotent(html: str, extra: tuple[str, ...] = ()) -> None:
    once = clean_html(html, extra, base_url="https://www.collectivevoice.org.uk/blog/x/")
    twice = clean_html(once.html, extra, base_url="https://www.collectivevoice.org.uk/blog/x/")
    assert twice == once


@settings(max_examples=150, deadline=None)
@given(fragment_lists, st.booleans())
def test_clean_is_idempotent_over_fixture_combinations(names: list[str], wrap: bool) -> None:
    body = "".join(fixture(name) for name in names)
    assert_idempotent(f'<div class="entry-content">{body}</div>' if wrap else body, DDN.strip_selectors)


@settings(max_examples=300, deadline=None)
@given(markup_bits)
@example(["<ul><li>", "</li>", "&amp;"])  # libxml2 prints an empty <li> without </li>
@example(["<div>", "<h2>Related Content</h2>", "LIKE THIS"])  # a title exposed by a removal
def test_clean_is_idempotent_and_total_on_markup_soup(bits: list[str]) -> None:
    assert_idempotent("".join(bits))


# ---------------------------------------------------------------------------- pipeline


class DDNSpider(Spider):
    name = "ddn"
    profile = DDN


def make_post(**kwargs: object) -> PostItem:
    defaults: dict[str, object] = {
        "site": "ddn",
        "url": "https://www.drinkanddrugsnews.com/the-big-conversation/",
        "fetched_from": "http://127.0.0.1:8000/the-big-conversation/",
        "wp_id": 123,
        "title": "The Big Conversation",
    }
    defaults.update(kwargs)
    return PostItem(**defaults)  # type: ignore[arg-type]


def test_pipeline_cleans_post_standfirst_images_and_comments() -> None:
    crawler = get_crawler(DDNSpider)
    pipeline = CleanPipeline.from_crawler(crawler)
    spider = DDNSpider()
    pipeline.open_spider(spider)
    comment = CommentItem(
        wp_id=201, parent_wp_id=None, depth=1, position=1, author="Alice", author_url=None,
        posted_raw="5 July 2019 at 10:31 am",
        body_html=(
            '<p>Long overdue.</p><p><a href="https://alice.example" onclick="x()">my post</a></p>'
            '<em class="comment-awaiting-moderation">Your comment is awaiting moderation.</em>'
            '<div class="reply"><a class="comment-reply-link" href="?replytocom=201#respond">Reply</a></div>'
            "<script>bad()</script>"
        ),
    )
    featured = {"src": f"{UPLOADS}/2019/06/brighton.jpg", "alt": None, "caption": None}
    item = make_post(
        body_html=page("sharedaddy") + f'<p class="ddn-moderation-notice">{DDN_NOTICE}</p>',
        standfirst="<p>DDN <em>reports</em>.</p>",
        images=[featured],
        comments=[comment],
    )
    assert asyncio.run(pipeline.process_item(item, spider)) is item
    assert item.body_text == ARTICLE_TEXT
    assert item.standfirst == "DDN reports."
    assert item.images == ARTICLE_IMAGES  # the featured image merged, its alt and caption filled in
    assert comment.body_html == '<p>Long overdue.</p><p><a href="https://alice.example">my post</a></p>'
    assert comment.body_text == "Long overdue.\n\nmy post"
    assert "awaiting moderation" not in comment.body_text  # the notice is furniture; the reader flags it
    assert crawler.stats.get_value("clean/posts") == 1
    assert crawler.stats.get_value("clean/comments") == 1
    assert crawler.stats.get_value("clean/images") == 2


def test_pipeline_passes_other_items_through_and_keeps_plain_standfirst() -> None:
    pipeline = CleanPipeline.from_crawler(get_crawler(Spider))
    failure = FailureItem(site="ddn", url="https://www.drinkanddrugsnews.com/x/", kind="http", reason="404")
    assert asyncio.run(pipeline.process_item(failure)) is failure
    item = make_post(body_html="<p>x</p>", standfirst="Plain words, no markup")
    asyncio.run(pipeline.process_item(item))
    assert (item.body_html, item.body_text, item.standfirst) == ("<p>x</p>", "x", "Plain words, no markup")


def test_comment_cleaning_keeps_words_and_links() -> None:
    result = clean_comment_html(
        '<div class="comment-content"><p>Yes &amp; no.<br>Second line</p></div>'
        '<div class="comment-reply"><a rel="nofollow" class="comment-reply-link" href="#">Reply</a></div>'
    )
    assert result.html == '<div class="comment-content"><p>Yes &amp; no.<br>Second line</p></div>'
    assert result.text == "Yes & no.\nSecond line"


# The cleaner's own fragment wrapper (issue 14, bench/read_pages.py) must give exactly what
# lxml's fragment_fromstring gives, with the element classes chosen in C.
TRICKY_FRAGMENTS = [
    "plain words only",
    "   \n  <p>leading whitespace</p>",
    "5 < 6 & <script>alert(1)</script> tail & more",
    "lead &amp; <b>bold</b> tail <!-- note --> end",
    "<html><body class='x'><p>a whole document</p></body></html>",
    "<body onload='x()'><p>a stray body tag</p></body>",
    "<li></li>after an empty item<li>two</li>",
    "<p>one<p>two<div>three</div>",
    "<table><tr><td>cell</td></tr></table> text after",
    "\u00a0non-breaking lead <em>é £ “quotes”</em>",
    "<form><input name=x><select><option>o</option></select></form><p>forms</p>",
]


@pytest.mark.parametrize("markup", TRICKY_FRAGMENTS)
def test_fragment_wrapper_is_lxmls(markup: str) -> None:
    from pipelines.clean import _fragment

    ours = _fragment(markup)
    theirs = lxml_html.fragment_fromstring(markup, create_parent="div")
    assert lxml_html.tostring(ours, encoding="unicode") == lxml_html.tostring(theirs, encoding="unicode")
    assert type(ours) is lxml_html.HtmlElement  # the C lookup: no FormElement/InputElement proxies
    assert all(type(el) is lxml_html.HtmlElement for el in ours.iter("form", "input", "select"))

