"""Forms of the accounts domain."""

from pydantic import BaseModel, Field


class LoginForm(BaseModel):
    username: str = Field(default="", max_length=100)
    password: str = Field(default="", max_length=200)
    next: str = ""


class PasswordForm(BaseModel):
    current: str = Field(default="", max_length=200)
    new: str = Field(default="", max_length=200)
    repeat: str = Field(default="", max_length=200)
