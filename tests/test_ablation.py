"""Tests for onebyone.ablation, notebook 09's comparison of five networks, and for the
results it ships.

The shipped results are counts of digits classified right by seeded float64 trainings:
the slow test trains all 75 networks again, once per run of the full suite, and requires
the same counts exactly (on another BLAS kernel, those the notebook concludes from). The
other tests run the same code on tiny settings, or with its training replaced by a
stand-in, to check what it chooses and when it reads the test set.
"""

from __future__ import annotations

import datetime
import json
import sys

import numpy as np
import pytest

from onebyone import ablation, data, nin

TINY = {"small": dict(blocks=[[4], [10]]),
        "small, dense": dict(blocks=[[4], [6]], head="dense")}
"""Two networks that train in a fraction of a second an epoch."""


@pytest.fixture(scope="module")
def shipped() -> ablation.Results:
    return ablation.load()


@pytest.fixture(scope="module")
def digits() -> data.Digits:
    return data.digits()


# -- the shipped results -------------------------------------------------------------------

def test_the_shipped_results_are_of_what_the_module_runs(shipped, digits):
    assert shipped.variants == ablation.VARIANTS
    assert shipped.learning_rates == ablation.LEARNING_RATES
    assert shipped.seeds == ablation.SEEDS and shipped.epochs == ablation.EPOCHS
    assert shipped.sizes == {"validation": len(digits.validation.labels),
                             "test": len(digits.test.labels)}
    stored = json.loads(ablation.resources.files("onebyone").joinpath(ablation.RESULTS_FILE)
                        .read_text(encoding="utf-8"))
    assert stored["batch_size"] == ablation.BATCH_SIZE
    run = ablation.about()
    assert run["command"].startswith(ablation.COMMAND)
    assert run["kernel"].startswith("BLAS: ")
    assert run["trainings"] == len(shipped.variants) * len(shipped.learning_rates) * len(
        shipped.seeds) == 75
    datetime.date.fromisoformat(run["date"])
    assert 0 < run["wall_seconds"] and 0 < run["cpu_seconds"]


def test_the_shipped_results_are_counts_of_digits(shipped):
    for name in shipped.variants:
        assert set(shipped.validation[name]) == set(shipped.learning_rates)
        for counts in [*shipped.validation[name].values(), shipped.test[name]]:
            assert len(counts) == len(shipped.seeds)
            assert all(isinstance(c, int) for c in counts)
        assert all(0 <= c <= shipped.sizes["validation"]
                   for counts in shipped.validation[name].values() for c in counts)
        assert all(0 <= c <= shipped.sizes["test"] for c in shipped.test[name])


def test_each_chosen_rate_is_the_best_mean_validation_accuracy(shipped):
    for name, rate in shipped.chosen_rate.items():
        means = {r: np.mean(shipped.validation[name][r]) for r in shipped.learning_rates}
        best = max(means.values())
        assert means[rate] == best
        assert rate == min(r for r in shipped.learning_rates if means[r] == best)


def test_one_shipped_run_is_reproduced_here(shipped, digits):
    """One run of the 75 (about 4 s), on whatever BLAS kernel this machine has: rerun
    under the others by tests/test_cpu_independence.py."""
    name, rate, seed = "no 1×1 layer", 0.01, 3
    right, _, _ = ablation._train(ablation.VARIANTS[name], rate, seed, ablation.EPOCHS)
    assert right == shipped.validation[name][rate][shipped.seeds.index(seed)]


@pytest.mark.slow
def test_training_everything_again_gives_the_shipped_results(shipped):
    """The 75 trainings, about ten minutes of CPU, once per run of the full suite. With
    the kernel that made the file, every count is the same; with another, what the
    notebook concludes from is: the chosen rates, every run at them, and every test
    count (an unstable run at a rate not chosen may end a few digits apart)."""
    again = ablation.run()
    assert again.chosen_rate == shipped.chosen_rate
    assert again.test == shipped.test
    for name, rate in shipped.chosen_rate.items():
        assert again.validation[name][rate] == shipped.validation[name][rate], name
    assert again._replace(validation=None) == shipped._replace(validation=None)
    if ablation.kernel() == ablation.about()["kernel"]:
        assert again.validation == shipped.validation


# -- run: what it chooses, and when it reads the test set ---------------------------------

def test_run_on_tiny_settings_matches_trainings_done_by_hand(digits):
    results = ablation.run(TINY, learning_rates=[0.003, 0.03], seeds=[1, 2], epochs=2,
                           n_jobs=1)
    for name, variant in TINY.items():
        for rate in (0.003, 0.03):
            for k, seed in enumerate((1, 2)):
                net = nin.digit_net(**variant, seed=seed)
                nin.train(net, *digits.train, digits.validation, epochs=2, learning_rate=rate,
                          seed=seed)
                assert results.validation[name][rate][k] == round(
                    270 * nin.accuracy(net, *digits.validation))
                if rate == results.chosen_rate[name]:
                    assert results.test[name][k] == round(450 * nin.accuracy(net, *digits.test))
        assert results.chosen_rate[name] == max(
            (0.003, 0.03), key=lambda r, name=name: sum(results.validation[name][r]))


def test_processes_give_the_same_results_as_one_after_another():
    arguments = dict(variants=TINY, learning_rates=[0.01], seeds=[0, 1], epochs=1)
    assert ablation.run(**arguments, n_jobs=2) == ablation.run(**arguments, n_jobs=1)


@pytest.mark.parametrize("unavailable", ["joblib", "processes"])
def test_without_joblib_or_processes_the_trainings_run_one_after_another(monkeypatch,
                                                                         unavailable):
    if unavailable == "joblib":
        monkeypatch.setitem(sys.modules, "joblib", None)  # import joblib raises ImportError
    else:
        monkeypatch.setattr(ablation.sys, "platform", "emscripten")  # Pyodide, in a browser
    ran = []

    def train(*arguments):
        ran.append(arguments)
        return arguments

    assert ablation._map(train, [(1, 2), (3, 4)], n_jobs=2) == [(1, 2), (3, 4)]
    assert ran == [(1, 2), (3, 4)]  # in this process: the stand-in saw them


@pytest.mark.parametrize("grid", [[0.003, 0.01, 0.03], [0.03, 0.01, 0.003]])
def test_the_rate_is_chosen_by_the_mean_and_the_test_set_read_after_every_choice(
        monkeypatch, grid):
    """Training replaced by a stand-in that returns given validation counts: which
    networks read the test set, and when."""
    # "one": 0.03 has the best single run, 0.01 the best mean. "two": 0.003 and 0.01 tie
    # on the mean, and the smaller rate is kept
    counts = {"one": {0.003: [200, 200], 0.01: [250, 252], 0.03: [260, 30]},
              "two": {0.003: [240, 250], 0.01: [250, 240], 0.03: [10, 10]}}
    events = []

    def train(variant, learning_rate, seed, epochs):
        events.append(("trained", variant["name"], learning_rate, seed))
        return counts[variant["name"]][learning_rate][seed], [(learning_rate, seed)], 0.5

    def network(variant, seed, parameters):
        return variant["name"], *parameters[0]

    def right(net, split):
        events.append(("test read", *net))
        return 400

    monkeypatch.setattr(ablation, "_train", train)
    monkeypatch.setattr(ablation, "_network", network)
    monkeypatch.setattr(ablation, "_right", right)
    monkeypatch.setattr(ablation.nin, "count_params", lambda **variant: 1)  # stand-in nets
    variants = {name: {"name": name} for name in counts}
    results = ablation.run(variants, learning_rates=grid, seeds=[0, 1], epochs=1, n_jobs=1)
    assert results.chosen_rate == {"one": 0.01, "two": 0.003}  # the smaller of a tie
    assert results.validation == counts
    # every network at every rate with every seed, then the test set: only the networks
    # trained at their chosen rate, one per seed
    assert [e[0] for e in events] == ["trained"] * 12 + ["test read"] * 4
    assert events[12:] == [("test read", "one", 0.01, 0), ("test read", "one", 0.01, 1),
                           ("test read", "two", 0.003, 0), ("test read", "two", 0.003, 1)]
    assert results.test == {"one": [400, 400], "two": [400, 400]}


# -- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "error", "match"), [
    (dict(variants=[["NIN"]]), TypeError, "variants"),
    (dict(variants={}), TypeError, "variants"),
    (dict(variants={"NIN": [[16, 10]]}), TypeError, "variants"),
    (dict(variants={"bad": dict(blocks=[[16, 12]])}), ValueError, "n_classes"),
    (dict(variants={"bad": dict(blocks=[[16, 10]], f_after_first=2)}), ValueError,
     "f_after_first"),
    (dict(learning_rates=[]), TypeError, "learning_rates"),
    (dict(learning_rates=0.01), TypeError, "learning_rates"),
    (dict(learning_rates=[0.01, 1.5]), ValueError, "learning_rates"),
    (dict(learning_rates=[0.01, "0.03"]), TypeError, "learning_rates"),
    (dict(learning_rates=[0.01, 0.01]), ValueError, "learning_rates must not repeat"),
    (dict(seeds=[0, -1]), ValueError, "seeds"),
    (dict(seeds=[0, 0]), ValueError, "seeds must not repeat"),
    (dict(seeds=[0.5]), TypeError, "seeds"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(n_jobs=0), ValueError, "n_jobs"),
])
def test_run_refuses_bad_arguments_before_training(monkeypatch, kwargs, error, match):
    monkeypatch.setattr(ablation, "_train", lambda *a: pytest.fail("trained"))
    with pytest.raises(error, match=match):
        ablation.run(**{"variants": TINY, **kwargs})


# -- the command -------------------------------------------------------------------------------

def test_the_command_writes_what_it_ran_and_what_it_measured(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(ablation, "VARIANTS", TINY)
    monkeypatch.setattr(ablation, "LEARNING_RATES", (0.01, 0.03))
    monkeypatch.setattr(ablation, "SEEDS", (0, 1))
    monkeypatch.setattr(ablation, "EPOCHS", 1)
    output = tmp_path / "results.json"
    ablation.main(["--jobs", "1", "--output", str(output)])
    written = ablation.load(output)
    assert written == ablation.run(TINY, (0.01, 0.03), (0, 1), 1, n_jobs=1)
    made = ablation.about(output)
    assert made["command"] == f"{ablation.COMMAND} --jobs 1"
    assert made["date"] == datetime.date.today().isoformat()
    assert made["trainings"] == 2 * 2 * 2 and made["jobs"] == 1
    assert made["kernel"] == ablation.kernel()
    # whole seconds (eight one-epoch trainings may round to 0 on a fast machine)
    assert all(isinstance(made[k], int) and made[k] >= 0 for k in ("wall_seconds", "cpu_seconds"))
    printed = capsys.readouterr().out
    assert written.validation_table() in printed and written.test_table() in printed
    assert f"written to {output}" in printed
    # each list of numbers on one line
    assert '"seeds": [0, 1],' in output.read_text(encoding="utf-8")


def test_the_tables_show_each_network_and_its_chosen_rate(shipped):
    validation, test = shipped.validation_table(), shipped.test_table()
    for name, variant in shipped.variants.items():
        (row,) = [line for line in validation.splitlines() if line.startswith(name + "  ")]
        assert f"{nin.count_params(**variant):,}" in row
        runs = shipped.validation_accuracy(name)
        assert row.endswith(f"{shipped.chosen_rate[name]}   {runs.min():.1%} to {runs.max():.1%}")
        (row,) = [line for line in test.splitlines() if line.startswith(name + "  ")]
        assert f"{shipped.test_accuracy(name).mean():.1%}" in row
