"""Calendar arithmetic shared by every app."""

from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (or earlier, when negative).

    29 February becomes 28 February, never 1 March: a review or an expiry is never later
    than the whole years say.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
