"""Prompts that name an order become timelines (engine/text/plan.py, CascadePipeline.plan)."""
import pytest

from deepmotion.engine.pipeline import load_cascade
from deepmotion.engine.request import GenerationRequest
from deepmotion.engine.text.plan import plan_durations, split_sequence
from deepmotion.engine.timeline import generate_timeline
from tiny_model import build_tiny_model


@pytest.mark.parametrize("text, parts", [
    ("a person jogs forward and then walks backwards", ["a person jogs forward", "walks backwards"]),
    ("A guard paces nervously, then waves", ["A guard paces nervously", "waves"]),
    ("someone walks ahead. Then the person bows", ["someone walks ahead", "the person bows"]),
    ("first a man runs, then he waves, and afterwards he bows", ["a man runs", "he waves", "he bows"]),
    ("an individual jogs ahead and afterwards backs up", ["an individual jogs ahead", "backs up"]),
    ("a woman walks to the left before walking to the right", ["a woman walks to the left", "walking to the right"]),
    ("after jogging, someone bows", ["jogging", "someone bows"]),
    ("someone starts by jogging and ends up bowing", ["someone jogging", "someone bowing"]),
    ("walk; run; bow", ["walk", "run", "bow"]),
])
def test_an_order_is_split_into_its_parts_in_that_order(text, parts):
    assert split_sequence(text) == parts


@pytest.mark.parametrize("text", [
    "a person walks forward while waving the right hand",   # at the same time: the model's job
    "a person walks and turns left",
    "someone waves hello with the right hand",
    "the thenar muscle",                                     # 'then' only as a word
])
def test_prompts_without_an_order_stay_whole(text):
    assert split_sequence(text) == [text]


def test_durations_follow_the_guesses_and_keep_a_minimum():
    assert plan_durations(["a", "b"], 6.0, [1.0, 3.0], 1.0) == pytest.approx([2.0, 4.0])
    assert plan_durations(["a", "b", "c"], 2.5, [1, 1, 1], 1.0) is None
    assert sum(plan_durations(["a", "b"], 7.0, [9.0, 0.0], 1.0)) == pytest.approx(7.0)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_cascade(build_tiny_model(tmp_path_factory.mktemp("plan-model")))


def test_the_pipeline_plans_a_sequence_as_a_timeline_of_the_requested_length(tiny):
    req = tiny.validate(GenerationRequest("a person walks, then a person walks and turns left", 4.0, 3))
    planned = tiny.plan(req)
    assert [s.text for s in planned.segments] == ["a person walks", "a person walks and turns left"]
    assert sum(s.duration_s for s in planned.segments) == pytest.approx(4.0)
    assert planned.text == "" and planned.seed == 3
    levels = list(generate_timeline(tiny, [(s.text, s.duration_s) for s in planned.segments], 3))
    assert [lv.level for lv in levels] == [1, 2, 3] and len(levels[-1].features) == 2
    tiny.settings.plan_sequences = False
    try:
        assert tiny.plan(req) == req
    finally:
        tiny.settings.plan_sequences = True
    single = tiny.validate(GenerationRequest("a person walks and turns left", 4.0, 3))
    assert tiny.plan(single) == single
    assert tiny.plan(tiny.validate(GenerationRequest("walk, then run", 1.5, 3))).segments == (), \
        "too short for two segments of the model's minimum length: one piece"
