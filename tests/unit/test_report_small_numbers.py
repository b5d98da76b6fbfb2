"""The small-numbers rule of the public report pack: categories under five companies merged, or all suppressed."""

from __future__ import annotations

from bot.services.small_numbers import Bucket, merge_small


def test_categories_of_five_or_more_stay_as_they_are() -> None:
    assert merge_small([("meets", 5), ("on_track", 9), ("lagging", 0)]) == (
        Bucket(("meets",), 5),
        Bucket(("on_track",), 9),
        Bucket(("lagging",), 0),
    )


def test_a_small_category_joins_its_smaller_neighbour() -> None:
    assert merge_small([("meets", 5), ("on_track", 3), ("lagging", 2)]) == (
        Bucket(("meets",), 5),
        Bucket(("on_track", "lagging"), 5),
    )


def test_merging_goes_on_until_no_category_is_small() -> None:
    assert merge_small([("meets", 7), ("on_track", 1), ("lagging", 1)]) == (
        Bucket(("meets", "on_track", "lagging"), 9),
    )


def test_fewer_than_five_in_all_are_suppressed() -> None:
    assert merge_small([("meets", 2), ("on_track", 1), ("lagging", 1)]) is None
    assert merge_small([]) is None


def test_no_published_category_ever_holds_one_to_four_companies() -> None:
    for a in range(8):
        for b in range(8):
            for c in range(8):
                found = merge_small([("meets", a), ("on_track", b), ("lagging", c)])
                if found is not None:
                    assert all(bucket.count == 0 or bucket.count >= 5 for bucket in found), (a, b, c)
                    assert sum(bucket.count for bucket in found) == a + b + c
