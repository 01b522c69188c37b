"""``RepeatedTail``: the embedded server's repeat of a rejoin's last events, found by the events alone."""

from __future__ import annotations

from lg_widgets.runs.repeats import RepeatedTail


def feed(tail: RepeatedTail, events: list[tuple[str, str]], seen: int = 0) -> tuple[list[str], int]:
    """(id, key) pairs, the first ``seen`` of them already had: what passes, and how many repeats."""
    passed, repeats = [], 0
    for n, (event_id, key) in enumerate(events):
        if n < seen:
            tail.seen(event_id, key)
            continue
        out, repeated = tail.offer(event_id, key, f"{event_id}:{key}")
        passed += out
        repeats += repeated
    return passed, repeats


def test_a_repeat_of_the_last_events_is_dropped_whole():
    events = [("1", "a"), ("1", "b"), ("1", "c"), ("1", "d"), ("1", "c"), ("1", "d"), ("1", "e")]
    passed, repeats = feed(RepeatedTail(), events)
    assert passed == ["1:a", "1:b", "1:c", "1:d", "1:e"] and repeats == 1


def test_the_repeat_may_reach_into_events_had_before_the_cut():
    # a, b were had before the cut (the replay starts with them); the repeat is b, c.
    events = [("1", "a"), ("1", "b"), ("1", "c"), ("1", "b"), ("1", "c"), ("2", "d")]
    passed, repeats = feed(RepeatedTail(), events, seen=2)
    assert passed == ["1:c", "2:d"] and repeats == 1


def test_an_event_like_an_earlier_one_passes_once_the_next_one_differs():
    # " " again after "x": it could begin a repeat of " ", "x", but "y" follows: both pass, in order.
    events = [("1", "w"), ("1", " "), ("1", "x"), ("1", " "), ("1", "y")]
    passed, repeats = feed(RepeatedTail(), events)
    assert passed == ["1:w", "1: ", "1:x", "1: ", "1:y"] and repeats == 0


def test_a_held_event_that_was_new_is_itself_the_one_repeated():
    # The replay ends with a new " "; the repeat is that " " alone (held first as a repeat of the
    # earlier " ", x: that breaks off, and the second " " then repeats the first).
    events = [("1", "w"), ("1", " "), ("1", "x"), ("1", " "), ("1", " "), ("2", "z")]
    passed, repeats = feed(RepeatedTail(), events, seen=3)
    assert passed == ["1: ", "2:z"] and repeats == 1


def test_a_new_id_or_the_close_lets_held_events_pass():
    tail: RepeatedTail[str] = RepeatedTail()
    passed, _ = feed(tail, [("1", "a"), ("1", "b"), ("1", "a")])
    assert passed == ["1:a", "1:b"]
    assert tail.offer("2", "c", "2:c") == (["1:a", "2:c"], False)
    assert feed(tail, [("2", "d"), ("2", "c")]) == (["2:d"], 0)  # c, d may come again: c is held
    assert tail.release() == ["2:c"]
