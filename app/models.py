"""Every domain's models, imported in one place for Alembic and the tests."""

from app.accounts.models import AdminUser, AuditLog, Job, Person, Throttle, Unit
from app.banks.models import Bank, Question, Report
from app.db.base import Base
from app.quiz.models import Answer, Attempt, Campaign, StudySession

__all__ = [
    "AdminUser",
    "Answer",
    "Attempt",
    "AuditLog",
    "Bank",
    "Base",
    "Campaign",
    "Job",
    "Person",
    "Question",
    "Report",
    "StudySession",
    "Throttle",
    "Unit",
]
