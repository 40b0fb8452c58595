# CLDR's medium date and short time for Simplified Chinese (what Babel writes), one form on every page:
# "2026年12月6日 15:00"; numbers grouped by thousands with commas, as CLDR has it (Django groups by 4, unmarked).
DATE_FORMAT = SHORT_DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
