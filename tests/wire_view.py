"""A front end in Python: applies deltas and snapshots by docs/architecture.md's rules, as js/src does."""

from __future__ import annotations


class WireView:
    """The text, token segments and event counts a view shows, rebuilt from kernel messages."""

    def __init__(self):
        self.seq, self.text, self.segments, self.counts = None, "", [], {}

    def delta(self, d: dict) -> None:
        if self.seq is not None and d.get("seq") is not None and d["seq"] <= self.seq:
            return
        self.seq = d.get("seq")
        self.text += d.get("text", "")
        for seg in d.get("segments", []):  # new segments; one with a known start replaces it
            self.segments = [s for s in self.segments if s["start"] != seg["start"]] + [dict(seg)]
        for i, seg in enumerate(self.segments):  # segments tile the text: the ends follow
            seg["end"] = self.segments[i + 1]["start"] if i + 1 < len(self.segments) else len(self.text)
        self.counts.update(d.get("counts", {}))  # only the modes that changed

    def snapshot(self, s: dict) -> None:
        self.seq, data = s["seq"], s["data"]
        self.text, self.counts = data["text"], dict(data["counts"])
        self.segments = [dict(seg) for seg in data["segments"]]
