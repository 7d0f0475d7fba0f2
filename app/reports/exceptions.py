"""Errors of the reports domain, with the message the organiser or liaison sees."""

from app.core.exceptions import Invalid, NotFound


class UnitNotInCampaign(NotFound):
    message = "这个单位不在本次答题活动的范围内。"


class UnknownExport(NotFound):
    message = "没有这种导出内容，请从统计页面上的按钮导出。"


class PaperUnavailable(NotFound):
    message = "本机没有安装中文字体，无法生成 PDF 试卷，请下载 Word 版试卷打印。"


class PaperEntryInvalid(Invalid):
    message = "纸质答卷录入有误，请检查后重试。"


class ExportExpired(NotFound):
    message = "这个导出文件已过期或尚未完成，请回到统计页面重新导出。"
