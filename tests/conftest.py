import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EVAL = FIXTURES / "eval"
REAL = FIXTURES / "real"


def eval_cases():
    return sorted(p.stem for p in EVAL.glob("*.html"))


def load_case(name):
    html = (EVAL / f"{name}.html").read_bytes()
    expected = json.loads((EVAL / f"{name}.expected.json").read_text(encoding="utf-8"))
    return html, expected


@pytest.fixture
def aba_page():
    return load_case("current-lynch-aba-2015")
