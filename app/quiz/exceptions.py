"""Errors of the quiz domain, with the message the employee or organiser sees."""

from app.core.exceptions import Conflict, Invalid, NotFound


class CampaignNotFound(NotFound):
    message = "没有找到这个答题活动，请检查链接是否完整。"


class CampaignInvalid(Invalid):
    message = "答题活动的设置有误。"


class AttemptNotFound(NotFound):
    message = "没有找到这次答题记录。"


class AttemptFinished(Conflict):
    message = "这次答题已经交卷，不能再修改。"
