"""Counts follow each language's plural rules (Babel/CLDR): "1 brancheorganisatie", "2 vakbonden", never
"1 vakbonden" or a hedged "dag(en)"."""

from __future__ import annotations

import re

from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

HEDGED = re.compile(r"\w\((s|en|n|e)\)")


def test_status_counts_parties_in_the_singular_for_one(slack: SlackHarness) -> None:
    dutch = reply_text(slack.command("/covenant", "status metaal", person("sanne").slack_user_id))
    english = reply_text(slack.command("/covenant", "status metaal", person("emma").slack_user_id))
    assert "1 brancheorganisatie," in dutch and "1 vakbond," in dutch
    assert "1 brancheorganisaties" not in dutch and "1 vakbonden" not in dutch
    assert "1 trade association," in english and "1 trade union," in english
    assert "1 trade associations" not in english and "1 trade unions" not in english
    assert not HEDGED.search(dutch) and not HEDGED.search(english)
