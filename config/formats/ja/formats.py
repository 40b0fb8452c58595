# CLDR's medium date and short time for Japanese (what Babel writes), one form on every page: "2026/12/06 15:00".
DATE_FORMAT = SHORT_DATE_FORMAT = "Y/m/d"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y/m/d G:i"
MONTH_DAY_FORMAT = "n月j日"
