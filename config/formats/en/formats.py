# CLDR's medium date and short time for English (what Babel writes), one form on every page: "Dec 6, 2026, 3:00 PM".
DATE_FORMAT = SHORT_DATE_FORMAT = "M j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
MONTH_DAY_FORMAT = "M j"
