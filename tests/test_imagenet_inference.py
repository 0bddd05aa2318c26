"""ILSVRCPredictor and load_class_index: the book's post-processing, on crafted logits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from utils.imagenet_inference import ILSVRCPredictor, Prediction, load_class_index
from utils.settings.environment import read_folders
from utils.settings.paths import CLASS_INDEX_NAME

CLASS_INDEX_PATH = read_folders()[0] / CLASS_INDEX_NAME  # the prepared data's, as ctx.paths.class_index


@pytest.fixture()
def small_index() -> dict[str, list[str]]:
    """A five-class index in the book's format."""
    names = ["tench", "goldfish", "bee", "ant", "golden_retriever"]
    return {str(i): [f"n{i:08d}", name] for i, name in enumerate(names)}


@pytest.fixture()
def predictor(small_index: dict[str, list[str]]) -> ILSVRCPredictor:
    return ILSVRCPredictor(small_index)


def test_attribute_is_spelt_class_index(predictor: ILSVRCPredictor, small_index) -> None:
    assert predictor.class_index is small_index
    assert not hasattr(predictor, "class_inedx")
    assert predictor.num_classes == 5


def test_predict_max_returns_the_name_at_the_largest_logit(predictor: ILSVRCPredictor) -> None:
    out = torch.tensor([[0.1, -2.0, 0.3, 5.0, 4.9]])  # (1, C), as the model returns it
    assert predictor.predict_max(out) == "ant"
    assert predictor.predict_max(out[0]) == "ant"  # (C,) works too


def test_predict_max_accepts_an_output_that_tracks_gradients(predictor: ILSVRCPredictor) -> None:
    logits = torch.tensor([[0.0, 0.0, 0.0, 0.0, 1.0]], requires_grad=True)
    out = logits * 2  # part of an autograd graph, as net(inputs) is outside no_grad
    assert out.requires_grad
    assert predictor.predict_max(out) == "golden_retriever"
    assert predictor.predict_topk(out, k=1)[0].name == "golden_retriever"


def test_predict_topk_sorted_with_softmax_probabilities(predictor: ILSVRCPredictor) -> None:
    logits = torch.tensor([1.0, 3.0, 2.0, 0.0, -1.0])
    top = predictor.predict_topk(logits.unsqueeze(0), k=3)
    assert [p.class_id for p in top] == [1, 2, 0]
    assert [p.name for p in top] == ["goldfish", "bee", "tench"]
    expected = torch.softmax(logits, dim=0)
    for pred in top:
        assert isinstance(pred, Prediction) and isinstance(pred, tuple)
        class_id, name, prob = pred  # a plain (class_id, name, probability) tuple
        assert prob == pytest.approx(float(expected[class_id]), rel=1e-6)
    assert sum(p.probability for p in predictor.predict_topk(logits, k=5)) == pytest.approx(1.0)


def test_probabilities_sum_to_one_and_are_on_the_cpu(predictor: ILSVRCPredictor) -> None:
    probs = predictor.probabilities(torch.tensor([[10.0, 0.0, 0.0, 0.0, 0.0]]))
    assert probs.shape == (5,) and probs.device.type == "cpu"
    assert float(probs.sum()) == pytest.approx(1.0)
    assert float(probs[0]) > 0.99


def test_class_rank_and_class_id(predictor: ILSVRCPredictor) -> None:
    out = torch.tensor([[0.0, 4.0, 3.0, 2.0, 1.0]])
    assert predictor.class_id("ant") == 3
    rank, prob = predictor.class_rank(out, predictor.class_id("ant"))
    assert rank == 3
    assert prob == pytest.approx(float(torch.softmax(out[0], 0)[3]))
    assert predictor.class_rank(out, 1)[0] == 1
    with pytest.raises(KeyError):
        predictor.class_id("zebra")


@pytest.mark.parametrize("shape", [(2, 5), (1, 1, 5)])
def test_rejects_batches_and_odd_shapes(predictor: ILSVRCPredictor, shape) -> None:
    with pytest.raises(ValueError, match="one image"):
        predictor.predict_max(torch.zeros(shape))


def test_rejects_an_output_of_the_wrong_width(predictor: ILSVRCPredictor) -> None:
    with pytest.raises(ValueError, match="5 classes"):
        predictor.predict_max(torch.zeros(1, 2))  # e.g. the 2-class ants/bees head


def test_topk_k_out_of_range(predictor: ILSVRCPredictor) -> None:
    for k in (0, 6):
        with pytest.raises(ValueError, match="k must be"):
            predictor.predict_topk(torch.zeros(5), k=k)


def test_load_class_index_round_trip(tmp_path: Path, small_index) -> None:
    path = tmp_path / "index.json"
    path.write_text(json.dumps(small_index), encoding="utf-8")
    assert load_class_index(path) == small_index


def test_load_class_index_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="prepare_data"):
        load_class_index(tmp_path / "missing.json")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_class_index(bad_json)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"0": ["n0", "\xff\xfe"]}')  # not UTF-8: once a raw UnicodeDecodeError
    with pytest.raises(ValueError, match="not valid JSON text"):
        load_class_index(binary)
    gap = tmp_path / "gap.json"
    gap.write_text(json.dumps({"0": ["n0", "a"], "2": ["n2", "c"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="keys"):
        load_class_index(gap)
    wrong_value = tmp_path / "value.json"
    wrong_value.write_text(json.dumps({"0": "tench"}), encoding="utf-8")
    with pytest.raises(ValueError, match="entry '0'"):
        load_class_index(wrong_value)


@pytest.mark.skipif(not CLASS_INDEX_PATH.is_file(), reason="data not prepared (make data)")
def test_real_class_index_has_the_classes_the_course_uses() -> None:
    predictor = ILSVRCPredictor(load_class_index(CLASS_INDEX_PATH))
    assert predictor.num_classes == 1000
    assert predictor.name(207) == "golden_retriever"
    assert predictor.class_id("bee") == 309
    assert predictor.class_id("ant") == 310
    out = torch.full((1, 1000), -1.0)
    out[0, 207] = 3.0
    assert predictor.predict_max(out) == "golden_retriever"
