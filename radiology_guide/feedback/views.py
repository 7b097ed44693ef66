"""'Was this page useful?': a yes or no from any guide page, then an optional comment.

Why the form carries no CSRF token (``csrf_exempt``): the question sits on
every guide page, and those pages come from the full-page cache
(core/pagecache.py), which never stores a page that holds a CSRF token (it
would be one reader's token served to everyone), and a token would need a
cookie, which this site does not set for readers. What CSRF protection
is for, another site making a reader's browser post here, is checked
directly instead: the browser's ``Sec-Fetch-Site`` header (or, from an older
browser, ``Origin``, then ``Referer``) must say the post came from this site.
Every answer also counts against a per-address rate limit, as enquiries do.
The worst a forged or scripted post could do is add one false answer.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from radiology_guide.core import ratelimit
from radiology_guide.feedback.forms import CommentForm
from radiology_guide.feedback.models import PageFeedback

SALT = "feedback-answer"
COMMENT_HOURS = 1  # how long the "tell us more" form stays open after an answer
# The pages the question appears on (templates/includes/feedback.html).
PAGES = {"home", "section", "procedure", "procedures", "compare", "faqs", "glossary", "contact"}
# The largest honest post: a 1,000-character comment of 4-byte characters,
# percent-encoded, is 12,000 bytes. Anything bigger is refused on its
# Content-Length, before Django reads the body (a multipart upload would
# otherwise be written to a temporary file, whatever its size).
MAX_BODY_BYTES = 16 * 1024


def _same_site(request):
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    here = f"{request.scheme}://{request.get_host()}"
    origin = request.headers.get("Origin")
    if origin:
        return origin == here or origin in settings.CSRF_TRUSTED_ORIGINS
    return request.headers.get("Referer", "").startswith(here + "/")


def _is_guide_page(path):
    if not path.startswith("/") or path.startswith("//") or len(path) > 200:
        return False
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.namespace == "guide" and match.url_name in PAGES


def _too_large(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def _refuse(request, status, reason):
    return render(request, "feedback/not_recorded.html", {"reason": reason}, status=status)


@csrf_exempt
@require_POST
def answer(request):
    if _too_large(request):
        return _refuse(request, 413, "too large")
    if not _same_site(request):
        return _refuse(request, 403, "elsewhere")
    path, useful = request.POST.get("page", ""), request.POST.get("useful")
    if useful not in ("yes", "no") or not _is_guide_page(path):
        return _refuse(request, 400, "invalid")
    if ratelimit.over_limit("feedback", request, settings.FEEDBACK_RATE_LIMIT):
        return _refuse(request, 429, "busy")
    feedback = PageFeedback.objects.create(path=path, useful=useful == "yes")
    return redirect("feedback:thanks", token=signing.dumps(feedback.pk, salt=SALT))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def thanks(request, token):
    if request.method == "POST" and _too_large(request):
        return _refuse(request, 413, "too large")
    try:
        pk = signing.loads(token, salt=SALT, max_age=COMMENT_HOURS * 3600)
    except signing.BadSignature:
        raise Http404 from None
    feedback = get_object_or_404(PageFeedback, pk=pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not _same_site(request):
            return _refuse(request, 403, "elsewhere")
        if form.is_valid():
            comment = form.cleaned_data["comment"].strip()
            if comment and not feedback.comment:  # one comment per answer
                if ratelimit.over_limit("feedback", request, settings.FEEDBACK_RATE_LIMIT):
                    return _refuse(request, 429, "busy")
                feedback.comment = comment
                feedback.save(update_fields=["comment"])
            return redirect(reverse("feedback:thanks", args=[token]) + "?sent=1")
    context = {"feedback": feedback, "form": form, "sent": "sent" in request.GET}
    return render(request, "feedback/thanks.html", context, status=400 if form.errors else 200)
