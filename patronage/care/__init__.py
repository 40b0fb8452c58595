"""Complaints and service recovery: cases, the six recovery steps, SLAs on business calendars, notices."""
