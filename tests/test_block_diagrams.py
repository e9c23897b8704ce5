"""The block diagrams of notebooks 07 (bottlenecks) and 08 (Network in Network).

Each diagram cell calls ``viz.volume_diagram`` itself, as a learner sees it. The tests
run the notebooks' code (live widgets left out) in one namespace, as a kernel would,
keep the figure each diagram cell gives, and read what it draws through its artists'
gids (``box{k}-height``, ``caption{k}`` ...), never through pixels:

- the shapes drawn are the ones onebyone.cost counts, or (in 08) the shapes of the arrays
  the notebook computes, and every bank of filters fits the volumes on either side of it;
- the counts in the captions are onebyone.cost's for the shapes drawn, and computed in
  the cell, not typed into it;
- the stored output is this figure (nbval compares its text/plain; the PNG's size);
- the quizzes' numbers are onebyone.cost's, with the mistakes learners make among the
  wrong options.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import struct
from base64 import b64decode
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from notebook_run import executed
from onebyone import cost, viz
from test_quiz import quiz_cells, quiz_questions

ROOT = Path(__file__).resolve().parent.parent
NB07 = ROOT / "notebooks" / "07_bottlenecks.ipynb"
NB08 = ROOT / "notebooks" / "08_network_in_network.ipynb"
LIVE_TAG = "nbval-ignore-output"
# the tests read what 07's and 08's code draws: one run of each (notebook_run.executed)
pytestmark = [pytest.mark.notebook("07_bottlenecks"), pytest.mark.notebook("08_network_in_network")]

# -- running a notebook's code ---------------------------------------------------------


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _cell(path: Path, cell_id: str) -> dict:
    found = [c for c in _cells(path) if c.get("id") == cell_id]
    assert len(found) == 1, f"{path.name} has {len(found)} cells with id {cell_id!r}"
    return found[0]


def _source(path: Path, cell_id: str) -> str:
    return "".join(_cell(path, cell_id)["source"])


def _executed(path: Path) -> tuple[dict, dict[str, object]]:
    """The notebook's code cells run in order in one namespace (notebook_run.executed):
    the namespace at the end, and each cell's value by cell id."""
    run = executed(path)
    return run.namespace, {c.id: c.value for c in run.cells}


def _figure(path: Path, cell_id: str) -> Figure:
    figure = _executed(path)[1][cell_id]
    assert isinstance(figure, Figure), f"{cell_id} should end with the figure, got {figure!r}"
    return figure


# -- reading a diagram -----------------------------------------------------------------


def _texts(fig: Figure) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}


def drawn_shapes(fig: Figure) -> list[tuple[int, ...]]:
    """The shapes as drawn: the sizes written on each box's edges, and "× n_F" beside a
    bank of filters."""
    texts = _texts(fig)
    shapes = []
    for k in range(len(texts)):
        if f"box{k}-height" not in texts:
            break
        shape = tuple(int(texts[f"box{k}-{edge}"]) for edge in ("height", "width", "depth"))
        count = texts.get(f"box{k}-count")
        if count is not None:
            assert count.startswith("× "), count
            shape += (int(count[2:]),)
        shapes.append(shape)
    return shapes


def operators(fig: Figure) -> list[str]:
    texts = _texts(fig)
    return [texts[f"operator{k}"] for k in range(len(drawn_shapes(fig)) - 1)]


def captions(fig: Figure) -> list[str | None]:
    texts = _texts(fig)
    return [texts.get(f"caption{k}") for k in range(len(drawn_shapes(fig)))]


def check_convolutions(fig: Figure, depthwise: tuple[int, ...] = ()) -> list[dict]:
    """Every bank of filters fits the volumes drawn either side of it: "same" padding
    keeps the height and width; an ordinary filter reaches through all the input's
    channels and gives one output channel per filter; a depthwise filter (box index in
    ``depthwise``) is f×f×1, one per channel. Returns, per bank, its box index and what
    onebyone.cost counts for it."""
    shapes = drawn_shapes(fig)
    banks = []
    for k, shape in enumerate(shapes):
        if len(shape) != 4:
            continue
        before, after = shapes[k - 1], shapes[k + 1]
        f_H, f_W, n_C, n_F = shape
        assert len(before) == len(after) == 3, f"box {k}: a bank between two volumes"
        assert f_H == f_W, f"box {k}: square filters"
        assert after[:2] == before[:2], f"box {k}: 'same' padding keeps n_H × n_W"
        if k in depthwise:
            assert n_C == 1 and n_F == before[2] == after[2], f"box {k}: one f×f×1 per channel"
            multiplies = cost.conv_multiplies(*before[:2], f_H, 1, n_F)
        else:
            assert n_C == before[2], f"box {k}: the filters reach through all {before[2]} channels"
            assert n_F == after[2], f"box {k}: one output channel per filter"
            multiplies = cost.conv_multiplies(*before[:2], f_H, n_C, n_F)
        banks.append({"box": k, "multiplies": multiplies,
                      "weights": cost.conv_params(f_H, n_C, n_F, bias=False)})
    return banks


FILTERS = re.compile(r"(\d+) filters\s+(\d+)×(\d+)×(\d+)")


def check_filter_captions(fig: Figure) -> None:
    """A caption that says "n_F filters f×f×n_C" says what its box draws."""
    for k, caption in enumerate(captions(fig)):
        match = FILTERS.search(caption or "")
        if match:
            n_F, f_H, f_W, n_C = (int(g) for g in match.groups())
            assert drawn_shapes(fig)[k] == (f_H, f_W, n_C, n_F), (k, caption)


def check_counts(fig: Figure, unit: str, depthwise: tuple[int, ...] = ()) -> list[int]:
    """Every bank of filters is captioned with onebyone.cost's count for the shapes
    drawn: ``"{n:,} multiplications"`` or ``"{n:,} weights"``. Returns the counts."""
    key = {"multiplications": "multiplies", "weights": "weights"}[unit]
    counts = []
    for bank in check_convolutions(fig, depthwise):
        n = bank[key]
        caption = captions(fig)[bank["box"]] or ""
        assert f"{n:,} {unit}" in caption, f"box {bank['box']}: {caption!r} should say {n:,} {unit}"
        counts.append(n)
    check_filter_captions(fig)
    return counts


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


# -- the diagrams ----------------------------------------------------------------------

# (notebook, cell id): shapes, operators, what the captions count, depthwise banks
DIAGRAMS_07 = {
    "c07-inception-direct": (
        [(28, 28, 192), (5, 5, 192, 32), (28, 28, 32)], ["∗", "="], "multiplications", ()),
    "c07-inception-bottleneck": (
        [(28, 28, 192), (1, 1, 192, 16), (28, 28, 16), (5, 5, 16, 32), (28, 28, 32)],
        ["∗", "=", "∗", "="], "multiplications", ()),
    "c07-resnet-bottleneck": (
        [(56, 56, 256), (1, 1, 256, 64), (56, 56, 64), (3, 3, 64, 64), (56, 56, 64),
         (1, 1, 64, 256), (56, 56, 256)], ["∗", "→", "∗", "→", "∗", "→"], "weights", ()),
    "c07-resnet-basic": (
        [(56, 56, 64), (3, 3, 64, 64), (56, 56, 64), (3, 3, 64, 64), (56, 56, 64)],
        ["∗", "→", "∗", "→"], "weights", ()),
    "c07-mobilenet": (
        [(14, 14, 512), (3, 3, 1, 512), (14, 14, 512), (1, 1, 512, 512), (14, 14, 512)],
        ["∗", "=", "∗", "="], "multiplications", (1,)),
}
DIAGRAM_CELLS = [(NB07, cell_id) for cell_id in DIAGRAMS_07] + [(NB08, "c08-mlpconv"),
                                                               (NB08, "c08-nin")]


@pytest.mark.parametrize("cell_id", DIAGRAMS_07)
def test_07_draws_what_onebyone_counts(cell_id):
    shapes, ops, unit, depthwise = DIAGRAMS_07[cell_id]
    fig = _figure(NB07, cell_id)
    assert drawn_shapes(fig) == shapes
    assert operators(fig) == ops
    counts = check_counts(fig, unit, depthwise)
    # computed in the cell, not typed into it
    source = _source(NB07, cell_id)
    for n in counts:
        assert f"{n:,}" not in source and str(n) not in source, f"{n} is typed into {cell_id}"


def test_07_counts_are_the_ones_the_notebook_prints():
    """The diagrams' counts are the notebook's: Inception's bottleneck_cost, the ResNet
    blocks' weights and the MobileNet layer's depthwise_separable_cost."""
    inception = cost.bottleneck_cost(n_H=28, n_W=28, n_C=192, f=5, n_F=32, n_B=16)
    mobilenet = cost.depthwise_separable_cost(n_H=14, n_W=14, n_C=512, f=3, n_F=512)
    expected = {
        "c07-inception-direct": ("multiplications", [inception.direct_multiplies], ()),
        "c07-inception-bottleneck": ("multiplications", [inception.reduce_multiplies,
                                                         inception.spatial_multiplies], ()),
        "c07-resnet-bottleneck": ("weights", [16_384, 36_864, 16_384], ()),
        "c07-resnet-basic": ("weights", [36_864, 36_864], ()),
        "c07-mobilenet": ("multiplications", [mobilenet.depthwise_multiplies,
                                              mobilenet.pointwise_multiplies], (1,)),
    }
    for cell_id, (unit, counts, depthwise) in expected.items():
        assert check_counts(_figure(NB07, cell_id), unit, depthwise) == counts, cell_id
    # the ResNet sums the notebook prints: 69,632 for the block, 73,728 for the basic block
    assert sum(check_counts(_figure(NB07, "c07-resnet-bottleneck"), "weights")) == 69_632
    assert sum(check_counts(_figure(NB07, "c07-resnet-basic"), "weights")) == 73_728


def test_08_mlpconv_draws_the_notebooks_layer():
    namespace, _ = _executed(NB08)
    x, block_1, a_1 = namespace["x"], namespace["block_1"], namespace["a_1"]
    fig = _figure(NB08, "c08-mlpconv")
    expected = [x.shape]
    for w, _ in block_1:  # an f×f bank, then 1×1 layers whose weights are (n_C, n_F)
        expected += [w.shape if w.ndim == 4 else (1, 1, *w.shape), (*x.shape[:2], w.shape[-1])]
    assert drawn_shapes(fig) == expected
    assert expected[-1] == a_1.shape
    assert operators(fig) == ["∗", "ReLU\n→"] * len(block_1)
    check_convolutions(fig)
    # the pixel of the check above it: its fibre in every volume, the filters highlighted
    i, j = namespace["i"], namespace["j"]
    assert "pixel=(i, j)" in _source(NB08, "c08-mlpconv") and (i, j) == (30, 20)
    gids = {a.get_gid() for a in (*fig.axes[0].patches, *fig.axes[0].collections)}
    assert {f"box{k}-pixel" for k in range(0, len(expected), 2)} <= gids


def test_08_nin_draws_the_shapes_the_network_computes():
    namespace, _ = _executed(NB08)
    arrays = [namespace[name] for name in ("x", "a_1", "a_2", "class_maps")]
    scores = namespace["scores"]
    fig = _figure(NB08, "c08-nin")
    assert drawn_shapes(fig) == [a.shape for a in arrays] + [(1, 1, *scores.shape)]
    assert scores.shape == (namespace["n_classes"],) == (arrays[-1].shape[2],)
    ops = operators(fig)
    assert [op.count("mlpconv") for op in ops] == [1, 1, 1, 0]
    assert [op.count("max pool") for op in ops] == [0, 1, 1, 0]
    assert ops[-1].startswith("GAP")
    # each max pooling halves the height and width, rounding down
    for before, after in itertools.pairwise(arrays[1:]):
        assert after.shape[:2] == (before.shape[0] // 2, before.shape[1] // 2)
    assert captions(fig) == ["photo", "mlpconv 1", "mlpconv 2", "class maps", "scores"]


@pytest.mark.parametrize("cell_id", ["c08-mlpconv", "c08-nin"])
def test_08_shapes_are_read_from_the_arrays_not_typed(cell_id):
    source = _source(NB08, cell_id)
    assert ".shape" in source
    assert not re.search(r"\(\s*\d+\s*,\s*\d+\s*,\s*\d+", source), (
        f"{cell_id} types a shape instead of reading it from an array:\n{source}")


@pytest.mark.parametrize(("path", "cell_id"), DIAGRAM_CELLS, ids=lambda p: getattr(p, "stem", p))
def test_each_diagram_is_a_cell_of_its_own_with_a_lead_in(path, cell_id):
    cells = _cells(path)
    k = next(k for k, c in enumerate(cells) if c.get("id") == cell_id)
    source = "".join(cells[k]["source"])
    assert "viz.volume_diagram(" in source, "the notebook shows the call"
    assert cells[k - 1]["cell_type"] == "markdown", "a lead-in says what to look at"
    assert len("".join(cells[k - 1]["source"])) > 150
    assert LIVE_TAG not in cells[k]["metadata"].get("tags", []), "nbval compares it"


@pytest.mark.parametrize(("path", "cell_id"), DIAGRAM_CELLS, ids=lambda p: getattr(p, "stem", p))
def test_stored_output_is_this_figure(path, cell_id):
    """The committed output is the figure the code draws (nbval compares the text/plain,
    the Figure's size), at a width that JupyterLab shows without shrinking it much."""
    fig = _figure(path, cell_id)
    outputs = _cell(path, cell_id)["outputs"]
    assert [o["output_type"] for o in outputs] == ["execute_result"]
    data = outputs[0]["data"]
    assert "".join(data["text/plain"]) == repr(fig)
    # the figure is stored as an <img> of its PNG, with the figure's own text alternative
    img = re.fullmatch(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)">',
                       "".join(data["text/html"]))
    assert img, "".join(data["text/html"])[:200]
    assert html.unescape(img.group(2)) == fig.alt
    width, height = png_size(b64decode(img.group(1)))
    fig_width, fig_height = fig.get_size_inches() * fig.dpi
    # the inline backend crops to the drawing's bounding box, with 0.1 inch around it
    assert fig_width <= width <= fig_width + 0.25 * fig.dpi
    assert fig_height <= height <= fig_height + 0.25 * fig.dpi
    assert fig_width <= viz.DIAGRAM_MAX_WIDTH


# -- the checks above can fail ---------------------------------------------------------

@pytest.mark.parametrize(("shapes", "caption", "message"), [
    ([(28, 28, 192), (5, 5, 16, 32), (28, 28, 32)], None, "reach through all 192"),
    ([(28, 28, 192), (5, 5, 192, 16), (28, 28, 32)], None, "one output channel"),
    ([(28, 28, 192), (5, 5, 192, 32), (14, 14, 32)], None, "'same' padding"),
    ([(28, 28, 192), (5, 5, 192, 32), (28, 28, 32)], "120,422,401 multiplications",
     "should say 120,422,400"),
    ([(28, 28, 192), (5, 5, 192, 32), (28, 28, 32)],
     "16 filters 5×5×192\n120,422,400 multiplications", "16 filters"),
])
def test_the_checks_catch_a_wrong_diagram(shapes, caption, message):
    fig = viz.volume_diagram(shapes, ["∗", "="], captions=[None, caption, None])
    with pytest.raises(AssertionError, match=message):
        check_counts(fig, "multiplications")


def test_the_depthwise_check_catches_an_ordinary_bank():
    fig = viz.volume_diagram([(14, 14, 8), (3, 3, 8, 8), (14, 14, 8)], ["∗", "="])
    with pytest.raises(AssertionError, match="one f×f×1 per channel"):
        check_convolutions(fig, depthwise=(1,))


# -- quizzes ---------------------------------------------------------------------------

def _quiz(path: Path) -> list:
    """The questions of the notebook's quiz cell, with ``widgets.quiz`` handing them back."""
    assert len(quiz_cells(path)) == 1
    return quiz_questions(path)


def _question(questions: list, words: str):
    found = [q for q in questions if words in q.prompt]
    assert len(found) == 1, f"one question about {words!r}"
    return found[0]


@pytest.mark.parametrize("path", [NB07, NB08], ids=lambda p: p.stem)
def test_quiz_questions_are_sound(path):
    questions = _quiz(path)
    assert len(questions) >= 4
    for q in questions:
        assert len(q.options) >= 3, f"{q.prompt}: at least two plausible mistakes"
        assert len(set(q.options)) == len(q.options)
        assert 0 <= q.answer < len(q.options)
        assert len(q.why) > 60, f"{q.prompt}: the why explains the right answer"
    assert len({q.answer for q in questions}) > 1, "the right answer is not always in one place"


def test_07_quiz_numbers_are_onebyone_counts():
    questions = _quiz(NB07)
    q = _question(questions, "how many parameters")
    options = q.options
    assert options[q.answer] == f"{cost.conv_params(1, 192, 16):,}"
    # the mistakes: forgetting the biases, counting multiplications, the output's size
    assert f"{cost.conv_params(1, 192, 16, bias=False):,}" in options
    assert f"{cost.conv_multiplies(28, 28, 1, 192, 16):,}" in options
    assert f"{28 * 28 * 16:,}" in options
    q = _question(questions, "What comes out?")
    # a 1×1 convolution keeps n_H × n_W and gives n_F channels; not n_C, not 1×1
    assert q.options[q.answer] == "56×56×64"
    assert {"56×56×256", "1×1×64"} <= set(q.options)
    q = _question(questions, "about ten times cheaper")
    # each output's dot product: over 5·5·16 numbers after the bottleneck, 5·5·192 without
    assert f"dot product of {5 * 5 * 16} numbers instead of {5 * 5 * 192:,}" in q.options[q.answer]
    assert any("height and width" in o for o in q.options), "the bottleneck shrinks n_H × n_W?"
    q = _question(questions, "MobileNet")
    share = cost.depthwise_separable_cost(14, 14, 512, 3, 512).pointwise_share
    assert f"{share:.0%}" in q.options[q.answer] and "pointwise" in q.options[q.answer]


def test_08_quiz_numbers_are_onebyone_counts():
    questions = _quiz(NB08)
    q = _question(questions, "1×1 layer 16 → 16")
    assert q.options[q.answer] == f"{cost.conv_params(1, 16, 16):,}"
    assert f"{cost.conv_params(1, 16, 16, bias=False):,}" in q.options  # the biases forgotten
    assert f"{cost.conv_multiplies(64, 55, 1, 16, 16):,}" in q.options  # weights per pixel
    q = _question(questions, "Global average pooling on an 8×8×192")
    assert q.options[q.answer] == "0"  # GAP has nothing to learn
    assert any(o.startswith("192") for o in q.options)
    assert f"{cost.dense_params(8 * 8 * 192, 10):,}" in q.options  # the head GAP replaces
    q = _question(questions, "class maps of 16×13×10")
    assert q.options[q.answer].startswith("10 numbers")
    q = _question(questions, "mlpconv layer")
    assert "MLP" in q.options[q.answer]
    assert any("linear" in o for o in q.options), "forgetting the ReLUs between the layers"


# -- one idea, one home ----------------------------------------------------------------

def test_07_and_08_link_back_to_where_an_idea_is_taught():
    markdown = {path: "\n".join("".join(c["source"]) for c in _cells(path)
                                if c["cell_type"] == "markdown") for path in (NB07, NB08)}
    assert "](02_multi_channel.ipynb)" in markdown[NB07]  # the dot product at a pixel
    assert "](03_shrinking_channels.ipynb)" in markdown[NB07]  # a 1×1 convolution shrinks n_C
    for path in (NB07, NB08):  # a 1×1 convolution is a dense layer, one matrix product
        assert "](04_dense_equals_matmul.ipynb)" in markdown[path]
