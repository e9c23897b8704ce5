"""Notebook 09's ablation: what the NIN's 1×1 layers and its GAP head are worth.

Five networks are trained on the handwritten digits of :func:`onebyone.data.digits`,
each with the same budget: every learning rate of ``LEARNING_RATES`` with every seed of
``SEEDS`` (the seed gives the starting weights and the order of the mini-batches),
``EPOCHS`` epochs each. For each network, the rate with the best mean validation accuracy
over the seeds is chosen. The networks are compared on the validation set, each at its
chosen rate; the test set is read once, after every choice, by the networks trained at
the chosen rates.

Results are counts of digits classified right. Training is float64 and seeded, so they
are the same on every run with the same :func:`kernel`, and the shipped file
``ablation_results.json`` can be checked exactly. Another kernel rounds the last bits of
some sums differently, which changes nothing in a stable training but can in an unstable
one: under OpenBLAS's Nehalem kernel, and under its Haswell kernel without numpy's AVX-512
code, one run of the 75 (the fully connected head at 0.03, seed 1) ended at 267 and 266
validation digits instead of 264; every other count was the same.

``python3 -m onebyone.ablation`` retrains everything (about ten minutes of CPU) and writes
that file; notebook 09 reads it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from onebyone import _validate as v
from onebyone import data, nin

VARIANTS: dict[str, dict] = {
    "NIN": dict(blocks=[[16, 16, 16], [16, 16, 10]]),
    "3×3 in place of each 1×1": dict(blocks=[[16, 16, 16], [16, 16, 10]], f_after_first=3),
    "no 1×1 layer": dict(blocks=[[16], [10]]),
    "no 1×1 layer, wider": dict(blocks=[[32], [10]]),
    "fully connected head": dict(blocks=[[16, 16, 16], [16, 16, 16]], head="dense"),
}
"""The networks compared: the arguments of :func:`nin.digit_net` for each."""

LEARNING_RATES = (0.003, 0.01, 0.03)
SEEDS = (0, 1, 2, 3, 4)
EPOCHS = 30
BATCH_SIZE = 32
COMMAND = "python3 -m onebyone.ablation"
RESULTS_FILE = "ablation_results.json"
"""The shipped results, beside this module (package data)."""


class Results(NamedTuple):
    """What the ablation measured: counts of digits classified right, one per seed."""

    variants: dict[str, dict]
    """the arguments of :func:`nin.digit_net` for each network"""
    learning_rates: tuple[float, ...]
    seeds: tuple[int, ...]
    epochs: int
    sizes: dict[str, int]
    """the number of validation and test digits"""
    validation: dict[str, dict[float, list[int]]]
    """validation digits right, for each network, rate and seed"""
    chosen_rate: dict[str, float]
    """each network's rate: the best mean validation accuracy (the smaller rate on a tie)"""
    test: dict[str, list[int]]
    """test digits right, for each network at its chosen rate, for each seed"""

    def validation_accuracy(self, name: str, rate: float | None = None) -> np.ndarray:
        """The validation accuracies of ``name``'s runs, one per seed, at ``rate``
        (its chosen rate by default)."""
        rate = self.chosen_rate[name] if rate is None else rate
        return np.array(self.validation[name][rate]) / self.sizes["validation"]

    def test_accuracy(self, name: str) -> np.ndarray:
        """The test accuracies of ``name``'s runs at its chosen rate, one per seed."""
        return np.array(self.test[name]) / self.sizes["test"]

    def validation_table(self) -> str:
        """Each network's mean validation accuracy at every rate, its chosen rate, and the
        lowest and highest of its runs at that rate."""
        n = len(self.seeds)
        rates = "".join(f"{f'lr {rate}':>10}" for rate in self.learning_rates)
        lines = [f"{'':<39}mean validation accuracy of {n} runs",
                 f"{'network':<26}{'parameters':>11}{rates}   chosen   its {n} runs there"]
        for name, variant in self.variants.items():
            means = "".join(f"{self.validation_accuracy(name, rate).mean():>10.1%}"
                            for rate in self.learning_rates)
            lines.append(f"{name:<26}{nin.count_params(**variant):>11,}{means}"
                         f"{self.chosen_rate[name]:>9}   "
                         f"{_lowest_to_highest(self.validation_accuracy(name))}")
        return "\n".join(lines)

    def test_table(self) -> str:
        """Each network's test accuracy at its chosen rate: the mean, and the lowest and
        highest of its runs."""
        n = len(self.seeds)
        lines = [f"{'network':<26}{'rate':>6}   test accuracy, mean   its {n} runs"]
        for name in self.variants:
            accuracies = self.test_accuracy(name)
            lines.append(f"{name:<26}{self.chosen_rate[name]:>6}{accuracies.mean():>23.1%}   "
                         f"{_lowest_to_highest(accuracies)}")
        return "\n".join(lines)


def _lowest_to_highest(accuracies: np.ndarray) -> str:
    return f"{accuracies.min():.1%} to {accuracies.max():.1%}"


def run(variants: Mapping[str, Mapping] = VARIANTS,
        learning_rates: Sequence[float] = LEARNING_RATES, seeds: Sequence[int] = SEEDS,
        epochs: int = EPOCHS, n_jobs: int | None = None) -> Results:
    """Train every network at every rate with every seed, choose each network's rate on
    the validation set, then count its test digits right at that rate.

    Parameters
    ----------
    variants : dict {name: arguments of :func:`nin.digit_net`}
    learning_rates : the rates each network is trained with
    seeds : the seeds of each network's runs
    epochs : int
    n_jobs : int or None
        How many trainings run at once, in processes of their own (joblib); None: one per
        CPU core. With 1, or where joblib or processes are missing (e.g. in a browser),
        they run one after another, with the same results.

    Returns
    -------
    Results
    """
    return _run(variants, learning_rates, seeds, epochs, n_jobs)[0]


def _run(variants: Mapping[str, Mapping], learning_rates: Sequence[float],
         seeds: Sequence[int], epochs: int, n_jobs: int | None
         ) -> tuple[Results, float]:
    """:func:`run`, and the CPU seconds its trainings took (summed over the processes)."""
    variants, learning_rates, seeds, epochs, n_jobs = _checked(variants, learning_rates,
                                                               seeds, epochs, n_jobs)
    runs = [(name, rate, seed) for name in variants for rate in learning_rates
            for seed in seeds]
    trained = _map(_train, [(variants[name], rate, seed, epochs) for name, rate, seed in runs],
                   n_jobs)
    validation: dict[str, dict[float, list[int]]] = {name: {rate: [] for rate in learning_rates}
                                                     for name in variants}
    weights = {}
    for (name, rate, seed), (right, parameters, _) in zip(runs, trained, strict=True):
        validation[name][rate].append(right)
        weights[name, rate, seed] = parameters
    # the rate of the best mean (the same as the best sum) over the seeds; of equals, the
    # smaller rate, whatever the grid's order
    chosen = {name: max(learning_rates,
                        key=lambda rate, name=name: (sum(validation[name][rate]), -rate))
              for name in variants}

    # every choice is made: now, once, the test set
    digits = data.digits()
    test = {name: [_right(_network(variants[name], seed, weights[name, chosen[name], seed]),
                          digits.test) for seed in seeds] for name in variants}
    results = Results(
        variants={name: dict(variant) for name, variant in variants.items()},
        learning_rates=tuple(learning_rates), seeds=tuple(seeds), epochs=epochs,
        sizes={"validation": len(digits.validation.labels), "test": len(digits.test.labels)},
        validation=validation, chosen_rate=chosen, test=test)
    return results, sum(cpu for _, _, cpu in trained)


def _checked(variants: object, learning_rates: object, seeds: object, epochs: object,
             n_jobs: object) -> tuple[dict[str, dict], list[float], list[int], int, int]:
    """The arguments of :func:`run`, checked before any training."""
    if not isinstance(variants, Mapping) or not variants:
        raise TypeError(f"variants must be a non-empty dict {{name: arguments of "
                        f"nin.digit_net}}, got {v.describe(variants)}")
    for name, variant in variants.items():
        if not isinstance(name, str) or not isinstance(variant, Mapping):
            raise TypeError(f"variants must map names to dicts of arguments of "
                            f"nin.digit_net, got {name!r}: {v.describe(variant)}")
        nin.count_params(**variant)  # digit_net's checks, without building it
    rates = _sequence("learning_rates", learning_rates)
    for rate in rates:
        if not 0 < v.real_number("learning_rates", rate) < 1:
            raise ValueError(f"learning_rates must be between 0 and 1, got {rate}")
    seeds = [v.integer("seeds", seed, minimum=0) for seed in _sequence("seeds", seeds)]
    for name, values in (("learning_rates", rates), ("seeds", seeds)):
        if len(set(values)) != len(values):
            raise ValueError(f"{name} must not repeat a value, got {values}")
    epochs = v.integer("epochs", epochs)
    jobs = (os.cpu_count() or 1) if n_jobs is None else v.integer("n_jobs", n_jobs)
    return ({name: dict(variant) for name, variant in variants.items()},
            [float(rate) for rate in rates], seeds, epochs, jobs)


def _sequence(name: str, value: object) -> list:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise TypeError(f"{name} must be a non-empty list, got {v.describe(value)}")
    return list(value)


def _map(function: Callable, arguments: list[tuple], n_jobs: int) -> list:
    """``[function(*a) for a in arguments]``, ``n_jobs`` at a time in processes of their
    own when joblib can start them; each training is seeded, so the order changes
    nothing."""
    if n_jobs > 1 and sys.platform != "emscripten":  # Pyodide has no processes
        try:
            from joblib import Parallel, delayed
        except ImportError:
            pass
        else:
            return Parallel(n_jobs=n_jobs)(delayed(function)(*a) for a in arguments)
    return [function(*a) for a in arguments]


def kernel() -> str:
    """What the results depend on besides the code and the seeds: the BLAS library's
    kernel for this CPU, and numpy's SIMD code paths in use (AVX-512 ones, for instance,
    compute ``exp`` with other roundings)."""
    from threadpoolctl import threadpool_info

    try:  # numpy >= 2
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    blas = [f"{info['internal_api']} {info.get('architecture', '')}".strip()
            for info in threadpool_info() if info["user_api"] == "blas"]
    simd = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    return f"BLAS: {', '.join(blas) or 'none found'}; numpy SIMD: {' '.join(simd) or 'none'}"


def _train(variant: dict, learning_rate: float, seed: int, epochs: int
           ) -> tuple[int, list[np.ndarray], float]:
    """One run: the validation digits right after training, the trained weights and the
    CPU seconds it took."""
    start = time.process_time()
    digits = data.digits()
    net = nin.digit_net(**variant, seed=seed)
    nin.train(net, *digits.train, digits.validation, epochs=epochs, batch_size=BATCH_SIZE,
              learning_rate=learning_rate, seed=seed)
    parameters = [p for layer in net.layers for p in layer.params.values()]
    return _right(net, digits.validation), parameters, time.process_time() - start


def _network(variant: dict, seed: int, parameters: list[np.ndarray]) -> nin.Network:
    """The network of ``variant`` with the trained ``parameters``."""
    net = nin.digit_net(**variant, seed=seed)
    for p, trained in zip((p for layer in net.layers for p in layer.params.values()),
                          parameters, strict=True):
        p[...] = trained
    return net


def _right(net: nin.Network, split: data.Split) -> int:
    """How many digits of ``split`` the network classifies right."""
    return int((net.predict(split.images) == split.labels).sum())


# -- the shipped file ------------------------------------------------------------------

def load(path: str | Path | None = None) -> Results:
    """The results shipped with the package (or those written to ``path``)."""
    return _from_json(_read(path))


def about(path: str | Path | None = None) -> dict:
    """How the shipped results (or those at ``path``) were made: the command, the date,
    the machine, how many trainings, and how long they took (``wall_seconds``, and
    ``cpu_seconds`` summed over the processes)."""
    return _read(path)["run"]


def _read(path: str | Path | None) -> dict:
    if path is None:
        text = resources.files("onebyone").joinpath(RESULTS_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return json.loads(text)


def _to_json(results: Results) -> dict:
    return {"variants": results.variants, "learning_rates": list(results.learning_rates),
            "seeds": list(results.seeds), "epochs": results.epochs,
            "batch_size": BATCH_SIZE, "sizes": results.sizes,
            "validation_right": {name: {repr(rate): counts for rate, counts in by_rate.items()}
                                 for name, by_rate in results.validation.items()},
            "chosen_rate": results.chosen_rate, "test_right": results.test}


def _dumps(stored: dict) -> str:
    """``stored`` as indented JSON, each list of numbers on one line."""
    text = json.dumps(stored, ensure_ascii=False, indent=1)
    return re.sub(r"\[[\d.,\s]*\]", lambda m: json.dumps(json.loads(m[0])), text) + "\n"


def _from_json(stored: dict) -> Results:
    return Results(
        variants=stored["variants"], learning_rates=tuple(stored["learning_rates"]),
        seeds=tuple(stored["seeds"]), epochs=stored["epochs"], sizes=stored["sizes"],
        validation={name: {float(rate): counts for rate, counts in by_rate.items()}
                    for name, by_rate in stored["validation_right"].items()},
        chosen_rate=stored["chosen_rate"], test=stored["test_right"])


def main(argv: Sequence[str] | None = None) -> None:
    """Retrain everything and write the results file: ``python3 -m onebyone.ablation``."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=None,
                        help="trainings at once (default: one per CPU core)")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name(RESULTS_FILE),
                        help="where to write the results (default: the shipped file)")
    arguments = parser.parse_args(argv)
    jobs = arguments.jobs or os.cpu_count() or 1
    start = time.perf_counter()
    results, cpu_seconds = _run(VARIANTS, LEARNING_RATES, SEEDS, EPOCHS, jobs)
    stored = {"run": {
        "command": COMMAND if arguments.jobs is None else f"{COMMAND} --jobs {jobs}",
        "date": datetime.date.today().isoformat(),
        "wall_seconds": round(time.perf_counter() - start),
        "cpu_seconds": round(cpu_seconds),
        "trainings": len(results.variants) * len(results.learning_rates) * len(results.seeds),
        "jobs": jobs,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}, numpy {np.__version__}",
        "kernel": kernel()},
        **_to_json(results)}
    arguments.output.write_text(_dumps(stored), encoding="utf-8")
    print(results.validation_table(), results.test_table(), sep="\n\n")
    print(f"\n{stored['run']['trainings']} trainings in {stored['run']['wall_seconds']} s "
          f"({stored['run']['cpu_seconds']} s of CPU); written to {arguments.output}")


if __name__ == "__main__":
    # run as onebyone.ablation, not as a second copy of it named __main__: joblib's
    # processes then find _train where every import finds it
    from onebyone.ablation import main as main_of_the_package

    main_of_the_package()
