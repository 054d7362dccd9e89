"""Sentences from (action, style) labels.

Each action has template families; the last family of every action is held out of training
so that evaluation can test wording the model never saw. Left/right words sit at varied
positions ("waves with the left hand", "with the left hand, someone waves", "raises the left
arm") because pooled sentence embeddings barely separate them (docs/ARCHITECTURE.md, "Engine").
Templates use {s} (subject), {S} (capitalised subject) and {a} (style adverb, may be empty).
"""
from __future__ import annotations

import hashlib
import random

# style label -> (subjects, adverbs)
STYLES: dict[str, tuple[list[str], list[str]]] = {
    "normal": (["a person", "someone", "a man", "a woman"], [""]),
    "happy": (["a happy person", "a cheerful man", "a joyful woman"], ["happily", "cheerfully"]),
    "sad": (["a sad person", "an unhappy man", "a gloomy woman"], ["sadly", "gloomily"]),
    "angry": (["an angry person", "a furious man", "an irritated woman"], ["angrily", "furiously"]),
    "proud": (["a proud person", "a confident man", "a self-assured woman"], ["proudly", "confidently"]),
    "not-confident": (["a timid person", "an insecure man", "a shy woman"], ["hesitantly", "timidly"]),
    "masculinity": (["a man", "a macho man"], ["in a masculine way", "manfully"]),
    "masculine": (["a man", "a burly man"], ["in a masculine way", "manfully"]),
    "feminine": (["a woman", "a graceful woman"], ["in a feminine way", "gracefully"]),
    "childish": (["a child", "a childish person"], ["playfully", "like a child"]),
    "youthful": (["a young person", "a youthful man", "a teenager"], ["energetically", "youthfully"]),
    "old": (["an old person", "an elderly man", "an old woman"], ["slowly", "stiffly"]),
    "elderly": (["an elderly person", "an old man", "an elderly woman"], ["slowly", "stiffly"]),
    "tired": (["a tired person", "a weary man", "a tired woman"], ["wearily", "tiredly"]),
    "exhausted": (["an exhausted person", "a worn-out man", "an exhausted woman"], ["wearily", "with exhaustion"]),
    "active": (["an energetic person", "a lively man", "an active woman"], ["energetically", "briskly"]),
    "musical": (["a performer", "a theatrical person"], ["theatrically", "like in a musical"]),
    "giant": (["a giant", "a huge heavy person"], ["heavily", "with big heavy movements"]),
    "chimpira": (["a thug", "a street punk"], ["with a swagger", "like a thug"]),
}

# action label -> template families (list of lists); the last family is held out.
ACTIONS: dict[str, list[list[str]]] = {
    "walk": [["{s} walks {a} forward", "{s} walks {a}"], ["{s} strolls {a} ahead"],
             ["{s} takes a few steps forward {a}"], ["{s} goes for a walk {a}", "{s} paces forward {a}"],
             ["{S} is walking straight on {a}"]],
    "run": [["{s} runs {a} forward", "{s} runs {a}"], ["{s} jogs {a} ahead"],
            ["{s} is running {a}"], ["{s} goes for a run {a}", "{s} runs along {a}"],
            ["{S} sprints off at a run {a}"]],
    "dash": [["{s} dashes {a} forward", "{s} sprints {a}"], ["{s} runs very fast {a}"],
             ["{S} bolts forward at full speed {a}"]],
    "walk-back": [["{s} walks backwards {a}", "{s} walks {a} backward"], ["{s} steps back {a} several times"],
                  ["{s} backs away {a}", "{s} moves backward {a} step by step"],
                  ["{S} retreats {a}, moving backwards"]],
    "walk-left": [["{s} walks {a} to the left", "{s} walks left {a}"], ["to the left, {s} walks {a}"],
                  ["{S} heads off leftward {a}"]],
    "walk-right": [["{s} walks {a} to the right", "{s} walks right {a}"], ["to the right, {s} walks {a}"],
                   ["{S} heads off rightward {a}"]],
    "walk-turn-left": [["{s} walks {a} and turns left", "{s} walks forward and turns to the left {a}"],
                       ["{s} turns left {a} while walking"], ["while walking, {s} makes a left turn {a}"],
                       ["{s} walks {a}, turning to the left", "{s} walks in a curve {a} to the left"],
                       ["{S} curves around to the left {a} as they walk"]],
    "walk-turn-right": [["{s} walks {a} and turns right", "{s} walks forward and turns to the right {a}"],
                        ["{s} turns right {a} while walking"], ["while walking, {s} makes a right turn {a}"],
                        ["{s} walks {a}, turning to the right", "{s} walks in a curve {a} to the right"],
                        ["{S} curves around to the right {a} as they walk"]],
    "bow": [["{s} bows {a}", "{s} bows {a} deeply"], ["{s} bends forward {a} in a bow"],
            ["{s} bows {a} politely", "{s} gives a bow {a}"],
            ["{S} takes a respectful bow {a}"]],
    "bye": [["{s} waves goodbye {a}", "{s} says goodbye {a} with a wave"], ["{s} waves {a} to say bye"],
            ["{S} bids farewell {a} with a hand gesture"]],
    "byebye": [["{s} waves goodbye {a} with both hands", "{s} waves bye-bye {a}"],
               ["with both hands, {s} waves goodbye {a}"], ["{S} gives an enthusiastic farewell wave {a}"]],
    "guide": [["{s} guides someone {a} with a hand gesture", "{s} shows the way {a}"],
              ["{s} gestures {a} to lead the way"], ["{S} points out the direction to go {a}"]],
    "respond": [["{s} responds {a} with a gesture", "{s} answers someone {a}"],
                ["{s} reacts {a} to being called"], ["{S} acknowledges a call {a}"]],
    "call": [["{s} calls someone over {a}", "{s} beckons {a}"], ["{s} calls out {a} to someone"],
             ["{S} summons a person with a gesture {a}"]],
    "punch": [["{s} punches {a}", "{s} throws a punch {a}"], ["{s} strikes {a} with a fist"],
              ["{S} hits forward with a jab {a}"]],
    "kick": [["{s} kicks {a}", "{s} does a kick {a}"], ["{s} kicks {a} with a leg"],
             ["{S} delivers a swift kick {a}"]],
    "slash": [["{s} slashes {a} with a sword", "{s} swings a sword {a}"], ["{s} cuts {a} with a blade"],
              ["{S} makes a sweeping sword strike {a}"]],
    "dance-long": [["{s} dances {a}", "{s} performs a long dance {a}"], ["{s} is dancing {a}"],
                   ["{S} moves to music in a long routine {a}"]],
    "dance-short": [["{s} dances {a} briefly", "{s} does a short dance {a}"], ["{s} dances {a} for a moment"],
                    ["{S} busts a quick dance move {a}"]],
    "wave-both-hands": [["{s} waves {a} with both hands", "{s} waves both hands {a}"],
                        ["with both hands, {s} waves {a}"], ["{s} waves {a} using both arms"],
                        ["{s} waves hello {a} with both hands", "{s} greets someone {a} with both arms"],
                        ["{S} greets someone by waving both arms {a}"]],
    "wave-left-hand": [["{s} waves {a} with the left hand", "{s} waves the left hand {a}"],
                       ["with the left hand, {s} waves {a}"], ["{s} waves {a} using the left arm"],
                       ["{s} waves hello {a} with the left hand", "{s} greets someone {a} with the left hand"],
                       ["{S} greets someone, their left hand waving {a}"]],
    "wave-right-hand": [["{s} waves {a} with the right hand", "{s} waves the right hand {a}"],
                        ["with the right hand, {s} waves {a}"], ["{s} waves {a} using the right arm"],
                        ["{s} waves hello {a} with the right hand", "{s} greets someone {a} with the right hand"],
                        ["{S} greets someone, their right hand waving {a}"]],
    "raise-up-both-hands": [["{s} raises both hands {a}", "{s} raises {a} both arms up"],
                            ["both hands go up as {s} raises them {a}"], ["{s} lifts both arms {a} overhead"],
                            ["{s} puts both hands up {a}", "{s} holds both arms up {a}"],
                            ["{S} puts both hands up in the air {a}"]],
    "raise-up-left-hand": [["{s} raises the left hand {a}", "{s} raises {a} the left arm up"],
                           ["the left hand goes up as {s} raises it {a}"], ["{s} lifts the left arm {a} overhead"],
                           ["{s} puts the left hand up {a}", "{s} holds the left arm up {a}"],
                           ["{S} puts their left hand up in the air {a}"]],
    "raise-up-right-hand": [["{s} raises the right hand {a}", "{s} raises {a} the right arm up"],
                            ["the right hand goes up as {s} raises it {a}"], ["{s} lifts the right arm {a} overhead"],
                            ["{s} puts the right hand up {a}", "{s} holds the right arm up {a}"],
                            ["{S} puts their right hand up in the air {a}"]],
}


# Caption variety (issue 15): more verbs per action, gerunds and noun phrases the way people
# type them, left/right in more places. Each list becomes one more training family, inserted
# before the held-out (last) family, so held-out wording and the open split stay as they were.
MORE_FAMILIES: dict[str, list[list[str]]] = {
    "walk": [["{s} wanders {a} forward", "{s} saunters {a} along", "{s} treads {a} forward"],
             ["walking forward {a}", "a {j} walk forward", "out on a walk {a}", "a {j} stroll"]],
    "run": [["{s} races {a} ahead", "{s} hurries {a} forward at a run", "{s} jogs along {a}"],
            ["running forward {a}", "a {j} jog ahead", "a quick {j} run", "jogging {a}"]],
    "dash": [["{s} rushes {a} forward", "{s} runs at top speed {a}"], ["a fast {j} sprint", "sprinting forward {a}"]],
    "walk-back": [["{s} steps backward {a}", "{s} retreats {a} a few steps", "{s} walks back {a} without turning"],
                  ["walking backwards {a}", "a few steps back {a}", "backing away {a}"]],
    "walk-left": [["{s} sidesteps {a} to the left", "{s} moves {a} leftward"],
                  ["walking to the left {a}", "a {j} walk to the left"]],
    "walk-right": [["{s} sidesteps {a} to the right", "{s} moves {a} rightward"],
                   ["walking to the right {a}", "a {j} walk to the right"]],
    # Turns said as a path ("veers", "swerves", "drifts off"): the hidden paraphrases missed
    # "veering right" with 0.3.0 and 0.5.0 (0 of 8 seeds for "a person veering right" with 0.3.0).
    "walk-turn-left": [["{s} bears {a} to the left while walking", "{s} swings {a} left as they walk",
                        "{s} changes direction {a} to the left", "{s} walks {a} and heads left"],
                       ["walking and turning left {a}", "a {j} left turn while walking", "turn to the left {a}"],
                       ["{s} veers {a} to the left", "{s} swerves {a} left while walking", "{s} drifts {a} off to the left",
                        "{s} walks {a}, veering left", "{s} walks {a} and bends round to the left"],
                       ["veering left {a}", "a {j} swerve to the left", "curving off to the left {a}"]],
    "walk-turn-right": [["{s} bears {a} to the right while walking", "{s} swings {a} right as they walk",
                         "{s} changes direction {a} to the right", "{s} walks {a} and heads right"],
                        ["walking and turning right {a}", "a {j} right turn while walking", "turn to the right {a}"],
                        ["{s} veers {a} to the right", "{s} swerves {a} right while walking", "{s} drifts {a} off to the right",
                         "{s} walks {a}, veering right", "{s} walks {a} and bends round to the right"],
                        ["veering right {a}", "a {j} swerve to the right", "curving off to the right {a}"]],
    "bow": [["{s} bows down {a}", "{s} bends over {a} in a bow", "{s} bows {a} to someone", "{s} leans forward {a} and bows"],
            ["bowing {a}", "a deep {j} bow", "a {j} bow", "a courteous {j} bow"]],
    "bye": [["{s} waves farewell {a}", "{s} waves {a} as they leave"], ["waving goodbye {a}", "a {j} goodbye wave"]],
    "byebye": [["{s} waves farewell {a} with both hands"], ["waving bye-bye {a} with both hands"]],
    "guide": [["{s} motions {a} the way forward"], ["showing the way {a}"]],
    "call": [["{s} waves someone over {a}"], ["calling someone over {a}"]],
    "punch": [["{s} jabs {a} with a fist"], ["punching {a}", "a {j} punch"]],
    "kick": [["{s} kicks out {a}"], ["kicking {a}", "a {j} kick"]],
    "dance-long": [["{s} grooves {a} to music"], ["dancing {a}"]],
    "dance-short": [["{s} does a little dance {a}"], ["a short {j} dance"]],
    "wave-both-hands": [["{s} waves {a} with both arms", "{s} waves hello {a} with both arms"],
                        ["waving both hands {a}", "a {j} wave with both hands"]],
    "wave-left-hand": [["{s} waves {a} with the left arm", "{s} says hello {a} with the left hand",
                        "{s} greets {a} with a wave of the left arm", "using the left hand, {s} waves {a}"],
                       ["waving the left hand {a}", "a {j} wave with the left hand", "left hand waving hello {a}"]],
    "wave-right-hand": [["{s} waves {a} with the right arm", "{s} says hello {a} with the right hand",
                         "{s} greets {a} with a wave of the right arm", "using the right hand, {s} waves {a}"],
                        ["waving the right hand {a}", "a {j} wave with the right hand", "right hand waving hello {a}"]],
    "raise-up-both-hands": [["{s} lifts both hands {a}", "{s} reaches up {a} with both hands", "{s} throws both arms up {a}"],
                            ["raising both hands {a}", "both arms up {a}", "{s} with both arms raised {a}"]],
    "raise-up-left-hand": [["{s} lifts the left hand {a}", "{s} reaches up {a} with the left hand",
                            "{s} sticks the left arm up {a}", "using the left arm, {s} reaches up {a}"],
                           ["raising the left hand {a}", "left arm up {a}", "{s} with the left arm raised {a}"]],
    "raise-up-right-hand": [["{s} lifts the right hand {a}", "{s} reaches up {a} with the right hand",
                             "{s} sticks the right arm up {a}", "using the right arm, {s} reaches up {a}"],
                            ["raising the right hand {a}", "right arm up {a}", "{s} with the right arm raised {a}"]],
}
for _action, _more in MORE_FAMILIES.items():
    ACTIONS[_action][-1:-1] = _more

# A style said after the action ("walks forward, in a good mood"), the third way besides the
# subject's adjective and the adverb.
STYLE_PHRASES: dict[str, list[str]] = {
    "happy": ["in a good mood", "looking happy"], "sad": ["looking sad", "in a sad mood"],
    "angry": ["in anger", "looking angry"], "proud": ["with pride", "full of confidence"],
    "not-confident": ["without confidence", "looking unsure"], "masculinity": ["in a masculine way"],
    "masculine": ["in a masculine way"], "feminine": ["in a feminine way"], "childish": ["like a little kid"],
    "youthful": ["full of youth"], "old": ["like an old person"], "elderly": ["like an elderly person"],
    "tired": ["looking tired"], "exhausted": ["completely exhausted"], "active": ["full of energy"],
    "musical": ["like on a stage"], "giant": ["like a giant"], "chimpira": ["like a street thug"],
}
FRAGMENT_SHARE = 0.2      # captions typed as fragments ("walk forward happily")
STYLE_PHRASE_SHARE = 0.25  # styled captions that say the style after the action


def bare(verb_phrase: str) -> str:
    """'waves the right hand' -> 'wave the right hand' (third person -> the form people type)."""
    head, _, rest = verb_phrase.strip().partition(" ")
    if head in ("is", "are"):  # 'is running' -> 'running'
        return rest.strip()
    if head.endswith("ies"):
        head = head[:-3] + "y"
    elif head.endswith(("sses", "shes", "ches", "xes")):
        head = head[:-2]
    elif head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]
    return f"{head} {rest}".strip()


def _fragment(template: str, adverb: str) -> str | None:
    """'{s} walks {a} forward' -> 'walk forward' / 'walk happily forward'; None when the
    template does not start with its subject."""
    if not template.startswith("{s} "):
        return None
    text = " and ".join(bare(part) for part in template[4:].format(a=adverb, s="", S="", j="").split(" and "))
    return " ".join(text.split()).replace(" ,", ",")


def _tidy(text: str) -> str:
    text = " ".join(text.split()).replace(" ,", ",")
    return text[0].upper() + text[1:] if text else text


def adjective(adverb: str) -> str | None:
    """'happily' -> 'happy', 'slowly' -> 'slow', 'energetically' -> 'energetic'; None for
    phrases ('like a child'), which noun-phrase captions say after the noun instead."""
    if not adverb or " " in adverb:
        return None
    if adverb.endswith("ically"):
        return adverb[:-4]
    if adverb.endswith("ily"):
        return adverb[:-3] + "y"
    if adverb.endswith("ly"):
        return adverb[:-2]
    return None


def _fill(template: str, subject: str, adverb: str) -> str:
    """Templates say a style as the subject's adjective ({s}), an adverb ({a}) or, in noun
    phrases ("a {j} bow"), an adjective made from the adverb."""
    if "{j}" in template:
        adj = adjective(adverb)
        text = template.format(s=subject, S=subject, a="", j=adj or "")
        return _tidy(text if adj or not adverb else f"{text} {adverb}")
    return _tidy(template.format(s=subject, S=subject, a=adverb))


def captions_for(action: str, style: str, key: str, count: int = 4, held_out: bool = False) -> list[str]:
    """Deterministic captions for one clip (seeded by `key`, e.g. the clip id)."""
    if action not in ACTIONS:
        raise KeyError(f"no caption templates for action {action!r}; known: {', '.join(sorted(ACTIONS))}")
    subjects, adverbs = STYLES.get(style, ([f"a {style.replace('-', ' ')} person"], [""]))
    families = ACTIONS[action]
    pool = families[-1] if held_out else [t for fam in families[:-1] for t in fam]
    rng = random.Random(int(hashlib.sha256(f"{key}|{held_out}".encode()).hexdigest()[:16], 16))
    out: list[str] = []
    phrases = STYLE_PHRASES.get(style)
    for _ in range(count * 4):
        template, adverb = rng.choice(pool), rng.choice(adverbs)
        r = rng.random()
        text = None
        if not held_out and r < FRAGMENT_SHARE:
            text = _fragment(template, adverb)
        elif not held_out and phrases and r < FRAGMENT_SHARE + STYLE_PHRASE_SHARE:
            text = _fill(template, rng.choice(STYLES["normal"][0]), "") + ", " + rng.choice(phrases)
        if text is None:
            text = _fill(template, rng.choice(subjects), adverb)
        if text not in out:
            out.append(text)
        if len(out) == count:
            break
    return out
