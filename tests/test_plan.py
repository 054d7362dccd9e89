"""Prompts that name an order become timelines (engine/text/plan.py, CascadePipeline.plan)."""
import numpy as np
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
    tiny.settings.plan_prompts = False
    try:
        assert tiny.plan(req) == req
    finally:
        tiny.settings.plan_prompts = True
    single = tiny.validate(GenerationRequest("a person walks and turns left", 4.0, 3))
    assert tiny.plan(single) == single
    assert tiny.plan(tiny.validate(GenerationRequest("walk, then run", 1.5, 3))).segments == (), \
        "too short for two segments of the model's minimum length: one piece"
    # every segment is the subject's, with the subject's style words
    tired = tiny.plan(tiny.validate(GenerationRequest("a tired old man jogs forward, then he bows", 4.0, 3)))
    assert [s.text for s in tired.segments] == ["a tired old man jogs forward", "a tired old man bows"]


# -- things done at once: a movement and a gesture spliced at the spine -------------------------

@pytest.mark.parametrize("text, cuts", [
    ("a guy marches on while flapping his right hand hello", [("a guy marches on", "flapping his right hand hello")]),
    ("strolling along, an individual lifts the right hand", [("strolling along", "an individual lifts the right hand")]),
    ("A person walks forward and waves with the right hand",
     [("A person walks forward", "waves with the right hand"), ("A person walks forward and waves", "the right hand")]),
    ("while waving, someone walks", [("waving", "someone walks")]),
    ("a man jogs and waves the left hand at the same time", [("a man jogs", "waves the left hand")]),
    ("a person waves", []),
    ("a guard paces back and forth waving his left hand",
     [("a guard paces back", "forth waving his left hand"), ("a guard paces back and forth", "waving his left hand")]),
    ("a man walks forward swinging his arms", [("a man walks forward", "swinging his arms")]),
    ("someone keeps walking as they wave", [("someone keeps walking", "they wave")]),
    ("he starts running in the morning", []),
])
def test_cuts_are_proposed_at_every_word_that_joins_two_things(text, cuts):
    from deepmotion.engine.text.plan import simultaneous_cuts
    assert simultaneous_cuts(text) == cuts


@pytest.mark.parametrize("movement, gesture, shared", [
    # the style words go with the subject to the part that had none
    ("an elderly woman keeps walking", "they wave both hands",
     ("an elderly woman keeps walking", "an elderly woman wave both hands")),
    ("jogging", "a worn-out man raises the left arm", ("a worn-out man jogging", "a worn-out man raises the left arm")),
    ("The old guard paces back and forth", "waving his left hand",
     ("The old guard paces back and forth", "The old guard waving his left hand")),
    ("a woman walks forward", "the left hand raised", ("a woman walks forward", "a woman with the left hand raised")),
    # each part names its own subject, or neither does: nothing to share
    ("a man walks", "a woman waves", ("a man walks", "a woman waves")),
    ("walks forward", "waving the right hand", ("walks forward", "waving the right hand")),
    ("he walks on", "waving", ("he walks on", "waving")),
])
def test_a_composition_s_parts_share_the_prompt_s_subject(movement, gesture, shared):
    from deepmotion.engine.text.plan import share_subject
    assert share_subject(movement, gesture) == shared


def test_the_text_encoder_tells_the_movement_from_the_gesture(tiny):
    assert tiny.composition("a guy marches on while flapping his right hand hello") == \
        ("a guy marches on", "a guy flapping his right hand hello")
    assert tiny.composition("someone raises both hands while jogging") == ("someone jogging", "someone raises both hands")
    assert tiny.composition("a woman walks forward with the left hand raised") == \
        ("a woman walks forward", "a woman with the left hand raised")
    # Of two cuts that both part a movement from a gesture, the one both parts are surest of.
    assert tiny.composition("a guard paces back and forth waving his left hand") == \
        ("a guard paces back and forth", "a guard waving his left hand")
    assert tiny.composition("walks ahead while waving") == ("walks ahead", "waving")
    for whole in ("a person waves with the right hand", "a person walks and turns left", "a person bows and waves",
                  "an individual moves in reverse, stepping backwards", "a person walks forward, then waves",
                  # staying put is no movement: these idled with a walk when "looks around" counted as one
                  "a person stands and looks around", "a guard stands and waves", "a woman waits and waves",
                  # a manner or an auxiliary is how the action is done, not a second one: these were cut
                  # into a movement and the upper body of "a person like an elderly person" / "a person is"
                  "a person jogs ahead, like an elderly person", "a man paces forward, like on a stage",
                  "a person is walking straight on", "a lively man with the right arm raised briskly",
                  "a huge heavy person takes a respectful bow with big heavy movements"):
        assert tiny.composition(whole) is None, whole
    # a styled subject is no manner of its own: the predicate is what is judged
    assert tiny.composition("a thug walks to the right while waving farewell") == \
        ("a thug walks to the right", "a thug waving farewell")
    tiny.settings.plan_prompts = False
    try:
        assert tiny.composition("a man jogs while waving") is None
    finally:
        tiny.settings.plan_prompts = True


def test_a_movement_with_a_gesture_is_the_two_generated_and_spliced_at_the_spine():
    from deepmotion.engine.assets import default_model_path
    from deepmotion.engine.data.compose import UPPER
    from deepmotion.engine.representation import dmv1
    pipe = load_cascade(default_model_path())  # the tiny model's motion hardly depends on its text
    text, seed = "a man jogs forward while waving the right hand", 5
    movement, gesture = pipe.composition(text)
    both = list(pipe.generate([text], [2.0], [seed]))
    alone_m = list(pipe.generate([movement], [2.0], [seed]))
    alone_g = list(pipe.generate([gesture], [2.0], [seed + 7919]))
    rot = dmv1.SLICES["rot6d"]
    for b, m, g in zip(both, alone_m, alone_g):
        f, fm, fg = b.features[0], m.features[0], g.features[0]
        t = len(f)
        assert len(fm) == len(fg) == t
        for key in ("root_yaw_vel", "root_xz_vel", "root_height", "contacts"):
            np.testing.assert_allclose(f[:, dmv1.SLICES[key]], fm[:, dmv1.SLICES[key]], atol=1e-4)
        r, rm, rg = (x[:, rot].reshape(t, dmv1.NUM_JOINTS, 6) for x in (f, fm, fg))
        lower = [j for j in range(dmv1.NUM_JOINTS) if j not in UPPER]
        np.testing.assert_allclose(r[:, UPPER], rg[:, UPPER], atol=1e-4)
        np.testing.assert_allclose(r[:, lower], rm[:, lower], atol=1e-4)
        # The two parts really differ, so matching each of them above says where each part went.
        assert np.abs(fm[:, :4] - fg[:, :4]).max() > 0.01 and np.abs(rm[:, UPPER] - rg[:, UPPER]).max() > 0.1


def test_the_default_model_keeps_a_manner_with_its_movement_and_reads_verbs_its_tables_lack():
    """On the shipped model (its own encoder judges): a manner word stays with the movement it
    qualifies and still leaves a composition ("paces nervously | waves"); a MiniLM judge, faster,
    read "a guard paces nervously" as staying put (docs/RESULTS.md, "Planning: cuts that only
    leave a manner, and a faster judge tried")."""
    from deepmotion.engine.assets import default_model_path
    pipe = load_cascade(default_model_path())
    assert pipe.judge is None
    assert pipe.composition("a guard paces nervously and waves") == ("a guard paces nervously", "a guard waves")
    assert pipe.composition("a girl skips happily, waving both hands") == \
        ("a girl skips happily", "a girl waving both hands")
    for whole in ("someone jogs along, like an elderly person", "a person is running", "a man walks, nervously"):
        assert pipe.composition(whole) is None, whole
    fast = load_cascade(default_model_path(), judge="minilm")
    assert fast.judge is not None and fast.judge.id.startswith("minilm:")
    assert fast.composition("a guy marches on while flapping his right hand hello") == \
        ("a guy marches on", "a guy flapping his right hand hello")


@pytest.mark.parametrize("part, rest", [("skips happily", "skips"), ("like an elderly person", ""), ("is", ""),
                                        ("big heavy movements", ""), ("walks forward, like on a stage", "walks forward"),
                                        ("waving both hands", "waving both hands"), ("like a drunk", "like a drunk")])
def test_manner_words_are_taken_out_of_a_part_before_it_is_judged(part, rest):
    from deepmotion.engine.text.plan import without_manner
    assert without_manner(part) == rest
