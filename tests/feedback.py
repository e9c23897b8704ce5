"""Assertions on the Feedback of exercise checks, shared by the test files."""

from onebyone.exercises import Feedback


def assert_right(feedback: object) -> None:
    """The feedback says "correct"."""
    assert isinstance(feedback, Feedback)
    assert feedback, repr(feedback)
    assert feedback.correct is True
    assert repr(feedback).startswith("✓"), repr(feedback)


def assert_wrong(feedback: object, *hints: str) -> str:
    """The feedback says "not yet" in one line; its message contains every hint
    (case-insensitive). Returns the message."""
    assert isinstance(feedback, Feedback)
    assert not feedback, repr(feedback)
    assert feedback.correct is False
    text = repr(feedback)
    assert text.startswith("✗"), text
    assert "Traceback" not in text and "\n" not in text
    assert len(feedback.message) > 10, "the message should explain what is wrong"
    for hint in hints:
        assert hint.lower() in feedback.message.lower(), (hint, feedback.message)
    return feedback.message
