"""Notebook 09: the test set stays out of training, and the prose says what the stored
outputs measured (nbval proves the outputs current; this proves the prose matches them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB09 = ROOT / "notebooks" / "09_training_nin.ipynb"


def _cells() -> list[dict]:
    return json.loads(NB09.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _printed(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell["outputs"] if "text" in o)


def _markdown() -> str:
    return "\n".join(_source(c) for c in _cells() if c["cell_type"] == "markdown")


def test_the_test_set_is_used_only_after_training_and_never_to_train():
    code = [_source(c) for c in _cells() if c["cell_type"] == "code"]
    # the test images reach a network (counting them, before, looks at no result)
    first_test_use = next(k for k, source in enumerate(code)
                          if re.search(r"digits\.test\.images|\*digits\.test", source))
    trains = [k for k, source in enumerate(code) if "nin.train(" in source]
    assert trains and trains[0] < first_test_use, "the NIN is trained before the test set"
    for source in code:
        for call in re.findall(r"nin\.train\((.*?)\)\n", source, flags=re.S):
            assert "test" not in call, f"a training call sees the test set: {call}"
            assert "digits.validation" in call


def test_the_prose_quotes_the_measured_test_accuracy():
    (cell,) = [c for c in _cells() if "right / len(predicted)" in _source(c)]
    accuracy = re.search(r"test accuracy: (\d+\.\d)%", _printed(cell)).group(1)
    summary = _markdown().split("## Summary")[1]
    assert f"{accuracy}% of 450" in summary


def test_the_ablation_prose_quotes_the_measured_means():
    (cell,) = [c for c in _cells() if "variants = {" in _source(c)]
    means = dict(re.findall(r"^(.+?)\s{2,}[\d,]+\s+(\d+\.\d)%", _printed(cell), flags=re.M))
    assert set(means) == {"NIN", "one 1×1 per block", "no 1×1 layer", "no 1×1 layer, wider",
                          "fully connected head"}
    prose = _markdown().split("What three seeds support")[1].split("## Summary")[0]
    for name, mean in means.items():
        assert f"{mean}%" in prose, f"the prose does not quote {name}'s {mean}%"


def test_the_ablation_prose_claims_hold_for_every_run():
    """'no run of one comes near a run of the other', 'every one of its runs is still
    below every run of the NIN': the stored runs must bear the prose out."""
    (cell,) = [c for c in _cells() if "variants = {" in _source(c)]
    runs = {name: [float(a) for a in re.findall(r"(\d+\.\d)%", rest)[1:]]  # [0] is the mean
            for name, rest in re.findall(r"^(.+?)\s{2,}[\d,]+(.*)$", _printed(cell), flags=re.M)
            if "%" in rest}  # not the header
    assert all(len(r) == 3 for r in runs.values()), runs
    prose = _markdown().split("What three seeds support")[1]
    assert "every one of its runs is still below every run of the NIN" in prose
    assert max(runs["no 1×1 layer, wider"]) < min(runs["NIN"])
    assert max(runs["no 1×1 layer"]) < min(runs["no 1×1 layer, wider"]) < min(runs["NIN"])


def test_the_class_map_prose_quotes_the_measured_shares():
    (cell,) = [c for c in _cells() if "positive[is_guess]" in _source(c)]
    guess, other = re.search(r"(\d+)% of the guess's map, (\d+)% of each other map",
                             _printed(cell)).groups()
    assert f"{guess}% against {other}%" in _markdown()
