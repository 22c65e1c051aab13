"""Offers: the recruiter's pages to prepare, send and withdraw them, and the candidate's page
to answer one through a signed link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..access import get_application_for_offer, get_application_for_pipeline, get_offer_for
from ..accounts.links import link_unusable, signed_link
from ..models import ChangedMeanwhile, LinkError, Offer
from ..ratelimit import limit_candidate_posts
from . import offers
from .forms import DeclineForm, DidNotStartForm, OfferForm


@never_cache
@login_required
def offer_prepare(request, application_id):
    application = get_application_for_offer(request.user, application_id)
    earlier = list(application.offers.all())
    # A revised offer, after the candidate declined, starts from the one they declined.
    revised = offers.last_declined(earlier) if offers.reopens(application) else None
    form = OfferForm(
        request.POST or None,
        zone_name=request.user.time_zone,
        application=application,
        revised=revised,
    )
    # A form sent is shown again whatever changed since its page was opened: what was typed stays.
    allowed = request.method == "POST" or offers.can_prepare(application, earlier)
    meanwhile = None
    if request.method == "POST" and form.is_valid():
        try:
            offers.prepare(application, request.user, **form.offer_fields())
        except ChangedMeanwhile as changed:
            form.add_offer_error(changed)
            meanwhile = changed.current
        except ValidationError as error:
            form.add_offer_error(error)
        else:
            messages.success(request, _("Offer drafted. Check it, then send it to the candidate."))
            return redirect(application)
    context = {
        "form": form,
        "application": application,
        "allowed": allowed,
        "meanwhile": meanwhile,
    }
    status = 409 if meanwhile else 400 if form.errors else 200
    return render(request, "hiring/offers/offer_form.html", context, status=status)


@never_cache
@login_required
def offer_edit(request, application_id, offer_id):
    offer = get_offer_for(request.user, application_id, offer_id)
    form = OfferForm(request.POST or None, zone_name=request.user.time_zone, offer=offer)
    allowed = request.method == "POST" or offer.status == offer.Status.DRAFT
    # The version the page was opened on (offers.edit checks it).
    based_on = request.POST.get("based_on") if request.method == "POST" else None
    meanwhile = None
    if request.method == "POST" and form.is_valid():
        try:
            offers.edit(offer, request.user, **form.offer_fields(), based_on=based_on)
        except ChangedMeanwhile as changed:
            form.add_offer_error(changed)
            meanwhile = changed.current
            based_on = offers.version(meanwhile)  # saving again replaces it
        except ValidationError as error:
            form.add_offer_error(error)
        else:
            messages.success(request, _("Draft offer saved."))
            return redirect(offer.application)
    based_on = offers.version(offer) if based_on is None else based_on
    return _edit_page(request, offer, form, allowed, based_on, meanwhile)


def _edit_page(request, offer, form, allowed, based_on, meanwhile=None):
    context = {
        "form": form,
        "application": offer.application,
        "offer": offer,
        "allowed": allowed,
        "based_on": based_on,
        "meanwhile": meanwhile,
    }
    status = 409 if meanwhile else 400 if form.errors else 200
    return render(request, "hiring/offers/offer_form.html", context, status=status)


def _draft_to_mend(request, offer, error):
    """The draft's form with what is wrong with its fields (`error`'s) beside each, to edit."""
    form = OfferForm.of_draft(offer, request.user.time_zone)
    if form.is_valid():  # its own check reads the same rules: a guard, not a path
        form.add_offer_error(error)
    return _edit_page(request, offer, form, True, offers.version(offer))


@never_cache
@login_required
def offer_send(request, application_id, offer_id):
    """GET: the email as the candidate will read it, to confirm; POST: send it."""
    offer = get_offer_for(request.user, application_id, offer_id)
    if request.method == "POST":
        try:
            offers.send(offer, request.user, request.POST.get("previewed", ""))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                return _draft_to_mend(request, offer, error)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Offer sent to %(candidate)s.") % {"candidate": offer.application.candidate},
            )
            return redirect(offer.application)
        return redirect("offer_send", application_id, offer_id)  # to read again, as it is now
    if offer.status == Offer.Status.DRAFT:
        # Its dates read again now: the candidate may have set their zone since it was saved.
        try:
            offers.check_draft(offer, request.user)
        except ValidationError as error:
            return _draft_to_mend(request, offer, error)
    subject, body = offers.preview(offer, request.user)
    context = {
        "offer": offer,
        "application": offer.application,
        "subject": subject,
        "body": body,
        "previewed": offers.fingerprint(offer, subject, body),
    }
    return render(request, "hiring/offers/offer_send.html", context)


@never_cache
@login_required
def offer_withdraw(request, application_id, offer_id):
    """GET: confirm; POST: withdraw the offer."""
    offer = get_offer_for(request.user, application_id, offer_id)
    if request.method == "POST":
        try:
            withdrawn = offers.withdraw(offer, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if withdrawn:
                messages.success(request, _("Offer withdrawn. You can prepare a new one."))
            else:
                messages.success(
                    request, _("This offer was already withdrawn. You can prepare a new one.")
                )
        return redirect(offer.application)
    context = {"offer": offer, "application": offer.application}
    return render(request, "hiring/offers/offer_withdraw.html", context)


@never_cache
@login_required
def did_not_start(request, application_id):
    """GET: ask why and when; POST: record that the hire does not start. Whoever moves the
    application through its stages records it (get_application_for_pipeline)."""
    application = get_application_for_pipeline(request.user, application_id)
    form = DidNotStartForm(request.POST or None, zone_name=request.user.zone_name)
    if request.method == "POST" and form.is_valid():
        try:
            offers.did_not_start(application, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Recorded: %(candidate)s does not start. The application is withdrawn.")
                % {"candidate": application.candidate},
            )
            return redirect(application)
    context = {
        "form": form,
        "application": application,
        "refused": offers.why_no_did_not_start(application),
    }
    status = 400 if form.errors else 200
    return render(request, "hiring/offers/did_not_start.html", context, status=status)


# The candidate's pages: public, through the signed link in the offer email.


@never_cache
@signed_link(offers.offer_for_link, "offer link")
def offer_answer(request, offer, token):
    return render(request, "hiring/offers/offer_answer.html", _answer_context(offer, token))


@never_cache
@limit_candidate_posts
def offer_accept(request, token):
    """GET: ask the candidate to confirm; POST: accept (sent twice: accepted once, and
    welcomed both times)."""
    posted = request.method == "POST"
    try:
        offer = offers.offer_for_link(token, Offer.Status.ACCEPTED if posted else None)
        context = _answer_context(offer, token)
        if posted:
            offer = offers.accept(offer)
            return render(request, "hiring/offers/offer_answered.html", {**context, "offer": offer})
    except LinkError as error:
        return link_unusable(request, "offer link", error)
    return render(request, "hiring/offers/offer_confirm.html", {**context, "answer": "accept"})


@never_cache
@limit_candidate_posts
def offer_decline(request, token):
    """GET: ask the candidate to confirm, with a reason if they like; POST: decline, even once
    the offer expired while they wrote (offers.decline). A reason that can't be recorded (the
    offer was withdrawn meanwhile, say) is shown back to them with why, not lost."""
    try:
        return _decline(request, token)
    except LinkError as error:
        typed = request.POST.get("reason", "").strip()
        if not typed:
            return link_unusable(request, "offer link", error)
        context = {"reason": error, "typed": typed}
        return render(request, "hiring/offers/decline_not_recorded.html", context, status=410)


def _decline(request, token):
    posted = request.method == "POST"
    offer = offers.offer_for_link(token, Offer.Status.DECLINED if posted else None)
    context = _answer_context(offer, token)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = offers.decline(offer, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            return render(request, "hiring/offers/offer_answered.html", {**context, "offer": offer})
    context.update(answer="decline", form=form)
    status = 400 if form.errors else 200
    return render(request, "hiring/offers/offer_confirm.html", context, status=status)


def _answer_context(offer, token):
    candidate = offer.application.candidate
    return {
        "offer": offer,
        "token": token,
        "application": offer.application,
        "zone_name": candidate.zone_name,
    }
