"""Shared fixtures for the questions tests: where the sample texts live, if they are there."""

from pathlib import Path

import pytest

# The samples sit next to the repository (../shared); never an absolute path of one machine.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = [
    "reports/gov_report_2022_national.txt",
    "reports/gov_report_2026_hainan_provincial.txt",
    "reports/gov_report_2026_jiangxi_provincial.txt",
    "seeds/government-work-speech.txt",
    "seeds/work-report-quiz-summaries.txt",
]


@pytest.fixture(params=SAMPLES, ids=[Path(s).stem for s in SAMPLES])
def sample(request: pytest.FixtureRequest) -> Path:
    """One sample text; the test is skipped when ../shared is absent."""
    path = SHARED / request.param
    if not path.exists():
        pytest.skip(f"sample text not available: ../shared/{request.param}")
    return path
