"""`python -m questions generate …` runs the bank CLI without the app installed."""

from questions.cli import bank

bank(prog_name="python -m questions")
