"""Learning, drawn: loss curves and decision maps (06), training curves (09)."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from onebyone import _validate as v
from onebyone.viz._figure import (
    CMAP,
    CMAP_WORDS,
    DPI,
    Figure,
    _colour_key,
    _end,
    _key_words,
    _listed,
    _range,
)


def loss_curve(*losses: np.ndarray, labels: list[str] | None = None,
               title: str | None = None) -> Figure:
    """Loss after each step of training: one line per run, on a log scale when every
    loss is positive (losses fall by orders of magnitude).

    Parameters
    ----------
    *losses : ndarray, shape ``(n_steps,)`` each (runs may differ in length); NaN and
        inf are left out of the lines
    labels : list of str, optional, one per run, shown in a legend
    title : str, optional

    Returns
    -------
    Figure
    """
    if not losses:
        raise TypeError("losses: loss_curve needs at least one array of losses, got none")
    runs = [v.real_array(f"losses[{k}]", run, ndim=(1,), layout="(n_steps,)")
            for k, run in enumerate(losses)]
    if labels is not None and (isinstance(labels, str) or len(labels) != len(runs)):
        raise ValueError(f"labels must be a list of {len(runs)} strings, got {labels!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {v.describe(title)}")
    fig = Figure(figsize=(5.6, 3.0), dpi=DPI)
    fig.subplots_adjust(left=0.15, right=0.97, bottom=0.17, top=0.88)
    ax = fig.add_subplot()
    shown = []
    for k, run in enumerate(runs):
        finite = np.isfinite(run)
        ax.plot(np.flatnonzero(finite), run[finite],
                label=labels[k] if labels is not None else None)
        shown.append(run[finite])
    values = np.concatenate(shown)
    if values.size and (values > 0).all():
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    if labels is not None:
        ax.legend(fontsize=9)
    if title is not None:
        ax.set_title(title, fontsize=11)
    fig.alt = ((f"{title}: " if title else "") + "loss against training step"
               + (" on a log scale" if ax.get_yscale() == "log" else "") + ": " + _listed(
                   f"{labels[k] if labels is not None else f'run {k}'}, {run.size} steps, from "
                   f"{run[0]:.3g} to {run[-1]:.3g}" if run.size else f"run {k}, no finite loss"
                   for k, run in enumerate(shown)))
    return fig


NEAR_HALF = 0.1
""":func:`decision_maps` writes on a map whose probabilities are all within this of 1/2
that they are: such a map is one even grey, and would look empty."""


def decision_maps(*maps: np.ndarray, titles: list[str] | None = None,
                  points: np.ndarray | None = None, labels: np.ndarray | None = None) -> Figure:
    """What classifiers of colours answer over the red-blue square, side by side.

    Each map holds a classifier's probability of class 1 for the colours of a grid:
    ``maps[k][i, j]`` is for blue ``i / (n - 1)`` and red ``j / (n - 1)`` (blue up,
    red to the right, green fixed). The white line marks probability 1/2, the decision
    boundary; ``points`` (red, blue) with their ``labels`` show the data, circles for
    class 1 and triangles for class 0. A legend under the maps says so. A map whose
    values all lie within :data:`NEAR_HALF` of 1/2 says on it that it is grey for
    that reason.

    Parameters
    ----------
    *maps : ndarray, shape ``(n, n)`` each, values in [0, 1] (NaN left blank)
    titles : list of str, optional, one per map
    points : ndarray, shape ``(p, 2)``, optional, the (red, blue) of ``p`` pixels
    labels : ndarray, shape ``(p,)``, 0 or 1, required with ``points``

    Returns
    -------
    Figure
    """
    if not maps:
        raise TypeError("maps: decision_maps needs at least one map, got none")
    arrays = [v.real_array(f"maps[{k}]", m, ndim=(2,), layout="(n, n)")
              for k, m in enumerate(maps)]
    for k, m in enumerate(arrays):
        if m.shape[0] != m.shape[1] or m.shape[0] < 2:
            raise ValueError(f"maps[{k}] must be a square grid of at least 2 x 2, "
                             f"got shape {v.shape_str(m.shape)}")
    if titles is not None and (isinstance(titles, str) or len(titles) != len(arrays)):
        raise ValueError(f"titles must be a list of {len(arrays)} strings, got {titles!r}")
    if (points is None) != (labels is None):
        raise TypeError("points and labels go together: give both or neither")
    if points is not None:
        points = v.real_array("points", points, ndim=(2,), layout="(p, 2)")
        labels = v.real_array("labels", labels, ndim=(1,), layout="(p,)")
        if points.shape[1] != 2:
            raise ValueError(f"points must be (red, blue) pairs, shape (p, 2), "
                             f"got shape {v.shape_str(points.shape)}")
        if labels.shape[0] != points.shape[0]:
            raise ValueError(f"labels must have one value per point ({points.shape[0]}), "
                             f"got shape {v.shape_str(labels.shape)}")
        if not np.isin(labels, (0, 1)).all():
            raise ValueError("labels must be 0 or 1")
    n_maps = len(arrays)
    finites = [grid[np.isfinite(grid)] for grid in arrays]
    bounded = [f.size > 0 and f.min() < 0.5 < f.max() for f in finites]  # else no boundary
    undecided = [f.size > 0 and np.abs(f - 0.5).max() < NEAR_HALF for f in finites]
    # filled markers with a contrasting edge: visible on dark and light colours
    markers = ((1, "o", "white", "black"), (0, "v", "black", "white"))
    legend_h = 0.4 if points is not None or any(bounded) else 0.0  # inches, at the bottom
    fig = Figure(figsize=(3.2 * n_maps + 1.9, 3.6 + legend_h), dpi=DPI)
    fig_h = fig.get_figheight()
    left, right = 0.7 / fig.get_figwidth(), 1 - 1.6 / fig.get_figwidth()
    bottom, height = (0.5 + legend_h) / fig_h, 2.74 / fig_h
    width = (right - left) / n_maps
    for k, grid in enumerate(arrays):
        ax = fig.add_axes((left + k * width, bottom, width * 0.88, height))
        image = ax.imshow(grid, origin="lower", extent=(0, 1, 0, 1), cmap=CMAP,
                          vmin=0, vmax=1)
        n = grid.shape[0]
        axis = np.linspace(0, 1, n)
        if bounded[k]:
            ax.contour(axis, axis, grid, levels=[0.5], colors="white", linewidths=1.5)
        if undecided[k]:
            low, high = (_end(f, "{:.3g}") for f in (finites[k].min(), finites[k].max()))
            ax.text(0.5, 0.5, f"grey all over: every value\nis between {low} and {high},"
                    "\nnear ½, the scale's middle", ha="center",
                    va="center", fontsize=8, transform=ax.transAxes, zorder=4,
                    bbox=dict(boxstyle="round,pad=0.3", facecolor="white", alpha=0.85,
                              edgecolor="none"))
        if points is not None:
            for label, marker, face, edge in markers:
                chosen = points[labels == label]
                ax.scatter(chosen[:, 0], chosen[:, 1], s=16, marker=marker,
                           facecolors=face, edgecolors=edge, linewidths=0.6)
        ax.set_xlabel("red")
        if k == 0:
            ax.set_ylabel("blue")
        else:
            ax.set_yticklabels([])
        if titles is not None:
            ax.set_title(titles[k], fontsize=10)
    _colour_key(ax, (right + 0.2 / fig.get_figwidth(), bottom, 0.15 / fig.get_figwidth(),
                     height),
                image, CMAP_WORDS._replace(low_means="class 0", high_means="class 1"),
                "probability of class 1")
    if legend_h:
        from matplotlib.lines import Line2D
        from matplotlib.patheffects import Normal, Stroke

        handles = [Line2D([], [], linestyle="none", marker=marker, markersize=5,
                          markerfacecolor=face, markeredgecolor=edge, markeredgewidth=0.6,
                          label=f"a training pixel of class {label}")
                   for label, marker, face, edge in markers] if points is not None else []
        if any(bounded):  # white, outlined so that it shows on the legend's white
            handles.append(Line2D([], [], color="white", linewidth=1.5,
                                  path_effects=[Stroke(linewidth=3, foreground="0.3"), Normal()],
                                  label="probability ½: the boundary"))
        fig.legend(handles=handles, loc="lower center", ncols=len(handles), fontsize=8,
                   frameon=False, bbox_to_anchor=(0.5 * (left + right), 0.02))
    fig.alt = ("Maps of a classifier's probability of class 1 over the colours, red to the "
               "right and blue up, on one colour scale, "
               f"{_key_words(CMAP_WORDS, 0, 1)}, with a white line where it is 1/2: " + _listed(
                   f"{titles[k] if titles is not None else f'map {k}'}, {_range(grid)}"
                   + (", near 1/2 everywhere" if undecided[k] else "")
                   for k, grid in enumerate(arrays))
               + (f"; {len(points)} pixels marked, {int((labels == 1).sum())} of class 1 "
                  f"(circles) and {int((labels == 0).sum())} of class 0 (triangles)"
                  if points is not None else ""))
    return fig


def training_curves(loss: np.ndarray, validation_accuracy: np.ndarray) -> Figure:
    """How training went, epoch by epoch: the training loss (log scale) and the share of
    validation images classified right.

    Parameters
    ----------
    loss : ndarray, shape ``(epochs,)``, positive, the mean training loss of each epoch
    validation_accuracy : ndarray, shape ``(epochs,)``, each in [0, 1]

    Returns
    -------
    Figure
    """
    loss = v.real_array("loss", loss, ndim=(1,), layout="(epochs,)")
    accuracy = v.real_array("validation_accuracy", validation_accuracy, ndim=(1,),
                            layout="(epochs,)")
    if accuracy.shape != loss.shape:
        raise ValueError(f"validation_accuracy must have one value per epoch like loss "
                         f"({loss.shape[0]}), got shape {v.shape_str(accuracy.shape)}")
    if not (np.isfinite(loss).all() and (loss > 0).all()):
        raise ValueError("loss must be positive and finite (a cross-entropy), got "
                         f"values from {np.nanmin(loss)} to {np.nanmax(loss)}")
    if not (np.isfinite(accuracy).all() and (0 <= accuracy).all() and (accuracy <= 1).all()):
        raise ValueError("validation_accuracy must hold shares between 0 and 1")
    epochs = np.arange(1, loss.shape[0] + 1)
    fig = Figure(figsize=(8.4, 2.9), dpi=DPI)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.88, wspace=0.3)
    left, right = fig.subplots(1, 2)
    left.plot(epochs, loss, marker="o", markersize=3)
    left.set_yscale("log")
    left.set_title("training loss (cross-entropy)", fontsize=11)
    right.plot(epochs, 100 * accuracy, marker="o", markersize=3)
    right.set_ylim(min(90.0, 100 * accuracy.min() - 2), 100.5)
    right.set_title("validation accuracy (%)", fontsize=11)
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    best = int(np.argmax(accuracy))
    fig.alt = (f"Training over {len(loss)} epochs: the training loss falls from "
               f"{loss[0]:.3g} to {loss[-1]:.3g} (log scale); the validation accuracy goes "
               f"from {accuracy[0]:.1%} after epoch 1 to {accuracy[-1]:.1%} after the last, "
               f"highest {accuracy[best]:.1%} after epoch {best + 1}")
    return fig
