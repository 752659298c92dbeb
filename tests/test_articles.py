"""Article bodies on any theme: page builders' containers, the densest block, lazy images,
Cloudflare e-mail, emoji, title entities, one serialiser, mislabelled encodings.

The ``builders`` mirror (tests/sites/builders.py) is crawled once with the real CLI as the ``ddn``
spider; the tests assert the stored rows. The in-process tests pin each reader on small pages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from lxml import html

from crawling import crawl, rows
from mirror import SITES_DIR, MirrorServer
from pipelines.clean import clean_comment_html, clean_html
from reading.restore import decode_cf_email
from reading.body import densest_block, find_body, post_region
from reading.dom import inner_html
from reading.extract import _repaired_text, extract_post_page
from reading.sites import DDN

ORIGIN = "https://www.drinkanddrugsnews.com"
UPLOADS = f"{ORIGIN}/wp-content/uploads/2023/07"


@pytest.fixture(scope="session")
def builders(tmp_path_factory) -> tuple[Path, object]:
    """The builders mirror crawled once, end to end, into its own database."""
    db = tmp_path_factory.mktemp("builders") / "archive.db"
    with MirrorServer(SITES_DIR / "builders") as server:
        result = crawl("ddn", server.base_url, db)
    return db, result


def post(db: Path, slug: str) -> dict:
    found = rows(db, "select * from posts where url = ?", (f"{ORIGIN}/{slug}/",))
    assert len(found) == 1, slug
    return found[0]


def test_every_builder_post_is_stored_with_a_body_and_nothing_failed(builders) -> None:
    db, result = builders
    assert result.returncode == 0, result.stdout + result.stderr
    truth = json.loads((SITES_DIR / "builders" / "expected.json").read_text(encoding="utf-8"))
    stored = rows(db, "select url, body_text from posts order by url")
    assert [r["url"] for r in stored] == sorted(truth["posts"])
    assert all(r["body_text"] for r in stored)
    assert rows(db, "select * from failures") == []


BODIES = {
    "block-theme-recovery-cafe": (
        "Recovery café opens in Leeds",
        "A recovery café run by people in recovery opened its doors in Leeds this week 👍\n\n"
        "Bookings are handled by the café team at cafe@example.org.uk during opening hours.\n\n"
        "The café counter on opening day",
        [{"src": f"{UPLOADS}/cafe.jpg", "alt": "The café counter", "caption": "The café counter on opening day"}]),
    "elementor-naloxone-in-every-hostel": (
        "Naloxone in every hostel",
        "Every hostel in the city will hold naloxone kits by the end of the year, the council has confirmed.\n\n"
        "Hostel staff with a kit\n\nQuestions about training go to training@example.org.uk.",
        [{"src": f"{UPLOADS}/naloxone-kit.jpg", "alt": "A naloxone kit", "caption": None},
         {"src": f"{UPLOADS}/hostel.jpg", "alt": "Hostel staff", "caption": "Hostel staff with a kit"}]),
    "divi-needle-exchange-extends-hours": (
        "Needle exchange extends its hours",
        "The needle exchange on Market Street will open until 9pm on weekdays from August.\n\n"
        "Staff say the late opening reaches people who work during the day 🙂\n\n"
        "A second van will cover the estates north of the river.",
        [{"src": f"{UPLOADS}/exchange.jpg", "alt": "The exchange counter", "caption": None}]),
    "newspaper-alcohol-care-teams": (
        "Alcohol care teams for every hospital",
        "Every acute hospital should have a seven-day alcohol care team, according to a new report.\n\n"
        "The teams cut readmissions and free up beds, the report finds.",
        [{"src": f"{UPLOADS}/ward.jpg", "alt": "A hospital ward", "caption": None}]),
    "beaver-themer-peer-led-detox": (
        "Peer-led detox pilot reports back",
        "A peer-led community detox pilot has reported its first year of results.\n\n"
        "Nine in ten people completed their detox.\n\nMost were still in contact with services six months later.\n\n"
        "The pilot will now run in two more boroughs.",
        []),
    "unknown-theme-one-provider": (
        "Treatment’s next chapter: one provider & one contract",
        "The city’s treatment services are to be brought under one provider from April, ending a decade of split "
        "contracts.\n\nCommissioners said the change would mean one assessment, one key worker and one set of "
        "records for each person.\n\nWe want one door, not five.\n\nService users who spoke at the consultation "
        "events asked for the needle exchange and the recovery café to stay where they are.\n\n"
        "The new contract runs for seven years, with a break clause after four.",
        []),
    "cp1252-pay-it-forward": (
        "Café scheme pays it forward",
        "Café owners in Brixton say the “pay it forward” scheme raised £1,200 – and counting.\n\n"
        "It’s the third year they’ve run it.",
        []),
    "mixed-encoding-costed-plan": (
        "A costed plan",
        "Naïve optimism? Not here — the team’s plan is costed 👍\n\n"
        "Staff pasted this from Word: “smart quotes” and a café’s £5 – all Windows-1252.",
        []),
}


@pytest.mark.parametrize("slug", list(BODIES))
def test_stored_title_body_text_and_images(builders, slug: str) -> None:
    title, body_text, images = BODIES[slug]
    row = post(builders[0], slug)
    assert row["title"] == title
    assert row["body_text"] == body_text
    assert json.loads(row["images"]) == images
    for never in ("\ufffd", "[email", "data:", "cdn-cgi", "__cf_email__", 'class="emoji"', "<noscript"):
        assert never not in row["body_html"], (slug, never)


def test_builder_containers_are_the_stored_body(builders) -> None:
    db = builders[0]
    assert "elementor-widget-theme-post-content" in post(db, "elementor-naloxone-in-every-hostel")["body_html"]
    assert "et_pb_post_content_0_tb_body" in post(db, "divi-needle-exchange-extends-hours")["body_html"]
    assert post(db, "newspaper-alcohol-care-teams")["body_html"].startswith('<div class="td-post-content tagdiv-type">')
    assert "fl-module-fl-post-content" in post(db, "beaver-themer-peer-led-detox")["body_html"]
    assert "wp-block-post-content" in post(db, "block-theme-recovery-cafe")["body_html"]
    assert post(db, "unknown-theme-one-provider")["body_html"].startswith('<div class="story-text">')
    # Cards of other posts (Elementor's and Divi's post grids) never stand in for the post.
    for slug in ("elementor-naloxone-in-every-hostel", "divi-needle-exchange-extends-hours"):
        body = post(db, slug)["body_text"]
        assert "Drug deaths" not in body and "testing van" not in body


def test_lazy_images_keep_their_real_urls_in_the_html(builders) -> None:
    body = post(builders[0], "elementor-naloxone-in-every-hostel")["body_html"]
    assert f'src="{UPLOADS}/naloxone-kit.jpg"' in body
    assert f'srcset="{UPLOADS}/naloxone-kit.jpg 800w, {UPLOADS}/naloxone-kit-300x169.jpg 300w"' in body
    assert f'src="{UPLOADS}/hostel.jpg"' in body and f'srcset="{UPLOADS}/hostel.jpg 800w' in body
    assert "data-src" not in body and "data-lazy" not in body
    newspaper = post(builders[0], "newspaper-alcohol-care-teams")["body_html"]
    assert f'src="{UPLOADS}/ward.jpg"' in newspaper
    assert "<p></p>" not in newspaper  # the bare placeholder went with its paragraph


def test_cloudflare_addresses_are_decoded_in_posts_and_comments(builders) -> None:
    db = builders[0]
    assert '<a href="mailto:training@example.org.uk">training@example.org.uk</a>' in \
        post(db, "elementor-naloxone-in-every-hostel")["body_html"]
    assert "at cafe@example.org.uk during" in post(db, "block-theme-recovery-cafe")["body_html"]
    comment = rows(db, "select body_html, body_text from comments where wp_id = 7002")[0]
    assert comment == {"body_html": '<p>Write to me at <a href="mailto:priya@example.org">priya@example.org</a> 🎉</p>',
                       "body_text": "Write to me at priya@example.org 🎉"}


def test_a_commenters_literal_markup_survives_the_crawl(builders) -> None:
    comment = rows(builders[0], "select body_html, body_text from comments where wp_id = 7001")[0]
    assert comment == {"body_html": "5 &lt; 6 &amp; I typed &lt;script&gt; as text",
                       "body_text": "5 < 6 & I typed <script> as text"}


def test_json_ld_entities_are_decoded_in_title_and_author(builders) -> None:
    row = post(builders[0], "unknown-theme-one-provider")
    assert (row["title"], row["author"]) == ("Treatment’s next chapter: one provider & one contract", "Ann O’Neill")


def test_mirror_files_match_their_generator(tmp_path: Path) -> None:
    sys.path.insert(0, str(SITES_DIR))
    import builders as generator  # noqa: PLC0415

    truth = generator.build(tmp_path)
    assert truth == json.loads((SITES_DIR / "builders" / "expected.json").read_text(encoding="utf-8"))
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    saved = {p.relative_to(SITES_DIR / "builders"): p.read_bytes()
             for p in (SITES_DIR / "builders").rglob("*") if p.is_file() and p.name != "expected.json"}
    assert made == saved


# ---------------------------------------------------------------------------- in process


def test_one_serialiser_escapes_the_leading_text_and_cleaning_keeps_it() -> None:
    el = html.fragment_fromstring(
        '<div class="comment-content">5 &lt; 6 &amp; I typed &lt;script&gt; as text<br>ok</div>')
    serialised = inner_html(el)
    assert serialised == "5 &lt; 6 &amp; I typed &lt;script&gt; as text<br>ok"
    cleaned = clean_comment_html(serialised)
    assert cleaned.text == "5 < 6 & I typed <script> as text\nok"
    assert clean_comment_html(cleaned.html).html == cleaned.html  # and again: stable
    assert clean_html(serialised).text == cleaned.text


@pytest.mark.parametrize("address, key", [("a@b.co", 0x00), ("training@example.org.uk", 0x7c), ("zoë@exämple.org", 0xff)])
def test_cloudflare_hex_round_trips(address: str, key: int) -> None:
    hexed = f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in address.encode())
    assert decode_cf_email(hexed) == address


@pytest.mark.parametrize("bad", ["", "7c", "zz11", "7c8f"])
def test_cloudflare_garbage_is_left_alone(bad: str) -> None:
    assert decode_cf_email(bad) is None
    body = f'<p>Mail <a class="__cf_email__" data-cfemail="{bad}" href="/cdn-cgi/l/email-protection">[email protected]</a></p>'
    assert "[email protected]" in clean_comment_html(body).text


def test_emoji_and_smiley_images_become_their_characters() -> None:
    result = clean_html('<p>Thanks <img class="emoji" alt="👍" src="https://s.w.org/x.svg"> and '
                        '<img class="wp-smiley" alt=":)" src="/smilies/icon_smile.gif"> !</p><p><img src="/a.jpg" alt="A"></p>')
    assert result.text == "Thanks 👍 and :) !"
    assert result.html.startswith("<p>Thanks 👍 and :) !</p>")
    assert [i["src"] for i in result.images] == ["/a.jpg"]


def test_lazy_sources_in_picture_noscript_alone_and_bare_placeholders() -> None:
    body = ('<picture><source type="image/webp" data-srcset="/a.webp 1x"><img src="data:image/gif;base64,R0lGOD" '
            'data-src="/a.jpg" alt="A"></picture>'
            '<p>Text</p><noscript><img src="/b.jpg" alt="B"></noscript>'
            '<p><img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt=""></p>'
            '<p><img src="/c.jpg" srcset="data:image/gif;base64,R0lGOD 1x" alt="C"></p>')
    result = clean_html(body)
    assert [i["src"] for i in result.images] == ["/a.jpg", "/b.jpg", "/c.jpg"]
    assert '<source type="image/webp" srcset="/a.webp 1x">' in result.html
    assert "data:" not in result.html and "<noscript" not in result.html
    assert result.html.count("<p>") == 2


def test_an_inline_image_pasted_into_a_post_is_content_not_a_placeholder() -> None:
    inline = "data:image/png;base64," + "A" * 4000
    result = clean_html(f'<p>Chart</p><p><img src="{inline}" alt="Chart"></p>')
    assert inline in result.html and result.images == []  # kept in the HTML, not a URL to fetch


PAGE = """<html><head><meta charset="utf-8"></head><body class="single single-post postid-{id}">{body}</body></html>"""


def read(body: str, post_id: int = 5) -> html.HtmlElement:
    return html.document_fromstring(PAGE.format(id=post_id, body=body))


def test_post_region_is_the_post_not_a_card_or_a_comment() -> None:
    root = read('<article class="post-9 post type-post"><h3>Other</h3></article>'
                '<div class="elementor post-5 post type-post"><p>Mine</p></div>')
    assert post_region(root, 5).get("class") == "elementor post-5 post type-post"
    root = read('<div id="comments"><article id="div-comment-3" class="comment-body">Hi</article></div>'
                '<article id="post-9" class="post-9 post type-post">Card</article>')
    assert post_region(root, 5) is None


def test_densest_block_skips_comments_navigation_and_asides() -> None:
    story = "".join(f"<p>{'Sentence of the story number %d. ' % n * 4}</p>" for n in range(4))
    root = read(f'<nav><ul><li><a href="/">Home page of the whole site here</a></li></ul></nav>'
                f'<div id="c"><div class="text">{story}</div><div class="tags"><a href="/t">tag</a></div></div>'
                f'<aside><p>{"An aside that is quite long indeed. " * 6}</p></aside>'
                f'<div id="comments"><ol class="comment-list"><li><p>{"A long comment text. " * 20}</p></li></ol></div>')
    assert densest_block(root.find("body")).get("class") == "text"
    assert find_body(None, root, DDN.body_selectors).get("class") == "text"


def test_an_empty_theme_container_gives_way_to_the_builders_one() -> None:
    root = read('<article class="post-5 post type-post"><div class="entry-content"> </div>'
                '<div class="fl-module fl-module-fl-post-content"><div class="fl-module-content"><p>Body</p></div></div></article>')
    assert "fl-module-fl-post-content" in find_body(post_region(root, 5), root, DDN.body_selectors).get("class")


def test_titles_decode_entities_left_in_json_ld_and_double_escaped_headings() -> None:
    ld = '<script type="application/ld+json">{"@type":"Article","headline":"Smith &amp; Jones&#8217; plan"}</script>'
    page = extract_post_page(PAGE.format(id=5, body=ld + "<div class='entry-content'><p>x</p></div>").encode(), "utf-8", DDN).page
    assert page.title == "Smith & Jones’ plan"
    page = extract_post_page(PAGE.format(id=5, body="<h1 class='entry-title'>Drugs &amp;amp; alcohol</h1>").encode(),
                             "utf-8", DDN).page
    assert page.title == "Drugs & alcohol"


def test_clean_pages_take_the_fast_path_and_mislabelled_ones_are_repaired() -> None:
    assert _repaired_text("café “ok” 👍".encode(), "utf-8") is None
    assert _repaired_text("café".encode("cp1252"), "windows-1252") is None
    assert _repaired_text("Café “quoted” £5".encode("cp1252"), "utf-8") == "Café “quoted” £5"
    twingled = "Naïve — ".encode() + "“Word” café".encode("cp1252") + " 👍".encode()
    assert _repaired_text(twingled, "utf-8") == "Naïve — “Word” café 👍"
    assert _repaired_text("smart “quotes” only".encode("cp1252") + " — ".encode(), "utf-8") == "smart “quotes” only — "
    assert _repaired_text("Café".encode("cp1252"), "no-such-codec") == "Café"
