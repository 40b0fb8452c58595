# CLDR's medium date and short time for Korean (what Babel writes), one form on every page: "2026. 12. 6. 오후 3:00".
DATE_FORMAT = SHORT_DATE_FORMAT = "Y. n. j."
TIME_FORMAT = "A g:i"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y. n. j. A g:i"
MONTH_DAY_FORMAT = "n월 j일"
