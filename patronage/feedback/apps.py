from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "patronage.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from patronage.care.hooks import on_follow_up_by_survey
        from patronage.feedback import erasure, message_kinds, timeline_kinds, webhook_topics  # noqa: F401
        from patronage.feedback.invitations import case_follow_up_invite

        # A closed case's follow-up is the survey that follows closed cases, when one is open.
        on_follow_up_by_survey(case_follow_up_invite)
