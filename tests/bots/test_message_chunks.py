"""Lines the bot writes are sent in as few messages as Telegram takes, and a line is never split."""

from __future__ import annotations

from p2pstock.bots.telegram.context import MESSAGE_CHARS, chunks


def test_many_lines_fill_as_few_messages_as_fit_and_none_is_too_long() -> None:
    lines = [f"{n:04d} " + "配" * 95 for n in range(500)]
    sent = chunks(lines)
    assert all(len(message) <= MESSAGE_CHARS for message in sent)
    assert "\n".join(sent).split("\n") == lines
    assert len(sent) == -(-sum(len(line) + 1 for line in lines) // (MESSAGE_CHARS + 1))


def test_a_line_longer_than_a_message_is_sent_whole_on_its_own() -> None:
    long = "x" * (MESSAGE_CHARS + 10)
    assert chunks(["a", long, "b"]) == ["a", long, "b"]
    assert chunks([]) == []
