"""Finding the topic a receptionist typed, while the patient waits.

Exact names first, then part of a name ("fibroid"), then names close to a
typo ("nephrostmy", "fibriod", "varicose vien"): every word typed must be
within a slip or two (a letter missed, added, changed or swapped) of a word
of the topic's name or address. A typo is only ever offered to choose ("Did you mean"),
never taken on its own, so a slip never quietly sends the wrong guide.
"""

import re

SHORTEST_TYPO = 4  # shorter words ("CT", "MRI", "PET") must be typed as they are
LONG_WORD = 8  # from here two slips are allowed ("nefrostomy"), below it one


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def slips(typed, known):
    """Letters missed, added, changed or two swapped, to turn one word into
    the other (optimal string alignment distance). difflib's ratio scores a
    swap ("vien", "vein") as low as a different word ("scan", "span")."""
    previous, row = None, list(range(len(known) + 1))
    for i, a in enumerate(typed, 1):
        current = [i]
        for j, b in enumerate(known, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a != b))
            if previous and i > 1 and j > 1 and a == known[j - 2] and typed[i - 2] == b:
                cost = min(cost, previous[j - 2] + 1)
            current.append(cost)
        previous, row = row, current
    return row[-1]


def _distance(word, vocabulary):
    """Slips from the word typed to the nearest word of a topic, or None if too far."""
    if word in vocabulary:
        return 0
    if len(word) < SHORTEST_TYPO:
        return None
    allowed = 2 if len(word) >= LONG_WORD else 1
    nearest = min((slips(word, known) for known in vocabulary), default=allowed + 1)
    return nearest if nearest <= allowed else None


def find_topics(typed, topics):
    """What was typed against (slug, title) pairs, in their order.

    Returns (found, matches, close): the one topic meant, or else the topics
    whose name contains what was typed, or else those close to a typo.
    """
    wanted = " ".join(typed.split()).lower()
    for slug, title in topics:
        if wanted in (slug, title.lower()):
            return (slug, title), [], []
    matches = [(slug, title) for slug, title in topics if wanted in title.lower() or wanted in slug]
    if len(matches) == 1:
        return matches[0], [], []
    if matches:
        return None, matches, []
    typed_words = words(wanted)
    scored = []
    for index, (slug, title) in enumerate(topics):
        vocabulary = set(words(title)) | set(words(slug))
        distances = [_distance(word, vocabulary) for word in typed_words]
        if distances and None not in distances:
            scored.append((sum(distances), index, (slug, title)))
    return None, [], [topic for _score, _index, topic in sorted(scored)]
