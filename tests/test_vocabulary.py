"""The code's vocabularies and the archivists' documentation agree: every value the code can
write is described in metadata.yml. The crawl tests (themes, hostile site, second sources) check
the other way: every value a crawl stored belongs to a vocabulary (``vocabulary.unknown_values``)."""

from __future__ import annotations

import re

import pytest
from vocabulary import VOCABULARIES

from publishing.metadata import table


@pytest.mark.parametrize("where", sorted(VOCABULARIES), ids=lambda w: ".".join(w))
def test_every_value_is_described(where: tuple[str, str]) -> None:
    name, column = where
    description = table(name)["columns"][column]
    missing = [v.value for v in VOCABULARIES[where] if not re.search(rf"(?<![\w-]){re.escape(v.value)}(?![\w-])", description)]
    assert missing == []



def test_a_value_outside_the_vocabulary_is_reported(tmp_path) -> None:
    from vocabulary import unknown_values

    from archivedb.database import open_archive

    db = open_archive(str(tmp_path / "a.db"))
    db["crawls"].insert({"site": "ddn", "status": "finished", "kind": "crawl"})
    db.close()
    assert unknown_values(tmp_path / "a.db") == {"crawls.status": {"finished"}}
