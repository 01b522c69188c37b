"""``RepeatedTail``: the embedded server's repeat of a rejoin's last events, found by the events alone."""

from __future__ import annotations

from lg_widgets.runs.repeats import RepeatedTail


def feed(events: list[tuple[str, str]], seen: int = 0) -> tuple[list[str], bool]:
    """(id, key) pairs, the first ``seen`` of them had before the cut: what passes (the close
    included), and whether a repeat was found."""
    tail: RepeatedTail[str] = RepeatedTail()
    passed = []
    for n, (event_id, key) in enumerate(events):
        if n < seen:
            tail.seen(event_id, key)
        else:
            passed += tail.offer(event_id, key, f"{event_id}:{key}")
    return passed + tail.settle(), tail.found


def test_a_repeat_of_the_last_events_is_dropped_whole():
    events = [("1", "a"), ("1", "b"), ("1", "c"), ("1", "d"), ("1", "c"), ("1", "d"), ("1", "e")]
    assert feed(events) == (["1:a", "1:b", "1:c", "1:d", "1:e"], True)


def test_the_repeat_may_reach_into_events_had_before_the_cut():
    # a, b were had before the cut (the replay starts with them); the repeat is b, c.
    events = [("1", "a"), ("1", "b"), ("1", "c"), ("1", "b"), ("1", "c"), ("2", "d")]
    assert feed(events, seen=2) == (["1:c", "2:d"], True)


def test_an_event_like_an_earlier_one_passes_once_the_next_one_differs():
    # " " again after "x": it could begin a repeat of " ", "x", but "y" follows: both pass, in order.
    events = [("1", "w"), ("1", " "), ("1", "x"), ("1", " "), ("1", "y")]
    assert feed(events) == (["1:w", "1: ", "1:x", "1: ", "1:y"], False)


def test_a_held_event_that_was_new_is_itself_the_one_repeated():
    # The replay ends with a new " "; the repeat is that " " alone (held first as a repeat of the
    # earlier " ", x: that breaks off, and the second " " then repeats the first).
    events = [("1", "w"), ("1", " "), ("1", "x"), ("1", " "), ("1", " "), ("2", "z")]
    assert feed(events, seen=3) == (["1: ", "2:z"], True)


def test_the_longest_repeat_wins_when_it_begins_like_a_shorter_one():
    # The replay ends " ", t, " "; the repeat is all three (its first " " alone would repeat the last).
    events = [("1", "s"), ("1", " "), ("1", "t"), ("1", " "), ("1", " "), ("1", "t"), ("1", " "), ("2", "n")]
    assert feed(events, seen=1) == (["1: ", "1:t", "1: ", "2:n"], True)


def test_a_short_repeat_is_dropped_when_the_longer_one_breaks_off():
    # The same start, but only the last " " came again: "n" (a new id) follows it.
    events = [("1", "s"), ("1", " "), ("1", "t"), ("1", " "), ("1", " "), ("2", "n")]
    assert feed(events, seen=1) == (["1: ", "1:t", "1: ", "2:n"], True)
    events = [("1", "s"), ("1", " "), ("1", "t"), ("1", " "), ("1", " "), ("1", "u")]
    assert feed(events, seen=1) == (["1: ", "1:t", "1: ", "1:u"], True)


def test_events_held_at_the_close_pass_when_they_were_no_whole_repeat():
    events = [("1", "a"), ("1", "b"), ("1", "a")]  # a, b may come again: a is held, then the close
    assert feed(events) == (["1:a", "1:b", "1:a"], False)
