"""Notebook 09: the test set stays out of training, and the prose says what the stored
outputs and the shipped ablation measured (nbval proves the outputs current; this proves
the prose matches them)."""

from __future__ import annotations

import inspect
import json
import math
import re
from pathlib import Path

import numpy as np

from onebyone import ablation, exercises, nin

ROOT = Path(__file__).resolve().parent.parent
NB08 = ROOT / "notebooks" / "08_network_in_network.ipynb"
NB09 = ROOT / "notebooks" / "09_training_nin.ipynb"
NB10 = ROOT / "notebooks" / "10_modern_1x1.ipynb"
SINGLE_PIXELS = "10_modern_1x1.ipynb#A-fully-convolutional-head-on-a-larger-image"
"""10's section that measures how often a single map pixel names the digit under it."""
NIN, CONTROL, SHALLOW, WIDER, DENSE = ablation.VARIANTS


def _cells(path: Path = NB09) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _printed(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell["outputs"] if "text" in o)


def _markdown(path: Path = NB09) -> str:
    return "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")


def _code() -> list[str]:
    return [_source(c) for c in _cells() if c["cell_type"] == "code"]


def _cell(text: str) -> dict:
    (cell,) = [c for c in _cells() if text in _source(c)]
    return cell


def _ablation_prose() -> str:
    """The prose of the ablation, from its heading to the summary's end."""
    markdown = _markdown()
    return markdown[markdown.index("## What are the 1×1 layers worth?"):
                    markdown.index("## On your own")]


def pct(share: float) -> str:
    return f"{share:.1%}"


# -- the test set ----------------------------------------------------------------------

def test_the_test_set_is_used_only_after_training_and_never_to_train():
    code = _code()
    # the test images reach a network (counting them, before, looks at no result)
    first_test_use = next(k for k, source in enumerate(code)
                          if re.search(r"digits\.test\.images|\*digits\.test", source))
    trains = [k for k, source in enumerate(code) if "nin.train(" in source]
    assert trains and trains[0] < first_test_use, "the NIN is trained before the test set"
    for source in code:
        for call in re.findall(r"nin\.train\((.*?)\)\n", source, flags=re.S):
            assert "test" not in call, f"a training call sees the test set: {call}"
            assert "digits.validation" in call


def test_the_ablation_shows_the_test_set_only_after_its_conclusions():
    cells = _cells()
    validation = cells.index(_cell("results.validation_table()"))
    conclusions = cells.index(_cell("What the runs support, and what they do not"))
    test = cells.index(_cell("results.test_table()"))
    assert validation < conclusions < test
    assert "test" not in _printed(cells[validation]).lower()


def test_the_prose_quotes_the_measured_test_accuracy():
    accuracy = re.search(r"test accuracy: (\d+\.\d)%",
                         _printed(_cell("right / len(predicted)"))).group(1)
    summary = _markdown().split("## Summary")[1]
    assert f"{accuracy}% of 450" in summary


# -- the ablation: read, not trained -----------------------------------------------------

def test_the_notebook_reads_the_shipped_ablation_and_trains_none_of_it():
    """Every run of the notebook (nbval, the browser, Binder, nbgrader) trains one NIN,
    and reads the ablation's results; the printed tables are the shipped file's."""
    code = "\n".join(_code())
    assert re.findall(r"^RETRAIN = (\w+)", code, flags=re.M) == ["False"]
    assert sum(source.count("nin.train(") for source in _code()) == 1
    for word in ("joblib", "Parallel", "delayed"):
        assert word not in code, f"the learner's code schedules processes: {word}"
    results, made = ablation.load(), ablation.about()
    printed = _printed(_cell("results.validation_table()"))
    assert results.validation_table() in printed
    assert f"made on {made['date']} with `{made['command']}`" in printed
    assert f"{made['trainings']} trainings in {made['wall_seconds']} s" in printed
    assert results.test_table() in _printed(_cell("results.test_table()"))


def test_the_nin_trained_here_is_a_run_of_the_shipped_results():
    results = ablation.load()
    printed = _printed(_cell("the NIN trained above is one of these runs"))
    here, shipped = map(int, re.search(r"above: (\d+) of 270; its run in the results: (\d+)",
                                       printed).groups())
    assert here == shipped == results.validation["NIN"][0.01][results.seeds.index(0)]
    # and at the end of its training, as the training cell printed
    trained = _printed(_cell("on_epoch=progress"))
    assert f"validation accuracy {pct(here / 270)}" in trained.splitlines()[-2]
    right = re.search(r"\((\d+) of 450 digits\)", _printed(_cell("right / len(predicted)")))
    assert int(right.group(1)) == results.test["NIN"][results.seeds.index(0)]


def test_the_training_and_the_exercise_use_the_ablations_settings():
    """The NIN is trained as its ablation runs were, and exercise 2 tries the same rates."""
    results = ablation.load()
    training = _source(_cell("on_epoch=progress"))
    assert f"epochs={results.epochs}" in training
    assert f"learning_rate={results.chosen_rate['NIN']}" in training
    assert "nin.digit_net(blocks, seed=0)" in training and 0 in results.seeds
    assert tuple(results.learning_rates) == exercises.LEARNING_RATE_EXERCISE["rates"]
    assert results.epochs == exercises.LEARNING_RATE_EXERCISE["epochs"]
    rates = ", ".join(map(str, results.learning_rates[:-1])) + f" and {results.learning_rates[-1]}"
    assert f"of {rates}, each tried with five seeds" in _markdown()


def test_the_control_is_the_nins_depth_with_3x3_layers():
    def convolutions(name):
        """The size f of each f×f convolution of the network ``name``."""
        net = nin.digit_net(**ablation.VARIANTS[name])
        return [layer.params["w"].shape[0] for layer in net.layers
                if isinstance(layer, nin.Conv)]

    assert convolutions(NIN) == [3, 1, 1, 3, 1, 1]
    assert convolutions(CONTROL) == [3] * 6
    assert ablation.VARIANTS[CONTROL]["blocks"] == ablation.VARIANTS[NIN]["blocks"]
    assert convolutions(SHALLOW) == convolutions(WIDER) == [3, 3]
    assert "two convolutions instead of six" in _ablation_prose()
    assert "`nin.digit_net(blocks, f_after_first=3)`" in _ablation_prose()


# -- the ablation's prose: what the shipped runs allow -----------------------------------

def _runs() -> tuple[ablation.Results, dict[str, np.ndarray]]:
    results = ablation.load()
    return results, {name: results.validation_accuracy(name) for name in results.variants}


def apart(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the ranges of two networks' runs do not overlap."""
    return a.max() < b.min() or b.max() < a.min()


def test_the_rule_for_ranges_is_the_chance_of_five_runs_above_five():
    results = ablation.load()
    n = len(results.seeds)
    prose = _ablation_prose()
    assert n == 5 and "the lowest and the highest of its five runs" in prose
    ways = math.comb(2 * n, n)  # the places of one network's n runs among the 2n
    assert f"2 times in {ways}" in prose and 2 / ways < 0.01
    assert f"One validation digit is {100 / results.sizes['validation']:.2f} points" in prose
    runs = len(results.variants) * len(results.learning_rates) * len(results.seeds)
    assert f"{runs} runs in all" in prose and f"train the {runs} networks" in "\n".join(_code())


def test_the_ablation_prose_quotes_the_shipped_means_and_ranges():
    results, runs = _runs()
    prose = _ablation_prose().split("What the runs support")[1]
    nin_mean = pct(runs[NIN].mean())
    assert f"reaches {pct(runs[SHALLOW].mean())} against {nin_mean} for the NIN" in prose
    assert f"1×1s** reach {pct(runs[CONTROL].mean())} against {nin_mean}" in prose
    assert f"reaches {pct(runs[WIDER].mean())}: two points behind on average" in prose
    assert round(100 * (runs[NIN].mean() - runs[WIDER].mean())) == 2
    assert (f"the NIN's weakest run, {pct(runs[NIN].min())}, is below that network's best, "
            f"{pct(runs[WIDER].max())}") in prose
    assert f"reaches {nin_mean} too, with a range inside the NIN's" in prose
    assert pct(runs[DENSE].mean()) == nin_mean
    for name, count in ((NIN, "3,466"), (CONTROL, "10,890"), (DENSE, "6,138")):
        assert f"{nin.count_params(**results.variants[name]):,}" == count
        assert count in prose
    params = {name: nin.count_params(**variant) for name, variant in results.variants.items()}
    assert round(params[CONTROL] / params[NIN]) == 3
    assert "depth for a third of the parameters" in prose
    assert "with three times the parameters" in _markdown().split("## Summary")[1]


def test_the_ablation_claims_hold_for_the_shipped_runs():
    """'far apart', 'the ranges overlap', 'as good as the NIN, perhaps better', 'a range
    inside the NIN's': the shipped runs must bear the words out."""
    _, runs = _runs()
    prose = _ablation_prose()
    assert "the ranges are far apart" in prose and apart(runs[SHALLOW], runs[NIN])
    assert "but the ranges overlap" in prose and not apart(runs[WIDER], runs[NIN])
    assert runs[WIDER].mean() < runs[NIN].mean()
    assert "as good as the NIN, perhaps better" in prose
    assert not apart(runs[CONTROL], runs[NIN]) and runs[CONTROL].mean() > runs[NIN].mean()
    assert runs[NIN].min() <= runs[DENSE].min() and runs[DENSE].max() <= runs[NIN].max()


def test_the_learning_rate_claims_hold_for_the_shipped_runs():
    results = ablation.load()
    at_chance = {name: int(np.sum(results.validation_accuracy(name, 0.03) < 0.15))
                 for name in results.variants}
    assert at_chance == {NIN: 1, CONTROL: 4, SHALLOW: 0, WIDER: 0, DENSE: 1}
    prose = _ablation_prose()
    assert ("four of the five of the 3×3 control, one of the NIN's, one of the fully "
            "connected head's") in prose
    assert results.chosen_rate[WIDER] == 0.03 and results.chosen_rate[NIN] == 0.01
    assert (f"does best at 0.03 ({pct(results.validation_accuracy(WIDER, 0.03).mean())}, "
            f"against {pct(results.validation_accuracy(WIDER, 0.01).mean())} at 0.01)") in prose


def test_the_test_set_prose_holds_for_the_shipped_runs():
    results = ablation.load()
    test = {name: results.test_accuracy(name) for name in results.variants}
    prose = _ablation_prose().split("The test digits tell the same story.")[1]
    assert "stays below every run of the NIN" in prose and test[SHALLOW].max() < test[NIN].min()
    assert f"({pct(test[CONTROL].mean())} against {pct(test[NIN].mean())})" in prose
    assert "its range again overlapping the NIN's" in prose and not apart(test[CONTROL],
                                                                          test[NIN])
    assert not apart(test[WIDER], test[NIN]) and not apart(test[DENSE], test[NIN])
    seed_0 = test[NIN][results.seeds.index(0)]
    assert f"is one of these runs: {pct(seed_0)}" in prose


def test_the_summary_claims_what_the_ablation_measured():
    _, runs = _runs()
    summary = _markdown().split("## Summary")[1].split("## On your own")[0]
    loss = 100 * (runs[NIN].mean() - runs[SHALLOW].mean())
    assert "loses six and a half points" in summary and 6.25 <= loss < 6.75
    assert "two points on average, within reach of the NIN's weakest run" in summary
    assert ("3×3 layers in place of the 1×1s do as well on average, with three times the "
            "parameters and overlapping ranges") in summary
    assert runs[CONTROL].mean() >= runs[NIN].mean() and not apart(runs[CONTROL], runs[NIN])


def test_the_quiz_quotes_the_shipped_results():
    results, runs = _runs()
    quiz = "".join(re.findall(r'"([^"]*)"', _source(_cell("widgets.quiz("))))  # the literals
    assert (f"reached {pct(runs[CONTROL].mean())} against the NIN's {pct(runs[NIN].mean())}, "
            "the ranges of their five runs overlapping") in quiz
    assert not apart(runs[CONTROL], runs[NIN])
    gap = results.sizes["validation"] * (runs[CONTROL].mean() - runs[NIN].mean())
    assert "higher by under one point, two or three validation digits" in quiz
    assert runs[CONTROL].mean() - runs[NIN].mean() < 0.01 and 2 <= gap <= 3
    wider = {rate: pct(results.validation_accuracy(WIDER, rate).mean()) for rate in (0.01, 0.03)}
    assert f"reaches {wider[0.01]} at 0.01 but {wider[0.03]} at its own 0.03" in quiz
    assert results.chosen_rate[WIDER] == 0.03
    assert "four runs of the 3×3 control ended at chance" in quiz
    assert int(np.sum(results.validation_accuracy(CONTROL, 0.03) < 0.15)) == 4


def test_the_notebook_no_longer_claims_what_the_runs_do_not_show():
    quiz = _source(_cell("widgets.quiz("))
    for text in (_markdown(), quiz):
        for claim in ("does not win by its number of weights alone", "we did not run it",
                      "three seeds", "no run of one came near", "1×1 layers matter"):
            assert claim not in text, claim


# -- 09's text: Adam, the maintainers' details, one home for each idea --------------------

def test_adams_text_is_its_code():
    text = _source(_cell("**Adam.** The step then moves"))
    adam = nin.Adam(nin.Network([]))
    assert f"β1 = {adam.beta1} and β2 = {adam.beta2}" in text
    assert adam.eps == 1e-8 and "ε = 10⁻⁸" in text
    assert "`mean ← mean + (1 − β1) · (g − mean)`" in text
    assert "`square ← square + (1 − β2) · (g² − square)`" in text
    assert "`lr · √(1 − β2ᵗ) / (1 − β1ᵗ)`" in text
    code = inspect.getsource(nin.Adam.step)
    for line in ("mean += (1 - b1) * (g - mean)", "square += (1 - b2) * (g * g - square)",
                 "learning_rate * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)",
                 "p -= step_size * mean / (np.sqrt(square) + self.eps)"):
        assert line in code
    assert "astype" not in code


def test_maintainers_details_stay_out_of_the_learners_path():
    """How the suite checks gradients, and why float64 keeps the page's numbers on every
    CPU, are the README's."""
    seen = _markdown() + "\n".join(_code())
    for text in ("The tests check", "your run prints the numbers of this page",
                 "three kinds of computer", "joblib", "float32", "Why float64"):
        assert text not in seen, text


def test_the_receptive_field_is_counted_once():
    assert len(re.findall(r"5×5.{0,80}?7×7", _markdown())) == 1


def test_08_and_09_link_to_what_10_measures_of_single_map_pixels():
    """10's fully convolutional section measures how often a single map pixel names the
    digit under it: 09 links to it and quotes no share; 08, if it quotes one, quotes 10's."""
    for path in (NB08, NB09):
        markdown = _markdown(path)
        assert SINGLE_PIXELS in markdown, path.name
        assert "light up where" not in markdown and "show where each class is" not in markdown
    assert not re.search(r"\d+% of the time", _markdown(NB09))
    quoted = re.findall(r"only (\d+)% of the time", _markdown(NB08))
    if quoted:
        (cell,) = [c for c in _cells(NB10) if "pixel_guess" in _source(c)]
        share = re.search(r"one map pixel in a window, its largest class: (\d+\.\d)%",
                          _printed(cell)).group(1)
        assert quoted == [str(round(float(share)))]


def test_the_class_map_prose_quotes_the_measured_shares():
    guess, other = re.search(r"(\d+)% of the guess's map, (\d+)% of each other map",
                             _printed(_cell("positive[is_guess]"))).groups()
    assert f"{guess}% against {other}%" in _markdown()
