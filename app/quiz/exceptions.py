"""Errors of the quiz domain, with the message the employee or organiser sees."""

from app.core.exceptions import Conflict, Forbidden, Invalid, NotFound, TooManyRequests


class CampaignNotFound(NotFound):
    message = "没有找到这个答题活动，请检查链接是否完整。"


class CampaignDraft(NotFound):
    message = "这个答题活动还没有发布，请稍后再打开链接，或联系组织者。"


class CampaignNotOpen(Forbidden):
    message = "答题活动还没有开始，请在开始时间之后再来。"


class CampaignClosed(Forbidden):
    message = "答题活动已经结束，不能再答题了。"


class CampaignInvalid(Invalid):
    message = "答题活动的设置有误。"


class AttemptNotFound(NotFound):
    message = "没有找到这次答题记录。"


class AttemptFinished(Conflict):
    message = "这次答题已经交卷，不能再修改。"


class AttemptTimeUp(Conflict):
    message = "答题时间已到，系统已按您已保存的答案自动交卷。"


class AttemptsUsedUp(Conflict):
    message = "您的答题次数已经用完。"


class StudyRequired(Conflict):
    message = "请先完成在线学习，再开始答题。"


class NotIdentified(Forbidden):
    message = "请先打开答题链接，填写单位和姓名确认身份，然后即可继续答题。"


class NotYourAttempt(Forbidden):
    message = "这不是您的答题记录。请从本单位发的答题链接进入，并用自己的姓名确认身份。"


class QuestionNotFound(NotFound):
    message = "没有这一题，请从题号列表中选择。"


class InvalidResponse(Invalid):
    message = "提交的答案格式不对，请重新选择。"


class IdentifyLocked(TooManyRequests):
    message = "核对失败次数过多，请 15 分钟后再试，或联系本单位联络员。"


class StudySessionNotFound(NotFound):
    message = "没有找到这次学习记录，请刷新页面。"


class SubmitThrottled(TooManyRequests):
    message = "交卷操作过于频繁，请稍等一分钟后再试；已保存的答案不会丢失。"
