"""Words in a patient's message that mean someone should read it now.

An enquiry is not the way to get urgent help (the form says to call 999 or
111), but people write "my bag is leaking" or "it won't stop bleeding" anyway.
The inbox marks such a message Urgent so that staff read it first and phone
the patient. It is a prompt to look, never a triage: a message without these
words can be urgent too.

Phrases are matched as whole words, in any case, with straight or curly
apostrophes and with or without them ("cant breathe"). Keep the list short
and specific: each false alarm teaches staff to ignore the flag.
"""

import re

PHRASES = [
    # A drain, tube or stoma that has come out or leaks.
    "bag leaking", "bag is leaking", "leaking bag", "leaking a lot", "tube fell out", "tube has come out",
    "tube came out", "drain fell out", "drain has come out",
    # Bleeding.
    "bleeding", "blood everywhere", "coughing up blood", "vomiting blood", "blood in my urine",
    # Breathing and the chest.
    "can't breathe", "cannot breathe", "struggling to breathe", "short of breath", "shortness of breath",
    "chest pain",
    # Infection and collapse.
    "fever", "high temperature", "shivering", "fainted", "collapsed", "unconscious", "confused",
    # Pain and swelling after a procedure.
    "severe pain", "really bad pain", "swollen leg", "leg is swollen", "arm is swollen",
    # An allergic reaction to contrast.
    "allergic reaction", "swollen face", "swollen lips", "throat is swelling",
]  # fmt: skip


def _normal(text):
    return re.sub(r"\s+", " ", text.lower().replace("\u2019", "'").replace("'", "")).strip()


PATTERN = re.compile(r"\b(" + "|".join(re.escape(_normal(phrase)) for phrase in PHRASES) + r")\b")


def warning_sign(message):
    """The first warning phrase the message mentions (as listed), or ""."""
    found = PATTERN.search(_normal(message or ""))
    if not found:
        return ""
    return next(phrase for phrase in PHRASES if _normal(phrase) == found.group(1))
