"""Agenda boundaries against what was said: pauses, a change of language, the next
speaker named (unit tests on hand-made transcripts; the real-speech test is in
tests/run/test_agenda_check.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.agenda.check import aligned, check_boundaries, suggest_boundaries
from pipeline.types import Segment, Session, Word

REC = Path("webinar.mp4")


def speech(start_s: float, end_s: float, language: str, text: str = "") -> Segment:
    """Words every 0.5 s from start to end, in one language."""
    said = text.split() or ["word"] * int((end_s - start_s) * 2)
    step = (end_s - start_s) * 1000 / len(said)
    words = tuple(
        Word(round(start_s * 1000 + i * step), round(start_s * 1000 + (i + 0.8) * step), f" {w}")
        for i, w in enumerate(said)
    )
    return Segment(words[0].start_ms, words[-1].end_ms, " ".join(said), language, words)


def sessions(*bounds: float, speakers: tuple = ()) -> list[Session]:
    return [
        Session(i + 1, f"Talk {i + 1}", REC, round(a * 1000), round(b * 1000),
                speakers[i] if i < len(speakers) else ())  # fmt: skip
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]


def test_a_late_agenda_boundary_moves_to_the_pause_where_the_language_changes():
    said = [speech(0, 50, "en"), speech(51, 100, "en"), speech(103, 200, "fr")]
    (check,) = check_boundaries(sessions(0, 160, 200), said)  # the agenda: 60 s late
    assert check.moved and abs(check.suggested_ms - 102_000) <= 1000
    assert "the language changes from en to fr" in check.reasons


def test_the_next_speaker_named_after_a_pause_marks_the_boundary_in_one_language():
    said = [
        speech(0, 60, "en"),
        speech(62, 66, "en", "our next speaker is Lenka Kint"),
        speech(68, 150, "en"),
    ]
    (check,) = check_boundaries(
        sessions(0, 110, 150, speakers=((), ("Lenka Kint, VDAB",))), said
    )
    assert abs(check.suggested_ms - 61_000) <= 1000
    assert "'Lenka' is said" in check.reasons


def test_without_evidence_the_agenda_time_is_kept():
    said = [speech(0, 100, "en"), speech(100.5, 200, "en")]
    (check,) = check_boundaries(sessions(0, 120, 200), said)
    assert not check.moved and check.suggested_ms == 120_000 and check.reasons == ()


def test_boundaries_are_checked_in_order_each_from_the_one_found_before():
    said = [speech(0, 58, "en"), speech(61, 118, "fr"), speech(121, 180, "es")]
    first, second = check_boundaries(sessions(0, 100, 150, 180), said)
    assert abs(first.suggested_ms - 60_000) <= 1000  # en -> fr, 40 s before its agenda
    assert abs(second.suggested_ms - 120_000) <= 1000  # fr -> es, 30 s before its agenda


def test_aligning_moves_both_sides_of_each_moved_boundary():
    said = [speech(0, 58, "en"), speech(61, 118, "fr"), speech(121, 180, "es")]
    agenda = sessions(0, 100, 150, 180)
    checks = check_boundaries(agenda, said)
    first, second, third = aligned(agenda, [c.move for c in checks])
    assert first.end_ms == second.start_ms == checks[0].suggested_ms
    assert second.end_ms == third.start_ms == checks[1].suggested_ms
    assert (first.start_ms, third.end_ms) == (0, 180_000)


def test_one_session_gets_boundaries_suggested_where_sustained_languages_change():
    said = [speech(0, 58, "en"), speech(61, 118, "fr"), speech(121, 180, "es")]
    (whole,) = sessions(0, 180)
    found = suggest_boundaries(whole, said)
    assert [round(t / 1000) for t in found] == [60, 120]


def test_a_panel_switching_language_every_sentence_is_not_cut():
    said = [speech(i * 10, i * 10 + 8.5, ("en", "fr", "es")[i % 3]) for i in range(18)]
    (whole,) = sessions(0, 180)
    assert suggest_boundaries(whole, said) == ()


def test_a_long_pause_alone_does_not_move_a_boundary():
    said = [speech(0, 60, "en"), speech(64.5, 200, "en")]  # 4.5 s for a slide, say
    (check,) = check_boundaries(sessions(0, 120, 200), said)
    assert not check.moved


def test_a_late_boundary_does_not_take_the_next_ones_change_of_language():
    """Two English talks, then French: the first boundary, 90 s late, has the change
    of language 100 s from it in reach, but the voices place it, and the second
    boundary takes the change of language."""
    said = [speech(0, 239, "en"), speech(241, 400, "en"), speech(402, 600, "fr")]
    turns = [(0, 239_000, 1), (241_000, 400_000, 2), (402_000, 600_000, 3)]
    first, second = check_boundaries(sessions(0, 330, 430, 600), said, turns)
    assert abs(first.suggested_ms - 240_000) <= 1000, first
    assert abs(second.suggested_ms - 401_000) <= 1000, second
    assert "the language changes from en to fr" in second.reasons


def test_a_change_of_language_counts_only_into_the_sessions_declared_language():
    said = [speech(0, 100, "en"), speech(102, 200, "fr")]
    (english, spanish) = sessions(0, 150, 200)
    (check,) = check_boundaries([english, replace(spanish, language="es")], said)
    assert not check.moved, check
    (check,) = check_boundaries([english, replace(spanish, language="fr")], said)
    assert abs(check.suggested_ms - 101_000) <= 1000, check


def test_the_language_changes_at_the_pause_between_the_two_languages_words():
    """A longer pause a sentence before the change of language is not where it is:
    the words on each side of the cut must be in the two languages."""
    said = [speech(0, 90, "fr"), speech(95.5, 100, "fr"), speech(104.5, 200, "es")]
    (check,) = check_boundaries(sessions(0, 130, 200), said)
    assert abs(check.suggested_ms - 103_500) <= 1000, check
