"""A link's code as a receptionist reads it aloud: each letter by the NATO
alphabet and each digit as a word, one group of four at a time, so that
"0V75" is heard as "zero, Victor, seven, five" and never "OV75".

Codes use Crockford's alphabet (no I, L, O or U), so every word here is one
a patient can tell from the others on a poor phone line.
"""

NATO = {
    "A": "Alpha", "B": "Bravo", "C": "Charlie", "D": "Delta", "E": "Echo", "F": "Foxtrot", "G": "Golf",
    "H": "Hotel", "I": "India", "J": "Juliet", "K": "Kilo", "L": "Lima", "M": "Mike", "N": "November",
    "O": "Oscar", "P": "Papa", "Q": "Quebec", "R": "Romeo", "S": "Sierra", "T": "Tango", "U": "Uniform",
    "V": "Victor", "W": "Whiskey", "X": "X-ray", "Y": "Yankee", "Z": "Zulu",
}  # fmt: skip
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def spoken(character):
    return DIGITS[int(character)] if character.isdigit() else NATO[character.upper()]


def read_aloud(code):
    """[("0 V 7 5", "zero, Victor, seven, five"), ...] for a grouped code
    like 0V75-K3M9-QXPA; [] for anything else (an old mixed-case token)."""
    groups = code.split("-")
    if not all(group.isalnum() and group.isascii() and group == group.upper() for group in groups):
        return []
    return [(" ".join(group), ", ".join(spoken(ch) for ch in group)) for group in groups]
