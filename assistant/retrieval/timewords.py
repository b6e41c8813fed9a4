"""The words of time a question may use, and what each stands for: month and weekday names (with their
abbreviations), small numbers in words, the parts of a day and the seasons, and the words that may follow a
day named as a time ("Friday around noon") rather than as part of what is talked about ("the Friday
meeting")."""

from __future__ import annotations

MONTHS = {
    m: i
    for i, ms in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for m in ms.split()
}
WEEKDAYS = {
    d: i
    for i, ds in enumerate(
        (
            "mon monday",
            "tue tues tuesday",
            "wed wednesday",
            "thu thur thurs thursday",
            "fri friday",
            "sat saturday",
            "sun sunday",
        )
    )
    for d in ds.split()
}
NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {"a": 1, "an": 1, "a couple of": 2, "a few": 3, "couple of": 2}
PARTS = {"morning": (5, 12), "afternoon": (12, 17), "evening": (17, 22), "night": (17, 29)}  # 29 = 5 am next day
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
# After a day, these keep it a time: "what did I see Friday before lunch". Any other word makes the day
# a modifier of what follows ("the Friday meeting", "Monday standup moved to"). Stopwords count too.
AFTER_A_DAY = frozenset(
    """morning afternoon evening night noon midday lunch lunchtime tonight last next this week weekend around
    just again also only already still too while during between until till through since regarding
    concerning near or nor""".split()
)
