"""The site's illustrations: one registry, the only place that says which
picture shows on which page.

Each entry names an SVG file in ``static/img/illustrations/``, the words a
patient reads with it (a title and, for a picture with steps, the steps as a
numbered list) and the text alternative a screen reader reads instead of it.
Pages are named by slug, so no content file changes: a figure for a page that
does not exist (yet) simply never shows.

The pictures are drawn into each page's stored HTML when pages are rendered
(``guide/prerender.py``), so after changing this list or a file run
``manage.py sync_content``, as every release does. docs/illustrations.md says
how the pictures are drawn.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DIRECTORY = "img/illustrations"


class _SvgFile:
    """What every picture here shares: an SVG file in static/img/illustrations/."""

    file: str

    @property
    def static_path(self) -> str:
        return f"{DIRECTORY}/{self.file}"

    @property
    def path(self) -> Path:
        return Path(settings.BASE_DIR) / "static" / self.static_path

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) from the file's viewBox, for the <img>'s width and
        height attributes, so the page does not jump when the picture loads."""
        return _viewbox_size(self.path)


@dataclass(frozen=True)
class Figure(_SvgFile):
    slug: str
    file: str  # a name in static/img/illustrations/
    title: str  # shown as the caption
    alt: str  # read out instead of the picture
    pages: tuple[str, ...]
    steps: tuple[str, ...] = ()  # a step diagram's steps, also shown as text


@functools.cache
def _viewbox_size(path: Path) -> tuple[int, int]:
    found = re.search(r'viewBox="0 0 (\d+) (\d+)"', path.read_text(encoding="utf-8"))
    if not found:
        raise ValueError(f"{path} has no viewBox starting at 0 0")
    return int(found.group(1)), int(found.group(2))


# Pages that show a thin tube going in through an artery in the groin or wrist.
CATHETER_PAGES = (
    "interventional-radiology",
    "angioplasty-and-stenting",
    "embolisation",
    "uterine-fibroid-embolisation",
    "tace",
    "sirt",
    "prostate-artery-embolisation",
)
BIOPSY_PAGES = (
    "image-guided-biopsy",
    "lung-biopsy",
    "liver-biopsy",
    "kidney-biopsy",
    "breast-biopsy",
    "thyroid-biopsy",
)

FIGURES = (
    Figure(
        slug="two-sides",
        file="two-sides.svg",
        title="The two sides of radiology: one side takes pictures to find out what is wrong. "
        "The other side uses pictures to guide a treatment.",
        alt="Two pictures side by side. Looking: a person lies on a scanner bed that goes through a ring, "
        "and a doctor looks at the picture on a screen. Treating: a doctor passes a thin tube into the top "
        "of a person's leg while watching a screen that shows their blood vessels.",
        pages=("two-sides-of-radiology",),
    ),
    Figure(
        slug="x-ray",
        file="x-ray.svg",
        title="An X-ray: you stand or lie still for a moment while the machine takes a picture.",
        alt="A person stands with their chest against a flat plate. "
        "An X-ray tube on a stand points at their back from a short distance away.",
        pages=("x-ray-and-fluoroscopy", "barium-swallow-and-meal", "barium-enema"),
    ),
    Figure(
        slug="mammogram",
        file="mammogram.svg",
        title="A mammogram: you stand at the machine. For a few seconds, two flat plates press your breast "
        "to hold it still.",
        alt="A person in a gown stands facing the machine and holds a handle. Their breast rests between "
        "two flat plates. The X-ray tube is above.",
        pages=("mammogram",),
    ),
    Figure(
        slug="ct-scanner",
        file="ct-scanner.svg",
        title="A CT scanner is a ring, not a tunnel. The bed moves you slowly through it.",
        alt="A person lies on their back on a narrow bed. The bed slides through a large, short ring. "
        "Their head and feet stay outside the ring.",
        pages=(
            "ct-scan",
            "ct-colonography",
            "ct-angiography",
            "ct-coronary-angiography",
            "ct-urogram",
            "lung-health-check",
        ),
    ),
    Figure(
        slug="mri-scanner",
        file="mri-scanner.svg",
        title="An MRI scanner is a short tube that is open at both ends. It is light inside.",
        alt="A person lies on a bed that goes into a short, wide tube. The tube is open at both ends. "
        "Their head is inside, near the far end, and their legs are outside the near end.",
        pages=("mri-scan",),
    ),
    Figure(
        slug="mri-scanner-body",
        file="mri-scanner.svg",
        title="An MRI scanner is a short tube that is open at both ends. "
        "The part of your body being scanned lies in the middle of the tube.",
        alt="A person lies on a bed that goes into a short, wide tube. The tube is open at both ends. "
        "Their chest and tummy are inside the tube, and their legs are outside the near end.",
        pages=("cardiac-mri", "prostate-mri"),
    ),
    Figure(
        slug="ultrasound",
        file="ultrasound.svg",
        title="An ultrasound scan: a small probe with cool gel is moved over your skin.",
        alt="A person lies on a couch. A sonographer holds a small probe on their tummy "
        "and looks at the picture on a screen beside them.",
        pages=("ultrasound-scan",),
    ),
    Figure(
        slug="ultrasound-doppler",
        file="ultrasound.svg",
        title="A Doppler scan uses the same small probe and cool gel as other ultrasound scans. "
        "It is moved over your leg or your neck.",
        alt="A person lies on a couch. A sonographer holds a small probe on their body "
        "and looks at the picture on a screen beside them.",
        pages=("doppler-ultrasound",),
    ),
    Figure(
        slug="ultrasound-breast",
        file="ultrasound.svg",
        title="A breast ultrasound: you lie on a couch while a small probe with cool gel is moved over your breast.",
        alt="A person lies on their back on a couch. A sonographer holds a small probe on their upper body "
        "and looks at the picture on a screen beside them.",
        pages=("breast-ultrasound-and-mri",),
    ),
    Figure(
        slug="gamma-camera",
        file="gamma-camera.svg",
        title="A gamma camera: you lie on a bed and the camera comes close to you, but does not touch you. "
        "A PET scanner is a short ring, like a CT scanner.",
        alt="A person lies on their back on a bed. Two flat camera heads sit above and below "
        "their body, close to them but not touching.",
        pages=("nuclear-medicine-and-pet",),
    ),
    Figure(
        slug="dexa-scan",
        file="dexa-scan.svg",
        title="A DEXA scan: you lie on an open table while the scanner arm moves slowly over you. "
        "Nothing goes around you.",
        alt="A person lies on their back on a long, flat table, with their knees raised on a foam block. "
        "A scanner arm sits above their tummy without touching them. An arrow shows that it moves along the table.",
        pages=("dexa-scan",),
    ),
    Figure(
        slug="catheter-route",
        file="catheter-route.svg",
        title="How a thin tube reaches the part of your body being treated.",
        alt="An outline of a body with its main arteries. A thin tube goes in at the top of the leg, "
        "or at the wrist, and runs inside the arteries to a target in the liver. "
        "Numbers on the picture match the steps.",
        pages=CATHETER_PAGES,
        steps=(
            "The doctor numbs a small patch of skin at the top of your leg or at your wrist. "
            "A thin, soft tube, called a catheter, goes into the artery there.",
            "Watching a screen, the doctor steers the tube inside your arteries to the right place.",
            "The treatment goes in through the tube. You do not feel the tube moving inside you.",
        ),
    ),
    Figure(
        slug="needle-biopsy",
        file="needle-biopsy.svg",
        title="A biopsy guided by a scan: the picture shows the doctor where to put the needle.",
        alt="A doctor holds an ultrasound probe on a person's skin with one hand and a thin needle "
        "in the other. A screen shows the needle reaching a small lump.",
        pages=BIOPSY_PAGES,
        steps=(
            "A scan finds the exact spot to take the sample from.",
            "The doctor numbs your skin with a small injection.",
            "Watching the scan, the doctor guides a thin needle to the spot.",
            "The needle takes a tiny piece of tissue, and a lab looks at it under a microscope.",
        ),
    ),
    Figure(
        slug="scan-guided-injection",
        file="needle-biopsy.svg",
        title="An injection guided by a scan: the picture shows the doctor exactly where the needle is.",
        alt="A doctor holds an ultrasound probe on a person's skin with one hand and a thin needle "
        "in the other. A screen shows the needle reaching the spot to be injected.",
        pages=("joint-and-soft-tissue-injections", "arthrogram"),
    ),
    Figure(
        slug="ablation",
        file="ablation.svg",
        title="Tumour ablation: guided by a scan, a thin needle goes into the tumour and heats or freezes it.",
        alt="A cut-away view under the skin. An ultrasound probe on the skin shows a round tumour. "
        "A thin needle goes through the skin into the middle of the tumour. Dashed rings around it "
        "show the area that is treated, which takes in a small edge around the tumour.",
        pages=("tumour-ablation",),
    ),
    Figure(
        slug="drain",
        file="drain.svg",
        title="A drain: a thin tube, put in with the help of a scan, lets fluid out into a bag.",
        alt="A cut-away view under the skin. A thin tube goes through the skin into a pocket of fluid. "
        "Its end curls up to keep it in place. Outside, the tube runs down to a bag that collects the fluid. "
        "An ultrasound probe on the skin shows the way.",
        pages=("image-guided-drainage", "nephrostomy", "biliary-drainage-and-stents", "ascitic-and-pleural-drains"),
    ),
    Figure(
        slug="picc-line",
        file="picc-line.svg",
        title="A PICC line goes in through a vein in your upper arm. "
        "Its tip sits in a large vein just above your heart.",
        alt="An outline of the upper body. A thin tube goes into a vein on the inside of the upper arm. "
        "It runs up the arm and across the chest to a large vein just above the heart. "
        "The end outside the body is covered with a dressing.",
        pages=("picc-and-central-lines",),
    ),
    Figure(
        slug="team-meeting",
        file="team-meeting.svg",
        title="In a team meeting, a radiologist shows your scans to the other doctors and nurses "
        "who look after you. Together they plan your care.",
        alt="A meeting room. A radiologist stands by a large screen and points at a scan. "
        "Three other members of the team sit at a table and talk about it.",
        pages=("working-together",),
    ),
    Figure(
        slug="with-a-child",
        file="with-a-child.svg",
        title="A parent or carer can often stay with a child during a scan. A favourite toy can help too.",
        alt="A child lies on a scanner couch. A parent sits by their head and holds their hand. "
        "A toy bear sits at the end of the couch.",
        pages=("children-and-young-people",),
    ),
    Figure(
        slug="scan-day",
        file="scan-day.svg",
        title="Your day when you have a scan.",
        alt="Three pictures in a row. First, a person reads a letter at home. "
        "Next, they lie on a scanner bed. Last, a doctor talks to them about the results.",
        pages=("what-to-expect", "diagnostic-radiology", "getting-your-results"),
        steps=(
            "Before: read your letter. It says if you need to stop eating or drinking, and for how long.",
            "During: you lie still on the bed for a few minutes. Staff can see and hear you all the time.",
            "After: most people go straight home. A report on your scan goes to the doctor who sent you.",
        ),
    ),
    Figure(
        slug="treatment-day",
        file="treatment-day.svg",
        title="Your day when you have a treatment.",
        alt="Three pictures in a row. First, a nurse checks a person in. "
        "Next, a doctor treats them while they lie on a bed beside a screen. "
        "Last, they rest in bed with someone nearby.",
        pages=("what-to-expect", "interventional-radiology"),
        steps=(
            "Before: a nurse checks your medicines and you sign a form to say yes to the treatment.",
            "During: you lie on a bed. You may have medicine to help you relax, and the skin is numbed.",
            "After: you rest for a few hours while nurses check on you. Many people go home the same day.",
        ),
    ),
)

_BY_PAGE: dict[str, list[Figure]] = {}
for _figure in FIGURES:
    for _slug in _figure.pages:
        _BY_PAGE.setdefault(_slug, []).append(_figure)


def for_page(slug: str) -> list[Figure]:
    """The figures a page shows, in the order above (an empty list for most)."""
    return _BY_PAGE.get(slug, [])


# ---------------------------------------------------------------------------
# Easy Read pictures (guide/easy_read.py): one beside each idea. Small and
# simple, in the same house style; the words beside a picture say the idea,
# and ``alt`` says what the picture shows, for someone who cannot see it.


@dataclass(frozen=True)
class Picture(_SvgFile):
    slug: str  # what an idea names: <!-- picture: phone -->
    file: str  # a name in static/img/illustrations/
    alt: str


PICTURES = (
    # The machines, from the standard pages' pictures.
    Picture("x-ray", "x-ray.svg", "A person stands against a flat plate. An X-ray machine points at them."),
    Picture("ct-scanner", "ct-scanner.svg", "A person lies on a bed that goes through a big ring."),
    Picture("mri-scanner", "mri-scanner.svg", "A person lies on a bed that goes into a short tube, open at both ends."),
    Picture("ultrasound", "ultrasound.svg", "A person lies on a couch. A worker holds a small probe on their tummy."),
    Picture("mammogram", "mammogram.svg", "A person stands at a machine. Their breast is between two flat plates."),
    Picture("biopsy", "needle-biopsy.svg", "A doctor holds a probe and a thin needle. A screen shows the needle."),
    Picture("drain", "drain.svg", "A thin tube goes through the skin into some fluid. The fluid runs out into a bag."),
    # Small pictures of one idea each.
    Picture("doctor-reads", "er-doctor-reads.svg", "A doctor looks at a picture of the inside of a body on a screen."),
    Picture("letter", "er-letter.svg", "A letter in an open envelope."),
    Picture("eat-and-drink", "er-eat-and-drink.svg", "A plate with food, and a cup."),
    Picture("no-food", "er-no-food.svg", "A plate with a knife and fork, crossed out."),
    Picture("water", "er-water.svg", "A glass of water."),
    Picture("medicines", "er-medicines.svg", "A pack of tablets and a medicine bottle."),
    Picture("no-metal", "er-no-metal.svg", "A watch, keys and a ring, crossed out."),
    Picture("friend", "er-friend.svg", "Two people stand side by side. One has a hand on the other's shoulder."),
    Picture("needle", "er-needle.svg", "A small needle for an injection."),
    Picture("headphones", "er-headphones.svg", "A pair of headphones."),
    Picture("card", "er-card.svg", "A small card with a picture of a heart on it."),
    Picture("talk", "er-talk.svg", "A person with a speech bubble, telling someone something."),
    Picture("rest", "er-rest.svg", "A person resting in a bed, with a pillow."),
    Picture("home", "er-home.svg", "A house with a door and windows."),
    Picture("lab", "er-lab.svg", "A microscope, for looking at very small things."),
    Picture("clock", "er-clock.svg", "A clock."),
    Picture("call-999", "er-call-999.svg", "A phone showing the number 999, and an ambulance."),
    Picture("phone", "er-phone.svg", "A phone."),
    Picture("calendar", "er-calendar.svg", "A calendar with one day ringed."),
)
PICTURES_BY_SLUG = {picture.slug: picture for picture in PICTURES}
