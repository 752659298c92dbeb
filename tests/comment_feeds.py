"""The envelope of a post's RSS2 comment feed as WordPress core prints it
(``wp-includes/feed-rss2-comments.php``), shared by the second-source and feed-parent tests."""

from __future__ import annotations

from html import escape


def feed_envelope(title: str, post_url: str, entries: str, *, update_period: bool = True) -> str:
    """The channel around ``entries`` (items, already rendered), for the post at ``post_url``."""
    period = "\n\t<sy:updatePeriod>hourly</sy:updatePeriod>\n\t<sy:updateFrequency>1</sy:updateFrequency>" \
        if update_period else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\t>
<channel>
\t<title>Comments on: {escape(title)}</title>
\t<atom:link href="{post_url}feed/" rel="self" type="application/rss+xml" />
\t<link>{post_url}</link>
\t<description>Drink and Drugs News</description>
\t<lastBuildDate>Fri, 10 Jan 2020 14:00:00 +0000</lastBuildDate>{period}{entries}
</channel>
</rss>
"""
