"""Errors of the accounts domain, with the message the user sees."""

from app.core.exceptions import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound, TooManyRequests


class UnitNotFound(NotFound):
    message = "没有找到这个单位。"


class PersonNotFound(NotFound):
    message = "没有找到这个人员。"


class RosterImportNotFound(NotFound):
    message = "没有找到这次上传的名单，请重新上传。"


class AdminUserNotFound(NotFound):
    message = "没有找到这个管理账号。"


class UsernameTaken(Conflict):
    message = "这个用户名已被使用，请换一个。"


class WeakPassword(Invalid):
    message = "密码至少 8 位，且不能全是数字或字母。"


class LoginRequired(NotAuthenticated):
    message = "请先登录管理后台。"


class AdminOnly(Forbidden):
    message = "只有组织者（管理员）可以进行此操作。"


class OutsideScope(Forbidden):
    message = "这个单位不在您负责的范围内。"


class LockedOut(TooManyRequests):
    message = "登录失败次数过多，账号已临时锁定，请 15 分钟后再试。"
