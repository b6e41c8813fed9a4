"""The words of a text, one way everywhere: the word pattern, the stopwords, content and topic words."""

from __future__ import annotations

import re

WORD = re.compile(r"\w+", re.UNICODE)
# Question words and glue carry no evidence; dropping them lets BM25 weigh the content words.
STOPWORDS = frozenset(
    """
a an and are as at be been but by can could did do does for from had has have he her hers him his how i if
in into is it its me my of on or our she so than that the their them then there these they this to was we
were what when where which who whom whose why will with would you your yours about after before tell know
remember anything something any some ever""".split()
)

# Words that ask what there was rather than name a topic ("what happened", "summarise", "what was I up
# to"): a question of these and a time phrase browses the time's memories instead of matching words.
ACTIVITY_WORDS = frozenset(
    """
happen happens happened happening going up doing done work worked working summarise summarize summarised
summarized summary recap overview everything all activity activities show list give""".split()
)


def words(text: str) -> list[str]:
    """The words of `text`, as written."""
    return WORD.findall(text)


def lower_words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces: punctuation and spacing do not matter."""
    return " ".join(WORD.findall(text.lower()))


def content_words(text: str) -> set[str]:
    """Lower-case words that are not stopwords, of two letters or more."""
    return {w for w in lower_words(text) if w not in STOPWORDS and len(w) > 1}


def has_content_words(text: str) -> bool:
    return any(w.lower() not in STOPWORDS for w in WORD.findall(text))


def topic_words(text: str) -> set[str]:
    """The words that name what a question is about (lower case): no stopwords, no "what happened"."""
    return set(lower_words(text)) - STOPWORDS - ACTIVITY_WORDS


_DONT_KNOW = re.compile(r"^\s*I don'?t know[:.,]?", re.IGNORECASE)


def unknown_reason(text: str) -> str:
    """Why an answer that does not know says so: its text without its own "I don't know" (a view says that)."""
    return _DONT_KNOW.sub("", text).strip()
