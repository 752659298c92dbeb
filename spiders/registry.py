"""One spider class per site profile, so ``scrapy crawl <site>`` finds every site in
``reading/sites.py``: a new site is a new profile, not new code."""

from __future__ import annotations

from reading.sites import PROFILES
from spiders.wordpress import WordPressSpider

SPIDERS: dict[str, type[WordPressSpider]] = {
    name: type(f"{name.title()}Spider", (WordPressSpider,),
               {"name": name, "profile": profile, "__module__": __name__})
    for name, profile in PROFILES.items()
}
globals().update({cls.__name__: cls for cls in SPIDERS.values()})


def spider_class(name: str) -> type[WordPressSpider]:
    """The spider registered under a site name (``collectivevoice``, ``ddn``)."""
    return SPIDERS[name]
