"""Forms and JSON bodies of the employee quiz."""

from typing import Any

from pydantic import BaseModel, Field


class IdentifyForm(BaseModel):
    unit_id: int | None = None
    name: str = Field(default="", max_length=100)
    code: str = Field(default="", max_length=60)
    q: str = Field(default="", max_length=100)


class StartForm(BaseModel):
    visit: int | None = None


class FontForm(BaseModel):
    size: str = Field(default="normal", max_length=10)
    next: str = Field(default="/", max_length=500)


class SaveAnswerBody(BaseModel):
    """An autosaved response: an option index, a list of them, true/false, or fill-in text."""

    response: Any = None


class SavedAnswer(BaseModel):
    saved: bool
    saved_at: str
    answered: int


class StudyBeat(BaseModel):
    seconds: int
    required_left: int
