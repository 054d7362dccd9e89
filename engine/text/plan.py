"""Sequenced prompts become timelines: "jogs forward and then walks backwards" is two segments.

Why: a single pass of the cascade conditions every frame on the whole sentence, and the
composed training clips taught it "do both" far better than "in this order" (temporal probes
0 of 8 before). The continuation machinery already makes a segment start from the frames
before it with seams as smooth as capture, so a prompt that says an order is split at its
sequence words and generated as a timeline.

Simultaneous compositions ("walks while waving") are cut in two as well when one part is a
way of moving about and the other a gesture (`simultaneous_cuts` proposes the cuts, the
pipeline's text encoder says which part is which): both parts are generated together, and the
walker's root path and legs carry the gesture's upper body, the join the composed training
clips use (SINC, Athanasiou et al. 2023, composes body parts the same way). Models trained on
composed clips still did "walks while waving" for few seeds (docs/RESULTS.md). A caller that
wants the sentence as one piece turns planning off (`deepmotion serve --no-plan`,
`CascadeSettings.plan_prompts`).
"""
from __future__ import annotations

import re

from ..data.captions import STYLE_PHRASES, STYLES

# "X, then Y", "X and then Y", "X. Then Y", "X, after that Y", "X and afterwards Y", "X and next Y",
# "X, later Y", "X before Y", "X followed by Y", "X; Y".
_SEQUENCE = re.compile(
    r"\s*(?:[,.;]\s*(?:and\s+)?|\s+and\s+)(?:then|after\s+that|afterwards?|next|later|subsequently|finally)\b[\s,]*"
    r"|\s+(?:then|afterwards?|after\s+that)\s+"
    r"|\s*,?\s+before\s+"
    r"|\s*,?\s+followed\s+by\s+"
    r"|\s*;\s*",
    re.IGNORECASE)
_FIRST = re.compile(r"^\s*(?:first(?:ly)?|at\s+first|to\s+begin(?:\s+with)?)[\s,]+", re.IGNORECASE)
_AFTER = re.compile(r"^\s*after\s+(?P<first>[^,]+),\s*(?P<rest>.+)$", re.IGNORECASE)
_STARTS = re.compile(r"^(?P<subject>.*?)\bstarts?\s+(?:by|with)\s+(?P<first>.+?)\s+and\s+(?:then\s+)?"
                     r"(?:ends?|finish(?:es)?)\s+(?:up\s+|by\s+|with\s+)?(?P<second>.+)$", re.IGNORECASE)


def split_sequence(text: str) -> list[str]:
    """The parts of a prompt in the order it asks for them; [text] when it names no order."""
    text = " ".join(text.split())
    m = _STARTS.match(text)
    if m:
        return [_clean(f"{m['subject']}{m['first']}"), _clean(f"{m['subject']}{m['second']}")]
    parts: list[str] = []
    for piece in _SEQUENCE.split(_FIRST.sub("", text)):
        m = _AFTER.match(piece)
        parts += [m["first"], m["rest"]] if m else [piece]
    parts = [_clean(p) for p in parts]
    parts = [p for p in parts if len(p.split()) >= 1 and any(c.isalpha() for c in p)]
    return parts if len(parts) > 1 else [text]


def _clean(part: str) -> str:
    return part.strip(" ,.;").strip()


def plan_durations(parts: list[str], total_s: float, weights: list[float], min_s: float) -> list[float] | None:
    """Seconds per part, proportional to `weights` (the length predictor's guesses), each at
    least `min_s`; None when `total_s` cannot hold them all."""
    if total_s < min_s * len(parts):
        return None
    w = [max(float(x), 1e-3) for x in weights]
    spare = total_s - min_s * len(parts)
    return [min_s + spare * x / sum(w) for x in w]


# Words that join two things done at once: "X while Y", "X as Y", "X and Y", "X with Y", "X, Y".
_AT_ONCE = re.compile(r"\s*,?\s+(?:while|whilst|as|and|with|at\s+the\s+same\s+time\s+as)\s+|\s*,\s*", re.IGNORECASE)
_LEADING = re.compile(r"^(?:while|whilst|as|and|with)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"\s+at\s+the\s+same\s+time$", re.IGNORECASE)


# Ways of staying where one is. A part nearer these than any way of moving about is not the
# movement of a composition: "a person stands and looks around" was cut into "looks around" (the
# movement) and "a person stands" (the gesture), and the NPC idling with it walked off.
STILL_PHRASES = ["stands", "stands still", "stands idle", "stands in place", "stands there", "stands around",
                 "is standing", "remains standing", "stays in place", "keeps still", "waits", "idles",
                 "looks around", "glances around"]

# Ways of doing something, not a second thing to do: the style words of the captions (the adverbs
# and phrases engine/data/captions.py says a style with) and a few more. A cut that leaves one of
# these on its own parts a motion from its manner: "a person jogs ahead, like an elderly person"
# was generated as a jog with the upper body of "a person like an elderly person", so the legs
# lost the style, and "a person is walking" as a walk with the arms of "a person is".
MANNER_PHRASES = sorted({adverb for _, adverbs in STYLES.values() for adverb in adverbs if adverb}
                        | {phrase for phrases in STYLE_PHRASES.values() for phrase in phrases}
                        | {"quickly", "nervously", "carefully", "calmly", "in a hurry", "like a robot", "like a zombie",
                           "is", "are"})


# A gerund phrase can follow a movement with no joining word: "paces back and forth waving".
_GERUND = re.compile(r"\s+(?=[A-Za-z]{2,}ing\b)")
_NOT_GERUNDS = {"something", "nothing", "anything", "everything", "morning", "evening", "during", "ceiling",
                "building", "ring", "king", "thing", "sing", "swing", "string", "spring", "wing", "bring"}


def simultaneous_cuts(text: str) -> list[tuple[str, str]]:
    """Every way to cut a prompt in two at a word that can join two things done at once, or
    before a gerund that follows the first part with no joining word, in the prompt's order;
    the caller decides whether a cut parts a movement from a gesture."""
    text = " ".join(text.split())
    spans = [(m.start(), m.end()) for m in _AT_ONCE.finditer(text)]
    joined = {end for _, end in spans}
    for m in _GERUND.finditer(text):
        word = re.match(r"[A-Za-z]+", text[m.end():])[0].lower()
        # "keeps walking", "is walking": one action in its verb form, not a second one
        after_join = re.search(r"(?:^|\s)(?:while|whilst|as|and|with|by|keeps?|starts?|stops?|ends?|is|are|was|were|"
                               r"am|be|been|goes|go|went|continues?|begins?)$", text[:m.start()], re.I)
        if m.end() not in joined and word not in _NOT_GERUNDS and not after_join:
            spans.append((m.start(), m.end()))
    cuts = []
    for start, end in sorted(spans):
        a, b = _part(text[:start]), _part(text[end:])
        if a and b and (a, b) not in cuts:
            cuts.append((a, b))
    return cuts


# Who does it, with the words that say how: "an elderly woman", "a worn-out man", "the guard".
_PEOPLE = (r"person|man|woman|men|women|people|guy|lady|gentleman|boy|girl|child|kid|teenager|adult|"
           r"guard|soldier|npc|character|figure|individual|performer|dancer|giant|thug|punk|athlete|"
           r"villager|warrior|knight|hero|player|stranger|worker|officer|zombie|robot|ninja|elf|orc|monster|"
           r"creature|wizard|mage|archer|pirate|cowboy|policeman|nurse|doctor|student|teacher|merchant|"
           r"shopkeeper|farmer|hunter|sailor|butler|waiter|waitress|chef|bandit|thief|king|queen|prince|princess")
_SUBJECT = re.compile(r"^(?:a|an|the|this|that|my|our|your|one)\s+(?:[\w'-]+\s+){0,3}?(?:" + _PEOPLE + r")\b"
                      r"|^(?:someone|somebody)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:he|she|they|it)\s+", re.IGNORECASE)
_THING = re.compile(r"^(?:the|his|her|their|its|a|an|both|one)\s", re.IGNORECASE)  # "the left hand raised"


def subject(part: str) -> str:
    """The subject a part starts with ("an elderly woman" of "an elderly woman keeps walking"), or ""."""
    m = _SUBJECT.match(part)  # a pronoun is no subject to share: it names nobody new
    return m[0] if m else ""


def predicate(part: str) -> str:
    """A part without the subject it starts with ("walks to the right" of "a thug walks to the
    right"): whether a part is only a manner is read here, where the subject's style words
    ("a thug" is near "like a thug") cannot pass for it. "" when the part is only a subject."""
    return part[len(subject(part)):].strip(" ,")


_MANNER = re.compile(r"\b(?:" + "|".join(re.escape(m) for m in sorted(
    set(MANNER_PHRASES) | {m[len("with "):] for m in MANNER_PHRASES if m.startswith("with ")},
    key=len, reverse=True)) + r")\b", re.IGNORECASE)


def without_manner(part: str) -> str:
    """A predicate with the manner words it holds taken out ("skips" of "skips happily", "" of
    "like an elderly person" or "is"): what is left is what the part does. The judge reads that,
    since "skips happily" as a whole is nearer "happily" than any way of moving it knows."""
    return " ".join(_MANNER.sub(" ", part).split()).strip(" ,.;")


def share_subject(*parts: str) -> tuple[str, ...]:
    """The parts of a prompt, each with the prompt's subject: "an elderly woman walks while
    waving" is an elderly woman's wave as well as her walk, and "a tired man jogs, then bows" a
    tired man's bow; a cut leaves the subject and its style words on one side only ("an elderly
    woman walks" | "waving"). The first subject found goes to every part that names none. A part
    that starts with a pronoun has it replaced ("they wave" -> "an elderly woman wave"), one that
    names a thing is held ("the left hand raised" -> "a woman with the left hand raised"); the
    text encoder reads the words, not the grammar."""
    who = next(filter(None, map(subject, parts)), "")
    if not who:
        return tuple(parts)
    out = []
    for part in parts:
        if not subject(part):
            part = _PRONOUN.sub("", part)
            part = f"{who} with {part}" if _THING.match(part) else f"{who} {part}"
        out.append(part)
    return tuple(out)


def _part(text: str) -> str:
    text = _TRAILING.sub("", _LEADING.sub("", _clean(text)))
    return text if any(c.isalpha() for c in text) else ""
