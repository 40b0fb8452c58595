"""Surveys and their answers: questions and branching, NPS/CSAT/CES scores, the closed loop, free-text themes.

For now only the pure foundation lives here (no models yet): `questions` checks a survey's questions and a
respondent's answers, `scores` turns answers into scores with confidence intervals. The Django app (models,
services, selectors) is built on them later.
"""
