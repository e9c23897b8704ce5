"""Notebook 10's blocks: their costs against the papers' own numbers and formulas, the
block explorer, the exercises, the fully convolutional figure, and the notebook's
identities and prose against what its cells compute."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback import assert_right, assert_wrong
from onebyone import cost, viz, widgets
from onebyone.exercises import (
    check_ffn_cost,
    check_grouped_weights,
    check_margin_readings,
    check_pooling_alignment,
    check_shuffle_reach,
)
from test_explorer_sliders import run_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NB10 = NOTEBOOKS / "10_modern_1x1.ipynb"


# -- costs against the papers ------------------------------------------------------------

def test_the_transformers_feed_forward_network_has_2_099_712_parameters():
    # Vaswani et al.: d_model = 512, d_ff = 2048, two 1x1 convolutions with biases
    ffn = cost.ffn_cost(T=10, d_model=512, d_ff=2048)
    assert ffn.params == 2 * 512 * 2048 + 2048 + 512 == 2_099_712
    assert [layer.params for layer in ffn.layers] == [512 * 2048 + 2048, 2048 * 512 + 512]
    assert ffn.multiplies == 10 * 2 * 512 * 2048  # every token through both layers
    assert cost.ffn_cost(T=10, d_model=512, d_ff=2048, bias=False).params == 2 * 512 * 2048


def test_se_resnet_50_adds_about_2_5_million_parameters():
    # Hu et al.: (2 / r) * sum over stages of N_s * C_s^2, with r = 16, "~2.5 million";
    # He et al., Table 1: ResNet-50's stages on 56x56, 28x28, 14x14 and 7x7
    stages = [(3, 56, 256), (4, 28, 512), (6, 14, 1024), (3, 7, 2048)]
    extra = sum(n * cost.squeeze_excitation_cost(size, size, c, 16, bias=False).params
                for n, size, c in stages)
    assert extra == sum(2 * n * c * c // 16 for n, _, c in stages) == 2_514_944
    assert round(extra / 1e6, 1) == 2.5


@pytest.mark.parametrize("size", [1, 7, 14, 28, 56])
def test_a_stages_size_changes_se_s_multiplications_not_its_parameters(size):
    # what 10 says of the stages' sizes: the squeeze averages the pixels away
    se = cost.squeeze_excitation_cost(size, size, 256, 16)
    assert se.params == cost.squeeze_excitation_cost(7, 7, 256, 16).params
    assert se.multiplies == 2 * 256 * 16 + size * size * 256


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 64), d_in=st.integers(1, 64), t=st.integers(1, 8),
       d_out=st.integers(1, 64))
def test_the_inverted_residual_costs_the_papers_formula(h, d_in, t, d_out):
    # Sandler et al., stride 1: h * w * d' * t * (d' + k^2 + d'') multiply-adds
    block = cost.inverted_residual_cost(h, h + 1, d_in, t, d_out, f=3)
    assert block.multiplies == h * (h + 1) * d_in * t * (d_in + 9 + d_out)
    assert [layer.params for layer in cost.inverted_residual_cost(
        h, h, d_in, t, d_out, bias=False).layers] == [d_in * t * d_in, 9 * t * d_in,
                                                     t * d_in * d_out]


def test_a_strided_inverted_residual_filters_and_projects_fewer_pixels():
    block = cost.inverted_residual_cost(56, 56, 24, t=6, n_F=32, stride=2)
    expand, depthwise, project = (layer.multiplies for layer in block.layers)
    assert expand == 56 * 56 * 24 * 144
    assert depthwise == 28 * 28 * 9 * 144 and project == 28 * 28 * 144 * 32


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 56), g=st.sampled_from([1, 2, 3, 4, 8]), c_per=st.integers(1, 40),
       m_per=st.integers(1, 20))
def test_shufflenet_and_resnet_units_cost_what_shufflenets_paper_counts(h, g, c_per, m_per):
    # Zhang et al.: ShuffleNet h*w*(2*c*m/g + 9*m), ResNet h*w*(2*c*m + 9*m^2)
    c, m = g * c_per, g * m_per
    assert cost.shufflenet_unit_cost(h, h, c, m, g).multiplies == h * h * (2 * c * m // g + 9 * m)
    assert cost.resnet_bottleneck_cost(h, h, c, m).multiplies == h * h * (2 * c * m + 9 * m * m)


def test_resnets_bottleneck_block_has_the_weights_07_counts():
    assert cost.resnet_bottleneck_cost(56, 56, 256, 64, bias=False).params == 69_632


def test_squeeze_excitation_counts_its_scaling_and_no_weights_in_the_pooling():
    se = cost.squeeze_excitation_cost(28, 28, 256, r=16)
    assert [(layer.params, layer.multiplies) for layer in se.layers] == [
        (0, 0), (256 * 16 + 16, 256 * 16), (16 * 256 + 256, 16 * 256), (0, 28 * 28 * 256)]


def test_share_is_the_part_of_the_multiplications_of_the_named_layers():
    block = cost.inverted_residual_cost(56, 56, 24, t=6, n_F=24)
    expand, depthwise, project = (layer.multiplies for layer in block.layers)
    assert block.share("1×1") == pytest.approx((expand + project) / block.multiplies)
    assert block.share("3×3") == pytest.approx(depthwise / block.multiplies)
    with pytest.raises(ValueError, match=r"no layer .* '5×5'"):
        block.share("5×5")
    with pytest.raises(TypeError, match="name must be a string"):
        block.share(3)


def test_a_reduction_or_group_count_that_does_not_divide_is_refused():
    with pytest.raises(ValueError, match="n_C = 250 must be divisible by r = 16"):
        cost.squeeze_excitation_cost(7, 7, 250, 16)
    with pytest.raises(ValueError, match="m = 61 must be divisible by g = 3"):
        cost.shufflenet_unit_cost(7, 7, 240, 61, 3)


# -- the block explorer ------------------------------------------------------------------

@pytest.mark.parametrize(("block", "expected"), [
    ("ResNet bottleneck", cost.resnet_bottleneck_cost(14, 14, 512, 128)),
    ("squeeze-and-excitation", cost.squeeze_excitation_cost(14, 14, 512, 8)),
    ("inverted residual", cost.inverted_residual_cost(14, 14, 512, 3, 512)),
    ("ShuffleNet unit", cost.shufflenet_unit_cost(14, 14, 512, 128, 2)),
    ("feed-forward network", cost.ffn_cost(14, 512, 5 * 512)),
])
def test_block_result_counts_the_block_with_its_own_factor(block, expected):
    r = widgets.block_result(block, size=14, channels=512, r=8, t=3, g=2, d_ff_ratio=5)
    assert r.cost == expected
    assert len(r.operators) == len(r.shapes) - 1 == len(r.captions) - 1
    assert all(caption.strip() for caption in r.captions), r.captions  # every volume named
    # the volumes drawn carry the channels the cost counts
    assert r.shapes[0][-1] == 512 and max(s[-1] for s in r.shapes) >= 512 // 4


@pytest.mark.parametrize("block", widgets.BLOCKS)
def test_a_factor_changes_only_its_own_block(block):
    base = dict(block=block, size=7, channels=256, r=16, t=6, g=4, d_ff_ratio=4)
    own = {"squeeze-and-excitation": "r", "inverted residual": "t", "ShuffleNet unit": "g",
           "feed-forward network": "d_ff_ratio"}.get(block)
    for factor, other in (("r", 8), ("t", 2), ("g", 2), ("d_ff_ratio", 2)):
        moved = widgets.block_result(**{**base, factor: other})
        assert (moved.cost != widgets.block_result(**base).cost) == (factor == own), factor


@pytest.mark.parametrize(("block", "uses"), [
    ("ResNet bottleneck", "uses none of them"), ("squeeze-and-excitation", "uses <b>r</b>"),
    ("inverted residual", "uses <b>t</b>"), ("ShuffleNet unit", "uses <b>g</b>"),
    ("feed-forward network", "uses <b>d_ff / d_model</b>")])
def test_the_block_explorers_line_shows_every_factor_and_the_one_its_block_uses(block, uses):
    """A factor another block uses still shows its move: its value in the line."""
    explorer = widgets.block_explorer()
    explorer.controls["block"].value = block
    explorer.controls["r"].value = 64
    assert "r = 64, t = 6, g = 4, d_ff / d_model = 4" in explorer.text
    assert f"the {block} {uses}." in explorer.text


def test_the_block_explorer_draws_each_block_and_tells_its_layers():
    explorer = widgets.block_explorer()
    for block in widgets.BLOCKS:
        explorer.controls["block"].value = block
        text = explorer.text
        assert f"{explorer.result.cost.params:,}</b> parameters" in text
        for layer in explorer.result.cost.layers:
            assert f">{layer.multiplies:,}</td>" in text and f">{layer.params:,}</td>" in text
        captions = [t.get_text() for t in explorer.figure.axes[0].texts
                    if t.get_gid() and t.get_gid().startswith("caption")]
        assert captions == [c for c in explorer.result.captions if c]


def test_every_setting_of_the_block_explorer_divides():
    explorer = widgets.block_explorer()
    controls = explorer.controls
    for channels in range(controls["channels"].min, controls["channels"].max + 1,
                          controls["channels"].step):
        for r in controls["r"].options:
            for g in controls["g"].options:
                for block in widgets.BLOCKS:
                    widgets.block_result(block, 1, channels, r=r, g=g)


# -- the exercises ---------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "hint"), [
    ((4_718_592, 603_979_776), "weights only"),
    ((4_718_592 + 3072, 603_979_776), "second layer has biases"),
    ((768 * 3072 + 3072, 603_979_776), "first layer alone"),
    ((128 * 4_722_432, 603_979_776), "do not depend on the number of tokens"),
    ((4_722_432, 4_718_592), "one token's"),
    ((4_722_432, 301_989_888), "one layer's"),
    ((4_722_432, 128 * 128 * 768), "never mixes tokens"),
    ((603_979_776, 4_722_432), "swapped"),
    ((4_722_432, 7), "not it"),
    (None, "give two numbers"),
])
def test_check_ffn_cost_names_the_mistake(answer, hint):
    feedback = check_ffn_cost(answer)
    assert not feedback and hint in feedback.message


def test_check_ffn_cost_accepts_the_count_of_bert_bases_ffn():
    assert check_ffn_cost((768 * 3072 * 2 + 3072 + 768, 128 * 768 * 3072 * 2))


@pytest.mark.parametrize(("answer", "hint"), [
    ((57_600, 7_200), "ordinary 1×1 convolution"),
    ((6_400, 7_200), "one group's block"),
    ((19_200, 7_200 + 240), "counts 240 biases"),
    ((7_200, 19_200), "swapped"),
    ((19_200, 7_201), "not it"),
    ("19200", "give two numbers"),
])
def test_check_grouped_weights_names_the_mistake(answer, hint):
    feedback = check_grouped_weights(answer)
    assert not feedback and hint in feedback.message


def test_check_grouped_weights_accepts_240_squared_over_g():
    assert check_grouped_weights((240 * 240 // 3, 240 * 240 // 8))


@pytest.mark.parametrize("answer", [(4, 16), [4, 16], (np.int64(4), np.int64(16)), (4.0, 16.0)])
def test_check_shuffle_reach_accepts_4_and_16(answer):
    feedback = check_shuffle_reach(answer)
    assert_right(feedback)
    # in the notebook's letters: C channels, g groups
    assert "C/g ≥ g" in feedback.message and "n_C" not in feedback.message


@pytest.mark.notebook("10_modern_1x1")
def test_check_shuffle_reachs_answer_is_what_the_notebooks_trace_counts(notebook_10):
    reach = notebook_10[0]["reach"]
    unshuffled, shuffled = (reach(24, 6, shuffle).sum(axis=0) for shuffle in (False, True))
    assert set(unshuffled) == {4} and set(shuffled) == {16}
    assert check_shuffle_reach((int(unshuffled[0]), int(shuffled[0])))


@pytest.mark.parametrize(("answer", "hints"), [
    ((24, 24), ("without the shuffle", "ordinary 1×1", "own group")),  # an ungrouped layer
    ((6, 16), ("without the shuffle", "number of groups", "4 channels")),
    ((1, 16), ("without the shuffle", "depthwise", "4 of them")),
    ((4, 24), ("without the shuffle is right", "C/g ≥ g", "only 4")),  # always all
    ((4, 4), ("without the shuffle is right", "carries 4 input channels")),
    ((4, 6), ("without the shuffle is right", "6 is not it", "how many")),
    ((3, 16), ("without the shuffle", "3 is not it", "24/6")),
    ((16, 4), ("swapped", "without the shuffle comes first")),
    ((None, None), ("whole number", "None")),
    (None, ("give two numbers", "unshuffled, shuffled")),
    ((4, 16, 24), ("give two numbers",)),
    (("4", "16"), ("whole number", "str")),
])
def test_check_shuffle_reach_names_the_mistake(answer, hints):
    assert_wrong(check_shuffle_reach(answer), *hints)


@pytest.mark.parametrize("answer", [[0, 2, 4], (4, 2, 0), {0, 2, 4}, range(0, 6, 2),
                                    [np.int64(0), np.int64(2), np.int64(4)], [0, 2, 2, 4]])
def test_check_pooling_alignment_accepts_the_even_margins(answer):
    feedback = check_pooling_alignment(answer)
    assert_right(feedback)
    assert "even exactly when the margin is" in feedback.message


@pytest.mark.parametrize(("answer", "hints"), [
    ([1, 3, 5], ("count from 0", "column 1", "blank column 0")),  # columns counted from 1
    ([2, 4], ("margin 0", "even column too", "neighbours leak in")),  # 0 reads worse
    ([2], ("margin 4 is missing", "4, 20, 36")),  # only the notebook's margin
    ([], ("margin 2 is missing", "2, 14, 26")),
    ([0, 2, 3, 4], ("margin 3", "3, 17, 31", "odd")),
    ([0, 1, 2, 3, 4, 5], ("margin 1", "1, 11, 21", "odd")),
    ([0, 2, 4, 6], ("from 0 to 5 only", "6")),
    ([-2, 0, 2, 4], ("from 0 to 5 only", "-2")),
    (None, ("a list of margins", "None")),
    ("0, 2, 4", ("a list of margins", "str")),
    (2, ("a list of margins", "int")),
    ([0.0, 2, 4], ("whole number", "float")),
    ([True, 2], ("whole number", "bool")),
])
def test_check_pooling_alignment_names_the_mistake(answer, hints):
    assert_wrong(check_pooling_alignment(answer), *hints)


# -- the fully convolutional figure ------------------------------------------------------

def test_canvas_class_maps_frames_each_windows_winner_and_writes_every_pixels_largest():
    rng = np.random.default_rng(0)
    maps = rng.standard_normal((4, 12, 10))
    maps[:, 1:5, 7] += 5    # window 0: class 7
    maps[:, 7:11, 2] += 5   # window 1: class 2
    canvas = rng.random((8, 24))
    fig = viz.canvas_class_maps(canvas, maps, [(1, 5), (7, 11)])
    canvas_ax, *map_axes, last = fig.axes
    assert len(map_axes) == 10
    np.testing.assert_array_equal(canvas_ax.get_images()[0].get_array(), canvas)
    for c, ax in enumerate(map_axes):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), maps[:, :, c])
        frames = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
        starts = sorted(round(p.get_x() + 0.5) for p in frames)
        assert starts == {7: [1], 2: [7]}.get(c, [])
    written = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in last.texts}
    assert len(written) == 4 * 12
    largest = maps.argmax(axis=2)
    for (i, j), text in written.items():
        assert text.get_text() == str(largest[i, j])
        winner = 7 if 1 <= j < 5 else 2 if 7 <= j < 11 else None
        assert (text.get_fontweight() == "bold") == (largest[i, j] == winner)


# -- notebook 10: its identities, and its prose against its outputs ----------------------

@pytest.fixture(scope="module")
def notebook_10() -> tuple[dict, list]:
    return run_notebook(NB10)


def _printed(cells: list, marker: str) -> str:
    (printed,) = [p for source, p, _ in cells if marker in source]
    return printed


IDENTITY = re.compile(r"^(.*?): (True|False)$", flags=re.M)


@pytest.mark.notebook("10_modern_1x1")
def test_every_identity_the_notebook_checks_holds(notebook_10):
    _, cells = notebook_10
    (torch_printed,) = [p for source, p, _ in cells if "import torch" in source]
    always = IDENTITY.findall("".join(p for source, p, _ in cells if "import torch" not in source))
    # FFN, SE twice, depthwise, the inverted residual's parameters, grouped
    assert len(always) == 6, always
    assert all(result == "True" for _, result in always), always
    # the PyTorch cross-check runs only where PyTorch is installed, and says so otherwise
    if importlib.util.find_spec("torch") is None:
        assert torch_printed.startswith("PyTorch cross-check: skipped"), torch_printed
        assert not IDENTITY.findall(torch_printed)
    else:
        [(claim, result)] = IDENTITY.findall(torch_printed)
        assert claim.startswith("PyTorch cross-check") and result == "True", torch_printed


@pytest.mark.notebook("10_modern_1x1")
def test_the_feed_forward_network_is_two_1x1_convolutions(notebook_10):
    ns, _ = notebook_10
    expected = np.maximum(ns["tokens"] @ ns["W1"] + ns["b1"], 0) @ ns["W2"] + ns["b2"]
    np.testing.assert_allclose(ns["as_convolutions"][0], expected, rtol=1e-12)


@pytest.mark.notebook("10_modern_1x1")
def test_squeeze_excitation_scales_the_channels_by_numbers_between_0_and_1(notebook_10):
    ns, _ = notebook_10
    weights = ns["channel_weights"]
    assert ((weights > 0) & (weights < 1)).all() and weights.std() > 0.05
    np.testing.assert_allclose(ns["scaled"] / ns["features"], np.broadcast_to(weights,
                                                                          ns["features"].shape))


@pytest.mark.notebook("10_modern_1x1")
def test_the_shuffle_lets_every_input_reach_every_output_with_3_groups_of_4(notebook_10):
    ns, _ = notebook_10
    groups = np.kron(np.eye(3, dtype=bool), np.ones((4, 4), dtype=bool))
    np.testing.assert_array_equal(ns["without_shuffle"], groups)
    assert ns["with_shuffle"].all()


@pytest.mark.notebook("10_modern_1x1")
def test_the_shuffle_reaches_every_input_exactly_when_C_over_g_is_at_least_g(notebook_10):
    # the condition 10 states, for every C up to 36 and every g that divides it, with
    # the notebook's own trace
    reach = notebook_10[0]["reach"]
    for C in range(1, 37):
        for g in (g for g in range(1, C + 1) if C % g == 0):
            per_group = C // g
            unshuffled, shuffled = reach(C, g, shuffle=False), reach(C, g, shuffle=True)
            assert (unshuffled.sum(axis=0) == per_group).all(), (C, g)
            assert (shuffled.sum(axis=0) == per_group * min(per_group, g)).all(), (C, g)
            assert shuffled.all() == (per_group >= g), (C, g)


@pytest.mark.notebook("10_modern_1x1")
def test_the_notebook_shows_where_the_shuffle_falls_short(notebook_10):
    ns, cells = notebook_10
    table = dict(re.findall(r"^g = +(\d+), groups of +\d+: each output channel is reached by "
                            r"(\d+) of the 12 inputs$", _printed(cells, "for groups in"),
                            flags=re.M))
    assert {int(g): int(n) for g, n in table.items()} == {1: 12, 2: 12, 3: 12, 4: 9, 6: 4,
                                                           12: 1}
    # "output channel 0 hears from the first three groups and never from inputs 9, 10, 11"
    np.testing.assert_array_equal(np.flatnonzero(ns["four_groups"][:, 0]), range(9))
    assert ns["four_groups"].sum(axis=0).tolist() == [9] * 12
    # "the unit counted below shuffles m = 60 channels in 3 groups of 20"
    assert (ns["m"], ns["g"]) == (60, 3) and ns["m"] // ns["g"] == 20 >= ns["g"]


@pytest.mark.notebook("10_modern_1x1")
def test_a_relu_loses_points_when_its_channels_barely_exceed_the_datas_dimensions(
        notebook_10):
    _, cells = notebook_10
    recovered = {(what, int(n)): int(p) for what, n, p in re.findall(
        r"^(the spiral|a 24-dimensional cloud) through a ReLU on +(\d+) channels: +(\d+)% of "
        r"the points recovered$", "".join(p for source, p, _ in cells
                                           if "recovered_share(" in source), flags=re.M)}
    spiral = {n: p for (what, n), p in recovered.items() if what == "the spiral"}
    cloud = {n: p for (what, n), p in recovered.items() if what != "the spiral"}
    assert set(spiral) == {2, 3, 5, 15, 24, 30} and set(cloud) == {24, 48, 144}
    # "on 2 or 3 channels ... half of the spiral's points or more; on 15 or 30, none", and
    # "the spiral would pass a ReLU on 24 channels whole"
    assert spiral[2] <= 50 and spiral[3] <= 50
    assert spiral[15] == spiral[24] == spiral[30] == 100
    # "on 24 channels the cloud loses every point ... on 48 a little over half come back,
    # on 144 all of them"
    assert cloud[24] == 0 and 50 < cloud[48] < 65 and cloud[144] == 100


@pytest.mark.notebook("10_modern_1x1")
def test_the_fully_convolutional_prose_quotes_its_measurements(notebook_10):
    ns, cells = notebook_10
    printed = _printed(cells, "whole_slots")
    numbers = dict(re.findall(r"^(.+?): (\d+\.\d)%", printed, flags=re.M))
    window = float(numbers["window averages read the digit right"])
    alone = float(re.search(r"alone: (\d+\.\d)%", printed).group(1))
    slots = float(numbers["averages over whole slots, blank columns included"])
    pixel = float(numbers["one map pixel in a window, its largest class"])
    packed = float(numbers["digits packed with no blank columns, window averages"])
    odd = float(numbers["1 blank column on either side, digits on odd columns, window "
                        "averages"])
    same = float(re.search(r"the same answer as alone for (\d+\.\d)%", printed).group(1))
    # what the prose says of them
    assert abs(window - alone) <= 1.0 and pixel < 40 < slots < packed < window
    assert 50 < odd < 60  # "little more than half of the digits"
    np.testing.assert_array_equal(ns["read"][:5], ns["net"].predict(ns["five"]))
    (prose,) = [c for c in _markdown_cells() if "What does this say?" in c]
    assert f"the averages read {window}% of them, as the digits alone" in prose and window == alone
    assert f"the averages read only {odd}%" in prose
    assert f"the same answer for {same}% of the digits" in prose
    # the columns the digits start at, as the prose lists them, are where canvas_of puts them
    for margin in (2, 1):
        inked = ns["canvas_of"](np.ones((5, 8, 8, 1)), margin)[0, :, 0]
        starts = np.flatnonzero(np.diff(inked, prepend=0) > 0).tolist()
        assert f"{', '.join(map(str, starts[:-1]))} and {starts[-1]})" in prose, starts


def _markdown_cells() -> list[str]:
    return ["".join(c["source"]) for c in json.loads(NB10.read_text())["cells"]
            if c["cell_type"] == "markdown"]


@pytest.mark.notebook("10_modern_1x1")
def test_check_margin_readings_accepts_what_the_notebooks_helpers_measure(notebook_10):
    ns, _ = notebook_10
    images, labels = ns["digits"].test.images, ns["labels"]
    readings = []
    for margin in range(6):
        canvases = np.stack([ns["canvas_of"](images[k:k + 5], margin)
                             for k in range(0, len(images), 5)])
        read = np.concatenate([ns["window_scores"](maps, ns["windows_of"](5, margin))
                               .argmax(axis=1) for maps in ns["net"].class_maps(canvases)])
        readings.append(np.mean(read == labels))
    feedback = check_margin_readings(readings, ns["net"])
    assert_right(feedback)
    # the shares it quotes are the notebook's, as cell 46 and the summary word them
    assert f"{readings[2]:.1%}, {readings[4]:.1%}" in feedback.message
    assert readings[1] == np.mean(ns["read_shifted"] == labels)


@pytest.mark.notebook("10_modern_1x1")
def test_each_windows_winner_is_positive_on_some_pixels_and_negative_on_others(notebook_10):
    # "in each window, the winning class is orange on some pixels and purple on others"
    ns, _ = notebook_10
    maps = ns["canvas_maps"]
    for start, stop in ns["windows"]:
        winner = maps[:, start:stop].mean(axis=(0, 1)).argmax()
        window = maps[:, start:stop, winner]
        assert (window > 0).any() and (window < 0).any(), (start, winner)


@pytest.mark.notebook("10_modern_1x1")
def test_odd_margins_read_worse_than_packed_digits_and_even_margins_read_as_margin_2(
        notebook_10):
    # the summary and exercise 5's solution: odd margins read "little more than half of the
    # digits"; margins 2 and 4 as the digits alone; margin 0 worse, for its neighbours
    ns, _ = notebook_10
    images, labels = ns["digits"].test.images, ns["labels"]
    share = {}
    for margin in range(6):
        canvases = np.stack([ns["canvas_of"](images[k:k + 5], margin)
                             for k in range(0, len(images), 5)])
        read = np.concatenate([ns["window_scores"](maps, ns["windows_of"](5, margin))
                               .argmax(axis=1) for maps in ns["net"].class_maps(canvases)])
        share[margin] = np.mean(read == labels)
    odd, even = [share[m] for m in (1, 3, 5)], [share[m] for m in (2, 4)]
    assert 0.5 < min(odd) and max(odd) < 0.65 < share[0] < min(even)
    assert min(even) >= np.mean(ns["net"].predict(images) == labels) - 0.01


def test_the_notebooks_windows_sit_over_the_digits():
    ns: dict = {}
    source = next("".join(c["source"]) for c in json.loads(NB10.read_text())["cells"]
                  if "def windows_of" in "".join(c["source"]))
    exec(source.split("five = ")[0], {"np": np}, ns)  # the helpers only
    assert ns["windows_of"](5) == [(1, 5), (7, 11), (13, 17), (19, 23), (25, 29)]
    assert ns["windows_of"](3, margin=0) == [(0, 4), (4, 8), (8, 12)]
    canvas = ns["canvas_of"](np.ones((2, 8, 8, 1)))
    assert canvas.shape == (8, 24, 1) and canvas[:, :2].sum() == 0 and canvas[:, 2:10].all()


def test_the_ffn_as_1x1_convolutions_is_pytorchs_transformer_sublayer():
    torch = pytest.importorskip("torch")
    from onebyone import ops

    rng = np.random.default_rng(3)
    T, d_model, d_ff = 7, 16, 64
    tokens = rng.standard_normal((T, d_model))
    W1, b1 = rng.standard_normal((d_model, d_ff)), rng.standard_normal(d_ff)
    W2, b2 = rng.standard_normal((d_ff, d_model)), rng.standard_normal(d_model)
    layer = torch.nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=d_ff,
                                             dropout=0.0).double().eval()
    with torch.no_grad():
        layer.linear1.weight.copy_(torch.from_numpy(W1.T))
        layer.linear1.bias.copy_(torch.from_numpy(b1))
        layer.linear2.weight.copy_(torch.from_numpy(W2.T))
        layer.linear2.bias.copy_(torch.from_numpy(b2))
        # the sublayer the encoder layer itself runs (its _ff_block), dropout off
        theirs = layer._ff_block(torch.from_numpy(tokens)).numpy()
    ours = ops.conv1x1(ops.relu(ops.conv1x1(tokens.reshape(1, T, d_model), W1, b1)), W2, b2)
    np.testing.assert_allclose(ours[0], theirs, rtol=1e-10, atol=1e-10)
