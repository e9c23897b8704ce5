"""Notebook 09: the test set stays out of training, and the prose says what the stored
outputs measured (nbval proves the outputs current; this proves the prose matches them)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB08 = ROOT / "notebooks" / "08_network_in_network.ipynb"
NB09 = ROOT / "notebooks" / "09_training_nin.ipynb"
NB10 = ROOT / "notebooks" / "10_modern_1x1.ipynb"
VARIANTS = {"NIN", "one 1×1 per block", "no 1×1 layer", "no 1×1 layer, wider",
            "fully connected head"}


def _cells(path: Path = NB09) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _printed(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell["outputs"] if "text" in o)


def _markdown(path: Path = NB09) -> str:
    return "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")


def _ablation() -> dict[str, tuple[int, list[float]]]:
    """The stored ablation table: each network's parameters and its three runs' test
    accuracies, in %."""
    (cell,) = [c for c in _cells() if "variants = {" in _source(c)]
    rows = re.findall(r"^(.+?)\s{2,}([\d,]+)(.*%.*)$", _printed(cell), flags=re.M)
    table = {name: (int(params.replace(",", "")),
                    [float(a) for a in re.findall(r"(\d+\.\d)%", rest)[1:]])  # [0]: the mean
             for name, params, rest in rows}
    assert set(table) == VARIANTS and all(len(runs) == 3 for _, runs in table.values()), table
    return table


def _variants(source: str) -> dict[str, dict]:
    """The ablation's ``variants = {name: dict(...)}``, read from the cell's source."""
    (assign,) = [node for node in ast.parse(source).body if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", None) == "variants"]
    return {ast.literal_eval(key): {k.arg: ast.literal_eval(k.value) for k in value.keywords}
            for key, value in zip(assign.value.keys, assign.value.values, strict=True)}


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
    assert set(means) == VARIANTS
    prose = _markdown().split("What three seeds support")[1].split("## Summary")[0]
    for name, mean in means.items():
        assert f"{mean}%" in prose, f"the prose does not quote {name}'s {mean}%"


def test_the_ablation_prose_claims_hold_for_every_run():
    """'no run of one comes near a run of the other', 'every one of its runs is still
    below every run of the NIN': the stored runs must bear the prose out."""
    runs = {name: accuracies for name, (_, accuracies) in _ablation().items()}
    prose = _markdown().split("What three seeds support")[1]
    assert "every one of its runs is still below every run of the NIN" in prose
    assert max(runs["no 1×1 layer, wider"]) < min(runs["NIN"])
    assert max(runs["no 1×1 layer"]) < min(runs["no 1×1 layer, wider"]) < min(runs["NIN"])


def test_the_ablation_states_the_depth_confound_and_claims_no_control():
    """Without its 1×1 layers the network is also shallower: the prose says the table
    measures the two together, names the run that would separate them as one we did not
    run, and claims nothing of a network the table does not hold."""
    (cell,) = [c for c in _cells() if "variants = {" in _source(c)]
    variants = _variants(_source(cell))
    depth = {name: sum(len(block) for block in v["blocks"]) for name, v in variants.items()}
    assert depth["NIN"] == 6 and depth["no 1×1 layer"] == depth["no 1×1 layer, wider"] == 2
    prose = _markdown().split("What three seeds support")[1].split("## On your own")[0]
    assert "two convolutions instead of six" in prose
    assert "measures the 1×1 layers and depth together" in prose
    assert "3×3 layers in place of the 1×1s" in prose and "we did not run it" in prose
    quiz = next(_source(c) for c in _cells() if "widgets.quiz(" in _source(c))
    for text in (_markdown(), quiz):
        for claim in ("3×3 instead of 1×1", "at least as well as the NIN", "10,890",
                      "3×3 control", "with a control of the same depth"):
            assert claim not in text, f"a claim about a control the notebook does not run: {claim}"


def test_the_trainings_are_counted_by_the_code():
    (cell,) = [c for c in _cells() if "variants = {" in _source(c)]
    count = int(re.search(r"^(\d+) trainings, and the NIN trained above", _printed(cell),
                          flags=re.M).group(1))
    assert count == len(VARIANTS) * 3 - 1 == 14
    assert not re.search(r"\b(fifteen|fourteen|seventeen|eighteen) trainings", _markdown(),
                         flags=re.I)


def test_08_and_09_quote_what_10_measures_of_single_map_pixels():
    """08 and 09 say how often a single map pixel's largest class is right, as 10's
    fully convolutional section measures it, and link to that section."""
    (cell,) = [c for c in _cells(NB10) if "pixel_guess" in _source(c)]
    share = re.search(r"one map pixel in a window, its largest class: (\d+\.\d)%",
                      _printed(cell)).group(1)
    anchor = "10_modern_1x1.ipynb#A-fully-convolutional-head-on-a-larger-image"
    for path in (NB08, NB09):
        markdown = _markdown(path)
        assert f"only {round(float(share))}% of the time" in markdown, path.name
        assert anchor in markdown, path.name
        assert "light up where" not in markdown and "show where each class is" not in markdown


def test_the_class_map_prose_quotes_the_measured_shares():
    (cell,) = [c for c in _cells() if "positive[is_guess]" in _source(c)]
    guess, other = re.search(r"(\d+)% of the guess's map, (\d+)% of each other map",
                             _printed(cell)).groups()
    assert f"{guess}% against {other}%" in _markdown()
